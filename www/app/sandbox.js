// The page's side of the sandbox the mocks' JavaScript functions run in (../sandbox.html says
// what the sandbox allows). One sandbox per run, removed when the run ends: nothing a function
// sets lives on to the next run. Calls and answers cross as data: the input as JSON text one
// way, the output as JSON text (or an error's name and message) the other. A call that does
// not answer within CALL_LIMIT_S fails the Task with Sandbox.Timedout, and its sandbox is
// removed (which ends a function stuck in a loop); the run's next call starts a fresh one.
// The frame and its calls (sandbox-frame.js: Sandbox) are loaded by the first run that has
// functions; what is here, the rules, every page needs.

/** How long a call may take, in seconds of real time. */
export const CALL_LIMIT_S = 5;
/** The error of a call that did not answer within the limit. */
export const TIMEOUT_ERROR = 'Sandbox.Timedout';

/**
 * Who frames this page, when it is another origin than ours: that origin ('another site'
 * when the browser does not say), or null when the page is on top or framed by its own origin.
 * A page framed by another site could have the user click "Allow and run" on code they do not
 * see: such a page runs no JavaScript mocks.
 */
export function foreignAncestor(win = window) {
  if (win.top === win) return null;
  const ancestors = win.location.ancestorOrigins;
  if (ancestors) {
    for (const o of ancestors) if (o !== win.location.origin) return o;
    return null;
  }
  try {
    if (win.top.location.origin === win.location.origin) return null;
  } catch {
    /* cross-origin: not readable */
  }
  return 'another site';
}

/**
 * The function mocks' settings: {State: {latency}} from the parsed mocks, for the states of
 * `functions`; throws an Error saying which state's latency is wrong.
 */
export function functionSettings(mocks, functions) {
  const out = {};
  for (const state of Object.keys(functions)) {
    const latency = mocks[state].latency ?? 0;
    if (typeof latency !== 'number' || !(latency >= 0) || !Number.isFinite(latency)) {
      throw new Error(`mocks: the latency of state '${state}' (a function) must be a number of seconds, 0 or more, not ${JSON.stringify(latency)}`);
    }
    Object.defineProperty(out, state, { value: { latency }, enumerable: true });
  }
  return out;
}
