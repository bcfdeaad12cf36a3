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
      else if (m.op === 'init') value = await init();
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
    const state = { runId, ctl: null, events: [] };
    current = state;
    try {
      const functions = compileFunctions(m.functions);
      state.ctl = run(m.definition, m.input, m.mocks, {
        ...m.options,
        functions,
        updateIntervalMs: 40,
        onEvent: (e) => state.events.push(e),
        onUpdate: ({ nowMs, spans, status }) => {
          if (current !== state) return;
          flush('tick', { nowMs, spans, status, paused: state.ctl ? state.ctl.paused : false });
        },
      });
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
  const ctl = current.ctl;
  if (m.op === 'pause') ctl.pause();
  else if (m.op === 'resume') ctl.resume();
  else if (m.op === 'step') ctl.step();
  else if (m.op === 'stop') ctl.stop();
  // Tell the page where the run is now (a paused run sends no ticks by itself).
  if (current && current.ctl === ctl && !ctl.finished) {
    postMessage({ runId: m.runId, kind: 'control', paused: ctl.paused, nowMs: ctl.nowMs });
  }
};
