// The Callbacks tab: the callback Tasks of a real-time run (a `.waitForTaskToken` Task or an
// Activity without a mock, model/callbacks.js) waiting for the user, each with its token,
// state, lane, payload (the Task's parameters), HeartbeatSeconds and TimeoutSeconds, and the
// three answers AWS takes: Send task success (an output), Send task failure (an error and a
// cause) and Send task heartbeat (which writes no event). Time runs on meanwhile: a heartbeat
// missed, or the timeout, times the task out. Loaded when the tab is first opened (main.js),
// with its own styles.
import { h } from '../lib/dom.js';
import { fmtMs, pretty } from '../lib/format.js';
import { toast } from '../state.js';
import { laneName } from '../model/lanes.js';
import { callbackStatus, callbackTimes, laneOf } from '../model/callbacks.js';

const CSS = `
.callbacks { padding: 8px 12px; font-size: 13px; display: flex; flex-direction: column; gap: 10px; }
.callbacks .empty { color: var(--fg-muted); margin: 0; }
.callback { border: 1px solid var(--border); border-radius: 6px; padding: 8px 10px; display: flex; flex-direction: column; gap: 6px; }
.callback.waiting { border-color: var(--running); }
.callback-head { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
.callback-head h3 { margin: 0; font-size: 14px; }
.cb-status { font-size: 11px; font-weight: 600; padding: 1px 7px; border-radius: 10px; background: var(--bg-subtle); color: var(--fg-muted); }
.cb-status.waiting { background: var(--running-bg); color: var(--running); }
.cb-status.succeeded { background: var(--good-bg); color: var(--good); }
.cb-status.failed, .cb-status.timed-out { background: var(--bad-bg); color: var(--bad); }
.callback dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 0; }
.callback dt { color: var(--fg-muted); }
.callback dd { margin: 0; min-width: 0; }
.callback code.token { font-family: var(--mono); font-size: 11px; word-break: break-all; }
.callback pre { margin: 0; font-family: var(--mono); font-size: 12px; background: var(--bg-subtle); padding: 4px 6px; border-radius: 4px; max-height: 10em; overflow: auto; }
.cb-answer { display: flex; flex-direction: column; gap: 6px; }
.cb-answer textarea, .cb-answer input { font-family: var(--mono); font-size: 12px; padding: 4px 6px; border: 1px solid var(--border); border-radius: 4px; background: var(--bg-editor); color: var(--fg); }
.cb-answer textarea { min-height: 4em; resize: vertical; }
.cb-row { display: flex; gap: 6px; flex-wrap: wrap; align-items: center; }
.cb-row input { flex: 1; min-width: 8em; }
.cb-sent { margin: 0; color: var(--fg-muted); }
`;

const WORDS = { waiting: 'Waiting', succeeded: 'Succeeded', failed: 'Failed', 'timed-out': 'Timed out', cancelled: 'Cancelled' };
const SENT = { sendTaskSuccess: 'task success', sendTaskFailure: 'task failure', sendTaskHeartbeat: 'heartbeat' };

/** Mount the Callbacks tab in `host`. engine: engine.js (sendTask). */
export function mountCallbacks(store, { host, engine }) {
  if (!document.getElementById('callbacks-css')) document.head.append(h('style', { id: 'callbacks-css', text: CSS }));
  const root = h('div', { class: 'callbacks', 'data-testid': 'callbacks' });
  host.replaceChildren(root);
  const nodes = new Map(); // run id # callback id → {node, key}: a waiting callback's fields keep what is typed

  function card(run, c, st, definition) {
    const times = callbackTimes(definition, c.state);
    const waiting = st.status === 'waiting';
    const beats = c.sent.filter((x) => x.op === 'sendTaskHeartbeat' && x.ok);
    const last = beats.length ? beats[beats.length - 1].atMs : c.atMs;
    const output = h('textarea', { 'aria-label': 'Output (JSON)', 'data-testid': 'callback-output', spellcheck: 'false' });
    output.value = '{}';
    const error = h('input', { 'aria-label': 'Error', placeholder: 'Error', 'data-testid': 'callback-error', spellcheck: 'false' });
    const cause = h('input', { 'aria-label': 'Cause', placeholder: 'Cause', 'data-testid': 'callback-cause' });
    const send = (op, fields) => engine.sendTask(op, c.id, fields);
    const success = () => {
      let value;
      try {
        value = JSON.parse(output.value);
      } catch (e) {
        toast(store, `The output is not JSON: ${e.message}`, true);
        return;
      }
      send('sendTaskSuccess', { output: value });
    };
    const refused = c.sent.filter((x) => !x.ok);
    return h(
      'section',
      { class: `callback ${st.status}`, 'data-testid': 'callback', 'data-state': c.state, 'data-status': st.status },
      h(
        'div',
        { class: 'callback-head' },
        h('h3', { text: c.state }),
        h('span', { class: `cb-status ${st.status}`, 'data-testid': 'callback-status', text: WORDS[st.status] }),
        h('span', { text: `since ${fmtMs(c.atMs)}` }),
      ),
      h(
        'dl',
        {},
        h('dt', { text: 'Task token' }),
        h(
          'dd',
          {},
          c.token ? h('code', { class: 'token', 'data-testid': 'callback-token', text: c.token }) : h('span', { text: 'none (an Activity: the worker answers by its own token)' }),
        ),
        h('dt', { text: 'Lane' }),
        h('dd', { text: laneName(run.lanes, laneOf(c, run.lanes), store.get().definition.stateTypes) }),
        h('dt', { text: 'Resource' }),
        h('dd', {}, h('code', { text: c.resource })),
        h('dt', { text: 'Heartbeat' }),
        h('dd', {
          'data-testid': 'callback-heartbeat',
          text: times.heartbeatSeconds === null ? 'no HeartbeatSeconds' : `every ${times.heartbeatSeconds} s · last at ${fmtMs(last)} (${beats.length} sent)`,
        }),
        h('dt', { text: 'Timeout' }),
        h('dd', { text: times.timeoutSeconds === null ? 'no TimeoutSeconds' : `${times.timeoutSeconds} s` }),
        h('dt', { text: 'Payload' }),
        h('dd', {}, h('pre', { 'data-testid': 'callback-payload', text: pretty(c.input) })),
      ),
      st.error ? h('p', { class: 'cb-sent', text: `${st.error}${st.cause ? `: ${st.cause}` : ''}` }) : null,
      waiting
        ? h(
            'div',
            { class: 'cb-answer' },
            output,
            h(
              'div',
              { class: 'cb-row' },
              h('button', { class: 'btn primary', type: 'button', text: 'Send task success', 'data-testid': 'callback-success', onclick: success }),
              h('button', { class: 'btn', type: 'button', text: 'Send heartbeat', 'data-testid': 'callback-heartbeat-send', onclick: () => send('sendTaskHeartbeat') }),
            ),
            h(
              'div',
              { class: 'cb-row' },
              error,
              cause,
              h('button', {
                class: 'btn',
                type: 'button',
                text: 'Send task failure',
                'data-testid': 'callback-failure',
                onclick: () => send('sendTaskFailure', { error: error.value, cause: cause.value }),
              }),
            ),
          )
        : null,
      refused.length ? h('p', { class: 'cb-sent', text: `Refused: ${refused.map((x) => SENT[x.op]).join(', ')} (the task no longer waits, as AWS answers TaskTimedOut)` }) : null,
    );
  }

  function draw() {
    const s = store.get();
    if (s.resultTab !== 'callbacks') return;
    const run = s.run;
    const list = run?.callbacks || [];
    if (!list.length) {
      nodes.clear();
      root.replaceChildren(
        h('p', {
          class: 'empty',
          text: 'A .waitForTaskToken Task or an Activity without a mock waits here in a real-time run (not Instant), for you to send its success, failure or heartbeats.',
        }),
      );
      return;
    }
    const kids = [];
    const seen = new Set();
    for (const c of list) {
      const st = callbackStatus(c, run.spans, run.lanes);
      const id = `${run.id}#${c.id}`;
      const key = JSON.stringify([st, c.sent.length, st.status === 'waiting' ? c.sent.filter((x) => x.op === 'sendTaskHeartbeat').length : 0]);
      let n = nodes.get(id);
      // A waiting card is kept while nothing about it changed (what is typed in it stays).
      if (!n || n.key !== key) {
        const node = card(run, c, st, s.definition.parsed);
        if (n && st.status === 'waiting') {
          // Keep what was typed.
          for (const sel of ['[data-testid=callback-output]', '[data-testid=callback-error]', '[data-testid=callback-cause]']) {
            const was = n.node.querySelector(sel);
            const now = node.querySelector(sel);
            if (was && now) now.value = was.value;
          }
        }
        n = { node, key };
        nodes.set(id, n);
      }
      seen.add(id);
      kids.push(n.node);
    }
    for (const id of nodes.keys()) if (!seen.has(id)) nodes.delete(id);
    // Only when the list changed: a focused field keeps its focus.
    if (kids.length !== root.children.length || kids.some((k, i) => root.children[i] !== k)) root.replaceChildren(...kids);
  }

  store.subscribe(
    (s) => [s.run?.id, s.run?.rev, s.run?.callbacks, s.resultTab, s.definition.parsed],
    () => draw(),
  );
  draw();
}
