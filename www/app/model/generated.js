// What statelab generated in the work: the parts of the input and the mocks it derived from
// the definition (the engine's derive, as `statelab run --auto`), which the user has not
// edited since. No DOM.
//
// The work keeps a record, work.generated (saved with the work and put in share links):
//   {input: null or {hash: of the input's value, from: 'statelab' (derived) or 'example'
//            (the input a gallery example came with), for: hash of the definition it was
//            made for},
//    mocks: {State: hash of the mock statelab wrote}, mocksFor: hash of the definition
//    they were made for, exampleMocks: {State: hash of the mock a gallery example came with}}
// (Hashes of the values as compact JSON, not the values: a link does not carry them twice.)
// A part is untouched while the editor's value still hashes to the one recorded (values are
// compared: reformatting is no edit); the first edit makes it the user's, and statelab never
// writes over it. A run, or the "Fill in" button, derives:
//   - the input when the editor is empty or holds {}, or holds an untouched recorded input
//     made for another definition (an example's input once its definition is replaced, or a
//     generated one after the definition changed);
//   - a mock for each Task state without one, and again for the untouched generated mocks
//     when the definition changed (they follow it).
// An example's mocks are made for its workflow, not derived: they stay through edits of its
// definition. When the definition is replaced by another workflow (no state it has is one the
// mocks name: pasted or dropped over it), mocks that are all untouched (generated or the
// example's) are made again from the new definition; mocks the user edited are not, the
// page offers it (`replacedWorkflow`).
import { missingMocks } from './mocks.js';

export const NO_GENERATED = Object.freeze({ input: null, mocks: Object.freeze({}), mocksFor: null, exampleMocks: Object.freeze({}) });

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
  const hashes = (given) => {
    const out = {};
    if (given && typeof given === 'object') {
      for (const [k, v] of Object.entries(given)) if (typeof v === 'string') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
  const i = given.input;
  const input = i && typeof i === 'object' && typeof i.hash === 'string' ? { hash: i.hash, from: i.from === 'example' ? 'example' : 'statelab', for: str(i.for) } : null;
  return { input, mocks: hashes(given.mocks), mocksFor: str(given.mocksFor), exampleMocks: hashes(given.exampleMocks) };
}

/** The record of a gallery example's mocks (parsed), each as it came: {State: hash}. */
export function exampleMocksOf(mocks) {
  const out = {};
  if (!isShortForm(mocks)) return out;
  for (const [k, v] of Object.entries(mocks))
    if (k !== '*' && k !== 'Files') Object.defineProperty(out, k, { value: canonical(v), enumerable: true, writable: true, configurable: true });
  return out;
}

/** Mocks in the short form (keyed by state name), not a Step Functions Local mock file. */
function isShortForm(mocks) {
  return !!mocks && typeof mocks === 'object' && !Array.isArray(mocks) && !('MockedResponses' in mocks) && !('StateMachines' in mocks);
}

/**
 * Is the definition (`states`: the names of all its states) another workflow than the one the
 * mocks (parsed) were for: they name states, and none of them is one of its states? Then
 * {names: the states they name, untouched: each is an untouched generated or example mock};
 * else null. ('*' and Files are no state's.)
 */
export function replacedWorkflow(g, mocks, states) {
  if (!isShortForm(mocks)) return null;
  const names = Object.keys(mocks).filter((k) => k !== '*' && k !== 'Files');
  if (!names.length || names.some((n) => states.includes(n))) return null;
  const untouched = (n) => [g?.mocks, g?.exampleMocks].some((r) => r && Object.hasOwn(r, n) && canonical(mocks[n]) === r[n]);
  return { names, untouched: names.every(untouched) };
}

/** Is the record empty (nothing to keep with the work)? */
export const isEmpty = (g) => !g || (!g.input && Object.keys(g.mocks).length === 0 && Object.keys(g.exampleMocks ?? {}).length === 0);

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
  // The example's mocks still as they came.
  const exampleMocks = {};
  for (const [name, h] of Object.entries(g?.exampleMocks ?? {}))
    if (isShortForm(mocks) && Object.hasOwn(mocks, name) && canonical(mocks[name]) === h)
      Object.defineProperty(exampleMocks, name, { value: h, enumerable: true, writable: true, configurable: true });
  return { input, mocks: kept, mocksFor: Object.keys(kept).length ? hash : null, exampleMocks };
}
