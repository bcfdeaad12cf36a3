// The events of a run's history as the page lists them, without the DOM: each with the name of
// its state, and the groups the history's filter offers.

// annotate() of a list of events that only grows (a run's), kept between calls.
const annotated = new WeakMap();

/** Every event with the name of its state (the engine names it; '' for the execution's own). */
export function annotate(events) {
  let a = annotated.get(events);
  if (!a || a.length > events.length || (a.length && a[a.length - 1].event !== events[a.length - 1])) {
    a = [];
    annotated.set(events, a);
  }
  for (let i = a.length; i < events.length; i++) a.push({ event: events[i], name: events[i].state ?? '' });
  return a.length === events.length ? a : a.slice(0, events.length);
}

/** The history's filter groups: which events each shows. */
export const EVENT_GROUPS = {
  all: () => true,
  state: (e) => /State(Entered|Exited|Started|Succeeded|Failed|Aborted)$/.test(e.type),
  task: (e) => e.type.startsWith('Task') || e.type.startsWith('Lambda'),
  map: (e) => e.type.startsWith('Map') || e.type.startsWith('Parallel'),
  errors: (e) => isFailure(e),
};

/** A failure: an event of a failed, timed-out or aborted step. */
export function isFailure(e) {
  return /(Failed|TimedOut|Aborted)$/.test(e.type);
}
