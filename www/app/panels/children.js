// The Executions tab: the child executions a run started (a Task on states:startExecution
// running a machine of the work, state.js work.machines), depth first, each with the task that
// started it, its status and times. One opens on its own execution, as the Map Runs tab opens a
// distributed Map's child (panels/maprun.js): its history (the engine's, ExecutionStarted to
// its end) and its timeline, with Back. A task bar that started a child (marked in the
// timeline) opens it here (state.js childShown). Loaded when the tab is first opened (main.js).
import { h } from '../lib/dom.js';
import { fmtMs } from '../lib/format.js';
import { stateTypesOf } from '../model/asl.js';
import { renderHistory } from './history.js';
import { renderTimeline } from './timeline.js';

const CSS = `
.children-tab { padding: 8px 12px; font-size: 13px; display: flex; flex-direction: column; gap: 10px; }
.children-tab .empty { color: var(--fg-muted); margin: 0; }
.children-tab table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
.children-tab th { text-align: left; font-size: 11px; color: var(--fg-muted); font-weight: 600; padding: 3px 6px; border-bottom: 1px solid var(--border); }
.children-tab td { padding: 3px 6px; border-bottom: 1px solid var(--border); vertical-align: top; }
.children-tab button.linkish { background: none; border: 0; padding: 0; color: var(--accent); cursor: pointer; font: inherit; text-decoration: underline; }
.cx-status { font-size: 11px; font-weight: 600; padding: 1px 7px; border-radius: 10px; background: var(--bg-subtle); color: var(--fg-muted); }
.cx-status.SUCCEEDED { background: var(--good-bg); color: var(--good); }
.cx-status.FAILED, .cx-status.TIMED_OUT { background: var(--bad-bg); color: var(--bad); }
.cx-status.ABORTED { background: var(--cancelled-bg); color: var(--cancelled); }
.cx-status.RUNNING { background: var(--running-bg); color: var(--running); }
.cx-view { border: 1px solid var(--border); border-radius: 6px; padding: 8px 10px; display: flex; flex-direction: column; gap: 8px; }
.cx-view h3 { margin: 0; font-size: 14px; }
.cx-view h4 { margin: 0; font-size: 13px; }
.cx-view .cx-back { align-self: flex-start; }
.cx-arn { font-family: var(--mono); font-size: 11px; color: var(--fg-muted); word-break: break-all; }
.cx-timeline { min-height: 60px; }
.cx-history { max-height: 340px; overflow: auto; }
`;

/** Mount the Executions tab in `host`. */
export function mountChildren(store, { host }) {
  if (!document.getElementById('children-css')) document.head.append(h('style', { id: 'children-css', text: CSS }));
  const root = h('div', { class: 'children-tab', 'data-testid': 'children' });
  host.replaceChildren(root);
  const open = (arn) => store.update({ childShown: arn });

  /** Who started child `c`: the run itself, or another child (by its name). */
  function starter(children, c) {
    const p = children.find((x) => x.executionArn === c.parent.executionArn);
    return p ? `${p.stateMachine}/${p.name} › ${c.parent.state}` : c.parent.state;
  }

  function list(children) {
    return h(
      'table',
      { 'aria-label': 'Child executions' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Execution', 'State machine', 'Started by', 'Status', 'Started', 'Duration'].map((t) => h('th', { text: t })),
        ),
      ),
      h(
        'tbody',
        {},
        children.map((c) =>
          h(
            'tr',
            { 'data-testid': 'child-row', 'data-machine': c.stateMachine, 'data-status': c.result.status },
            h(
              'td',
              {},
              h('button', {
                type: 'button',
                class: 'linkish',
                'data-testid': 'child-open',
                title: 'Open this child execution: its own history and timeline',
                text: c.name,
                onclick: () => open(c.executionArn),
              }),
            ),
            h('td', { text: c.stateMachine }),
            h('td', { text: starter(children, c) }),
            h('td', {}, h('span', { class: `cx-status ${c.result.status}`, text: c.result.status })),
            h('td', { text: fmtMs(c.startMs) }),
            h('td', { text: fmtMs(c.result.durationMs) }),
          ),
        ),
      ),
    );
  }

  function view(s, children, c) {
    const r = c.result;
    const back = h('button', { class: 'btn cx-back', type: 'button', 'data-testid': 'child-back', text: '← Child executions', onclick: () => open(null) });
    const timeline = h('div', { class: 'timeline cx-timeline', 'data-testid': 'child-timeline' });
    const history = h('div', { class: 'history cx-history', 'data-testid': 'child-history' });
    let types = new Map();
    try {
      types = stateTypesOf(JSON.parse(s.work.machines[c.stateMachine]));
    } catch {}
    queueMicrotask(() => {
      renderTimeline(timeline, r.spans, {
        lanes: r.lanes,
        nowMs: r.durationMs,
        durationMs: r.durationMs,
        stateTypes: types,
        onSelect: (span) => span.child && open(span.child.arn),
        testIds: { bar: 'child-bar', join: 'child-join' },
      });
      renderHistory(history, r.events, { text: '', group: 'all' }, () => {}, r.lanes);
    });
    return h(
      'section',
      { class: 'cx-view', 'data-testid': 'child-view', 'data-machine': c.stateMachine },
      back,
      h('h3', {}, `Child execution ${c.name} `, h('span', { class: `cx-status ${r.status}`, 'data-testid': 'child-status', text: r.status })),
      h('p', { class: 'cx-arn', 'data-testid': 'child-arn', text: c.executionArn }),
      h('p', { text: `State machine ${c.stateMachine} · started by ${starter(children, c)} at ${fmtMs(c.startMs)} of the run · took ${fmtMs(r.durationMs)}` }),
      r.error ? h('p', { text: `${r.error}: ${r.cause ?? ''}` }) : null,
      h('h4', { text: 'Timeline' }),
      timeline,
      h('h4', { text: `Events (${r.events.length})` }),
      history,
    );
  }

  function draw() {
    const s = store.get();
    if (s.resultTab !== 'children') return;
    const children = s.run?.result?.children || [];
    const c = s.childShown ? children.find((x) => x.executionArn === s.childShown) : null;
    if (c) root.replaceChildren(view(s, children, c));
    else if (children.length) root.replaceChildren(list(children));
    else
      root.replaceChildren(
        h('p', { class: 'empty', text: s.run?.result ? 'This run started no child execution.' : 'Run the workflow: the child executions it starts are listed here.' }),
      );
  }

  store.subscribe(
    (s) => [s.run?.result, s.childShown, s.resultTab],
    () => draw(),
  );
  draw();
}
