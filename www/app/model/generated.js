// What statelab generated in the work: the parts of the input and the mocks it derived from
// the definition (the engine's derive, as `statelab run --auto`), which the user has not
// edited since. No DOM.
//
// The work keeps a record, work.generated (saved with the work and put in share links):
//   {input: null or {hash: of the input's value, from: 'statelab' (derived) or 'example'
//            (the input a gallery example came with), for: hash of the definition it was
//            made for},
//    mocks: {State: hash of the mock statelab wrote}, mocksFor: hash of the definition
//    they were made for}
// (Hashes of the values as compact JSON, not the values: a link does not carry them twice.)
// A part is untouched while the editor's value still hashes to the one recorded (values are
// compared: reformatting is no edit); the first edit makes it the user's, and statelab never
// writes over it. A run, or the "Fill in" button, derives:
//   - the input when the editor is empty or holds {}, or holds an untouched recorded input
//     made for another definition (an example's input once its definition is replaced, or a
//     generated one after the definition changed);
//   - a mock for each Task state without one, and again for the untouched generated mocks
//     when the definition changed (they follow it).
// A definition replaced by another workflow (a paste): ../replaced.js.
import { missingMocks } from './mocks.js';

export const NO_GENERATED = Object.freeze({ input: null, mocks: Object.freeze({}), mocksFor: null });

/** A short hash of a text (FNV-1a, 32 bits, hex): which definition the parts were made for. */
export function hashText(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** A value as the record holds it: the hash of its compact JSON. */
export const canonical = (value) => hashText(JSON.stringify(value) ?? 'undefined');

/** The value of a JSON text as the record holds it, or null when it does not parse. */
function canonicalText(text) {
  try {
    return canonical(JSON.parse(text));
  } catch {
    return null;
  }
}

/** A record read from a saved work or a link, checked: only what has the right types is kept. */
export function generatedOf(given) {
  if (!given || typeof given !== 'object') return NO_GENERATED;
  const str = (v) => (typeof v === 'string' ? v : null);
  const mocks = {};
  if (given.mocks && typeof given.mocks === 'object') {
    for (const [k, v] of Object.entries(given.mocks))
      if (typeof v === 'string') Object.defineProperty(mocks, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  const i = given.input;
  const input = i && typeof i === 'object' && typeof i.hash === 'string' ? { hash: i.hash, from: i.from === 'example' ? 'example' : 'statelab', for: str(i.for) } : null;
  return { input, mocks, mocksFor: str(given.mocksFor) };
}

/** Is the record empty (nothing to keep with the work)? */
export const isEmpty = (g) => !g || (!g.input && Object.keys(g.mocks).length === 0);

/** The input editor holds nothing given: empty, or {}. */
export const inputIsBlank = (text) => /^\s*(\{\s*\})?\s*$/.test(text);

/** Is the input editor's text the recorded input, unedited? */
export function inputUntouched(g, text) {
  return !!g?.input && canonicalText(text) === g.input.hash;
}

/** The mocks' states whose mock is the recorded generated one, unedited (parsed mocks). */
export function untouchedMocks(g, mocks) {
  if (!g || !mocks || typeof mocks !== 'object' || Array.isArray(mocks)) return [];
  return Object.keys(g.mocks).filter((name) => Object.hasOwn(mocks, name) && canonical(mocks[name]) === g.mocks[name]);
}

/**
 * What to ask derive for, for a run of `definition` (parsed) whose text hashes to `hash`
 * (the editors' texts: inputText, and mocks parsed):
 * {input: bool, regenerate: [states whose untouched generated mock is made again], mocked:
 * [states that keep their mock], missing: [Task states without a mock], needed: bool}.
 * wantInput false leaves the input alone whatever it is (the "Fill in" button); skip: Task
 * states left unmocked.
 */
export function plan(g, { definition, hash, inputText, mocks, wantInput = true, skip = [] }) {
  // An untouched recorded input is derived again for another definition only (a derived {}
  // stays, as blank as it looks); any other input only when it is blank.
  const untouched = inputUntouched(g, inputText);
  const input = wantInput && (untouched ? g.input.for !== hash : inputIsBlank(inputText));
  const changed = g.mocksFor !== hash;
  // A Step Functions Local mock file, or mocks that are no object (the engine says what is
  // wrong with them), are left alone.
  const sfnLocal = (mocks !== null && (typeof mocks !== 'object' || Array.isArray(mocks))) || (mocks && ('MockedResponses' in mocks || 'StateMachines' in mocks));
  const have = mocks && typeof mocks === 'object' && !Array.isArray(mocks) && !sfnLocal ? mocks : {};
  const regenerate = changed && !sfnLocal ? untouchedMocks(g, have) : [];
  const missing = sfnLocal
    ? []
    : missingMocks(definition, have)
        .map((t) => t.name)
        .filter((n) => !skip.includes(n));
  const mocked = [...Object.keys(have).filter((k) => !regenerate.includes(k)), ...skip.filter((n) => !Object.hasOwn(have, n))];
  return { input, regenerate, missing, mocked, needed: input || missing.length > 0 || regenerate.length > 0 };
}

/**
 * The record after derive gave `derived` ({input?, mocks}) for `p` (plan's answer): the
 * untouched parts kept, the new ones added, edited ones forgotten (they are the user's).
 */
export function recordAfter(g, p, derived, { hash, inputText, mocks }) {
  const kept = {};
  const set = (k, v) => Object.defineProperty(kept, k, { value: v, enumerable: true, writable: true, configurable: true });
  for (const name of untouchedMocks(g, mocks)) set(name, g.mocks[name]);
  for (const [name, mock] of Object.entries(derived.mocks || {})) set(name, canonical(mock));
  let input = inputUntouched(g, inputText) ? g.input : null;
  if (p.input && derived.input !== undefined) input = { hash: canonical(derived.input), from: 'statelab', for: hash };
  return { input, mocks: kept, mocksFor: Object.keys(kept).length ? hash : null };
}
