// The Map Runs tab: each distributed Map's run as the AWS console's Map Run page shows it
// (model/maprun.js): its status, the counters of its child executions (pending, running,
// succeeded, failed, timed out, aborted, total) updating live during a run, the tolerated
// failures, and the list of child executions, each opening on its states (their visits, as
// the child's own history would list them) and, in the timeline and the State tab, on its
// first state. Loaded when the tab is first opened (main.js), with its own styles.
import { h } from '../lib/dom.js';
import { fmtMs } from '../lib/format.js';
import { select } from '../state.js';
import { mapRuns } from '../model/maprun.js';

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
.mr-child-states { margin: 4px 0 0; padding-left: 16px; color: var(--fg-muted); }
.mr-more { color: var(--fg-muted); margin: 0; }
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
export function mountMapRuns(store, { host }) {
  if (!document.getElementById('maprun-css')) document.head.append(h('style', { id: 'maprun-css', text: CSS }));
  const root = h('div', { class: 'mapruns', 'data-testid': 'mapruns' });
  host.replaceChildren(root);
  const filters = new Map(); // map run ARN → status shown ('' all)
  const opened = new Set(); // `${arn}#${index}` of the children opened

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
    const id = `${run.arn}#${c.index}`;
    const open = opened.has(id);
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
            'aria-expanded': String(open),
            text: `${run.state}[${c.index}]`,
            title: 'Its states, as its history lists them',
            onclick: () => {
              if (open) opened.delete(id);
              else opened.add(id);
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
      open
        ? h(
            'tr',
            {},
            h(
              'td',
              { colspan: '6' },
              h(
                'ol',
                { class: 'mr-child-states' },
                c.states
                  .filter((s) => s.kind === 'state')
                  .map((s) =>
                    h(
                      'li',
                      {},
                      h('button', { class: 'linkish', type: 'button', text: s.state, onclick: () => select(store, { name: s.state, lane: s.lane, startMs: s.startMs }) }),
                      ` ${s.status} at ${fmtMs(s.startMs)}${s.endMs !== null && s.endMs !== undefined ? ` for ${fmtMs(s.endMs - s.startMs)}` : ''}${s.error ? ` · ${s.error}` : ''}`,
                    ),
                  ),
              ),
            ),
          )
        : null,
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

  function draw() {
    const s = store.get();
    if (s.resultTab !== 'mapruns') return;
    const runs = s.run ? mapRuns(s.run.result || s.run, s.definition.parsed) : [];
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
