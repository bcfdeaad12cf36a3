// The worker's keeping of Map Run children's own histories for the page (worker.js's
// mapRunChildren: 'index'), loaded with the first result that has some.

const kept = new Map(); // kept id → the result's mapRunChildren
let last = 0;
const STATUS = { ExecutionSucceeded: 'SUCCEEDED', ExecutionFailed: 'FAILED', ExecutionAborted: 'ABORTED', ExecutionTimedOut: 'TIMED_OUT' };

/**
 * `result` with its mapRunChildren left out (how: 'none') or kept here ('index'): then the
 * result's mapRunChildren is [{mapSpan, index, complete, eventCount, status (of its last
 * event), kept (which result's), at (its place there)}].
 */
export function withChildren(result, how) {
  const { mapRunChildren, ...rest } = result;
  if (how !== 'index') return rest;
  const id = ++last;
  kept.set(id, mapRunChildren);
  rest.mapRunChildren = mapRunChildren.map((c, at) => ({
    mapSpan: c.mapSpan,
    index: c.index,
    complete: c.complete,
    eventCount: c.events.length,
    status: STATUS[c.events.at(-1)?.type] ?? 'RUNNING',
    kept: id,
    at,
  }));
  return rest;
}

/** {id, kept, at}: the child's events, or why not. */
export function mapRunChild(m) {
  const child = kept.get(m.kept)?.[m.at];
  if (child) postMessage({ id: m.id, ok: true, value: child.events });
  else postMessage({ id: m.id, ok: false, error: { message: 'this child execution’s history is no longer kept (a later run replaced it)' } });
}

/** {keep: [kept ids]}: the histories the page still needs. */
export function forget(m) {
  for (const k of kept.keys()) if (!m.keep?.includes(k)) kept.delete(k);
}
