// The page's side of the engine worker: requests with replies, and runs with live updates,
// whose mock function calls it hands to the run's handlers (onCall: the sandbox answers them).
// If the worker stops answering (a runaway workflow, say), it is terminated and a fresh one
// takes its place, so the page itself never freezes.

import { answerCall, gather, send, settleReply } from './lib/requests.js';

const WORKER_URL = new URL('../worker.js', import.meta.url);

export class Engine {
  constructor() {
    this.worker = null;
    this.nextId = 1;
    this.pending = new Map();
    this.run = null; // {runId, handlers, events, spans, lanes}
    this.spawn();
  }

  spawn() {
    // The page's head may have started the worker already, to load the wasm sooner.
    const early = globalThis.__statelabWorker;
    globalThis.__statelabWorker = null;
    this.worker = early || new Worker(WORKER_URL, { type: 'module' });
    this.worker.onmessage = (e) => this.receive(e.data);
    this.worker.onerror = (e) => {
      e.preventDefault?.();
      const message = `the engine worker failed: ${e.message || 'could not load'}`;
      for (const { reject } of this.pending.values()) reject(new Error(message));
      this.pending.clear();
      if (this.run) this.run.handlers.onError({ message });
      this.run = null;
    };
  }

  /** Terminate the worker (everything in it is lost) and start a new one. */
  restart(reason) {
    this.worker.terminate();
    for (const { reject } of this.pending.values()) reject(new Error(reason));
    this.pending.clear();
    this.spawn();
  }

  receive(m) {
    if (settleReply(this.pending, m)) return;
    if (!this.run || m.runId !== this.run.runId) return;
    const run = this.run;
    const h = run.handlers;
    run.lastMessage = performance.now();
    gather(run, m);
    if (m.kind === 'call') {
      answerCall(m, h.onCall, (answer) => this.run === run && this.worker.postMessage({ op: 'answer', runId: run.runId, callId: m.callId, ...answer }));
      return;
    }
    if (m.kind === 'callback') return h.onCallback?.(m.callback);
    if (m.kind === 'callbackAnswered') return h.onCallbackAnswered?.(m);
    if (m.kind === 'tick') h.onTick({ events: m.events, allEvents: run.events, spans: run.spans, lanes: run.lanes, nowMs: m.nowMs, status: m.status, paused: m.paused });
    else if (m.kind === 'control') h.onControl(m);
    else if (m.kind === 'done') {
      this.run = null;
      h.onDone({ ...m.result, events: run.events, spans: run.spans, lanes: run.lanes });
    } else if (m.kind === 'error') {
      this.run = null;
      h.onError(m);
    }
  }

  async request(op, payload, timeoutMs = 15000) {
    // Everything waits for the init message, which may carry the wasm the page compiled.
    if (op !== 'init') await this.init().catch(() => {});
    return this.post(op, payload, timeoutMs);
  }

  post(op, payload, timeoutMs) {
    const id = this.nextId++;
    return send(this.worker, this.pending, id, op, payload, timeoutMs, (reject) => {
      const message = `the engine did not answer within ${timeoutMs / 1000} s and was restarted`;
      this.pending.delete(id);
      this.restart(message);
      reject(new Error(message));
    });
  }

  /** Load the engine in the worker (once per worker): with the page's compiled wasm if any. */
  init() {
    if (!this.initDone || this.initWorker !== this.worker) {
      this.initWorker = this.worker;
      const early = globalThis.__statelabWasm;
      globalThis.__statelabWasm = null; // a restarted worker loads the wasm itself
      this.initDone = Promise.resolve(early)
        .catch(() => null)
        .then((module) => this.post('init', module ? { module } : {}, 30000));
    }
    return this.initDone;
  }

  validate(definition, options) {
    return this.request('validate', { definition, options });
  }

  /** A request on the full engine, which the worker loads the first time (then fullLoaded is true). */
  full(op, payload) {
    const worker = this.worker;
    return this.request(op, payload, 30000).then((value) => {
      if (this.worker === worker) this.fullWorker = worker;
      return value;
    });
  }

  /** Has the worker loaded the full engine (a loadSource, derive or testState answered)? */
  get fullLoaded() {
    return !!this.fullWorker && this.fullWorker === this.worker;
  }

  /** loadSource() of statelab.js (the full engine, loaded in the worker the first time). */
  loadSource(text, options) {
    return this.full('loadSource', { text, options });
  }

  /** derive() of statelab.js: {input?, mocks} a run was not given (the full engine, loaded in the worker the first time). */
  derive(definition, options) {
    return this.full('derive', { definition, options });
  }

  /** testState() of statelab.js: TestState's answer or refusal for one state (the full engine, loaded in the worker the first time). */
  testState(request) {
    return this.full('testState', { request });
  }

  /** simulate(); with timelineOnly, the result has no events and its spans no data (input, output, steps); its mapRunChildren: see mapRunChild. */
  simulate(definition, input, mocks, options, { timelineOnly = false } = {}) {
    return this.request('simulate', { definition, input, mocks, options, timelineOnly, mapRunChildren: 'index' });
  }

  /** The events of a result's Map Run child (its mapRunChildren entry: {kept, at}), which the worker keeps. */
  mapRunChild({ kept, at }) {
    return this.request('mapRunChild', { kept, at });
  }

  /** The worker lets go of the Map Run children's histories of all results but those `kept`. */
  keepOnly(kept) {
    this.worker.postMessage({ op: 'forget', keep: kept });
  }

  /**
   * Start a run; functions: {State: {latency}} (the states whose Tasks onCall answers);
   * handlers: onTick({events (new), allEvents, spans (all, so far), nowMs, status, paused}),
   * onControl, onDone(result), onError({message, diagnostics}), onCall({state, input,
   * context}) → Promise<{output: JSON text} | {failure: {error, cause}}>.
   */
  start(definition, input, mocks, options, functions, handlers) {
    if (this.run) this.control('stop');
    const runId = this.nextId++;
    const run = { runId, handlers, lastMessage: performance.now(), events: [], spans: [], lanes: [] };
    this.run = run;
    const worker = this.worker;
    this.init()
      .catch(() => {})
      .then(() => {
        if (this.run === run && this.worker === worker) worker.postMessage({ op: 'run', runId, definition, input, mocks, options, functions, mapRunChildren: 'index' });
      });
    return runId;
  }

  control(op) {
    if (!this.run) return;
    this.worker.postMessage({ op, runId: this.run.runId });
  }

  /** Answer a callback: op 'sendTaskSuccess' ({output}), 'sendTaskFailure' ({error, cause}), 'sendTaskHeartbeat'. */
  sendTask(op, callbackId, fields = {}) {
    if (!this.run) return;
    this.worker.postMessage({ op, runId: this.run.runId, callbackId, ...fields });
  }

  /** Stop the run; if the worker does not confirm within `graceMs`, kill it. */
  stop(graceMs = 600) {
    if (!this.run) return;
    const run = this.run;
    this.control('stop');
    setTimeout(() => {
      if (this.run === run) {
        this.run = null;
        this.restart('stopped');
        run.handlers.onError({ message: 'The run did not stop by itself, so the engine was restarted.', killed: true });
      }
    }, graceMs);
  }
}
