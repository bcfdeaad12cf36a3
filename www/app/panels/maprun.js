// The Map Runs tab: each distributed Map's run as the AWS console's Map Run page shows it
// (model/maprun.js): its status, the counters of its child executions (pending, running,
// succeeded, failed, timed out, aborted, total) updating live during a run, the tolerated
// failures, and the list of child executions. A child opens on its own execution, as the
// console's Map Run page links each to its execution page: its own history (the engine's,
// ExecutionStarted with its item as input to its end) and its timeline, from its start;
// Timeline selects its first state in the run's timeline and the State tab. Loaded when the
// tab is first opened (main.js), with its own styles.
import { h } from '../lib/dom.js';
import { count, fmtMs } from '../lib/format.js';
import { select } from '../state.js';
import { mapRuns, childEntry, childEvents, childExecution } from '../model/maprun.js';
import { renderHistory } from './history.js';
import { renderTimeline } from './timeline.js';

const CSS = `
.mapruns { padding: 8px 12px; font-size: 13px; display: flex; flex-direction: column; gap: 10px; }
.mapruns .empty { color: var(--fg-muted); margin: 0; }
.maprun { border: 1px solid var(--border); border-radius: 6px; padding: 8px 10px; display: flex; flex-direction: column; gap: 8px; }
.maprun-head { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
.maprun-head h3 { margin: 0; font-size: 14px; }
.maprun-arn { font-family: var(--mono); font-size: 11px; color: var(--fg-muted); word-break: break-all; }
.mr-status { font-size: 11px; font-weight: 600; padding: 1px 7px; border-radius: 10px; background: var(--bg-subtle); color: var(--fg-muted); }
.mr-status.RUNNING { background: var(--running-bg); color: var(--running); }
.mr-status.SUCCEEDED { background: var(--good-bg); color: var(--good); }
.mr-status.FAILED, .mr-status.TIMED_OUT { background: var(--bad-bg); color: var(--bad); }
.mr-status.ABORTED { background: var(--cancelled-bg); color: var(--cancelled); }
.mr-counters { display: grid; grid-template-columns: repeat(auto-fill, minmax(78px, 1fr)); gap: 6px; margin: 0; }
.mr-counters div { background: var(--bg-subtle); border-radius: 6px; padding: 4px 8px; }
.mr-counters dt { font-size: 11px; color: var(--fg-muted); }
.mr-counters dd { margin: 0; font-size: 18px; font-weight: 600; font-variant-numeric: tabular-nums; }
.mr-bar { display: flex; height: 6px; border-radius: 3px; overflow: hidden; background: var(--bg-subtle); }
.mr-bar span { display: block; height: 100%; }
.mr-bar .succeeded { background: var(--good); } .mr-bar .failed { background: var(--bad); } .mr-bar .running { background: var(--running); } .mr-bar .aborted { background: var(--cancelled); }
.mr-tolerated { margin: 0; color: var(--fg); }
.mr-tolerated.exceeded { color: var(--bad); font-weight: 600; }
.mr-children-tools { display: flex; gap: 8px; align-items: center; }
.mr-children { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
.mr-children th { text-align: left; font-size: 11px; color: var(--fg-muted); font-weight: 600; padding: 3px 6px; border-bottom: 1px solid var(--border); }
.mr-children td { padding: 3px 6px; border-bottom: 1px solid var(--border); vertical-align: top; }
.mr-children button.linkish { background: none; border: 0; padding: 0; color: var(--accent); cursor: pointer; font: inherit; text-decoration: underline; }
.mr-more { color: var(--fg-muted); margin: 0; }
.mr-child { border: 1px solid var(--border); border-radius: 6px; padding: 8px 10px; display: flex; flex-direction: column; gap: 8px; }
.mr-child h4 { margin: 0; font-size: 13px; }
.mr-child .mr-back { align-self: flex-start; }
.mr-child-timeline { min-height: 60px; }
.mr-child-history { max-height: 340px; overflow: auto; }
`;

const LABELS = [
  ['pending', 'Pending'],
  ['running', 'Running'],
  ['succeeded', 'Succeeded'],
  ['failed', 'Failed'],
  ['timedOut', 'Timed out'],
  ['aborted', 'Aborted'],
  ['total', 'Total'],
];
const WORDS = { RUNNING: 'Running', SUCCEEDED: 'Succeeded', FAILED: 'Failed', TIMED_OUT: 'Timed out', ABORTED: 'Aborted' };
const SHOWN = 200; // child executions listed at once

/** Mount the Map Runs tab in `host`. */
export function mountMapRuns(store, { host, engine = null }) {
  if (!document.getElementById('maprun-css')) document.head.append(h('style', { id: 'maprun-css', text: CSS }));
  const root = h('div', { class: 'mapruns', 'data-testid': 'mapruns' });
  host.replaceChildren(root);
  const filters = new Map(); // map run ARN → status shown ('' all)
  let child = null; // the child execution opened: {arn, index}

  function tolerated(t) {
    const parts = [];
    if (t.count !== null) parts.push(`count ${t.count}`);
    if (t.percentage !== null) parts.push(`percentage ${t.percentage}%`);
    if (t.fromPath) parts.push('from a path');
    const given = parts.length ? `Tolerated failures: ${parts.join(', ')}` : 'Tolerated failures: none';
    return h(
      'p',
      { class: `mr-tolerated${t.exceeded ? ' exceeded' : ''}`, 'data-testid': 'maprun-tolerated' },
      `${given} · failures so far: ${t.failures}${t.exceeded ? ' · threshold exceeded' : ''}`,
    );
  }

  function childRow(run, c) {
    const first = c.states[0];
    const show = () => first && select(store, { name: first.state, lane: c.lane, startMs: first.startMs });
    return [
      h(
        'tr',
        { 'data-testid': 'maprun-child', 'data-index': c.index, 'data-status': c.status },
        h(
          'td',
          {},
          h('button', {
            class: 'linkish',
            type: 'button',
            'data-testid': 'maprun-child-open',
            text: `${run.state}[${c.index}]`,
            title: 'Open this child execution: its own history and timeline',
            onclick: () => {
              child = { arn: run.arn, index: c.index };
              draw();
            },
          }),
        ),
        h('td', {}, h('span', { class: `mr-status ${c.status}`, text: WORDS[c.status] })),
        h('td', { text: fmtMs(c.startMs) }),
        h('td', { text: c.endMs === null ? '—' : fmtMs(c.endMs - c.startMs) }),
        h('td', { text: c.error ? `${c.error}${c.cause ? `: ${c.cause}` : ''}` : '' }),
        h('td', {}, h('button', { class: 'linkish', type: 'button', text: 'Timeline', title: 'Select its first state in the timeline and the State tab', onclick: show })),
      ),
    ];
  }

  function runView(run, n) {
    const c = run.counts;
    const filter = filters.get(run.arn) || '';
    const children = filter ? run.children.filter((x) => x.status === filter) : run.children;
    const pct = (k) => (c.total ? `${(c[k] / c.total) * 100}%` : '0');
    return h(
      'section',
      { class: 'maprun', 'data-testid': 'maprun', 'data-state': run.state, 'data-status': run.status },
      h(
        'div',
        { class: 'maprun-head' },
        h('h3', { text: `Map Run ${n}: ${run.state}` }),
        h('span', { class: `mr-status ${run.status}`, 'data-testid': 'maprun-status', text: WORDS[run.status] }),
        h('span', { text: `started at ${fmtMs(run.startMs)}${run.endMs !== null ? ` · took ${fmtMs(run.endMs - run.startMs)}` : ''}` }),
      ),
      h('span', { class: 'maprun-arn', text: run.arn }),
      h(
        'dl',
        { class: 'mr-counters', 'aria-label': 'Child executions' },
        LABELS.map(([k, label]) => h('div', { 'data-counter': k }, h('dt', { text: label }), h('dd', { 'data-testid': `maprun-${k}`, text: String(c[k]) }))),
      ),
      h(
        'div',
        { class: 'mr-bar', 'aria-hidden': 'true' },
        h('span', { class: 'succeeded', style: `width:${pct('succeeded')}` }),
        h('span', { class: 'failed', style: `width:${c.total ? ((c.failed + c.timedOut) / c.total) * 100 : 0}%` }),
        h('span', { class: 'aborted', style: `width:${pct('aborted')}` }),
        h('span', { class: 'running', style: `width:${pct('running')}` }),
      ),
      tolerated(run.tolerated),
      h(
        'div',
        { class: 'mr-children-tools' },
        h('strong', { text: `Child executions (${run.children.length})` }),
        h(
          'select',
          {
            'aria-label': 'Show child executions by status',
            onchange: (e) => {
              filters.set(run.arn, e.target.value);
              draw();
            },
          },
          h('option', { value: '', text: 'All statuses', selected: filter === '' }),
          Object.entries(WORDS).map(([v, w]) => h('option', { value: v, text: w, selected: filter === v })),
        ),
      ),
      children.length
        ? h(
            'table',
            { class: 'mr-children' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['Child', 'Status', 'Started', 'Duration', 'Error', ''].map((t) => h('th', { text: t })),
              ),
            ),
            h(
              'tbody',
              {},
              children.slice(0, SHOWN).flatMap((x) => childRow(run, x)),
            ),
          )
        : null,
      children.length > SHOWN ? h('p', { class: 'mr-more', text: `${children.length - SHOWN} more not listed: filter by status to see them.` }) : null,
    );
  }

  /** Child execution `c` of Map Run `run` (the `n`th) on its own: its history and timeline. */
  function childView(s, run, n, c) {
    const own = childEntry(s.run.result, run, c);
    const back = h('button', {
      class: 'btn mr-back',
      type: 'button',
      'data-testid': 'maprun-child-back',
      text: `← Map Run ${n}: ${run.state}`,
      onclick: () => {
        child = null;
        draw();
      },
    });
    const head = h(
      'div',
      { class: 'maprun-head' },
      h('h3', { text: `Child execution ${run.state}[${c.index}]` }),
      h('span', { class: `mr-status ${c.status}`, 'data-testid': 'maprun-child-status', text: WORDS[c.status] }),
      h('span', { text: `started at ${fmtMs(c.startMs)} of the run${c.endMs !== null ? ` · took ${fmtMs(c.endMs - c.startMs)}` : ''}` }),
    );
    if (!own) {
      const why = s.run.result ? 'The engine kept no history of this child execution.' : 'Its own history is here once the run has ended.';
      return h('section', { class: 'mr-child', 'data-testid': 'maprun-child-view' }, back, head, h('p', { class: 'empty', text: why }));
    }
    const timeline = h('div', { class: 'timeline mr-child-timeline', 'data-testid': 'maprun-child-timeline' });
    const history = h('div', { class: 'history mr-child-history', 'data-testid': 'maprun-child-history' });
    const section = h(
      'section',
      { class: 'mr-child', 'data-testid': 'maprun-child-view', 'data-index': c.index },
      back,
      head,
      own.complete ? null : h('p', { class: 'mr-more', text: 'Not all of its events were kept: statelab keeps 50,000 child events in all.' }),
      h('h4', { text: 'Timeline' }),
      timeline,
      h('h4', { text: `Events (${count(own.eventCount ?? own.events.length)})` }),
      history,
    );
    const end = c.endMs === null ? undefined : c.endMs - c.startMs;
    const pick = (name, lane, ms) => select(store, { name, lane, ms: ms === undefined ? undefined : ms + c.startMs });
    // Its history is asked of the worker, which keeps it (engine.js mapRunChild); drawn once in
    // the page (they measure themselves), unless another view took its place meanwhile.
    const loading = setTimeout(() => history.replaceChildren(h('p', { class: 'empty', text: 'Loading its history…' })), 100);
    const fetch = (entry) => (engine ? engine.mapRunChild(entry) : Promise.reject(new Error('no engine keeps it')));
    childEvents(own, fetch).then(
      (events) => {
        clearTimeout(loading);
        if (!section.isConnected) return;
        history.replaceChildren();
        drawChild(childExecution(own, events, s.run.spans, c));
      },
      (e) => {
        clearTimeout(loading);
        history.replaceChildren(h('p', { class: 'empty', 'data-testid': 'maprun-child-missing', text: `Its history could not be shown: ${e.message}.` }));
      },
    );
    const drawChild = (own) => {
      renderTimeline(timeline, own.spans, {
        lanes: s.run.lanes,
        nowMs: end ?? 0,
        durationMs: end,
        stateTypes: s.definition.stateTypes,
        testIds: { bar: 'maprun-child-bar', join: 'maprun-child-join' },
      });
      renderHistory(history, own.events, { text: '', group: 'all' }, pick, s.run.lanes);
    };
    return section;
  }

  function draw() {
    const s = store.get();
    if (s.resultTab !== 'mapruns') return;
    const runs = s.run ? mapRuns(s.run.result || s.run, s.definition.parsed) : [];
    const at = child ? runs.findIndex((r) => r.arn === child.arn) : -1;
    const c = at >= 0 ? runs[at].children.find((x) => x.index === child.index) : null;
    if (c) {
      root.replaceChildren(childView(s, runs[at], at + 1, c));
      return;
    }
    child = null;
    if (!runs.length) {
      root.replaceChildren(
        h('p', {
          class: 'empty',
          text: s.run ? 'No distributed Map has run yet.' : 'Run the workflow: each distributed Map’s run is shown here, as the Map Run page of the AWS console shows it.',
        }),
      );
      return;
    }
    root.replaceChildren(...runs.map((r, i) => runView(r, i + 1)));
  }

  store.subscribe(
    (s) => [s.run?.id, s.run?.rev, s.run?.result, s.definition.parsed, s.resultTab],
    () => draw(),
  );
  draw();
}
