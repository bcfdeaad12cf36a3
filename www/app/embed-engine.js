// The engine of a page's <asl-playground> elements: one Web Worker (../worker.js, the
// playground's) shared by every embed of the page, made the first time one needs it. So a
// long run (a Map of 1,000 iterations, a loop to the history limit) works in that worker,
// never on the host page's main thread; the page only draws what the runs report.
//
// Embeds run side by side in it: each run is known by its runId (worker.js runs several at
// once). A mock function's call comes back here and goes to the run's onCall (the run's
// sandbox answers it): no user code runs in the worker, nor in this page.
//
// The worker is made from ../worker.js when that is on the page's origin; loaded from
// another origin (a CDN), a worker cannot be made from its URL, so it is made from a blob:
// module that imports it (the CDN must send CORS headers, as CDNs of npm packages do, and the
// host's Content-Security-Policy must allow blob: workers; see the README).

import { answerCall, gather, send, settleReply } from './lib/requests.js';

/** A request the worker has not answered by then: it is stopped, and the next use makes a new one. */
const REQUEST_LIMIT_MS = 60000;

/** A module worker running ../worker.js: from its URL on this origin, else from a blob: that imports it. */
function makeWorker() {
  const url = new URL('../worker.js', import.meta.url);
  // (Written out in full: the form bundlers (Vite, webpack) find, and bundle the worker for.)
  if (url.origin === globalThis.location?.origin) return new Worker(new URL('../worker.js', import.meta.url), { type: 'module' });
  const blob = new Blob([`import ${JSON.stringify(url.href)};\n`], { type: 'text/javascript' });
  const blobUrl = URL.createObjectURL(blob);
  try {
    return new Worker(blobUrl, { type: 'module' });
  } finally {
    // The worker has fetched its script by the time it runs; revoking later keeps the URL alive long enough.
    setTimeout(() => URL.revokeObjectURL(blobUrl), 60000);
  }
}

class EmbedEngine {
  constructor() {
    this.worker = null;
    this.nextId = 1;
    this.pending = new Map(); // request id -> {resolve, reject, timer, parts}
    this.runs = new Map(); // runId -> {handlers, events, spans, lanes}
  }

  /** The worker, made on first use (and again after one failed). */
  live() {
    if (!this.worker) {
      const worker = makeWorker();
      worker.onmessage = (e) => this.worker === worker && this.receive(e.data);
      worker.onerror = (e) => {
        e.preventDefault?.();
        if (this.worker === worker) this.lose(`the engine worker failed: ${e.message || 'it could not load (is worker.js allowed by the page’s worker-src?)'}`);
      };
      this.worker = worker;
    }
    return this.worker;
  }

  /** The worker is gone (failed, or stopped for not answering): every request and run ends with `message`. */
  lose(message) {
    const worker = this.worker;
    this.worker = null;
    worker?.terminate();
    const pending = [...this.pending.values()];
    const runs = [...this.runs.values()];
    this.pending.clear();
    this.runs.clear();
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(new Error(message));
    }
    for (const r of runs) r.handlers.onError({ message });
  }

  receive(m) {
    if (settleReply(this.pending, m)) return;
    const run = this.runs.get(m.runId);
    if (!run) return;
    const h = run.handlers;
    gather(run, m);
    if (m.kind === 'call')
      answerCall(m, h.onCall, (answer) => this.runs.get(run.runId) === run && this.worker?.postMessage({ op: 'answer', runId: run.runId, callId: m.callId, ...answer }));
    else if (m.kind === 'tick') h.onTick({ spans: run.spans, lanes: run.lanes, nowMs: m.nowMs, status: m.status });
    else if (m.kind === 'done') {
      this.runs.delete(m.runId);
      h.onDone({ ...m.result, events: run.events, spans: run.spans, lanes: run.lanes });
    } else if (m.kind === 'error') {
      this.runs.delete(m.runId);
      h.onError(m);
    }
  }

  /** A request of worker.js's protocol (loadSource, derive, validate, …): resolves to its value. */
  request(op, payload) {
    const worker = this.live();
    return send(worker, this.pending, this.nextId++, op, payload, REQUEST_LIMIT_MS, () => {
      if (this.worker === worker) this.lose(`the engine did not answer within ${REQUEST_LIMIT_MS / 1000} s and was stopped`);
    });
  }

  /**
   * Start a run on real timers (worker.js's 'run'); functions: {State: {latency}} (the states
   * whose Tasks handlers.onCall answers). handlers: onTick({spans, lanes, nowMs, status}),
   * onDone(result), onError({message}), onCall({state, input, context}). Returns {stop()}.
   */
  start(definition, input, mocks, options, functions, handlers) {
    const worker = this.live();
    const runId = this.nextId++;
    const run = { runId, handlers, events: [], spans: [], lanes: [] };
    this.runs.set(runId, run);
    // (An embed shows no Map Run's child on its own: their histories are not sent.)
    worker.postMessage({ op: 'run', runId, definition, input, mocks, options, functions, mapRunChildren: 'none' });
    return {
      stop: () => {
        // Its messages are not read from now on; the worker ends it.
        if (this.runs.get(runId) !== run) return;
        this.runs.delete(runId);
        worker.postMessage({ op: 'stop', runId });
      },
    };
  }
}

let shared = null;

/** The page's one embed engine (its worker is made when first used). */
export function embedEngine() {
  shared ||= new EmbedEngine();
  return shared;
}
