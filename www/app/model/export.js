// What the page exports, without the DOM: the mocks as a Step Functions Local mock
// configuration, the run's events as GetExecutionHistory gives them, and the files' names.
import { taskStates } from './mocks.js';

// A short-form mock list repeats its last response for ever; a Step Functions Local response
// covers the invocations its key names. The last one covers every invocation up to this
// index, more than an execution can make: an invocation writes at least three events
// (scheduled, started, its end), an execution's history holds 25,000 and its child
// executions write at most 5,000,000 in all (the engine's limit).
export const LAST_INVOCATION = 9999999;

/** Is this the Step Functions Local format (the engine reads either)? */
export function isStepFunctionsLocal(mocks) {
  return !!mocks && typeof mocks === 'object' && !Array.isArray(mocks) && ('MockedResponses' in mocks || 'StateMachines' in mocks);
}

/** A name Step Functions takes for a state machine: letters, digits, - and _ (at most 80). */
export function machineName(name) {
  const n = String(name ?? '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return n || 'StateMachine';
}

/** A short-form response as Step Functions Local writes it: Return or Throw, and LatencySeconds. */
function localResponse(r) {
  if (!r || typeof r !== 'object' || Array.isArray(r)) return r;
  const out = {};
  if ('Return' in r) out.Return = r.Return;
  else if ('result' in r) out.Return = r.result;
  else if ('Throw' in r) out.Throw = r.Throw;
  else if ('error' in r) {
    out.Throw = {};
    if (r.error !== undefined && r.error !== null) out.Throw.Error = r.error;
    if (r.cause !== undefined && r.cause !== null) out.Throw.Cause = r.cause;
  }
  const latency = 'LatencySeconds' in r ? r.LatencySeconds : r.latency;
  if (latency !== undefined) out.LatencySeconds = latency;
  return out;
}

/**
 * The mocks (parsed, either format) as a Step Functions Local mock configuration: one state
 * machine (`machine`) with one test case (`testCase`) that maps each mocked Task state to a
 * response of its own name. A short-form list becomes invocations "0", "1", ... with the last
 * one covering the invocations after it, as the short form repeats it; the "*" entry is
 * written out for each Task state of `definition` without a mock of its own; the files
 * (`Files`) stay. Mocks already in that format are given back as they are.
 * Returns {config, functions: [states whose mock is JS, left out], missing: [Task states
 * with no mock]}.
 */
export function toStepFunctionsLocal(mocks, definition, { machine = 'StateMachine', testCase = 'statelab' } = {}) {
  const tasks = taskStates(definition).map((t) => t.name);
  if (isStepFunctionsLocal(mocks)) return { config: mocks, functions: [], missing: [] };
  const given = mocks && typeof mocks === 'object' && !Array.isArray(mocks) ? mocks : {};
  const states = {};
  const responses = {};
  const functions = [];
  const entries = Object.entries(given).filter(([k]) => k !== 'Files' && k !== '*');
  if (Object.hasOwn(given, '*')) for (const t of tasks) if (!Object.hasOwn(given, t)) entries.push([t, given['*']]);
  for (const [state, spec] of entries) {
    const list = Array.isArray(spec) ? spec : [spec];
    if (list.some((r) => r && typeof r === 'object' && typeof r.function === 'string')) {
      functions.push(state);
      continue;
    }
    if (!list.length) continue;
    const out = {};
    list.forEach((r, i) => {
      out[i === list.length - 1 ? `${i}-${LAST_INVOCATION}` : String(i)] = localResponse(r);
    });
    Object.defineProperty(states, state, { value: state, enumerable: true, writable: true, configurable: true });
    Object.defineProperty(responses, state, { value: out, enumerable: true, writable: true, configurable: true });
  }
  const config = { StateMachines: { [machineName(machine)]: { TestCases: { [testCase]: states } } }, MockedResponses: responses };
  if (Object.hasOwn(given, 'Files')) config.Files = given.Files;
  const missing = tasks.filter((t) => !Object.hasOwn(states, t) && !functions.includes(t));
  return { config, functions, missing };
}

/**
 * The run's events as GetExecutionHistory answers: {events: [...]}, each event without the
 * fields the page adds (ms, lane, state).
 */
export function executionHistory(events) {
  return { events: (events || []).map(({ ms, lane, state, ...event }) => event) };
}

/** A file name from a workspace's name: no path separators or odd characters. */
export function fileBase(name) {
  const n = String(name ?? '')
    .trim()
    .replace(/[\\/:*?"<>|\s]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
    .slice(0, 80);
  return n || 'statelab';
}
