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

/** The most distinct payload data a run's history keeps on the page (the engine's historyBytes). */
export const HISTORY_BYTES = 32 * 2 ** 20;
const BUDGET = `${HISTORY_BYTES / 2 ** 20} MiB`;
/** What the page says where a payload was left out of a run's history. */
export const NOT_KEPT = `Not kept: this run's history passed ${BUDGET} of data.`;
/** The notice of a result with historyTruncated (the Result and Events tabs). */
export const HISTORY_TRUNCATED = `History truncated: this run passed ${BUDGET} of history data, so some inputs and outputs are not kept (the run itself is complete).`;

/**
 * The payload fields an event's details left out of the history: ['input'] for
 * {name, inputDetails: {truncated: true}} (the engine writes `<field>Details` so for a
 * field it left out).
 */
export function elidedFields(details) {
  if (!details || typeof details !== 'object') return [];
  return Object.keys(details)
    .filter((k) => k.endsWith('Details') && details[k]?.truncated === true && !(k.slice(0, -7) in details))
    .map((k) => k.slice(0, -7));
}
