// What a redrive needs of the execution before it, for statelab.js's redrive() and run()'s
// `redrive` option: loaded with the first redrive (the full engine is loaded by then).

/**
 * What a redrive of `previous` ({result, mocks}, see redrive()) needs, on the full engine `g`:
 * the result's `redrive`, or the previous run simulated again with its mocks (an ABORTED one
 * up to the time it was stopped at, its durationMs, and stopped there). Throws
 * ExecutionNotRedrivable for an execution that succeeded.
 */
export function priorOf(g, definition, input, previous, engine) {
  const result = previous?.result;
  const succeeded = () => new Error('ExecutionNotRedrivable: Execution is SUCCEEDED and cannot be redriven');
  if (result?.redrive !== undefined) return result.redrive;
  if (result?.status === 'SUCCEEDED') throw succeeded();
  if (previous?.mocks === undefined) {
    throw new TypeError('redrive: previous needs the result of a full-engine run (with its redrive) or the mocks the run had');
  }
  const stopAt = result?.status === 'ABORTED' ? result.durationMs : undefined;
  const session = new g.Session(definition, input, previous.mocks, engine);
  try {
    session.start();
    for (let d = session.nextDeadline(); d !== undefined && !(d > stopAt); d = session.nextDeadline()) session.stepTo(d);
    if (stopAt !== undefined && !session.done) session.stop();
    const prior = session.redriveState();
    if (prior === undefined && session.status === 'SUCCEEDED') throw succeeded();
    if (prior === undefined) throw new Error('redrive: the previous run, simulated again with its mocks, did not end (it waits for an answer no mock gives)');
    return prior;
  } finally {
    session.free();
  }
}
