// The sandbox of a run's mock functions: its frame (../sandbox.html) and the calls to it, with
// their time limit (see sandbox.js, which holds the rules). Loaded by the first run that has
// functions (run.js).
import { CALL_LIMIT_S, TIMEOUT_ERROR } from './sandbox.js';

const START_LIMIT_MS = 10000;
const SANDBOX_URL = new URL('../sandbox.html', import.meta.url);

/** Text of at most n characters. */
const clip = (v, n) => {
  const s = String(v ?? '');
  return s.length > n ? s.slice(0, n) : s;
};

/** Load one sandbox frame and compile the functions there: {frame, port, errors}. */
function openFrame(functions, host) {
  return new Promise((resolve, reject) => {
    const frame = document.createElement('iframe');
    frame.setAttribute('sandbox', 'allow-scripts');
    frame.setAttribute('aria-hidden', 'true');
    frame.tabIndex = -1;
    frame.hidden = true;
    frame.referrerPolicy = 'no-referrer';
    frame.dataset.testid = 'sandbox';
    let port = null;
    let loaded = null;
    const fail = (message) => {
      clearTimeout(timer);
      clearTimeout(loaded);
      window.removeEventListener('message', onReady);
      frame.remove();
      port?.close();
      reject(new Error(message));
    };
    const timer = setTimeout(() => fail(`the sandbox did not start within ${START_LIMIT_MS / 1000} s`), START_LIMIT_MS);
    const onReady = (e) => {
      if (e.source !== frame.contentWindow || e.data?.statelabSandbox !== 'ready') return;
      window.removeEventListener('message', onReady);
      clearTimeout(loaded);
      const channel = new MessageChannel();
      port = channel.port1;
      port.onmessage = (m) => {
        const d = m.data;
        if (d?.type === 'failed') fail(clip(d.message, 500));
        else if (d?.type === 'compiled') {
          clearTimeout(timer);
          port.onmessage = null;
          const errors = {};
          for (const [state, message] of Object.entries(d.errors && typeof d.errors === 'object' ? d.errors : {})) {
            if (Object.hasOwn(functions, state)) errors[state] = clip(message, 500);
          }
          resolve({ frame, port, errors });
        }
      };
      // An opaque origin can only be addressed as '*'; the port carries everything after this.
      frame.contentWindow.postMessage({ type: 'start' }, '*', [channel.port2]);
      port.postMessage({ type: 'compile', functions });
    };
    window.addEventListener('message', onReady);
    // Loaded but silent (the file is missing, or its script was refused): say so soon.
    frame.addEventListener('load', () => {
      if (!port) loaded = setTimeout(() => fail(`the sandbox page (${SANDBOX_URL.pathname}) did not start its script`), 1000);
    });
    frame.src = SANDBOX_URL.href;
    host.append(frame);
  });
}

/**
 * A run's sandbox for `functions` ({State: source text}). start() loads it and compiles the
 * functions: resolves to {State: compile error} (empty when all compile). call() runs one
 * function and resolves to {output: JSON text} or {failure: {error, cause}}; it never rejects.
 * destroy() removes it.
 */
export class Sandbox {
  constructor(functions, { limitMs = CALL_LIMIT_S * 1000, host = document.body } = {}) {
    this.functions = functions;
    this.limitMs = limitMs;
    this.host = host;
    this.opening = null; // Promise<{frame, port, errors}> of the live frame
    this.pending = new Map(); // call id -> {state, resolve, timer}
    this.nextId = 1;
    this.closed = false;
    this.frames = 0; // frames opened, for tests
  }

  open() {
    if (!this.opening) {
      this.frames += 1;
      const opening = openFrame(this.functions, this.host);
      this.opening = opening;
      opening.then(
        ({ port }) => {
          if (this.opening !== opening || this.closed) return;
          port.onmessage = (m) => this.answered(m.data);
        },
        () => {
          if (this.opening === opening) this.opening = null;
        },
      );
    }
    return this.opening;
  }

  /** Load the sandbox and compile the functions: {State: compile error}. */
  async start() {
    const { errors } = await this.open();
    return errors;
  }

  answered(d) {
    if (d?.type !== 'answer' || !this.pending.has(d.id)) return;
    const call = this.pending.get(d.id);
    this.pending.delete(d.id);
    clearTimeout(call.timer);
    if (typeof d.output === 'string') call.resolve({ output: d.output });
    else call.resolve({ failure: { error: clip(d.failure?.error || 'Error', 256), cause: clip(d.failure?.cause, 32768) } });
  }

  /** Run the function of `state` on `input` (a JSON value). */
  async call(state, input, context) {
    if (this.closed) return { failure: { error: 'States.Runtime', cause: 'the run ended' } };
    let port;
    try {
      ({ port } = await this.open());
    } catch (e) {
      return { failure: { error: 'States.Runtime', cause: `the sandbox of the mock functions could not start: ${e.message}` } };
    }
    if (this.closed) return { failure: { error: 'States.Runtime', cause: 'the run ended' } };
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.timedOut(id), this.limitMs);
      this.pending.set(id, { state, resolve, timer });
      port.postMessage({ type: 'call', id, state, input: JSON.stringify(input ?? null), context });
    });
  }

  /** Call `id` did not answer in time: its sandbox goes, and every call in it fails. */
  timedOut(id) {
    const stuck = this.pending.get(id)?.state;
    const limit = `${this.limitMs / 1000} s`;
    this.teardown((callId) => ({
      error: TIMEOUT_ERROR,
      cause:
        callId === id
          ? `the mock function of state '${stuck}' did not return within ${limit}; its sandbox was stopped`
          : `the sandbox was stopped while this call ran: the mock function of state '${stuck}' did not return within ${limit}`,
    }));
  }

  teardown(failureOf) {
    const opening = this.opening;
    this.opening = null;
    opening?.then(
      ({ frame, port }) => {
        port.close();
        frame.remove();
      },
      () => {},
    );
    const calls = [...this.pending];
    this.pending.clear();
    for (const [callId, call] of calls) {
      clearTimeout(call.timer);
      call.resolve({ failure: failureOf(callId) });
    }
  }

  destroy() {
    if (this.closed) return;
    this.closed = true;
    this.teardown(() => ({ error: 'States.Runtime', cause: 'the run ended' }));
  }
}
