// The Result tab: the run's output (or its error and cause), what it cost, and where the time
// went: each Parallel and Map against the sum of its branches, the sequential twin side by
// side, and after a what-if edit the new run against the one before.
import { fmtMs, pretty } from '../lib/format.js';
import { copyButton } from '../lib/export.js';
import { toast } from '../state.js';
import { h, textPre, setText, isMac } from '../lib/dom.js';
import { nextTask } from '../lib/tasks.js';
import { HISTORY_TRUNCATED } from '../model/events.js';
import { costOf } from '../model/timing.js';
import { renderTimeline } from './timeline.js';
import { shallowEqual } from '../store.js';

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

/** Cost beside time: state transitions, and the Tasks' own running time. */
function costLine(result) {
  const { transitions, taskMs } = costOf(result);
  return h(
    'p',
    { class: 'cost', 'data-testid': 'cost', 'data-transitions': transitions, 'data-task-ms': taskMs },
    `${fmtMs(result.durationMs)} of workflow time (virtual) · ${transitions} state transition${transitions === 1 ? '' : 's'} · ${fmtMs(taskMs)} of task time in all`,
  );
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
  let notesOf = { spans: null, notes: null }; // the notes of the last result (timing-notes.js)
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
        // Once per result (the twin arriving draws the notes again), after the result is
        // shown (panels/timing-notes.js, loaded then).
        const stale = () => timingShows !== timing || !slot.isConnected;
        nextTask(() =>
          import('./timing-notes.js')
            .then((m) => !stale() && m.drawNotes(slot, run, s.definition, notesOf, stale))
            .then(
              (next) => {
                if (next) notesOf = next;
              },
              (e) => report(`The timing notes could not be drawn: ${e.message}`, true),
            ),
        );
      }
    },
  );
}
