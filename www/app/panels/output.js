// The Result tab: the run's output (or its error and cause), what it cost, and where the time
// went: each Parallel and Map against the sum of its branches, the sequential twin side by
// side, and after a what-if edit the new run against the one before.
import { fmtMs, pretty } from '../lib/format.js';
import { copyButton } from '../lib/export.js';
import { toast } from '../state.js';
import { h, textPre, setText, isMac } from '../lib/dom.js';
import { nextTask } from '../lib/tasks.js';
import { stateNamed } from '../model/asl.js';
import { HISTORY_TRUNCATED } from '../model/events.js';
import { concurrencySteps, costOf } from '../model/timing.js';
import { renderTimeline } from './timeline.js';
import { shallowEqual } from '../store.js';

const SLICE_MS = 6; // of work in one task (the timing notes of a Map of 10,000 iterations)

/** The new run against the previous one on one time axis, the previous drawn faintly. */
function whatIfFigure(run, stateTypes) {
  const before = run.previous;
  const after = run.result;
  const axis = Math.max(before.durationMs, after.durationMs);
  const delta = after.durationMs - before.durationMs;
  const fig = h('figure', { class: 'compare whatif', 'data-testid': 'whatif-result', 'data-before-ms': before.durationMs, 'data-after-ms': after.durationMs });
  fig.append(
    h('p', {
      class: 'speedup',
      text: `What-if: ${fmtMs(after.durationMs)} now, ${fmtMs(before.durationMs)} before (${delta === 0 ? 'no change' : `${delta > 0 ? '+' : '−'}${fmtMs(Math.abs(delta))}`})`,
    }),
  );
  for (const [label, r, cls] of [
    ['Now', after, ''],
    ['Before', before, ' previous'],
  ]) {
    const host = h('div', { class: `timeline compare-timeline${cls}` });
    renderTimeline(host, r.spans, { lanes: r.lanes, nowMs: r.durationMs, durationMs: axis, stateTypes, testIds: { bar: 'whatif-bar', join: 'whatif-join' } });
    fig.append(h('figcaption', {}, h('strong', { text: label }), ` ${fmtMs(r.durationMs)}`), host);
  }
  return fig;
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

/** Cost beside time: state transitions, and the Tasks' own running time. */
function costLine(result) {
  const { transitions, taskMs } = costOf(result);
  return h(
    'p',
    { class: 'cost', 'data-testid': 'cost', 'data-transitions': transitions, 'data-task-ms': taskMs },
    `${fmtMs(result.durationMs)} of workflow time (virtual) · ${transitions} state transition${transitions === 1 ? '' : 's'} · ${fmtMs(taskMs)} of task time in all`,
  );
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
 * Mount the Result tab. What it shows of a finished run changes only with the run's result and
 * the what-if comparison (not with the playhead or the selection); its timing notes also with
 * the sequential twin, and are drawn in a task of their own (with a Map of 1,000 iterations:
 * two timelines of 1,000 lanes side by side).
 */
export function mountOutput(store, host) {
  let outputShows = null; // [run id, result, previous] shown
  let timingShows = null; // [run id, result, twin] shown, or being drawn
  let timingSlot = null;
  let notesOf = { spans: null, notes: null }; // concurrencyOf() of the last result (concurrencySteps)
  const report = (text, bad) => toast(store, text, bad);

  store.subscribe(
    (s) => s.run,
    (run, _, s) => {
      if (!run?.result) outputShows = timingShows = null;
      if (!run) {
        host.replaceChildren(h('p', { class: 'empty', text: `Press Run (${isMac ? '⌘' : 'Ctrl'}+Enter) to execute the workflow on a virtual clock.` }));
        return;
      }
      if (run.error) {
        const parts = [h('h3', { class: 'bad', text: 'The workflow could not run' }), h('pre', { class: 'json bad', 'data-testid': 'output-error', text: run.error.message })];
        for (const d of run.error.diagnostics || []) parts.push(h('p', { class: 'diag-line', text: `line ${d.line}, column ${d.column}: ${d.message} (at ${d.location})` }));
        host.replaceChildren(...parts);
        return;
      }
      if (!run.result) {
        const last = run.events[run.events.length - 1];
        const text = `${run.paused ? 'Paused' : 'Running'} at ${fmtMs(run.nowMs)} of workflow time · ${run.events.length} events so far${last ? ` · last: ${last.type}` : ''}`;
        const p = host.firstElementChild;
        if (host.childElementCount === 1 && p.classList.contains('running-note')) setText(p, text);
        else host.replaceChildren(h('p', { class: 'empty running-note', text }));
        return;
      }
      const r = run.result;
      const shows = [run.id, r, run.previous];
      if (!shallowEqual(shows, outputShows) || !timingSlot?.isConnected) {
        outputShows = shows;
        timingShows = null;
        timingSlot = h('div', { class: 'timing-slot' });
        const cost = costLine(r);
        // The run is whole; only what its history keeps was cut (said first: an output can be long).
        const truncated = r.historyTruncated ? h('p', { class: 'history-truncated', role: 'note', 'data-testid': 'history-truncated', text: HISTORY_TRUNCATED }) : null;
        const whatif = run.previous ? whatIfFigure(run, s.definition.stateTypes) : null;
        if (r.status === 'SUCCEEDED') {
          const head = h(
            'div',
            { class: 'copy-head' },
            h('h3', { class: 'good', text: 'Output' }),
            copyButton('the output', () => (typeof r.output === 'string' ? r.output : pretty(r.output)), report, 'copy-output'),
          );
          host.replaceChildren(...[whatif, truncated, head, textPre(r.output, { class: 'json', 'data-testid': 'output-json' }), cost, timingSlot].filter(Boolean));
        } else {
          host.replaceChildren(
            ...[
              timingSlot,
              h(
                'div',
                { class: 'copy-head' },
                h('h3', { class: 'bad', text: r.status === 'ABORTED' ? 'Stopped' : 'Error' }),
                copyButton('the error and its cause', () => pretty({ error: r.error ?? null, cause: r.cause ?? null }), report, 'copy-output'),
              ),
              h(
                'dl',
                { class: 'facts' },
                h('dt', { text: 'Error' }),
                h('dd', {}, h('code', { 'data-testid': 'output-error', text: r.error || '(none)' })),
                h('dt', { text: 'Cause' }),
                h('dd', {}, h('pre', { class: 'json', 'data-testid': 'output-cause', text: r.cause || '(none)' })),
              ),
              cost,
              truncated,
            ].filter(Boolean),
          );
        }
      }
      const timing = [run.id, r, run.twin];
      if (!shallowEqual(timing, timingShows)) {
        timingShows = timing;
        const slot = timingSlot;
        const { stateTypes, parsed } = s.definition;
        // Once per result (the twin arriving draws the notes again), in tasks of a few ms each
        // (a Map of 10,000 iterations), then drawn in a task of its own.
        const stale = () => timingShows !== timing || !slot.isConnected;
        const steps = notesOf.spans === r.spans ? null : concurrencySteps(r.spans, stateTypes);
        const work = () => {
          if (stale()) return;
          if (steps) {
            const until = performance.now() + SLICE_MS;
            let step = steps.next();
            while (!step.done && performance.now() < until) step = steps.next();
            if (!step.done) return nextTask(work);
            notesOf = { spans: r.spans, notes: step.value };
          }
          nextTask(() => !stale() && slot.replaceChildren(...[timingNotes(run, notesOf.notes, parsed, stateTypes)].filter(Boolean)));
        };
        nextTask(work);
      }
    },
  );
}
