// Mocks as the page handles them: the JSON the user edits, split into what the engine takes
// (result / error / latency, or the Step Functions Local format) and local "Lambda"
// functions ({"State": {"function": "async (input) => ..."}}) that run in the worker.
// The mocks statelab generates for the Task states without one come from the engine's
// derive (statelab.js), not from here.
import { allStates } from './asl.js';

/** Set an own property, whatever its name: `__proto__` and `constructor` are state names too. */
function setOwn(obj, key, value) {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Split parsed mocks into {engineMocks, functions: {State: source}}. */
export function splitMocks(mocks) {
  const engineMocks = {};
  const functions = {};
  if (!mocks || typeof mocks !== 'object' || Array.isArray(mocks)) return { engineMocks: mocks, functions };
  if ('MockedResponses' in mocks || 'StateMachines' in mocks) return { engineMocks: mocks, functions };
  for (const [state, spec] of Object.entries(mocks)) {
    if (spec && typeof spec === 'object' && !Array.isArray(spec) && typeof spec.function === 'string') setOwn(functions, state, spec.function);
    else setOwn(engineMocks, state, spec);
  }
  return { engineMocks, functions };
}

/** The Task states of a definition: [{name, resource}]. */
export function taskStates(definition) {
  return allStates(definition)
    .filter((s) => s.state.Type === 'Task')
    .map((s) => ({ name: s.name, resource: typeof s.state.Resource === 'string' ? s.state.Resource : '' }));
}

/** Task states that have no mock (short form only; the SFN Local format is left alone). */
export function missingMocks(definition, mocks) {
  if (mocks && typeof mocks === 'object' && ('MockedResponses' in mocks || 'StateMachines' in mocks)) return [];
  const have = mocks && typeof mocks === 'object' ? mocks : {};
  // A "*" entry answers every Task it does not name (as the engine reads it).
  if (Object.hasOwn(have, '*')) return [];
  return taskStates(definition).filter((t) => !Object.hasOwn(have, t.name));
}

/** The states whose mocks are JS functions, in parsed mocks: {State: source}. */
export function functionsIn(mocks) {
  return mocks ? splitMocks(mocks).functions : {};
}

/**
 * Mocks with the given entries ({State: mock}) set, the others kept: a new object (own
 * properties, whatever the names). Non-object mocks count as none.
 */
export function withMocks(mocks, entries) {
  const out = {};
  if (mocks && typeof mocks === 'object' && !Array.isArray(mocks)) for (const [k, v] of Object.entries(mocks)) setOwn(out, k, v);
  for (const [k, v] of Object.entries(entries)) setOwn(out, k, v);
  return out;
}

/**
 * Where each member of a JSON object's text is, by key: [{key, from, to}] (offsets of the
 * key's opening quote and of the end of its value), for the object at the top level; []
 * when the text is not an object. Used to mark parts of the mocks editor.
 */
export function memberSpans(text) {
  const out = [];
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n && /\s/.test(text[i])) i++;
  };
  const string = () => {
    const start = i++;
    while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return text.slice(start, i);
  };
  // Skip one value: a string, or anything up to the comma or brace that ends it at this depth.
  const value = () => {
    let depth = 0;
    while (i < n) {
      const c = text[i];
      if (c === '"') {
        string();
        if (depth === 0) return;
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        if (depth === 0) return;
        depth--;
        if (depth === 0) {
          i++;
          return;
        }
      } else if (c === ',' && depth === 0) return;
      i++;
    }
  };
  ws();
  if (text[i] !== '{') return out;
  i++;
  for (;;) {
    ws();
    if (text[i] !== '"') return out;
    const from = i;
    let key;
    try {
      key = JSON.parse(string());
    } catch {
      return out;
    }
    ws();
    if (text[i] !== ':') return out;
    i++;
    ws();
    value();
    let to = i;
    while (to > from && /\s/.test(text[to - 1])) to--;
    out.push({ key, from, to });
    ws();
    if (text[i] !== ',') return out;
    i++;
  }
}
