// The Result tab's "Where the time went" (panels/output.js): each Parallel and Map against the
// sum of its branches, and the sequential twin side by side. Loaded with the first finished run
// that has a Parallel or a Map: the first result waits for none of it.
import { fmtMs } from '../lib/format.js';
import { h } from '../lib/dom.js';
import { nextTask } from '../lib/tasks.js';
import { stateNamed } from '../model/asl.js';
import { renderTimeline } from './timeline.js';

const SLICE_MS = 6; // of work in one task (the notes of a Map of 10,000 iterations)

/** Spans (or children) between two pauses of concurrencySteps. */
const STEP = 1000;

/**
 * For each finished Parallel or Map state visit: how long each branch (iteration) took, the
 * longest, and their sum; the point a teacher makes: a Parallel takes its longest branch.
 * [{state, lane, type, ms, children: [{lane, ms, first}], longest, sum}], as the return value
 * of a generator that pauses (yields) after every thousand spans or children (a caller spreads
 * a Map of 10,000 iterations over several tasks).
 */
function* concurrencySteps(spans, stateTypes) {
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

/** Both runs, as written and as the sequential twin, on one time axis, with the speed-up. */
function sideBySide(run, stateTypes) {
  const written = run.twin.sequential
    ? { spans: run.result.spans, lanes: run.result.lanes, ms: run.result.durationMs }
    : { spans: run.twin.spans || [], lanes: run.twin.lanes, ms: run.twin.durationMs };
  const twin = run.twin.sequential
    ? { spans: run.twin.spans || [], lanes: run.twin.lanes, ms: run.twin.durationMs }
    : { spans: run.result.spans, lanes: run.result.lanes, ms: run.result.durationMs };
  const axis = Math.max(written.ms, twin.ms);
  const fig = h('figure', { class: 'compare', 'data-testid': 'compare', 'data-concurrent-ms': written.ms, 'data-sequential-ms': twin.ms });
  for (const [label, r, id] of [
    ['As written', written, 'compare-concurrent'],
    ['Sequential twin', twin, 'compare-sequential'],
  ]) {
    const host = h('div', { class: 'timeline compare-timeline', 'data-testid': id });
    // These bars are a comparison, not the run's timeline: they answer to their own test id.
    // Each drawn in a task of its own, in the page (a Map of 10,000 iterations: 10,000 lanes).
    nextTask(
      () => host.isConnected && renderTimeline(host, r.spans, { lanes: r.lanes, nowMs: r.ms, durationMs: axis, stateTypes, testIds: { bar: 'compare-bar', join: 'compare-join' } }),
    );
    fig.append(h('figcaption', {}, h('strong', { text: label }), ` ${fmtMs(r.ms)}`), host);
  }
  const speedup = written.ms > 0 ? twin.ms / written.ms : 1;
  fig.append(
    h('p', {
      class: 'speedup',
      'data-testid': 'speedup',
      text: `${Number.isInteger(speedup) ? speedup : speedup.toFixed(1)}× faster with concurrency (${fmtMs(written.ms)} against ${fmtMs(twin.ms)})`,
    }),
  );
  return fig;
}

/** Why the run took as long as it did: each Parallel/Map, its longest branch against the sum. */
function timingNotes(run, notes, definition, stateTypes) {
  if (!notes.length) return null;
  const box = h('section', { class: 'timing', 'data-testid': 'timing' }, h('h3', { text: 'Where the time went' }));
  if (run.twin) {
    const [conc, seq] = run.twin.sequential ? [run.result.durationMs, run.twin.durationMs] : [run.twin.durationMs, run.result.durationMs];
    box.append(
      h(
        'p',
        { class: 'twin', 'data-testid': 'twin' },
        run.twin.sequential
          ? `Run one branch and one iteration at a time (the sequential twin), this workflow takes ${fmtMs(seq)} instead of ${fmtMs(conc)}: concurrency saves ${fmtMs(seq - conc)}.`
          : `This is the sequential twin: ${fmtMs(seq)}. With its Parallel and Map states running concurrently it takes ${fmtMs(conc)}, ${fmtMs(seq - conc)} less.`,
      ),
    );
    box.append(sideBySide(run, stateTypes));
  }
  for (const n of notes.slice(0, 12)) {
    const parts = n.children.map((c) => fmtMs(c.ms));
    const list = `${parts.slice(0, 8).join(', ')}${parts.length > 8 ? ', …' : ''}`;
    let text;
    if (run.sequential) {
      text = ` (${n.type}, sequential twin) took ${fmtMs(n.ms)}: its ${n.children.length} ${n.type === 'Parallel' ? 'branches' : 'iterations'} (${list}) ran one after another.`;
    } else if (n.status === 'failed' || n.status === 'caught') {
      const what = n.type === 'Parallel' ? 'branches' : 'iterations';
      text = ` (${n.type}) ended after ${fmtMs(n.ms)}, when ${n.failedState || `one of its ${what}`} failed: the other ${what} still running were cancelled${n.status === 'caught' ? ', and a Catch took over' : ''}.`;
    } else if (n.status === 'cancelled') {
      text = ` (${n.type}) was stopped after ${fmtMs(n.ms)}, with the run: its ${n.type === 'Parallel' ? 'branches' : 'iterations'} still running were cancelled before they joined.`;
    } else if (n.type === 'Parallel') {
      const longest = n.children.find((c) => c.ms === n.longest);
      text = ` (Parallel) took ${fmtMs(n.ms)}. Its ${n.children.length} branches (${list}) ran at the same time, so it takes as long as its longest branch${longest?.first ? `, ${longest.first}` : ''}: not their sum, ${fmtMs(n.sum)}.`;
    } else {
      const def = stateNamed(definition, n.state);
      const max = def && Number.isInteger(def.MaxConcurrency) && def.MaxConcurrency > 0 ? def.MaxConcurrency : 0;
      text = ` (Map${max ? `, at most ${max} at a time` : ''}) took ${fmtMs(n.ms)} for ${n.children.length} iteration${n.children.length > 1 ? 's' : ''} (${list}); one after another they would take ${fmtMs(n.sum)}.`;
    }
    box.append(h('p', { 'data-state': n.state }, h('strong', { text: n.state }), text));
  }
  return box;
}

/**
 * Draw the notes of finished run `run` (the store's) into `slot`, once `stale()` is false no
 * more: its notes worked out in tasks of a few ms each (a Map of 10,000 iterations), or taken
 * from `cache` ({spans, notes}: the last result's), then drawn in a task of their own.
 * Returns the cache for the next time.
 */
export function drawNotes(slot, run, { parsed, stateTypes }, cache, stale) {
  const r = run.result;
  const steps = cache.spans === r.spans ? null : concurrencySteps(r.spans, stateTypes);
  let notes = cache.notes;
  const draw = () => !stale() && slot.replaceChildren(...[timingNotes(run, notes, parsed, stateTypes)].filter(Boolean));
  return new Promise((resolve) => {
    if (!steps) resolve(cache);
    const work = () => {
      if (stale()) return;
      if (steps) {
        const until = performance.now() + SLICE_MS;
        let step = steps.next();
        while (!step.done && performance.now() < until) step = steps.next();
        if (!step.done) return nextTask(work);
        notes = step.value;
        resolve({ spans: r.spans, notes });
      }
      nextTask(draw);
    };
    work();
  });
}
