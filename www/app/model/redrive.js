// Redrive in the page (no DOM; loaded with the first redrive, app/redrive.js): why a run
// cannot be redriven, and a redriven execution's attempts on one timeline. The engine gives a redriven attempt's events with
// ids after the previous ones, and its spans and lanes on the execution's time axis but
// numbered from 0; here they are put after the earlier attempts': a lane of the new attempt
// is the earlier one of the same parent lane, state and index (a Map's iteration run again
// stays on its row), and the earlier attempts' spans are kept, marked `earlier`.

/** How many times the execution of these events was redriven (its last ExecutionRedriven's redriveCount; 0 if none). */
export function redriveCountOf(events) {
  for (let i = (events?.length ?? 0) - 1; i >= 0; i--) {
    const e = events[i];
    if (e.type === 'ExecutionRedriven') return e.executionRedrivenEventDetails?.redriveCount ?? 0;
  }
  return 0;
}

/**
 * The joining of a new attempt to the earlier ones (`before`: {events, spans, lanes} as the
 * page shows them). Returns join(next): the whole execution from the new attempt's lists so
 * far ({events, spans, lanes}, which grow while it runs): every earlier span marked
 * `earlier`, the new attempt's spans and lanes renumbered after them, each new span with its
 * `attempt` (the redrive count). Given a result's `mapRunChildren`, it joins them too.
 */
export function attemptJoiner(before, attempt) {
  const lanes = before.lanes.slice();
  const spans = before.spans.map((s) => (s.earlier ? s : { ...s, earlier: true, attempt: s.attempt ?? attempt - 1 }));
  // The earlier lanes by parent lane, state and index: a new lane that is one of them joins it.
  const byPlace = new Map();
  const placeOf = (parent, state) => {
    let m = byPlace.get(parent)?.get(state);
    if (!m) {
      if (!byPlace.has(parent)) byPlace.set(parent, new Map());
      m = new Map();
      byPlace.get(parent).set(state, m);
    }
    return m;
  };
  lanes.forEach((l, id) => {
    if (l.parent !== null && l.parent !== undefined) placeOf(l.parent, l.state).set(l.index, id);
  });
  const laneOf = []; // the new attempt's lane id -> the joined lane id
  const base = spans.length;
  const mapped = new WeakMap(); // a new attempt's span -> its joined form (a span changes by being replaced)
  const renumber = (s) => {
    let m = mapped.get(s);
    if (!m) {
      m = { ...s, id: s.id + base, parent: s.parent === null || s.parent === undefined ? s.parent : s.parent + base, lane: laneOf[s.lane] ?? s.lane, attempt };
      mapped.set(s, m);
    }
    return m;
  };
  const events = before.events.slice(); // grows with the new attempt's events, as a run's list does
  return function join(next) {
    for (let i = laneOf.length; i < next.lanes.length; i++) {
      const l = next.lanes[i];
      if (l.parent === null || l.parent === undefined) {
        laneOf[i] = 0;
        continue;
      }
      const parent = laneOf[l.parent];
      const place = placeOf(parent, l.state);
      let id = place.get(l.index);
      if (id === undefined) {
        id = lanes.length;
        lanes.push({ ...l, parent });
        place.set(l.index, id);
      }
      laneOf[i] = id;
    }
    for (let i = events.length - before.events.length; i < next.events.length; i++) {
      const e = next.events[i];
      events.push(e.lane === undefined || laneOf[e.lane] === undefined ? e : { ...e, lane: laneOf[e.lane] });
    }
    const joined = { events, spans: spans.concat(next.spans.map(renumber)), lanes: lanes.slice() };
    // A result's distributed Maps' children (their Map visits' spans and lanes renumbered too;
    // a child whose history the worker keeps, an index entry, takes the lanes' renumbering
    // with it: model/maprun.js childEvents applies it).
    if (next.mapRunChildren) {
      const lane = (e) => (laneOf[e.lane] === undefined ? e : { ...e, lane: laneOf[e.lane] });
      const lanes = laneOf.slice();
      const again = next.mapRunChildren.map((c) => ({ ...c, mapSpan: c.mapSpan + base, ...(c.events ? { events: c.events.map(lane) } : { laneOf: lanes }) }));
      joined.mapRunChildren = (before.result?.mapRunChildren ?? []).concat(again);
    }
    return joined;
  };
}

/** The statuses AWS's RedriveExecution takes. */
const REDRIVABLE = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

/** Why `run` (the store's) cannot be redriven now, or null when it can. */
export function whyNotRedrivable(run, running) {
  const ended = 'Redrive continues a run that ended failed, timed out or aborted';
  if (running) return `A run is going: ${ended}`;
  if (!run?.result) return `${ended}: run the workflow first`;
  if (!run.ran) return 'This run was not started here: it cannot be redriven';
  const status = run.result.status;
  if (!REDRIVABLE.has(status)) return `The run ${status === 'SUCCEEDED' ? 'succeeded' : `is ${status}`}: AWS redrives only executions that failed, timed out or were aborted`;
  return null;
}
