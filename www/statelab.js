// statelab.js: the JS API of statelab, an Amazon States Language (AWS Step Functions)
// interpreter compiled to WebAssembly. A plain ES module for browsers and Node; it loads
// ./pkg/ (built by scripts/build-wasm.sh) on first use.
//
//   import { validate, simulate, compile, run } from './statelab.js';
//   const diagnostics = await validate(definition);           // [] when valid
//   const result = await simulate(definition, input, mocks, { seed: 1 });
//   const machine = await compile(definition);                // checked once, run many times
//   const again = await machine.simulate(input, mocks, { seed: 2 });
//   const ctl = run(definition, input, mocks, { speed: 100, onEvent: e => console.log(e.type) });
//   const same = await ctl.done;
//
// definition, input and mocks are JSON text (strings) or plain JS values. A result is
// { status, output?, error?, cause?, durationMs, events, spans, lanes } with times in
// milliseconds relative to the execution start:
//   event: { id, previousEventId, timestamp, type, ms, lane, state?, <xxx>EventDetails? }
//          (lane: a lane's id; state: the state the event belongs to, absent for the
//          execution's own events)
//   span:  { id, lane, parent, index, state, kind: 'state'|'attempt'|'backoff'|'wait',
//            startMs, endMs, status, input?, output?, error?, cause?, critical?, slackMs?,
//            steps? }
//          (parent: the id of the span this one is part of: a state's for an attempt,
//          back-off or wait, the Parallel or Map state's for a state in a branch or
//          iteration, with index the branch or iteration; endMs is null while the span
//          runs; critical and slackMs with options.criticalPath, steps with
//          options.recordSteps)
//   lane:  { parent, state, index, label } by id: the lane the Parallel or Map state runs
//          in, its name and the branch or iteration index (null for the top level, lane 0);
//          label ('Fan/0') is for display.
// Errors are thrown (or reject) as JS Error objects with a clear message; an invalid
// definition's error also carries .diagnostics.

// Two builds of one engine. The core (./pkg/) is what every call loads. The full engine
// (./pkg/full/) adds the parts few workflows use, kept out of the core to keep its download
// small: JSONata's number pictures ($formatNumber, $formatInteger, $parseInteger), date
// parsing with a picture ($toMillis with two arguments), and the hashes (States.Hash,
// $hash); $eval could do any of these. The core
// checks each definition it is given and refuses one that may use them (an Error with
// needsFullEngine); the call is then made again on the full engine, loaded on first need.
// Each file is named by a literal next to import.meta.url, the form bundlers (Vite, webpack,
// Parcel) follow: they copy the wasm and split the glue off with the code that uses it.
const ENGINES = {
  core: { glue: () => import('./pkg/statelab.js'), wasm: () => new URL('./pkg/statelab_bg.wasm', import.meta.url) },
  full: { glue: () => import('./pkg/full/statelab.js'), wasm: () => new URL('./pkg/full/statelab_bg.wasm', import.meta.url) },
};
for (const [kind, e] of Object.entries(ENGINES)) {
  Object.assign(e, {
    kind,
    compiled: null, // Promise<WebAssembly.Module>, compiled once
    current: null, // Promise<handle> of the live instance
    poisoned: false, // the live instance trapped (a Rust panic, a stack overflow): replace it before the next call
    live: null, // the live instance's handle: an object over the glue module, new for each instance
    glueModule: null, // wasm-bindgen's glue, imported once
  });
}
const NODE_FS = 'node:fs/promises';
let generation = 0; // instances made, by both engines
const handles = new WeakMap(); // handle -> its engine

async function loadModule(source, engine) {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.compile(source);
  const url = source instanceof URL || typeof source === 'string' ? new URL(source, import.meta.url) : engine.wasm();
  if (url.protocol === 'file:') {
    // Node (and Deno, Bun). The name is not a literal, and the comments tell webpack and Vite
    // to leave the import alone: a bundle for the browser never takes this branch.
    const { readFile } = await import(/* webpackIgnore: true */ /* @vite-ignore */ NODE_FS);
    return WebAssembly.compile(await readFile(url));
  }
  const response = fetch(url);
  if (WebAssembly.compileStreaming) {
    try {
      return await WebAssembly.compileStreaming(response);
    } catch {
      // Served without Content-Type application/wasm (or not at all): fetch the bytes again.
      const r = await fetch(url);
      if (!r.ok) throw new Error(`statelab: cannot load ${url}: HTTP ${r.status}`);
      return WebAssembly.compile(await r.arrayBuffer());
    }
  }
  const r = await response;
  if (!r.ok) throw new Error(`statelab: cannot load ${url}: HTTP ${r.status}`);
  return WebAssembly.compile(await r.arrayBuffer());
}

async function instantiate(engine) {
  const module = await engine.compiled;
  if (!engine.glueModule) {
    const glue = await engine.glue();
    await glue.default({ module_or_path: module });
    engine.glueModule = glue;
  } else {
    // A trapped instance must not be reused: the glue makes a new one in its place (built
    // with --experimental-reset-state-function), and the old one, memory and all, is let go.
    // (Importing a fresh copy of the glue instead would keep every retired instance alive.)
    engine.glueModule.__wbg_reset_state();
  }
  generation += 1;
  // A new handle for each instance: what was made by an older one (a compiled Machine) is
  // known by its handle.
  engine.live = Object.create(engine.glueModule);
  handles.set(engine.live, engine);
  return engine.live;
}

function load(engine, source) {
  if (!engine.compiled) {
    engine.compiled = loadModule(source, engine).catch((e) => {
      throw new Error(`statelab: cannot load the ${engine.kind} engine (${source ?? engine.wasm().href}; scripts/build-wasm.sh builds ./pkg): ${e.message}`, { cause: e });
    });
  }
  if (!engine.current || engine.poisoned) {
    engine.poisoned = false;
    engine.current = instantiate(engine);
    engine.current.catch(() => {
      engine.current = null;
      engine.compiled = null;
    });
  }
  return engine.current;
}

/**
 * Load the engine. Optional: every function loads it on first use. `source` may be a URL,
 * bytes, or a compiled WebAssembly.Module; by default ./pkg/statelab_bg.wasm next to this
 * file. (The full engine, when a definition needs it, loads from ./pkg/full/.)
 */
export function init(source) {
  return load(ENGINES.core, source).then(() => undefined);
}

function ready(kind = 'core') {
  return load(ENGINES[kind]);
}

/**
 * Call into the engine; a trap (a Rust panic) or a stack overflow (RangeError) becomes a
 * clear Error and retires the instance, whose state it left broken.
 */
function guard(glue, f) {
  try {
    return f(glue);
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) {
      const engine = handles.get(glue);
      if (engine && glue === engine.live) engine.poisoned = true;
      const why = globalThis.__statelabLastPanic;
      delete globalThis.__statelabLastPanic;
      throw new Error(`statelab: internal error${why ? `: ${why}` : ` (${e.message})`}; the engine will be reloaded on the next call`, { cause: e });
    }
    throw e;
  }
}

/**
 * `f(glue)` on the core engine, or on the full engine if the core refuses the definition as
 * one that needs it.
 */
async function onEngineFor(f) {
  const core = await ready('core');
  try {
    return guard(core, f);
  } catch (e) {
    if (!e?.needsFullEngine) throw e;
  }
  const full = await ready('full');
  return guard(full, f);
}

/** The diagnostics of a definition (JSON text or object): [] when valid. options: {type: 'STANDARD'|'EXPRESS'}. */
export async function validate(definition, options = {}) {
  // A definition with an ItemReader or a ResultWriter is checked by the full engine.
  return onEngineFor((g) => g.validate(definition, options));
}

/**
 * Run an execution to its end on the virtual clock, all at once, every Task from mocks.
 * options: {seed, executionName, stateMachineName, testCase (Step Functions Local mock
 * configs), sequential (the sequential twin), recordSteps (spans get each data-flow step as
 * steps: [{step, value}]), criticalPath (the result's spans get critical and slackMs),
 * history (false: the result has no events and spans, only the outcome), historyBytes (the
 * most distinct payload data the events and spans keep, default 32 MiB: past it an event's
 * payload is left out, its details saying {truncated: true}, a span's is replaced by
 * inputElided/outputElided/causeElided: true, a step's by elided: true, and the result has
 * historyTruncated: true; 2 ** 32 or more: no limit), machines ({Name: definition (JSON
 * text or object), or {Name: {definition, type: 'STANDARD'|'EXPRESS'}}}: the state machines a Task on states:startExecution[.sync|.sync:2] or
 * aws-sdk:sfn:startExecution may start as child executions, matched on the
 * StateMachineArn's stateMachine:Name; the run goes to the full engine, and the result has
 * children: [{executionArn, name, stateMachine, startMs, parent: {executionArn, state,
 * taskId, attempt, lane, span}, result}], depth first, each result in this shape)}.
 */
export async function simulate(definition, input, mocks, options = {}) {
  // JS functions (options.functions) are for run(): the engine says so if any are given.
  return await onEngineFor((g) => g.simulate(definition, input, mocks, engineOptions(options, Object.keys(options.functions ?? {}))));
}

/**
 * Read a source text: an ASL definition as JSON or YAML, a CloudFormation or SAM template
 * (JSON or YAML, short tags included) or a Serverless Framework configuration. Resolves to
 * {ok: true, form: 'ASL'|'CloudFormation'|'Serverless', label ('SAM template (YAML)'), yaml,
 * machines: [{name, definition (JSON text, intrinsics resolved and ${Name} placeholders
 * filled; null without its DefinitionUri file), substitutions: [{name, value, generated}],
 * type ('STANDARD'|'EXPRESS'|null), definitionUri, needsFile, file, diagnostics}]} (each
 * machine checked, its diagnostics at the line and column of the source text, or of the
 * DefinitionUri file named by file), or {ok: false, diagnostics} when the text does not
 * read. options: {overrides: {NAME: value} (substitutions to use), files: {uri: text} (the
 * DefinitionUri files)}. Runs on the full engine, which loads the first time.
 */
export async function loadSource(text, options = {}) {
  if (typeof text !== 'string') throw new TypeError('loadSource: the source must be a string');
  const glue = await ready('full');
  return guard(glue, (g) => g.loadSource(text, options.overrides ?? {}, options.files ?? {}));
}

/**
 * What a run needs and was not given, derived from the definition as `statelab run --auto`
 * derives it: resolves to {input?, mocks}, the input (options.input: true) an object holding
 * every field the workflow reads, typed by use, and mocks a short-form mock ({result,
 * latency}, the response in the service's shape with the fields later states read) for each
 * Task state not listed in options.mocked. definition: the ASL definition as JSON text or a
 * value (resolve YAML and templates with loadSource first); deterministic. Runs on the full
 * engine, which loads the first time.
 */
export async function derive(definition, options = {}) {
  const mocked = options.mocked ?? [];
  if (!Array.isArray(mocked)) throw new TypeError('derive: options.mocked must list state names');
  const glue = await ready('full');
  return guard(glue, (g) => g.derive(definition, options.input === true, mocked));
}

/**
 * Run one state as AWS's TestState API does. request: the API's request (definition as
 * text or object, input, inspectionLevel, stateName, variables, context, roleArn, mock,
 * stateConfiguration). Resolves to the answer {status, output, error, cause, nextState,
 * inspectionData}, or to the API's refusal {Error: {Code, Message}}. options: {now} (ms
 * since the epoch for the context object; default Date.now()). Runs on the full engine,
 * which loads the first time.
 */
export async function testState(request, options = {}) {
  const now = options.now ?? Date.now();
  // TestState is in the full engine only (it would take the core over its size budget).
  const glue = await ready('full');
  return guard(glue, (g) => g.testState(request, now));
}

/**
 * Redrive an execution that ended FAILED, TIMED_OUT or ABORTED, as AWS's RedriveExecution
 * continues it: the same execution (definition, input and options as the previous run's:
 * seed, executionName, type, ...) enters its unsuccessful states again, and only the
 * Parallel branches and Map iterations that did not succeed run again. previous: {result,
 * mocks}: what simulate() or run() gave (a result of the full engine carries `redrive`, what
 * the redrive needs; the core's does not) or the previous run's mocks (the run is simulated
 * again on the full engine, which gives the same execution for the same seed, unless it ran
 * JS functions or was stopped by hand).
 * mocks: the redrive's (new) mocks. options: as simulate()'s, and afterMs (how long after
 * the previous end it is redriven; default 0). Resolves to the result of the new attempt as
 * simulate() gives it: its events continue the previous ids from ExecutionRedriven, its
 * times stay relative to the execution's start, and (unsuccessful again) it carries
 * `redrive` for the next one. Rejects with ExecutionNotRedrivable and AWS's reason when the
 * execution cannot be redriven. Runs on the full engine, which loads the first time.
 */
export async function redrive(definition, input, previous, mocks, options = {}) {
  const glue = await ready('full');
  const { priorOf } = await import('./redrive-prior.js');
  const engine = engineOptions(options, []);
  return guard(glue, (g) => {
    const prior = priorOf(g, definition, input, previous, engine);
    const session = g.Session.redrive(definition, input, mocks, engine, prior, options.afterMs ?? 0);
    try {
      session.start();
      while (session.step()) {}
      const result = session.result();
      // The child executions the redriven attempt started (options.machines), as run() gives them.
      const children = session.children();
      if (children.length > 0) result.children = children;
      return result;
    } finally {
      session.free();
    }
  });
}

/**
 * Check a definition once, to simulate it many times: resolves to {simulate(input, mocks,
 * options)}, which behaves as simulate() with this definition, without converting and
 * checking the definition on each call. options: {type} as for validate(). Rejects as
 * simulate() does for an invalid definition.
 */
export async function compile(definition, options = {}) {
  const type = options.type;
  const check = (g) => ({ glue: g, machine: new g.Machine(definition, type === undefined ? {} : { type }) });
  let made = await onEngineFor(check);
  const kind = handles.get(made.glue).kind;
  return {
    async simulate(input, mocks, runOptions = {}) {
      const glue = await ready(kind);
      // The engine was reloaded after an internal error: check the definition again there.
      if (made.glue !== glue) made = guard(glue, check);
      return guard(glue, () => made.machine.simulate(input, mocks, engineOptions(runOptions, Object.keys(runOptions.functions ?? {}))));
    },
  };
}

/** The engine's version. */
export async function version() {
  const glue = await ready();
  return glue.version();
}

/** Test hook: which engines are loaded ({core, full}: booleans). Not part of the API. */
export function __engines() {
  return { core: ENGINES.core.live !== null, full: ENGINES.full.live !== null };
}

function engineOptions(options, external) {
  const o = { external };
  for (const k of ['seed', 'executionName', 'stateMachineName', 'testCase', 'type', 'sequential', 'recordSteps', 'criticalPath', 'history', 'historyBytes', 'machines']) {
    if (options[k] !== undefined) o[k] = options[k];
  }
  return o;
}

function failureOf(err) {
  if (err !== null && typeof err === 'object' && ('name' in err || 'message' in err)) {
    return { error: String(err.name || 'Error'), cause: err.message === undefined ? '' : String(err.message) };
  }
  return { error: 'Error', cause: String(err) };
}

const MAX_DELAY = 2 ** 31 - 1;
const now = () => (globalThis.performance ? performance.now() : Date.now());
// In instant mode, the run gives the event loop a turn after this long (stop() and pause()
// come in as messages).
const INSTANT_SLICE_MS = 15;

/** options.functions checked: {StateName: {call, latencyMs}}. */
function functionsOf(given) {
  const out = {};
  for (const [name, spec] of Object.entries(given ?? {})) {
    let call = spec;
    let latency = 0;
    if (spec !== null && typeof spec === 'object' && typeof spec.function === 'function') {
      call = spec.function;
      latency = spec.latency ?? 0;
    }
    if (typeof call !== 'function') throw new TypeError(`statelab: options.functions.${name} must be a function or {function, latency}`);
    if (typeof latency !== 'number' || !(latency >= 0) || !Number.isFinite(latency)) {
      throw new TypeError(`statelab: options.functions.${name}.latency must be a number of seconds, 0 or more, not ${JSON.stringify(latency)}`);
    }
    Object.defineProperty(out, name, { value: { call, latencyMs: Math.round(latency * 1000) }, enumerable: true });
  }
  return out;
}

/**
 * Run an execution on real timers: virtual time passes `speed` times faster than real time
 * (speed 100: one virtual second in 10 ms). Same events, in the same order, as simulate().
 *
 * options: the options of simulate(), and {speed = 1, instant = false, paused = false,
 *           functions: {StateName: async (input, context) => output                // local "Lambdas"
 *                                  | {function: async (input, context) => output, latency: seconds}},
 *           onEvent(event), onUpdate({nowMs, spans, lanes, status}) at most every updateIntervalMs = 50
 *           (and at the end)}
 * instant: no real timers: each deadline is handled at once, as simulate() does, and the run
 * waits only for the functions.
 * Workflow time stands still while a function runs, at every speed: a call takes its latency
 * (0 by default) of virtual time, never the real time it took, and calls made at the same
 * instant complete in the order they were made, whichever answers first. So the same work
 * gives the same events and times at every speed. (A function that never settles holds the
 * run at that instant; stop() ends it.)
 * A function's thrown error becomes the Task's failure {error: err.name || 'Error', cause: err.message}.
 * options.callbacks: [State]: their Tasks wait for the host (onCallback({...request, atMs}))
 * while time runs on; sendTask* answer now (false: not waiting). Full engine.
 * options.redrive: {previous, afterMs}: the run is the redrive of `previous` (as redrive()
 * takes it: {result, mocks}) `afterMs` after its end, on the full engine: its virtual time
 * starts where the redrive is (the execution's times stay relative to its start), and `done`
 * rejects with ExecutionNotRedrivable when it cannot be redriven.
 *
 * Returns {done: Promise<result>, pause(), resume(), step(), stop(), nowMs, paused, finished}.
 * step() pauses and moves to the next moment something happens (true if it did; false
 * while a function runs).
 */
export function run(definition, input, mocks, options = {}) {
  const instant = options.instant === true;
  const speed = instant ? 1 : (options.speed ?? 1);
  if (typeof speed !== 'number' || !(speed > 0) || !Number.isFinite(speed)) {
    throw new TypeError(`statelab: options.speed must be a positive number, not ${speed}`);
  }
  const functions = functionsOf(options.functions);
  const callbacks = new Set(options.callbacks ?? []);
  for (const n of callbacks) if (functions[n]) throw new TypeError(`statelab: ${n} is both a function and a callback`);
  const onCallback = options.onCallback;
  const onEvent = options.onEvent;
  const onUpdate = options.onUpdate;
  const updateIntervalMs = options.updateIntervalMs ?? 50;

  let glue = null;
  let session = null;
  let finished = false;
  let paused = !!options.paused;
  let stopRequested = false;
  let origin = 0; // real time at virtual time 0
  let frozen = 0; // virtual time while paused or while functions run
  let finalMs = null; // virtual time at the end
  let timer = null;
  let ticker = null;
  // The function calls in flight, in the order they were made: {id, at, latencyMs, answer}.
  // While one has not answered, workflow time stands still.
  let calls = [];
  let unanswered = 0;
  // Answered calls, waiting for their virtual time: {at, seq, id, answer}, by (at, seq).
  const answered = [];
  let seq = 0;
  let resolveDone;
  let rejectDone;
  const done = new Promise((res, rej) => {
    resolveDone = res;
    rejectDone = rej;
  });

  // Virtual time 0 is when run() was called if the engine is loaded already, else when it
  // has loaded (no burst of catching up after a slow first load).
  const calledAt = now();
  const warm = { core: ENGINES.core.live !== null && !ENGINES.core.poisoned, full: ENGINES.full.live !== null && !ENGINES.full.poisoned };
  const held = () => paused || unanswered > 0;
  const virtualNow = () => {
    if (instant) return session ? session.nowMs : 0;
    return held() ? frozen : (now() - origin) * speed;
  };
  /** The next moment something happens: an engine deadline or an answered call's time. */
  const nextDeadline = () => {
    const d = session.nextDeadline();
    const a = answered.length ? answered[0].at : undefined;
    if (d === undefined) return session.done ? undefined : a;
    return a === undefined ? d : Math.min(a, d);
  };
  // The time to show: nothing happens before the next deadline, so the clock shown does not
  // pass it before it is handled (and never goes back).
  const shownNow = () => {
    if (!session) return virtualNow();
    const d = nextDeadline();
    return Math.max(session.nowMs, d === undefined ? virtualNow() : Math.min(virtualNow(), d));
  };

  function call(f) {
    return guard(glue, () => f(session));
  }

  function cleanup() {
    finished = true;
    clearTimeout(timer);
    clearInterval(ticker);
    timer = ticker = null;
  }

  function fail(err) {
    if (finished) return;
    cleanup();
    try {
      session?.free();
    } catch {}
    rejectDone(err);
  }

  // onUpdate at most every updateIntervalMs (spans are the whole timeline: a Map of 1,000
  // iterations has thousands), plus once at the end; the ticker covers quiet stretches.
  let lastUpdate = -Infinity;
  function update(force = false) {
    if (!onUpdate || !session) return;
    const t = now();
    if (!force && t - lastUpdate < updateIntervalMs) return;
    lastUpdate = t;
    onUpdate({ nowMs: shownNow(), spans: call((s) => s.spans()), lanes: call((s) => s.lanes()), status: session.status });
  }

  // Events go out in order even when a callback calls stop(), pause() or step(): events
  // produced meanwhile queue behind the ones being delivered.
  const outbox = [];
  let delivering = false;
  function deliver(events) {
    if (!onEvent) return;
    for (const e of events) outbox.push(e);
    if (delivering) return;
    delivering = true;
    try {
      for (let i = 0; i < outbox.length; i++) onEvent(outbox[i]);
    } finally {
      outbox.length = 0;
      delivering = false;
    }
  }

  // After the engine moved: hand out events, call functions, finish if done.
  // True when the run is over.
  function settle() {
    deliver(call((s) => s.takeEvents()));
    if (finished) return true; // a callback stopped the run
    for (const req of call((s) => s.takeExternal())) invoke(req);
    if (session.done) {
      const result = call((s) => s.result());
      // Child executions (options.machines, full engine): their results, linked to the task
      // that started each.
      if (typeof session.children === 'function') {
        const children = call((s) => s.children());
        if (children.length > 0) result.children = children;
      }
      cleanup();
      finalMs = result.durationMs;
      if (onUpdate) onUpdate({ nowMs: result.durationMs, spans: result.spans, lanes: result.lanes, status: result.status });
      session.free();
      resolveDone(result);
      return true;
    }
    update();
    return false;
  }

  function invoke(req) {
    if (callbacks.has(req.state)) {
      onCallback?.({ ...req, atMs: session.nowMs });
      return;
    }
    const f = functions[req.state];
    // Time stands still from here until every call in flight has answered.
    if (unanswered === 0 && !paused) frozen = session.nowMs;
    const c = { id: req.id, at: session.nowMs, latencyMs: f.latencyMs, answer: null };
    calls.push(c);
    unanswered += 1;
    clearTimeout(timer);
    timer = null;
    let p;
    try {
      p = Promise.resolve(f.call(req.input, { state: req.state, attempt: req.attempt, lane: req.lane, resource: req.resource, token: req.token ?? undefined }));
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then(
      (output) => arrived(c, { output }),
      (err) => arrived(c, { failure: failureOf(err) }),
    );
  }

  function arrived(c, answer) {
    if (finished || !calls.includes(c)) return;
    c.answer = answer;
    unanswered -= 1;
    if (unanswered > 0) return;
    // Every call has answered: each completes at its own time plus its latency, in the
    // order the calls were made.
    for (const x of calls) answered.push({ at: x.at + x.latencyMs, seq: seq++, id: x.id, answer: x.answer });
    answered.sort((a, b) => a.at - b.at || a.seq - b.seq);
    calls = [];
    if (paused) return;
    origin = now() - frozen / speed;
    pump();
  }

  function apply(item) {
    let failure = item.answer.failure;
    let text;
    if (!failure) {
      try {
        text = JSON.stringify(item.answer.output === undefined ? null : item.answer.output) ?? 'null';
      } catch (e) {
        failure = { error: 'States.Runtime', cause: `the function's result is not JSON: ${e.message}` };
      }
    }
    if (failure) call((s) => s.failExternal(item.id, item.at, failure.error, failure.cause));
    else call((s) => s.completeExternal(item.id, item.at, text));
  }

  /** Handle what is due at `d` (the next deadline): an answered call, else the engine's deadline. */
  function handle(d) {
    if (answered.length && answered[0].at <= d) apply(answered.shift());
    else call((s) => s.stepTo(d));
    return settle();
  }

  // Handle every deadline that is due, then sleep until the next one (in instant mode, go on
  // at once, a turn of the event loop every slice).
  function pump(due) {
    clearTimeout(timer);
    timer = null;
    if (finished || held()) return;
    const sliceStart = now();
    try {
      for (;;) {
        const d = nextDeadline();
        if (d === undefined) return; // waiting for JS functions (or done)
        if (!instant && d !== due && d > virtualNow()) {
          const delay = (d - virtualNow()) / speed;
          // Timers overflow past 2^31-1 ms (and then fire at once): wake up and look again.
          timer = delay > MAX_DELAY ? setTimeout(() => pump(), MAX_DELAY) : setTimeout(() => pump(d), delay);
          return;
        }
        due = undefined;
        if (handle(d) || held()) return;
        if (instant && now() - sliceStart > INSTANT_SLICE_MS) {
          timer = setTimeout(() => pump(), 0);
          return;
        }
      }
    } catch (e) {
      fail(e);
    }
  }

  function pause() {
    if (finished || paused) return;
    if (unanswered === 0) frozen = shownNow();
    paused = true;
    clearTimeout(timer);
    timer = null;
  }

  function resume() {
    if (finished || !paused) return;
    if (session) frozen = Math.max(frozen, session.nowMs);
    origin = now() - frozen / speed;
    paused = false;
    if (!session) return;
    pump();
  }

  function step() {
    if (finished || !session) return false;
    pause();
    if (unanswered > 0) return false; // a function runs: nothing happens until it answers
    try {
      const d = nextDeadline();
      if (d === undefined) return false;
      handle(d);
      if (session && !finished) {
        frozen = Math.max(frozen, session.nowMs);
        update(true);
      }
      return true;
    } catch (e) {
      fail(e);
      return false;
    }
  }

  function callbackAnswer(id, send) {
    if (finished || !session) return false;
    try {
      if (!call((s) => s.externalInFlight(id))) return false;
      const at = Math.max(session.nowMs, Math.floor(virtualNow()));
      const ok = send(at);
      settle();
      pump();
      return ok !== false;
    } catch (e) {
      fail(e);
      return false;
    }
  }

  function stop() {
    if (finished) return;
    if (!session) {
      stopRequested = true;
      return;
    }
    try {
      call((s) => s.stop());
      settle();
    } catch (e) {
      fail(e);
    }
  }

  const external = [...Object.keys(functions), ...callbacks];
  const again = options.redrive;
  let priorOf = null; // a redrive's (./redrive-prior.js)
  const makeSession = (g) => {
    const engine = engineOptions(options, external);
    if (!again) return [g, new g.Session(definition, input, mocks, engine)];
    const prior = priorOf(g, definition, input, again.previous, engineOptions(options, []));
    return [g, g.Session.redrive(definition, input, mocks, engine, prior, again.afterMs ?? 0)];
  };
  const full = () =>
    Promise.all([ready('full'), again && import('./redrive-prior.js')]).then(([g, m]) => {
      priorOf = m?.priorOf;
      return guard(g, makeSession);
    });
  (callbacks.size || again ? full() : onEngineFor(makeSession))
    .then(([g, s]) => {
      glue = g;
      session = s;
      origin = warm[handles.get(g).kind] ? calledAt : now();
      call((s) => s.start());
      // A redrive's clock starts where the redrive is, after the previous attempts.
      if (again) {
        frozen = session.nowMs;
        origin -= session.nowMs / speed;
      }
      if (settle()) return;
      if (stopRequested) return stop();
      if (onUpdate && updateIntervalMs > 0) ticker = setInterval(() => !held() && !finished && update(true), updateIntervalMs);
      pump();
    })
    .catch(fail);

  return {
    done,
    pause,
    resume,
    step,
    stop,
    sendTaskSuccess(id, output) {
      const text = JSON.stringify(output ?? null);
      return callbackAnswer(id, (at) => call((s) => s.completeExternal(id, at, text)));
    },
    sendTaskFailure: (id, error = '', cause = '') => callbackAnswer(id, (at) => call((s) => s.failExternal(id, at, `${error}`, `${cause}`))),
    sendTaskHeartbeat: (id) => callbackAnswer(id, (at) => call((s) => s.heartbeatExternal(id, at))),
    get nowMs() {
      if (finalMs !== null) return finalMs;
      return session && !finished ? shownNow() : virtualNow();
    },
    get paused() {
      return paused;
    },
    get finished() {
      return finished;
    },
  };
}

/**
 * The engine in a Web Worker (./worker.js, a module worker; the playground's too):
 * {validate, simulate, version, loadSource, derive, testState, terminate()}, with the same arguments and results as the
 * functions of this module (options must be plain data). For big simulations that should not
 * hold up the page; run() stays on this thread, where its timers and callbacks live. The
 * messages are those of worker.js's protocol ({id, op, ...} → {id, ok, value | error}, a big
 * result in parts first).
 */
export function createWorker(url = new URL('./worker.js', import.meta.url)) {
  const worker = new Worker(url, { type: 'module' });
  const pending = new Map();
  let next = 0;
  worker.onmessage = ({ data }) => {
    const p = pending.get(data.id);
    if (!p) return;
    if (data.part) {
      // A big result comes in parts: its lists (events, spans, ...), then the rest.
      p.parts ||= {};
      for (const [k, list] of Object.entries(data.part)) {
        p.parts[k] ||= [];
        for (const x of list) p.parts[k].push(x);
      }
      return;
    }
    pending.delete(data.id);
    if (!data.ok) {
      const err = new Error(data.error.message);
      if (data.error.diagnostics) err.diagnostics = data.error.diagnostics;
      p.reject(err);
      return;
    }
    const value = data.value;
    if (p.parts) for (const [k, list] of Object.entries(p.parts)) value[k] = list.concat(value[k] || []);
    p.resolve(value);
  };
  worker.onerror = (e) => {
    e.preventDefault?.();
    for (const p of pending.values()) p.reject(new Error(`statelab worker: ${e.message || 'failed to load'}`));
    pending.clear();
  };
  let terminated = false;
  const call = (op, fields) =>
    new Promise((resolve, reject) => {
      if (terminated) throw new Error('statelab worker: terminated');
      const id = next++;
      pending.set(id, { resolve, reject });
      try {
        worker.postMessage({ id, op, ...fields });
      } catch (e) {
        pending.delete(id);
        reject(e);
      }
    });
  return {
    validate: (definition, options = {}) => call('validate', { definition, options }),
    simulate: (definition, input, mocks, options = {}) => call('simulate', { definition, input, mocks, options }),
    version: () => call('version', {}),
    loadSource: (text, options = {}) => call('loadSource', { text, options }),
    derive: (definition, options = {}) => call('derive', { definition, options }),
    testState: (request, options = {}) => call('testState', { request, options }),
    terminate: () => {
      terminated = true;
      worker.terminate();
      for (const p of pending.values()) p.reject(new Error('statelab worker: terminated'));
      pending.clear();
    },
  };
}

/** Test hook: how many engine instances were made (a panic retires one). Not part of the API. */
export function __instances() {
  return generation;
}

/**
 * Test hook: call the engine with the JS stack nearly used up, so that the call runs out of
 * stack inside it (a RangeError), as a deep expression could. Not part of the API.
 */
export async function __stackOverflowForTests(definition) {
  const glue = await ready();
  // Only the recursion's own RangeError is caught here: what the engine call throws goes
  // out to the caller.
  const deep = () => {
    let below;
    try {
      below = deep();
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      return guard(glue, (g) => g.validate(definition, {}));
    }
    return below;
  };
  return deep();
}

/** Test hook: make the engine panic, to check that the API recovers. Not part of the API. */
export async function __panicForTests() {
  const glue = await ready();
  return guard(glue, (g) => g.__panicForTests());
}
