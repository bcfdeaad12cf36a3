// statelab's engine in a Web Worker: the one worker of the project, and its one protocol.
// The playground runs every workflow here (app/engine.js is its side), so that a long or
// runaway workflow can never freeze the page: the page terminates this worker instead.
// createWorker() in statelab.js speaks the requests below, for big simulations that should
// not hold up a page. No user code runs here: a mock that is a JS function runs in the page's
// sandbox (app/sandbox.js, sandbox.html), and this worker asks the page for each call.
//
// Requests and replies (postMessage; options and values are plain data):
//   {id, op: 'init', module?}                                   load the engine (module: a compiled
//                                                               WebAssembly.Module to use)
//   {id, op: 'validate', definition, options?}
//   {id, op: 'simulate', definition, input, mocks, options?, timelineOnly?, mapRunChildren?}
//   {id, op: 'version'}
//   {id, op: 'loadSource', text, options?}                     (on the full engine, loaded then)
//   {id, op: 'derive', definition, options?}                   (on the full engine, loaded then)
//   {id, op: 'testState', request, options?}                   (on the full engine, loaded then)
//     → {id, ok: true, value} or {id, ok: false, error: {message, diagnostics?}}
//   value: what init(), validate(), simulate(), version(), loadSource(), derive() and testState() of statelab.js give; with
//   timelineOnly, a simulate() result without events and mapRunChildren, and spans without
//   their data (input, output, steps). A big simulate() result comes in parts: {id, part:
//   {events, spans, lanes?, mapRunChildren?}} messages, then the reply with the rest; the
//   reply's lists go after the parts' lists.
//   mapRunChildren (simulate, run): the result's Map Run children's own histories (up to
//   50,000 events: a long task for the page to read) are sent whole (absent), left out
//   ('none'), or kept here ('index', see worker-children.js), the result's mapRunChildren
//   then an index of them; {id, op: 'mapRunChild', kept, at} → one child's events;
//   {op: 'forget', keep: [kept]}: all others go.
//
// Runs on real timers (run() of statelab.js), several at once (the embeds of a page share one
// worker, app/embed-engine.js; the playground stops its run before it starts the next), each
// known by its runId:
//   {op: 'run', runId, definition, input, mocks, options, functions}
//     options: those of run() (instant included: each deadline at once, waiting only for calls);
//     functions: {State: {latency: seconds}}: the states whose Tasks the page answers
//   {op: 'pause'|'resume'|'step'|'stop', runId}
//     → {runId, kind: 'control', paused, nowMs}            where the run is now
//   A call of a function: {runId, kind: 'call', callId, state, input, context}, which the page
//   answers with {op: 'answer', runId, callId, output (JSON text)} or
//   {op: 'answer', runId, callId, failure: {error, cause}}. Workflow time stands still until
//   every call made has answered (run() of statelab.js).
//   A callback (options.callbacks): {runId, kind: 'callback', callback}; the page sends
//   {op: 'sendTaskSuccess' (output) | 'sendTaskFailure' (error, cause) | 'sendTaskHeartbeat',
//   runId, callbackId} → {runId, kind: 'callbackAnswered', callbackId, op, ok}
// A run reports {runId, kind: 'tick', events, spans: delta, lanes: added, nowMs, status, paused},
//               {runId, kind: 'done', events, spans: delta, lanes: added, result} or {runId, kind: 'error', message, diagnostics},
// with {runId, kind: 'part', events, spans: delta} before a tick or 'done' that has much to carry.
//
// The page keeps what it was sent, so a run sends only what is new: the events since the last
// message, the lanes begun since, and the spans by difference. A delta is {added, patches}:
// the spans begun since, and what changed in the spans sent before (a span changes only while
// it is open, and when the run ends every span gets its critical path and slack). patches is
// one flat list, cheap to copy: for each changed span, its index, the number of keys set, then
// key, value, ..., the number of keys deleted, then the keys. 'done' carries the result
// without its events, spans and lanes, which the page has by then. No single message takes
// the page long to read.
import { validate, simulate, run, version, init, loadSource, derive, testState } from './statelab.js';

const runs = new Map(); // runId -> {runId, ctl, events, sent, open, calls, lastCall}

// At most this many events and spans (with their data) in one message.
const PART_EVENTS = 400;
const PART_SPANS = 150;
const PART_PATCHES = 600;

function errorOf(e) {
  return { message: e?.message ? e.message : String(e), diagnostics: e?.diagnostics ? e.diagnostics : undefined };
}

/**
 * The run's functions: for each state the page answers, a function that asks the page and
 * waits for its answer (a failure is thrown as {name, message}, which run() reports as the
 * Task's error and cause).
 */
function askingFunctions(state, given) {
  const out = {};
  for (const [name, spec] of Object.entries(given || {})) {
    const latency = spec && typeof spec === 'object' && spec.latency !== undefined ? spec.latency : 0;
    const ask = (input, context) =>
      new Promise((resolve, reject) => {
        const callId = ++state.lastCall;
        state.calls.set(callId, { resolve, reject });
        postMessage({ runId: state.runId, kind: 'call', callId, state: name, input, context });
      });
    Object.defineProperty(out, name, { value: { function: ask, latency }, enumerable: true });
  }
  return out;
}

/** The page's answer to a call. */
function answered(state, m) {
  const pending = state.calls.get(m.callId);
  if (!pending) return;
  state.calls.delete(m.callId);
  if (m.failure) {
    pending.reject({ name: String(m.failure.error ?? 'Error'), message: String(m.failure.cause ?? '') });
    return;
  }
  try {
    pending.resolve(JSON.parse(m.output));
  } catch (e) {
    pending.reject({ name: 'States.Runtime', message: `the function's result is not JSON: ${e.message}` });
  }
}

/** Equal JSON values. */
function same(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!Object.hasOwn(b, k) || !same(a[k], b[k])) return false;
  return true;
}

/** What turns span `a` (at index i) into span `b`, flat (see above), or null when they are equal. */
function patchOf(i, a, b) {
  if (a === b) return null;
  const set = [];
  const del = [];
  for (const k of Object.keys(b)) if (!Object.hasOwn(a, k) || !same(a[k], b[k])) set.push(k, b[k]);
  for (const k of Object.keys(a)) if (!Object.hasOwn(b, k)) del.push(k);
  return set.length || del.length ? [i, set.length / 2, ...set, del.length, ...del] : null;
}

const isOpen = (s) => s.endMs === null || s.endMs === undefined;

/**
 * The spans by difference with what the page has: {added, patches: [flat patch]}.
 * Only the spans that were open when last sent are compared, unless `all` (the end: the
 * result's spans carry the critical path).
 */
function spanDelta(state, spans, all) {
  const { sent } = state;
  const patches = [];
  const open = [];
  const check = all ? sent.keys() : state.open;
  for (const i of check) {
    const p = patchOf(i, sent[i], spans[i]);
    if (p) patches.push(p);
    sent[i] = spans[i];
    if (isOpen(spans[i])) open.push(i);
  }
  const added = spans.slice(sent.length);
  for (const s of added) {
    if (isOpen(s)) open.push(sent.length);
    sent.push(s);
  }
  state.open = open;
  return { added, patches };
}

/** The lanes begun since the last message (lanes only grow). */
function newLanes(state, lanes) {
  const sent = state.sentLanes || 0;
  state.sentLanes = lanes?.length ?? sent;
  return lanes ? lanes.slice(sent) : [];
}

/** Post a run's message; its events and spans in parts when there are many. */
function postRun(state, kind, spans, extra) {
  let events = state.events;
  state.events = [];
  let { added, patches } = spans;
  const flat = (list) => list.flat();
  while (events.length > PART_EVENTS || added.length > PART_SPANS || patches.length > PART_PATCHES) {
    postMessage({
      runId: state.runId,
      kind: 'part',
      events: events.slice(0, PART_EVENTS),
      spans: { added: added.slice(0, PART_SPANS), patches: flat(patches.slice(0, PART_PATCHES)) },
    });
    events = events.slice(PART_EVENTS);
    added = added.slice(PART_SPANS);
    patches = patches.slice(PART_PATCHES);
  }
  postMessage({ runId: state.runId, kind, events, spans: { added, patches: flat(patches) }, ...extra });
}

// The Map Run children's histories kept for the page (./worker-children.js, loaded with the first).
let children = null;
/** A result with its mapRunChildren as asked (`how`, see above). */
async function withChildren(result, how) {
  if (!result.mapRunChildren || !how) return result;
  children ||= import('./worker-children.js');
  return (await children).withChildren(result, how);
}

/** A simulate() result's lists sent in parts, at most so many in one. */
const PARTS = { events: PART_EVENTS, spans: PART_SPANS, lanes: 1000, mapRunChildren: 1000 };

/** Post a simulate() result: its long lists in parts first, their last parts in the reply. */
function postResult(id, value) {
  const lists = Object.keys(PARTS).filter((k) => Array.isArray(value[k]));
  const n = Math.max(1, ...lists.map((k) => Math.ceil(value[k].length / PARTS[k])));
  const part = (i) => Object.fromEntries(lists.map((k) => [k, value[k].slice(i * PARTS[k], (i + 1) * PARTS[k])]));
  for (let i = 0; i < n - 1; i++) postMessage({ id, part: part(i) });
  postMessage({ id, ok: true, value: n > 1 ? { ...value, ...part(n - 1) } : value });
}

/** A result for a timeline only (the sequential twin): no events, spans without their data. */
function timelineOnly(result) {
  const { events, spans, output, mapRunChildren, ...rest } = result;
  return {
    ...rest,
    spans: (spans || []).map(({ input, output, steps, ...s }) => s),
  };
}

self.onmessage = async (msg) => {
  const m = msg.data;
  if (m.op === 'validate' || m.op === 'simulate' || m.op === 'version' || m.op === 'init' || m.op === 'loadSource' || m.op === 'derive' || m.op === 'testState') {
    try {
      let value;
      if (m.op === 'validate') value = await validate(m.definition, m.options || {});
      else if (m.op === 'simulate') {
        value = await simulate(m.definition, m.input, m.mocks, m.options || {});
        value = m.timelineOnly ? timelineOnly(value) : await withChildren(value, m.mapRunChildren);
        postResult(m.id, value);
        return;
      } else if (m.op === 'init') value = await init(m.module || undefined);
      else if (m.op === 'loadSource') value = await loadSource(m.text, m.options || {});
      else if (m.op === 'derive') value = await derive(m.definition, m.options || {});
      else if (m.op === 'testState') value = await testState(m.request, m.options || {});
      else value = await version();
      postMessage({ id: m.id, ok: true, value });
    } catch (e) {
      postMessage({ id: m.id, ok: false, error: errorOf(e) });
    }
    return;
  }
  if (m.op === 'run') {
    runs.get(m.runId)?.ctl?.stop();
    const runId = m.runId;
    const options = m.options || {};
    const state = { runId, ctl: null, events: [], sent: [], open: [], calls: new Map(), lastCall: 0 };
    runs.set(runId, state);
    const current = () => runs.get(runId) === state;
    try {
      state.ctl = run(m.definition, m.input, m.mocks, {
        ...options,
        functions: askingFunctions(state, m.functions),
        onCallback: (callback) => current() && postMessage({ runId, kind: 'callback', callback }),
        updateIntervalMs: 40,
        onEvent: (e) => state.events.push(e),
        onUpdate: ({ nowMs, spans, lanes, status }) => {
          if (!current()) return;
          postRun(state, 'tick', spanDelta(state, spans, status !== 'RUNNING'), {
            nowMs,
            status,
            paused: state.ctl ? state.ctl.paused : !!options.paused,
            lanes: newLanes(state, lanes),
          });
        },
      });
      const result = await state.ctl.done;
      if (current()) {
        const { events, spans, lanes, ...rest } = result;
        postRun(state, 'done', spanDelta(state, spans, true), { result: await withChildren(rest, m.mapRunChildren), lanes: newLanes(state, lanes) });
        runs.delete(runId);
      }
    } catch (e) {
      if (current()) {
        postMessage({ runId, kind: 'error', ...errorOf(e) });
        runs.delete(runId);
      }
    }
    return;
  }
  if (m.op === 'mapRunChild' || (m.op === 'forget' && children)) {
    children ||= import('./worker-children.js');
    (await children)[m.op](m);
    return;
  }
  if (m.op === 'answer') {
    const state = runs.get(m.runId);
    if (state) answered(state, m);
    return;
  }
  if (m.id !== undefined) {
    postMessage({ id: m.id, ok: false, error: { message: `statelab worker: unknown operation '${m.op}'` } });
    return;
  }
  const state = runs.get(m.runId);
  if (!state?.ctl) return;
  const ctl = state.ctl;
  if (m.op === 'pause') ctl.pause();
  else if (m.op === 'resume') ctl.resume();
  else if (m.op === 'step') ctl.step();
  else if (m.op === 'stop') ctl.stop();
  else if (m.op === 'sendTaskSuccess' || m.op === 'sendTaskFailure' || m.op === 'sendTaskHeartbeat') {
    let ok = false;
    try {
      ok = ctl[m.op](m.callbackId, ...(m.op === 'sendTaskSuccess' ? [m.output] : [m.error, m.cause]));
    } catch {}
    postMessage({ runId: m.runId, kind: 'callbackAnswered', callbackId: m.callbackId, op: m.op, ok });
  }
  // Tell the page where the run is now (a paused run sends no ticks by itself).
  if (runs.get(m.runId) === state && !ctl.finished) {
    postMessage({ runId: m.runId, kind: 'control', paused: ctl.paused, nowMs: ctl.nowMs });
  }
};
