// Callback tasks in the page: a `.waitForTaskToken` Task or an Activity that has no mock waits,
// in a real-time run, for the user to answer it in the Callbacks tab (SendTaskSuccess,
// SendTaskFailure, SendTaskHeartbeat), while workflow time runs on (run() of statelab.js,
// options.callbacks). No DOM. Loaded by run.js for a definition with a callback Task only.
import { allStates } from './asl.js';

/** Does a Task resource wait for a callback: the `.waitForTaskToken` pattern, or an Activity? */
export function isCallbackResource(resource) {
  return typeof resource === 'string' && (resource.endsWith('.waitForTaskToken') || /^arn:[^:]+:states:[^:]*:[^:]*:activity:/.test(resource));
}

/**
 * The states whose Tasks wait for the user: callback Tasks without a mock in the (parsed,
 * short-form) mocks. A Step Functions Local mock file, or a "*" mock, answers them all.
 */
export function callbackStates(definition, mocks) {
  const m = mocks && typeof mocks === 'object' && !Array.isArray(mocks) ? mocks : {};
  if ('MockedResponses' in m || 'StateMachines' in m || Object.hasOwn(m, '*')) return [];
  const out = [];
  for (const { name, state } of allStates(definition)) {
    if (state.Type === 'Task' && isCallbackResource(state.Resource) && !Object.hasOwn(m, name) && !out.includes(name)) out.push(name);
  }
  return out;
}

/**
 * The lane id of a callback: the task request names its lane by the engine's label (one per
 * lane), which is looked up as a whole among the run's lanes, never taken apart.
 */
export function laneOf(callback, lanes) {
  const i = (lanes || []).findIndex((l) => (l?.label ?? '') === callback.lane);
  return Math.max(i, 0);
}

/**
 * Where a callback is, from the run's spans: 'waiting' while its Task attempt runs, else how
 * the attempt ended: 'succeeded' | 'failed' | 'timed-out' | 'cancelled' (with its error).
 */
export function callbackStatus(callback, spans, lanes) {
  const lane = laneOf(callback, lanes);
  const attempt = (spans || []).find((s) => s.kind === 'attempt' && s.lane === lane && s.state === callback.state && s.startMs === callback.atMs);
  if (!attempt || attempt.status === 'running') return { status: 'waiting' };
  if (attempt.status === 'succeeded') return { status: 'succeeded' };
  if (attempt.status === 'cancelled') return { status: 'cancelled' };
  const timedOut = attempt.error === 'States.Timeout' || attempt.error === 'States.HeartbeatTimeout';
  return { status: timedOut ? 'timed-out' : 'failed', error: attempt.error || null, cause: attempt.cause || null };
}

/** The heartbeat and timeout a callback's Task state sets (seconds; null when not set or from a path). */
export function callbackTimes(definition, name) {
  const st = allStates(definition).find((s) => s.name === name)?.state;
  const num = (v) => (typeof v === 'number' ? v : null);
  return { heartbeatSeconds: num(st?.HeartbeatSeconds), timeoutSeconds: num(st?.TimeoutSeconds) };
}

/**
 * The run's handlers for its callbacks (run.js): a callback that waits is added to the run
 * (`run.callbacks`, with what the user sent: `sent`), and the first opens the Callbacks tab;
 * an answer the engine took (ok) or refused is recorded. run(): the run while it is the
 * current one, else null; patch(fields): change it.
 */
export function runHandlers(store, run, patch) {
  return {
    onCallback: (c) => {
      const was = run()?.callbacks;
      if (!run()) return;
      patch({ callbacks: [...(was || []), { ...c, sent: [] }] });
      if (!was?.length) store.update({ resultTab: 'callbacks' });
    },
    onCallbackAnswered: (m) => {
      const r = run();
      if (r) patch({ callbacks: r.callbacks.map((c) => (c.id === m.callbackId ? { ...c, sent: [...c.sent, { ...m, atMs: r.nowMs }] } : c)) });
    },
  };
}
