// What the run's spans say about time, without the DOM: where Parallel and Map states join,
// how long each branch or iteration took against their sum, what a run cost, and the spans
// as they stood at an instant (the replay).
import { childCounts } from './lanes.js';

/** Where Parallel and Map states join their branches: [{lane, state, ms, count, what}]. */
export function joinsOf(spans, definitionStates) {
  const out = [];
  let counts = null; // the children of each state span, once a Parallel or Map needs them
  for (const s of spans) {
    if (s.kind !== 'state' || s.status !== 'succeeded') continue;
    const type = definitionStates.get(s.state);
    if (type !== 'Parallel' && type !== 'Map') continue;
    counts ||= childCounts(spans);
    out.push({ lane: s.lane, state: s.state, ms: s.endMs, count: counts.get(s.id) ?? 0, what: type === 'Parallel' ? 'branches' : 'iterations' });
  }
  return out;
}

/**
 * Cost beside time: Step Functions bills state transitions, and the Tasks' own running time
 * (all attempts added up, whichever branch they ran in) is what the services bill.
 * {transitions, taskMs}
 */
export function costOf(result) {
  const transitions = result.spans.filter((s) => s.kind === 'state').length;
  const taskMs = result.spans.filter((s) => s.kind === 'attempt').reduce((sum, s) => sum + ((s.endMs ?? s.startMs) - s.startMs), 0);
  return { transitions, taskMs };
}

/** The spans as they stood at virtual time `t`: later ones not begun, unfinished ones running. */
export function spansAt(spans, t) {
  const out = [];
  for (const s of spans) {
    if (s.startMs > t) continue;
    const done = s.endMs !== null && s.endMs !== undefined && s.endMs <= t;
    out.push(done ? s : { ...s, endMs: null, status: 'running', output: undefined });
  }
  return out;
}

/** The distinct instants at which events happened, in order. */
export function eventTimes(events) {
  return [...new Set((events || []).map((e) => e.ms))].sort((a, b) => a - b);
}
