// What the run's spans say about time, without the DOM: where Parallel and Map states join,
// how long each branch or iteration took against their sum, what a run cost, and the spans
// as they stood at an instant (the replay).
import { childCounts } from './lanes.js';

/** Where Parallel and Map states join their branches: [{lane, state, ms, count, what}]. */
export function joinsOf(spans, definitionStates) {
  const out = [];
  let counts = null; // the children of each state span, once a Parallel or Map needs them
  for (const s of spans) {
    if (s.kind !== 'state' || s.endMs === null || s.endMs === undefined) continue;
    const type = definitionStates.get(s.state);
    if (type !== 'Parallel' && type !== 'Map') continue;
    counts ||= childCounts(spans);
    out.push({ lane: s.lane, state: s.state, ms: s.endMs, count: counts.get(s.id) ?? 0, what: type === 'Parallel' ? 'branches' : 'iterations' });
  }
  return out;
}

/**
 * For each finished Parallel or Map state visit: how long each branch (iteration) took, the
 * longest, and their sum; the point a teacher makes: a Parallel takes its longest branch.
 * [{state, lane, type, ms, children: [{lane, ms, first}], longest, sum}]
 */
export function concurrencyOf(spans, stateTypes) {
  const steps = concurrencySteps(spans, stateTypes);
  let r = steps.next();
  while (!r.done) r = steps.next();
  return r.value;
}

/** Spans (or children) between two pauses of concurrencySteps. */
const STEP = 1000;

/**
 * concurrencyOf as steps: a generator that pauses (yields) after every thousand spans or
 * children, so that a caller can spread a Map of 10,000 iterations over several tasks; its
 * return value is concurrencyOf's.
 */
export function* concurrencySteps(spans, stateTypes) {
  let work = 0;
  const visits = [];
  for (const s of spans) {
    if (++work % STEP === 0) yield;
    if (s.kind !== 'state' || s.endMs === null || s.endMs === undefined) continue;
    const type = stateTypes.get(s.state);
    if (type === 'Parallel' || type === 'Map') visits.push([s, type]);
  }
  if (!visits.length) return [];
  // The children of each state span (childrenOf), in steps.
  const children = new Map();
  for (const s of spans) {
    if (++work % STEP === 0) yield;
    if (s.kind !== 'state' || s.parent === null || s.parent === undefined) continue;
    let byIndex = children.get(s.parent);
    if (!byIndex) {
      byIndex = new Map();
      children.set(s.parent, byIndex);
    }
    const list = byIndex.get(s.index);
    if (list) list.push(s);
    else byIndex.set(s.index, [s]);
  }
  const out = [];
  for (const [s, type] of visits) {
    const byIndex = children.get(s.id);
    if (!byIndex) continue;
    let failed = null;
    const list = [];
    for (const [index, states] of byIndex) {
      if (++work % STEP === 0) yield;
      let start = Infinity;
      let end = -Infinity;
      let first = null;
      for (const c of states) {
        if (!failed && c.status === 'failed') failed = c;
        if (c.startMs < start) {
          start = c.startMs;
          first = c.state;
        }
        end = Math.max(end, c.endMs ?? s.endMs);
      }
      list.push({ index, lane: states[0].lane, ms: end - start, first });
    }
    const sorted = list.sort((a, b) => a.index - b.index).map(({ lane, ms, first }) => ({ lane, ms, first }));
    let longest = -Infinity;
    let sum = 0;
    for (const c of sorted) {
      longest = Math.max(longest, c.ms);
      sum += c.ms;
    }
    out.push({ state: s.state, lane: s.lane, type, status: s.status, failedState: failed?.state, ms: s.endMs - s.startMs, children: sorted, longest, sum });
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
