// The engine in a Web Worker, so that a long or runaway workflow (or a user's mock function
// that never returns) can never freeze the page: the page terminates this worker instead.
//
// Requests (postMessage): {id, op: 'validate'|'simulate'|'version', ...}  → {id, ok, value | error}
//                          {op: 'run', runId, definition, input, mocks, options, functions}
//                          {op: 'pause'|'resume'|'step'|'stop', runId}
// A run reports {runId, kind: 'tick', events, nowMs, spans, status, paused},
//               {runId, kind: 'done', result} or {runId, kind: 'error', message, diagnostics}.
import { validate, simulate, run, version, init } from '../statelab.js';

let current = null; // {runId, ctl, events}

function errorOf(e) {
  return { message: e && e.message ? e.message : String(e), diagnostics: e && e.diagnostics ? e.diagnostics : undefined };
}

// User mock functions arrive as source text ("async (input) => ..."); the page sends them
// only after the user allowed code from a shared link to run.
function compileFunctions(sources) {
  const out = {};
  for (const [state, src] of Object.entries(sources || {})) {
    let f;
    try {
      f = new Function(`"use strict"; return (${src}\n);`)();
    } catch (e) {
      throw new Error(`mocks: the function for state '${state}' does not compile: ${e.message}`);
    }
    if (typeof f !== 'function') throw new Error(`mocks: the "function" of state '${state}' is not a function`);
    out[state] = f;
  }
  return out;
}

function flush(kind, extra) {
  if (!current) return;
  const events = current.events;
  current.events = [];
  postMessage({ runId: current.runId, kind, events, ...extra });
}

self.onmessage = async (msg) => {
  const m = msg.data;
  if (m.op === 'validate' || m.op === 'simulate' || m.op === 'version' || m.op === 'init') {
    try {
      let value;
      if (m.op === 'validate') value = await validate(m.definition, m.options || {});
      else if (m.op === 'simulate') value = await simulate(m.definition, m.input, m.mocks, m.options || {});
      else if (m.op === 'init') value = await init(m.module || undefined);
      else value = await version();
      postMessage({ id: m.id, ok: true, value });
    } catch (e) {
      postMessage({ id: m.id, ok: false, error: errorOf(e) });
    }
    return;
  }
  if (m.op === 'run') {
    if (current) current.ctl.stop();
    const runId = m.runId;
    // Instant speed with user functions: the run stays paused and is driven one step at a time,
    // so workflow time moves only from one deadline to the next (deterministic).
    const { instant, ...options } = m.options || {};
    if (instant) options.paused = true;
    const state = { runId, ctl: null, events: [], userPaused: !!options.paused, calls: 0 };
    current = state;
    try {
      // Virtual time stands still while a user's function runs: the run is paused for the
      // call, so the function's result arrives at the virtual instant it was called, at any
      // speed (otherwise a 1 ms function would take 1000 s of workflow time at 10^6x).
      const functions = {};
      for (const [name, f] of Object.entries(compileFunctions(m.functions))) {
        functions[name] = async (input, context) => {
          state.calls += 1;
          state.ctl?.pause();
          try {
            return await f(input, context);
          } finally {
            state.calls -= 1;
            if (state.calls === 0 && !state.userPaused) setTimeout(() => !state.userPaused && state.calls === 0 && state.ctl?.resume());
          }
        };
      }
      state.ctl = run(m.definition, m.input, m.mocks, {
        ...options,
        functions,
        updateIntervalMs: 40,
        onEvent: (e) => state.events.push(e),
        onUpdate: ({ nowMs, spans, status }) => {
          if (current !== state) return;
          flush('tick', { nowMs, spans, status, paused: state.userPaused && !instant });
        },
      });
      if (instant) {
        (async () => {
          while (current === state && !state.ctl.finished) {
            // step() is false while the run waits for a function: let it finish, then go on.
            if (!state.ctl.step()) await new Promise((r) => setTimeout(r, 0));
          }
        })();
      }
      const result = await state.ctl.done;
      if (current === state) {
        postMessage({ runId, kind: 'done', result });
        current = null;
      }
    } catch (e) {
      if (current === state) {
        postMessage({ runId, kind: 'error', ...errorOf(e) });
        current = null;
      }
    }
    return;
  }
  if (!current || current.runId !== m.runId || !current.ctl) return;
  const state = current;
  const ctl = state.ctl;
  if (m.op === 'pause') {
    state.userPaused = true;
    ctl.pause();
  } else if (m.op === 'resume') {
    state.userPaused = false;
    if (state.calls === 0) ctl.resume();
  } else if (m.op === 'step') {
    state.userPaused = true;
    ctl.step();
  } else if (m.op === 'stop') ctl.stop();
  // Tell the page where the run is now (a paused run sends no ticks by itself).
  if (current === state && !ctl.finished) {
    postMessage({ runId: m.runId, kind: 'control', paused: state.userPaused, nowMs: ctl.nowMs });
  }
};
