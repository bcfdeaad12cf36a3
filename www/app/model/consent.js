// Whose code is it? The mocks' JavaScript functions run only when the user approved their
// exact code, known by its SHA-256: by typing it in the mocks editor, or by allowing it in the
// consent box. This module has no DOM: it finds each function's source in the mocks text (as
// the characters of its JSON string, to tell typed code from code that arrived), and hashes.

/** The SHA-256 of a text, as 64 hex digits (crypto.subtle: a secure context, https or localhost). */
export async function sha256(text) {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new Error(
      'JavaScript mocks run only on a secure page (https, or http on localhost): the consent to run them is bound to a SHA-256 of the code, which needs crypto.subtle',
    );
  }
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A scanner over valid JSON text: each value with where it is. */
function scanner(text) {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  function string() {
    const from = i;
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return { kind: 'string', from, to: i, value: JSON.parse(text.slice(from, i)) };
  }
  function value() {
    ws();
    const c = text[i];
    if (c === '"') return string();
    if (c === '{' || c === '[') {
      const from = i;
      const entries = [];
      i++;
      ws();
      const close = c === '{' ? '}' : ']';
      while (text[i] !== close) {
        let key = null;
        if (c === '{') {
          key = string().value;
          ws();
          i++; // :
        }
        entries.push([key, value()]);
        ws();
        if (text[i] === ',') {
          i++;
          ws();
        }
      }
      i++;
      return { kind: c === '{' ? 'object' : 'array', from, to: i, entries };
    }
    const from = i;
    while (i < text.length && !',]} \t\n\r'.includes(text[i])) i++;
    return { kind: 'other', from, to: i };
  }
  return value;
}

/**
 * The JS functions of a mocks text, as the page runs them (model/mocks.js, splitMocks):
 * [{state, source, from, to}], from-to the characters of the JSON string that holds the
 * source. [] when the text is not JSON, or not the short form keyed by state name.
 */
export function functionLiterals(text) {
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || 'MockedResponses' in parsed || 'StateMachines' in parsed) return [];
  const root = scanner(text)();
  // A repeated key counts once, its last value, as JSON.parse reads it.
  const last = (entries) => new Map(entries);
  const out = [];
  for (const [state, spec] of last(root.entries)) {
    if (spec.kind !== 'object') continue;
    const fn = last(spec.entries).get('function');
    if (fn?.kind === 'string') out.push({ state, source: fn.value, from: fn.from, to: fn.to });
  }
  return out;
}

/** Does any of the ranges ([[from, to]], sorted) touch the characters from-to? */
export function overlaps(ranges, from, to) {
  return ranges.some(([a, b]) => a < to && b > from);
}
