// The mocks checked as the user types (no DOM): what the engine accepts (src/mock.rs,
// Mocks::from_value, and the `Files` section, src/files/mod.rs, Files::from_value), said
// with the engine's own words at a JSON Pointer, so that the editor underlines the place
// before any run. The engine stops at its first problem; this lists them all, the engine's
// first one first (tests/js/mockcheck.test.mjs holds the two to the same verdicts). Entries
// that are JS functions ({"function": "..."}) never reach the engine (model/mocks.js,
// splitMocks) and are not checked here. Also: a mock named after no Task state, with the
// nearest state name ("did you mean").
import { escapeToken } from './jsontext.js';

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const ptr = (base, k) => (k === '' ? base : `${base}/${escapeToken(k)}`);
const MAX_KEY_BYTES = 1024;

/** Why `name` is not an S3 bucket name, if it is not (as the engine says it). */
function badBucketName(name) {
  if (name.length < 3 || name.length > 63) return 'it must be 3 to 63 characters long';
  if (!/^[a-z0-9.-]*$/.test(name)) return 'it may hold only lowercase letters, digits, dots and hyphens';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return 'it must start and end with a letter or a digit';
  return null;
}

function checkFiles(section, out) {
  if (!isObject(section)) {
    out.push({ pointer: '/Files', message: 'the files must be an object of buckets, each an object of keys' });
    return;
  }
  for (const [bucket, objects] of Object.entries(section)) {
    const bp = ptr('/Files', bucket);
    const why = badBucketName(bucket);
    if (why) out.push({ pointer: bp, at: 'key', message: `'${bucket}' is not a bucket name: ${why}` });
    else if (!isObject(objects)) out.push({ pointer: bp, message: `bucket '${bucket}' must be an object of keys and contents` });
    else
      for (const key of Object.keys(objects)) {
        const bytes = new TextEncoder().encode(key).length;
        if (bytes === 0 || bytes > MAX_KEY_BYTES) out.push({ pointer: `${bp}/${escapeToken(key)}`, at: 'key', message: `an object key is 1 to ${MAX_KEY_BYTES} bytes long` });
      }
  }
}

/** One response's problem: [field ('' for the response itself), message], or null. */
function responseProblem(e) {
  if (!isObject(e)) return ['', 'a response must be an object'];
  const field = Object.hasOwn(e, 'LatencySeconds') ? 'LatencySeconds' : 'latency';
  if (Object.hasOwn(e, field)) {
    const l = e[field];
    if (typeof l === 'number') {
      if (!(l >= 0 && Number.isFinite(l))) return [field, 'the latency must be a non-negative number of seconds'];
    } else if (Array.isArray(l) && l.length === 2) {
      const [a, b] = l;
      if (!(typeof a === 'number' && typeof b === 'number' && a >= 0 && a <= b)) return [field, 'a latency range must be [min, max] seconds with 0 <= min <= max'];
    } else return [field, 'the latency must be seconds, or a [min, max] range'];
  }
  if (Object.hasOwn(e, 'Return') || Object.hasOwn(e, 'result')) return null;
  if (Object.hasOwn(e, 'Throw')) return isObject(e.Throw) ? null : ['Throw', "'Throw' must be an object with 'Error' and 'Cause'"];
  if (Object.hasOwn(e, 'error')) return null;
  return ['', "a response needs 'Return' (or 'result'), or 'Throw' (or 'error')"];
}

/** An invocation index or range ("0", "1-2") as the engine reads it (u32, min <= max). */
function isRange(s) {
  const n = (t) => {
    const x = t.trim();
    return /^\+?\d+$/.test(x) && Number(x) <= 4294967295 ? Number(x) : null;
  };
  const dash = s.indexOf('-');
  if (dash < 0) return n(s) !== null;
  const a = n(s.slice(0, dash));
  const b = n(s.slice(dash + 1));
  return a !== null && b !== null && a <= b;
}

function checkStepFunctionsLocal(mocks, out) {
  for (const key of ['MockedResponses', 'StateMachines'])
    if (!isObject(mocks[key])) {
      out.push({ pointer: `/${key}`, message: `the mock configuration has no '${key}' object` });
      return;
    }
  const cases = [];
  for (const [m, machine] of Object.entries(mocks.StateMachines))
    if (isObject(machine) && isObject(machine.TestCases)) for (const [name, states] of Object.entries(machine.TestCases)) cases.push({ name, states, machine: m });
  if (cases.length !== 1) {
    out.push({ pointer: '/StateMachines', message: 'the mock configuration has several test cases: pick one with --test-case' });
    return;
  }
  const { name, states, machine } = cases[0];
  const casePtr = ptr(ptr(ptr('/StateMachines', machine), 'TestCases'), name);
  if (!isObject(states)) {
    out.push({ pointer: casePtr, message: `test case '${name}' must map state names to mocked response names` });
    return;
  }
  const seen = new Set();
  for (const [state, respName] of Object.entries(states)) {
    const inCase = (m) => out.push({ pointer: ptr(casePtr, state), message: `test case '${name}', state '${state}': ${m}` });
    if (typeof respName !== 'string') {
      inCase('the response name must be a string');
      continue;
    }
    const resp = Object.hasOwn(mocks.MockedResponses, respName) ? mocks.MockedResponses[respName] : undefined;
    if (!isObject(resp)) {
      inCase(`no mocked response '${respName}'`);
      continue;
    }
    if (seen.has(respName)) continue;
    seen.add(respName);
    for (const [range, e] of Object.entries(resp)) {
      const at = ptr(ptr('/MockedResponses', respName), range);
      const say = `mocked response '${respName}', invocation ${range}: `;
      if (!isRange(range)) {
        out.push({ pointer: at, at: 'key', message: `${say}not an invocation index or range such as "0" or "1-2"` });
        continue;
      }
      const p = responseProblem(e);
      if (p) out.push({ pointer: ptr(at, p[0]), at: p[0] ? 'key' : 'value', message: say + p[1] });
    }
  }
}

/**
 * The problems of parsed mocks, as the engine would find them: [{pointer, message, at}]
 * (`at`: 'key' to mark the member's key, else its value), the engine's first one first.
 * `mocks` is the JSON value of the mocks text (null: no mocks).
 */
export function mockProblems(mocks) {
  const out = [];
  if (mocks === null) return out;
  if (!isObject(mocks)) return [{ pointer: '', message: 'the mock configuration must be a JSON object' }];
  const sfnLocal = Object.hasOwn(mocks, 'MockedResponses') || Object.hasOwn(mocks, 'StateMachines');
  if (!sfnLocal && Object.hasOwn(mocks, 'Files')) checkFiles(mocks.Files, out);
  if (sfnLocal) {
    checkStepFunctionsLocal(mocks, out);
    return out;
  }
  for (const [state, spec] of Object.entries(mocks)) {
    if (state === 'Files') continue;
    // A JS function: run by the page's sandbox, never handed to the engine.
    if (isObject(spec) && typeof spec.function === 'string') continue;
    const listed = Array.isArray(spec);
    const list = listed ? spec : [spec];
    if (list.length === 0) {
      out.push({ pointer: ptr('', state), message: `mocks for state '${state}': the list of responses is empty` });
      continue;
    }
    list.forEach((e, i) => {
      const p = responseProblem(e);
      if (!p) return;
      const base = listed ? `${ptr('', state)}/${i}` : ptr('', state);
      out.push({ pointer: ptr(base, p[0]), at: p[0] ? 'key' : 'value', message: `mocks for state '${state}', response ${i}: ${p[1]}` });
    });
  }
  return out;
}

/** Levenshtein distance, for "did you mean". */
export function distance(a, b) {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length];
}

/** The name among `names` nearest to `word` (case counts little), if one is near enough to be a typo. */
export function nearest(word, names) {
  let best = null;
  let bestD = Infinity;
  for (const n of names) {
    const d = n.toLowerCase() === word.toLowerCase() ? 0.5 : distance(word, n);
    if (d < bestD) {
      best = n;
      bestD = d;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}

/**
 * Short-form mocks named after no Task state of the definition: [{name, message, suggestion}]
 * (the "*" entry and the Files section are not states). `states`: [{name, type}] of every
 * state of the definition, at every depth.
 */
export function strayNames(mocks, states) {
  if (!isObject(mocks) || Object.hasOwn(mocks, 'MockedResponses') || Object.hasOwn(mocks, 'StateMachines')) return [];
  const tasks = states.filter((s) => s.type === 'Task').map((s) => s.name);
  const out = [];
  for (const name of Object.keys(mocks)) {
    if (name === '*' || name === 'Files' || tasks.includes(name)) continue;
    const other = states.find((s) => s.name === name);
    const suggestion = nearest(name, tasks);
    let message;
    if (other) message = `'${name}' is a ${other.type} state, not a Task: this mock is never used`;
    else if (suggestion) message = `No Task state is named '${name}': did you mean '${suggestion}'?`;
    else message = `No Task state is named '${name}': this mock is never used${tasks.length ? ` (Task states: ${tasks.join(', ')})` : ''}`;
    out.push({ name, message, suggestion });
  }
  return out;
}
