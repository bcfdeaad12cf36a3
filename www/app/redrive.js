// Redrive in the page, loaded with the first one (run.js's redrive()): the run shown, which
// ended FAILED, TIMED_OUT or ABORTED, goes on as AWS's RedriveExecution continues it, in the
// engine's worker through run()'s `redrive` option (the full engine's Session.redrive), from
// the result's `redrive` or, for a core run, the run simulated again with its mocks (an
// aborted one up to where it stopped). Its attempt is joined to the earlier ones on one
// history and timeline (model/redrive.js).
import { splitMocks } from './model/mocks.js';
import { HISTORY_BYTES } from './model/events.js';
import { isRunning } from './model/status.js';
import { attemptJoiner, redriveCountOf, whyNotRedrivable } from './model/redrive.js';
import { workOf, toast } from './state.js';

/**
 * Redrive the run shown, which ended FAILED, TIMED_OUT or ABORTED, as AWS's RedriveExecution
 * does: the same definition, input and options as it ran with, the mocks as they are now (the
 * user fixed one), at its end on the virtual clock and the speed chosen. The attempt continues
 * the run's history and timeline (model/redrive.js); a refusal (ExecutionNotRedrivable) is
 * said, and the run stays shown.
 */
export async function redriveRun({ store, engine, editors, current, ticket: nextTicket, isTicket, newId, setSandbox, endSandbox, sandboxFor, stopReplay, handlersOf }) {
  const earlier = current();
  const why = whyNotRedrivable(earlier, isRunning(earlier));
  if (why) {
    toast(store, why, true);
    throw new Error(why);
  }
  endSandbox();
  const ticket = nextTicket();
  const claimed = editors.claimTyped?.();
  const work = workOf(store.get());
  const refuse = (message, tab) => {
    if (tab) store.update({ editorTab: tab });
    toast(store, `Not redriven: ${message}`, true, { sticky: true });
    return new Error(message);
  };
  let mocks;
  try {
    mocks = JSON.parse(work.mocks || '{}');
  } catch (e) {
    throw refuse(`the mocks are not valid JSON: ${e.message}`, 'mocks');
  }
  const { ran, result: ended } = earlier;
  // Where the run stood: the full engine's result says it; else the run is simulated again
  // with its mocks, which a run of JS functions cannot be (their answers are not kept).
  if (ended.redrive === undefined && ran.functions) {
    throw refuse('this run called JavaScript mock functions, whose answers are not kept, so where it stood cannot be found again: run it again, then redrive');
  }
  const { engineMocks, functions } = splitMocks(mocks);
  const names = Object.keys(functions);
  let box = null;
  let settings = {};
  if (names.length) {
    ({ box, settings } = await sandboxFor(functions, mocks, claimed, ticket));
    setSandbox(box);
  }
  const chosen = work.settings.speed;
  const instant = chosen === 'instant';
  let callbacks = [];
  let cb = null;
  if (!instant && /waitForTaskToken|:activity:/.test(ran.definition)) {
    cb = await import('./model/callbacks.js');
    callbacks = cb.callbackStates(JSON.parse(ran.definition), mocks);
  }
  const attempt = redriveCountOf(earlier.events) + 1;
  const previous = { result: { status: ended.status, durationMs: ended.durationMs, redrive: ended.redrive }, mocks: ran.mocks };
  const options = {
    seed: earlier.seed,
    speed: instant ? 1 : Number(chosen),
    paused: false,
    recordSteps: true,
    criticalPath: true,
    sequential: earlier.sequential,
    historyBytes: HISTORY_BYTES,
    instant,
    type: ran.type,
    ...(callbacks.length ? { callbacks } : {}),
    // The machines it ran with: a redriven task that starts one runs its child again.
    ...(ran.machines ? { machines: ran.machines } : {}),
    redrive: { previous, afterMs: 0 },
  };
  stopReplay();
  if (!isTicket(ticket)) {
    endSandbox(box);
    throw new Error('another run started');
  }
  const id = newId();
  const join = attemptJoiner(earlier, attempt);
  const run = {
    id,
    rev: 0,
    ...join({ events: [], spans: [], lanes: [] }),
    nowMs: ended.durationMs,
    result: null,
    error: null,
    paused: false,
    startedAt: performance.now(),
    sequential: earlier.sequential,
    seed: earlier.seed,
    ran: { ...ran, mocks: engineMocks, functions: names.length > 0 },
    attempt,
  };
  store.update({ run, playhead: null });
  return new Promise((resolve, reject) => {
    const refused = (message) => {
      // AWS's refusal: the execution stays as it was.
      store.update((s) => (s.run?.id === id ? { run: earlier, runsEnded: s.runsEnded + 1 } : null));
      toast(store, `Not redriven: ${message}`, true, { sticky: true });
      reject(new Error(message));
    };
    const handlers = handlersOf(
      { id, box, work: { ...work, definition: ran.definition, input: ran.input }, engineMocks, functions, type: ran.type, callbacks, cb, join, refused },
      resolve,
      reject,
    );
    engine.start(ran.definition, ran.input, engineMocks, options, settings, handlers);
  });
}
