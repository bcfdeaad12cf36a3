// Workspaces, without storage or DOM: their names, sizes and times as the list shows them, the
// record a workspace is saved as, and the work file a workspace is downloaded as.

/** The most a workspace may hold, as the JSON text it is saved as (UTF-8 bytes): larger work is not saved. */
export const MAX_WORKSPACE_BYTES = 8_000_000;

/** A name made from a definition is cut at a word to this many characters (a name given, to 100). */
const NAME_CHARS = 48;

/** A name cut to `max` characters at a word, with an ellipsis. */
export function shortName(text, max = NAME_CHARS) {
  const t = String(text).replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max);
  const at = cut.lastIndexOf(' ');
  return `${(at > 20 ? cut.slice(0, at) : cut).replace(/[\s,;:.-]+$/, '')}…`;
}

/**
 * The name a workspace gets from its definition (parsed, or null): the first clause of its
 * Comment ("Image pipeline: resize, ..." gives "Image pipeline"), else its first state, else
 * "Untitled".
 */
export function nameFromDefinition(parsed) {
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    if (typeof parsed.Comment === 'string' && parsed.Comment.trim()) {
      const clause = /^(.+?)(?:[:;]\s|\.\s|\.$|\s[-–—]\s|$)/.exec(parsed.Comment.trim());
      return shortName(clause ? clause[1] : parsed.Comment);
    }
    if (typeof parsed.StartAt === 'string' && parsed.StartAt.trim()) return shortName(parsed.StartAt);
  }
  return 'Untitled';
}

/** The name for a copy of a workspace named `name`, distinct from `taken` (the other names). */
export function copyName(name, taken) {
  const base = `${name.replace(/ \(copy(?: \d+)?\)$/, '')} (copy)`;
  if (!taken.includes(base)) return base;
  for (let i = 2; ; i++) if (!taken.includes(`${base.slice(0, -1)} ${i})`)) return `${base.slice(0, -1)} ${i})`;
}

/** The UTF-8 length of a text, without encoding it. */
export function utf8Length(text) {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * When a workspace last changed, as the list says it: "just now", "5 min ago", "3 h ago",
 * "yesterday 14:05", "Tue 09:30" (this week), "3 Dec" (this year), "3 Dec 2025".
 */
export function whenText(ms, now = Date.now()) {
  const d = new Date(ms);
  const ago = now - ms;
  if (ago < 45_000) return 'just now';
  if (ago < 3_600_000) return `${Math.max(1, Math.round(ago / 60_000))} min ago`;
  const day = (t) => {
    const x = new Date(t);
    return new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime();
  };
  const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  const days = Math.round((day(now) - day(ms)) / 86_400_000);
  if (days <= 0) return ago < 6 * 3_600_000 ? `${Math.round(ago / 3_600_000)} h ago` : `today ${hm}`;
  if (days === 1) return `yesterday ${hm}`;
  if (days < 7) return `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getDay()]} ${hm}`;
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getMonth()];
  return d.getFullYear() === new Date(now).getFullYear() ? `${d.getDate()} ${month}` : `${d.getDate()} ${month} ${d.getFullYear()}`;
}

/** Workspaces' metadata, the last changed first. */
export function byLastChange(list) {
  return [...list].sort((a, b) => b.changed - a.changed || (a.id < b.id ? -1 : 1));
}

/** A new workspace id: time-ordered, and distinct across tabs. */
export function newId() {
  const rand = globalThis.crypto?.randomUUID ? crypto.randomUUID().slice(0, 8) : Math.random().toString(16).slice(2, 10);
  return `${Date.now().toString(36)}-${rand}`;
}

// ---------------------------------------------------------------- work files

/** What a downloaded workspace's file says it is. */
const FILE_KIND = 'statelab workspace';

/** The text of a workspace's file: its name and work (definition, input, mocks, settings, source). */
export function workFileText(name, work) {
  return `${JSON.stringify({ statelab: FILE_KIND, v: 1, name, ...work }, null, 2)}\n`;
}

/** A file name for a workspace's file: its name, made safe for file systems. */
export function workFileName(name) {
  const printable = [...String(name)].map((c) => (c.charCodeAt(0) < 32 ? ' ' : c)).join('');
  const safe =
    printable
      .replace(/[\\/:*?"<>|]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 80) || 'workspace';
  return `${safe}.statelab.json`;
}

/**
 * What a file holds: {kind: 'work', name, work} for a workspace's file (or a JSON object with a
 * string `definition`, as links hold), else {kind: 'definition', text} (a definition or a
 * template, JSON or YAML, for the definition editor).
 */
export function readWorkFile(text) {
  const t = text.replace(/^\uFEFF/, '');
  if (/^\s*\{/.test(t)) {
    let v = null;
    try {
      v = JSON.parse(t);
    } catch {
      v = null;
    }
    if (v && typeof v === 'object' && !Array.isArray(v) && typeof v.definition === 'string' && (v.statelab === FILE_KIND || !('States' in v))) {
      const { statelab: _, v: _v, name, ...work } = v;
      return { kind: 'work', name: typeof name === 'string' && name.trim() ? shortName(name) : null, work };
    }
  }
  return { kind: 'definition', text: t };
}
