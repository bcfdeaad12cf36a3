// Shareable links. Nothing leaves the browser: the work travels in the URL's hash.
//
//   #w=CODE        the work (definition, input, mocks, settings, source) as JSON, deflated
//                  (deflate-raw) and base64url-coded; parts equal to a new work's are left out.
//                  Links made before workspaces (the full work, {v: 1, ...}) read the same.
//   #example=ID    a gallery example as the gallery has it, unchanged; with the settings that
//                  differ from a new work's: &speed=5&seed=7&sequential=1&t=1500 (the replay
//                  position in ms).
//
// Reading is tolerant of what mail, chat and analytics do to a link: `=` padding, percent-
// encoding, line breaks, standard base64's + and /, and other parameters around it
// (`&utm_source=x`, also in the query string). A link that cannot be read throws a LinkError
// whose message says why. What a link decompresses to is capped (MAX_LINK_BYTES): the
// decompression stops there, so a small link cannot make the page hold hundreds of MB.

/** The most a link's work may hold, as JSON text (UTF-8 bytes): its decompression stops past it. */
export const MAX_LINK_BYTES = 8_000_000;
/**
 * The longest URL Chromium opens (2 MiB of characters, measured: a link of 2,090,026
 * characters opens in a new tab, one of 2,100,026 opens about:blank#blocked).
 */
export const MAX_URL_CHARS = 2 * 1024 * 1024;
/** Longer links open in Chromium, but chat apps, mail and some browsers may cut them. */
export const LONG_URL_CHARS = 100_000;

/** A link that cannot be read (or made): message says why ("it is cut short: ..."), code is one of the reasons below. */
export class LinkError extends Error {
  /** code: 'damaged' | 'cut-short' | 'too-big' | 'not-work' | 'empty' | 'no-example' */
  constructor(code, message) {
    super(message);
    this.name = 'LinkError';
    this.code = code;
  }
}

/** The settings of a new work (state.js): a link leaves out what equals them. */
const DEFAULT_SETTINGS = { speed: '1', seed: 1, sequential: false, type: 'STANDARD' };

/** Sizes as people read them: 812 KB, 2.4 MB (decimal units). */
export function fmtBytes(n) {
  if (n < 1000) return `${n} bytes`;
  if (n < 1_000_000) return `${Math.round(n / 1000)} KB`;
  return `${(n / 1_000_000).toFixed(1).replace(/\.0$/, '')} MB`;
}

function toB64url(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromB64url(text) {
  if (text.length % 4 === 1) throw new LinkError('cut-short', 'it is cut short or damaged: its code has a length no link has (was it copied whole?)');
  let s;
  try {
    s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    const bad = /[^A-Za-z0-9_-]/.exec(text);
    throw new LinkError('damaged', `it is damaged: its code holds ${bad ? `the character '${bad[0]}', which` : 'characters that'} no link holds`);
  }
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

async function deflate(bytes) {
  const out = new Response(new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw')));
  return new Uint8Array(await out.arrayBuffer());
}

/** Inflate at most `max` bytes: past them the stream is cancelled and a LinkError 'too-big' thrown. */
async function inflate(bytes, max) {
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    let next;
    try {
      next = await reader.read();
    } catch (e) {
      // Chromium: "Compressed input was truncated." (cut short) or "...not valid" / "Junk found..." (damaged).
      if (/truncat/i.test(String(e?.message))) throw new LinkError('cut-short', 'it is cut short: its data ends too early (was it copied whole?)');
      throw new LinkError('damaged', 'it is damaged: its data does not decompress');
    }
    if (next.done) break;
    total += next.value.length;
    if (total > max) {
      reader.cancel().catch(() => {});
      throw new LinkError('too-big', `it holds more than ${fmtBytes(max)} of work, more than a link may hold`);
    }
    chunks.push(next.value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * The work as a link holds it: what equals a new work's (empty input and mocks, default
 * settings) left out; the rest (source, generated, ...) as it is.
 */
export function compactWork(work) {
  const { v: _, definition, input, mocks, settings: given, ...rest } = work;
  const out = { v: 1, definition };
  // (Exactly what a work without them loads as: the text comes back the same.)
  if (input !== undefined && input !== '{}') out.input = input;
  if (mocks !== undefined && mocks !== '{}') out.mocks = mocks;
  const settings = {};
  for (const [k, v] of Object.entries(given || {})) if (DEFAULT_SETTINGS[k] !== v) settings[k] = v;
  if (Object.keys(settings).length) out.settings = settings;
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) out[k] = v;
  return out;
}

/** The code of a #w= link: the work compacted, deflated, base64url. */
export async function encodeWork(work) {
  const bytes = new TextEncoder().encode(JSON.stringify(compactWork(work)));
  if (bytes.length > MAX_LINK_BYTES) throw new LinkError('too-big', `the work is ${fmtBytes(bytes.length)}, more than the ${fmtBytes(MAX_LINK_BYTES)} a link may hold`);
  return toB64url(await deflate(bytes));
}

/** The work of a #w= code (old or new): {definition, input?, mocks?, settings?, source?}; throws a LinkError. */
export async function decodeWork(code, { maxBytes = MAX_LINK_BYTES } = {}) {
  const clean = cleanCode(code);
  if (!clean) throw new LinkError('empty', 'it holds no work: it ends where its code should start (was it cut short?)');
  const bytes = await inflate(fromB64url(clean), maxBytes);
  let work;
  try {
    work = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new LinkError('not-work', 'it does not hold a workflow: its data is not the JSON a statelab link holds');
  }
  if (!work || typeof work !== 'object' || typeof work.definition !== 'string') throw new LinkError('not-work', 'it does not hold a workflow (it has no definition)');
  return work;
}

/** A code as mail or chat may have changed it, back to base64url: percent-encoding, spaces and line breaks, padding, + and /. */
function cleanCode(code) {
  let c = String(code);
  for (let i = 0; i < 3 && /%[0-9A-Fa-f]{2}/.test(c); i++) {
    try {
      c = decodeURIComponent(c);
    } catch {
      break;
    }
  }
  return c.replace(/\s+/g, '').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

/** A 32-bit FNV-1a digest of a text, in hex: a short name for a long link. */
function fnv1a(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}

/** Decode a percent-encoded parameter, or keep it as it is when it is not valid percent-encoding. */
function decodeParam(s) {
  try {
    return decodeURIComponent(s.replace(/\+/g, '%20'));
  } catch {
    return s;
  }
}

/**
 * What a page address links to: {kind: 'w', code, key} (a work), {kind: 'example', id,
 * settings, key}, or null (no link: an empty hash, or one the page does not use). `key` names
 * the link, short, for telling it is the one a tab opened before. The hash is read
 * first, then the query string (a link whose # was turned into ? or lost on the way).
 */
export function readLink(hash = '', search = '') {
  for (const part of [hash.replace(/^#/, ''), search.replace(/^\?/, '')]) {
    if (!part) continue;
    // The whole fragment percent-encoded (w%3D...): decoded once before it is split.
    const text = /^(w|example)%3D/i.test(part) ? decodeParam(part) : part;
    const params = new Map();
    // Split on & and ; (some tools join parameters with ;); the code itself holds neither.
    for (const piece of text.split(/[&;]/)) {
      const at = piece.indexOf('=');
      const k = (at < 0 ? piece : piece.slice(0, at)).trim().toLowerCase();
      // The code keeps its trailing '=' padding: the first '=' separates name from value.
      if (k && !params.has(k)) params.set(k, at < 0 ? '' : piece.slice(at + 1));
    }
    if (params.has('w')) {
      const code = cleanCode(params.get('w'));
      return { kind: 'w', code, key: `w:${code.length}:${fnv1a(code)}` };
    }
    if (params.has('example')) {
      const id = decodeParam(params.get('example')).trim();
      const settings = {};
      const speed = params.get('speed');
      if (speed) settings.speed = decodeParam(speed);
      const seed = params.get('seed');
      if (seed !== undefined && Number.isFinite(Number(seed)) && seed !== '') settings.seed = Number(seed);
      if (params.has('sequential')) settings.sequential = !['0', 'false', 'no'].includes(params.get('sequential').toLowerCase());
      const t = params.get('t');
      if (t !== undefined && Number.isFinite(Number(t)) && t !== '') settings.playhead = Number(t);
      return { kind: 'example', id, settings, key: `example:${id}:${JSON.stringify(settings)}` };
    }
  }
  return null;
}

/** The hash of a short link to an unchanged gallery example, with the settings that differ from a new work's. */
export function exampleHash(id, settings = {}) {
  let h = `#example=${encodeURIComponent(id)}`;
  if (settings.speed !== undefined && settings.speed !== DEFAULT_SETTINGS.speed) h += `&speed=${encodeURIComponent(settings.speed)}`;
  if (settings.seed !== undefined && settings.seed !== DEFAULT_SETTINGS.seed) h += `&seed=${settings.seed}`;
  if (settings.sequential) h += '&sequential=1';
  if (Number.isFinite(settings.playhead)) h += `&t=${settings.playhead}`;
  return h;
}
