// Node tests of www/statelab.js against the built www/pkg (scripts/build-wasm.sh first).
// Run: node --test tests/js/   (scripts/test-wasm.sh does both, and sets STATELAB_BIN to the
// native CLI so that its events can be compared too).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { init, validate, simulate, compile, run, testState, loadSource, derive, __panicForTests, __instances, __stackOverflowForTests, __engines } from '../../www/statelab.js';

const fixture = (name) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const read = (name) => readFileSync(fixture(name), 'utf8');
const load = (base) => ({ def: read(`${base}.asl.json`), input: read(`${base}.input.json`), mocks: read(`${base}.mocks.json`) });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const withoutJsFields = (events) => events.map(({ ms, lane, state, ...rest }) => rest);

const parallel = load('parallel');
const retry = load('retry');
const map = load('map');

before(async () => {
  await init();
  // Warm up: the first calls compile the engine's code (V8 compiles wasm lazily), which would
  // count in the wall time measured below.
  await simulate(parallel.def, parallel.input, parallel.mocks);
  await run(parallel.def, parallel.input, parallel.mocks, { speed: 1e6 }).done;
});

test('validate returns diagnostics with JSON Pointer and line:column', async () => {
  assert.deepEqual(await validate(parallel.def), []);
  const diags = await validate('{\n  "StartAt": "A",\n  "States": {\n    "A": {"Type": "Pass", "Next": "Nowhere"}\n  }\n}');
  assert.ok(diags.length >= 1);
  assert.equal(diags[0].line, 4);
  assert.match(diags[0].location, /^\/States\/A/);
  assert.equal(typeof diags[0].column, 'number');
});

test("a definition over AWS's 1,048,576 characters is refused before it is read, at the first character past the limit", async () => {
  const base = '{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}, "Comment": "';
  // Two-byte characters: the limit counts characters, not bytes.
  const exact = `${base}${'é'.repeat(1048576 - base.length - 2)}"}`;
  assert.deepEqual(await validate(exact), []);
  const over = `${base}\n${'[['.repeat(600000)}"}`;
  const diags = await validate(over);
  assert.equal(diags.length, 1);
  assert.equal(diags[0].code, 'ValidationException');
  assert.equal(diags[0].message, "1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to 1048576");
  assert.deepEqual([diags[0].line, diags[0].column], [2, 1048576 - base.length]);
  await assert.rejects(simulate(over, '{}', {}), /^Error: invalid definition:\n {2}2:\d+: 1 validation error detected/);
});

test('run settles the three-branch Parallel in about 30 ms at speed 100, branches interleaved', async () => {
  const seen = [];
  const t0 = performance.now();
  const ctl = run(parallel.def, parallel.input, parallel.mocks, { speed: 100, seed: 7, onEvent: (e) => seen.push(e) });
  const result = await ctl.done;
  const wall = performance.now() - t0;
  console.log(`# Parallel (3 s, 2 s, 1 s branches) at speed 100: ${wall.toFixed(1)} ms wall time`);
  assert.equal(result.status, 'SUCCEEDED');
  assert.ok(wall >= 29, `finished before the 3 virtual seconds could pass: ${wall} ms`);
  assert.ok(wall < 55, `took ${wall} ms: the branches did not run concurrently`);
  assert.deepEqual(result.output, [{ branch: 'slow' }, { branch: 'medium' }, { branch: 'fast' }]);
  // onEvent saw every event, in order, and the branches' events interleave.
  assert.deepEqual(seen, result.events);
  // Lanes are ids into result.lanes; each branch has its own, under the top level's.
  const label = (id) => result.lanes[id].label;
  assert.deepEqual(
    result.lanes.map((l) => [l.parent, l.state, l.index, l.label]),
    [
      [null, null, null, ''],
      [0, 'Fan out', 0, 'Fan out/0'],
      [0, 'Fan out', 1, 'Fan out/1'],
      [0, 'Fan out', 2, 'Fan out/2'],
    ],
  );
  const lanes = seen.filter((e) => e.lane !== 0).map((e) => e.lane);
  const switches = lanes.filter((l, i) => i > 0 && l !== lanes[i - 1]).length;
  assert.ok(switches >= 4, `lanes ${lanes.join(',')}`);
  // Each event names its state; the execution's own events name none.
  assert.deepEqual(
    seen.filter((e) => e.type === 'LambdaFunctionScheduled').map((e) => [e.state, label(e.lane)]),
    [
      ['Slow', 'Fan out/0'],
      ['Medium', 'Fan out/1'],
      ['Fast', 'Fan out/2'],
    ],
  );
  assert.equal(seen[0].state, undefined);
  const finished = seen.filter((e) => e.type === 'LambdaFunctionSucceeded').map((e) => [label(e.lane), e.ms]);
  assert.deepEqual(finished, [
    ['Fan out/2', 1000],
    ['Fan out/1', 2000],
    ['Fan out/0', 3000],
  ]);
});

test('run and simulate give identical events for the same seed', async () => {
  for (const [name, f, speed] of [
    ['parallel', parallel, 200],
    ['retry', retry, 2000],
  ]) {
    for (const seed of [1, 99]) {
      const sim = await simulate(f.def, f.input, f.mocks, { seed });
      const live = await run(f.def, f.input, f.mocks, { seed, speed }).done;
      assert.deepEqual(live.events, sim.events, `${name} seed ${seed}`);
      assert.deepEqual(live, sim, `${name} seed ${seed}`);
    }
  }
  // Different seeds do change the jittered back-offs.
  const a = await simulate(retry.def, retry.input, retry.mocks, { seed: 1 });
  const b = await simulate(retry.def, retry.input, retry.mocks, { seed: 99 });
  assert.notDeepEqual(a.events, b.events);
});

test('simulate gives the same events as the native CLI', { skip: !process.env.STATELAB_BIN && 'STATELAB_BIN (the native statelab binary) is not set' }, async () => {
  for (const base of ['parallel', 'retry', 'map']) {
    for (const seed of [0, 5]) {
      let stdout;
      try {
        stdout = execFileSync(
          process.env.STATELAB_BIN,
          ['run', fixture(`${base}.asl.json`), '--input', fixture(`${base}.input.json`), '--mock-config', fixture(`${base}.mocks.json`), '--seed', String(seed), '--json'],
          { maxBuffer: 256 << 20 },
        );
      } catch (e) {
        stdout = e.stdout; // exit code 1 for a failed execution still prints the result
      }
      const cli = JSON.parse(stdout.toString());
      const f = load(base);
      const sim = await simulate(f.def, f.input, f.mocks, { seed });
      assert.equal(sim.status, cli.status);
      assert.deepEqual(sim.output, cli.output);
      assert.deepEqual(withoutJsFields(sim.events), cli.events, `${base} seed ${seed}`);
    }
  }
});

test('pause freezes the virtual clock and resume carries on', async () => {
  const seen = [];
  let ctl;
  let fastDone;
  const paused = new Promise((r) => (fastDone = r));
  const t0 = performance.now();
  ctl = run(parallel.def, parallel.input, parallel.mocks, {
    speed: 100,
    onEvent: (e) => {
      seen.push(e);
      if (e.type === 'LambdaFunctionSucceeded' && e.state === 'Fast') {
        ctl.pause();
        fastDone();
      }
    },
  });
  await paused;
  assert.equal(ctl.paused, true);
  const count = seen.length;
  const frozen = ctl.nowMs;
  // At 1000 ms, or later if the machine was slow to get there, but not past the next deadline.
  assert.ok(frozen >= 1000 && frozen <= 2000, `paused at ${frozen}`);
  await sleep(40);
  assert.equal(seen.length, count, 'no events while paused');
  assert.equal(ctl.nowMs, frozen, 'the virtual clock stands still while paused');
  assert.ok(!seen.some((e) => e.type === 'LambdaFunctionSucceeded' && e.state === 'Medium'));
  ctl.resume();
  assert.equal(ctl.paused, false);
  const result = await ctl.done;
  // Unpaused, the run takes about 30 ms; paused for 40 ms, about 70 (timers may fire ~1 ms early).
  assert.ok(performance.now() - t0 >= 60, 'the pause delayed the end');
  assert.equal(result.durationMs, 3000, 'virtual time does not count the pause');
  const sim = await simulate(parallel.def, parallel.input, parallel.mocks);
  assert.deepEqual(result.events, sim.events);
  assert.deepEqual(seen, sim.events);
});

test('step moves a paused run from one deadline to the next', async () => {
  const seen = [];
  const ctl = run(retry.def, retry.input, retry.mocks, { seed: 4, paused: true, onEvent: (e) => seen.push(e) });
  await sleep(10);
  const afterStart = seen.length;
  assert.ok(afterStart >= 3, 'the events at time 0 are out');
  const times = [];
  while (ctl.step()) times.push(ctl.nowMs);
  assert.equal(ctl.finished, true);
  assert.ok(times.length >= 6, `steps at ${times}`);
  for (let i = 1; i < times.length; i++) assert.ok(times[i] >= times[i - 1]);
  const result = await ctl.done;
  const sim = await simulate(retry.def, retry.input, retry.mocks, { seed: 4 });
  assert.deepEqual(result.events, sim.events);
  assert.deepEqual(seen, sim.events);
  assert.equal(times.at(-1), sim.durationMs);
});

test('stop aborts the execution', async () => {
  let ctl;
  ctl = run(parallel.def, parallel.input, parallel.mocks, {
    speed: 100,
    onEvent: (e) => {
      if (e.type === 'TaskStateExited' && e.state === 'Fast') ctl.stop();
    },
  });
  const result = await ctl.done;
  assert.equal(result.status, 'ABORTED');
  assert.equal(result.events.at(-1).type, 'ExecutionAborted');
  assert.equal(result.durationMs, 1000);
  assert.ok(!result.events.some((e) => e.type === 'ExecutionSucceeded'));
  // Stopped in the middle of a batch of events (ParallelStateStarted comes third of the
  // twelve at time 0): onEvent still sees every event once, in order, ExecutionAborted last.
  const seen = [];
  let mid;
  mid = run(parallel.def, parallel.input, parallel.mocks, {
    speed: 100,
    onEvent: (e) => {
      seen.push(e);
      if (e.type === 'ParallelStateStarted') mid.stop();
    },
  });
  const r1 = await mid.done;
  assert.equal(r1.status, 'ABORTED');
  assert.deepEqual(seen, r1.events);
  const types = seen.map((e) => e.type);
  assert.equal(types.indexOf('ExecutionAborted'), types.length - 1);
  assert.ok(types.indexOf('LambdaFunctionStarted') > types.indexOf('ParallelStateStarted'), types.join());
  // Stopping before the engine started still aborts cleanly.
  const early = run(parallel.def, parallel.input, parallel.mocks, { speed: 100 });
  early.stop();
  const r2 = await early.done;
  assert.equal(r2.status, 'ABORTED');
  assert.deepEqual(r2.events.map((e) => e.type).at(-1), 'ExecutionAborted');
});

test('a Task can be an async JS function, errors included', async () => {
  const calls = [];
  const ctl = run(parallel.def, parallel.input, parallel.mocks, {
    speed: 100,
    functions: {
      Medium: async (input, context) => {
        calls.push([input, context.state, context.lane, context.attempt]);
        await sleep(5);
        return { ...input, from: 'js' };
      },
    },
  });
  const result = await ctl.done;
  assert.equal(result.status, 'SUCCEEDED');
  assert.deepEqual(calls, [[{ order: 42 }, 'Medium', 'Fan out/1', 0]]);
  assert.deepEqual(result.output[1], { order: 42, from: 'js' });
  const done = result.events.find((e) => e.type === 'LambdaFunctionSucceeded' && result.lanes[e.lane].label === 'Fan out/1');
  assert.equal(done.ms, 0, 'workflow time stands still while a function runs: its 5 ms are no virtual time');

  class PaymentDeclined extends Error {
    constructor(m) {
      super(m);
      this.name = 'PaymentDeclined';
    }
  }
  const failing = await run(retry.def, retry.input, retry.mocks, {
    speed: 1000,
    functions: {
      Charge: async () => {
        throw new PaymentDeclined('card expired');
      },
    },
  }).done;
  // Not retried (only Flaky is), caught by States.ALL, then the Fail state.
  assert.equal(failing.status, 'FAILED');
  assert.equal(failing.error, 'PaymentFailed');
  const failed = failing.events.find((e) => e.type === 'LambdaFunctionFailed');
  assert.deepEqual(failed.lambdaFunctionFailedEventDetails, { error: 'PaymentDeclined', cause: 'card expired' });
  const caught = failing.spans.find((s) => s.kind === 'attempt' && s.state === 'Charge');
  assert.equal(caught.error, 'PaymentDeclined');

  // A synchronous throw of a non-Error value.
  const sync = await run(parallel.def, parallel.input, parallel.mocks, {
    speed: 100,
    functions: {
      Fast: () => {
        throw 'nope';
      },
    },
  }).done;
  assert.equal(sync.status, 'FAILED');
  assert.equal(sync.error, 'Error');
  assert.equal(sync.cause, 'nope');
});

test('errors are Error objects with clear messages', async () => {
  await assert.rejects(simulate('{"StartAt": "X", "States": {"A": {"Type": "Pass", "End": true}}}', '{}', {}), (e) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, /^invalid definition:\n {2}1:\d+: /);
    assert.ok(Array.isArray(e.diagnostics) && e.diagnostics.length >= 1);
    return true;
  });
  await assert.rejects(simulate(parallel.def, '{"order": 42,}', parallel.mocks), /^Error: input: invalid JSON at line 1, column 14/);
  await assert.rejects(simulate(parallel.def, parallel.input, { Slow: { result: 1 } }), /Task state 'Medium' has no mocked response/);
  await assert.rejects(run(parallel.def, parallel.input, { Slow: { result: 1 } }, { speed: 100 }).done, /'Medium'/);
  await assert.rejects(
    run(parallel.def, parallel.input, parallel.mocks, {
      speed: 100,
      onEvent: () => {
        throw new Error('from onEvent');
      },
    }).done,
    /from onEvent/,
  );
  assert.throws(() => run(parallel.def, parallel.input, parallel.mocks, { speed: 0 }), /speed must be a positive number/);
  assert.throws(() => run(parallel.def, parallel.input, parallel.mocks, { functions: { Slow: 3 } }), /functions\.Slow must be a function/);
});

test('a definition that hashes or formats with a picture runs on the full engine, loaded when first needed', async () => {
  const plain = { StartAt: 'A', States: { A: { Type: 'Pass', Parameters: { 'b.$': "States.Base64Encode('hi')" }, End: true } } };
  assert.deepEqual((await simulate(plain, {}, {})).output, { b: 'aGk=' });
  const before = __engines();
  assert.equal(before.core, true);
  const hash = { StartAt: 'A', States: { A: { Type: 'Pass', Parameters: { 'h.$': "States.Hash('abc', 'MD5')" }, End: true } } };
  const want = { h: '900150983cd24fb0d6963f7d28e17f72' };
  assert.deepEqual((await simulate(hash, {}, {})).output, want);
  assert.equal(__engines().full, true, 'the full engine was loaded');
  assert.deepEqual((await (await compile(hash)).simulate({}, {})).output, want);
  assert.deepEqual((await run(hash, {}, {}, { speed: 1000 }).done).output, want);
  const pictures = {
    QueryLanguage: 'JSONata',
    StartAt: 'A',
    States: { A: { Type: 'Pass', Output: "{% [$formatNumber(1234.5, '#,##0.00'), $fromMillis(0, '[D01]/[M01]/[Y0001]'), $now() = $now()] %}", End: true } },
  };
  assert.deepEqual((await simulate(pictures, {}, {})).output, ['1,234.50', '01/01/1970', true]);
  // validate needs no full engine for these: the core checks them.
  assert.deepEqual(await validate(hash), []);
  // A JSONPath filter matching a pattern or calling a function is the full engine's too.
  const filters = {
    StartAt: 'A',
    States: { A: { Type: 'Pass', Parameters: { 'like.$': '$.a[?(@.n =~ /ab.*/i)].n', 'long.$': '$.a[?(@.t.length() > 1)].n' }, End: true } },
  };
  const items = {
    a: [
      { n: 'Abc', t: [1, 2] },
      { n: 'b', t: [] },
      { n: 'abd', t: [3] },
    ],
  };
  assert.deepEqual((await simulate(filters, items, {})).output, { like: ['Abc', 'abd'], long: ['Abc'] });
  assert.deepEqual(await validate(filters), []);
});

test('an ItemReader or a ResultWriter is checked and run on the full engine', async () => {
  const processor = { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
  const reader = (config) => ({
    StartAt: 'M',
    States: {
      M: {
        Type: 'Map',
        ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: config, Parameters: { Bucket: 'b', Key: 'k' } },
        ItemProcessor: processor,
        End: true,
      },
    },
  });
  assert.deepEqual(await validate(reader({ InputType: 'CSV' })), []);
  const diags = await validate(reader({ InputType: 'CSV', CSVDelimiter: 'COLON' }));
  assert.equal(diags.length, 1);
  assert.equal(diags[0].location, '/States/M/ItemReader/ReaderConfig/CSVDelimiter');
  // Without files, the object is missing: States.ItemReaderFailed.
  const r = await simulate(reader({ InputType: 'JSON' }), {}, {});
  assert.equal(r.status, 'FAILED');
  assert.equal(r.error, 'States.ItemReaderFailed');
  const writer = { StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: processor, ResultWriter: { WriterConfig: { Transformation: 'FLATTEN' } }, End: true } } };
  assert.deepEqual((await simulate(writer, [[1, 2], [3]], {})).output, [1, 2, 3]);
});

test('a Rust panic becomes an Error and the engine is reloaded', async () => {
  const instances = __instances();
  await assert.rejects(__panicForTests(), (e) => {
    assert.match(e.message, /^statelab: internal error: .*deliberate panic/s);
    assert.ok(e.cause instanceof WebAssembly.RuntimeError);
    return true;
  });
  assert.equal(__instances(), instances, 'reloaded lazily, on the next call');
  const r = await simulate(parallel.def, parallel.input, parallel.mocks);
  assert.equal(__instances(), instances + 1, 'the trapped instance was replaced');
  assert.equal(r.status, 'SUCCEEDED');
  assert.deepEqual(await validate(parallel.def), []);
  assert.equal(__instances(), instances + 1);
});

test('a stack overflow inside the engine retires the instance, and the next call works', async () => {
  const fresh = await simulate(parallel.def, parallel.input, parallel.mocks);
  let overflowed = false;
  // Near the JS stack's end the call may fail before or inside the engine: either way, the
  // next call gets a working engine (not "memory access out of bounds").
  for (let i = 0; i < 3; i++) {
    try {
      await __stackOverflowForTests(parallel.def);
    } catch (e) {
      overflowed = true;
      assert.match(e.message, /statelab: internal error|Maximum call stack/);
    }
    assert.deepEqual(await simulate(parallel.def, parallel.input, parallel.mocks), fresh);
  }
  assert.ok(overflowed, 'the call ran out of stack');
});

test('a payload the engine shares crosses once: 25,000 events carrying one 40 KB text, in simulate and in run', async () => {
  // A loop passes one 40 KB object from state to state until the history limit. Copied into
  // every event, the results would hold a gigabyte (the engine ran out of memory writing them).
  const def = JSON.stringify({
    QueryLanguage: 'JSONata',
    StartAt: 'Init',
    States: {
      Init: { Type: 'Pass', Output: "{% {'s': $pad('', 40000, 'x')} %}", Next: 'A' },
      A: { Type: 'Pass', Next: 'C' },
      C: { Type: 'Choice', Choices: [{ Condition: '{% $exists($states.input.never) %}', Next: 'Done' }], Default: 'A' },
      Done: { Type: 'Succeed' },
    },
  });
  const check = (r, how) => {
    assert.equal(r.events.length, 25000, how);
    assert.equal(r.error, 'States.Runtime', how);
    const inputs = r.events.filter((e) => e.type === 'PassStateEntered' && e.state === 'A').map((e) => e.stateEnteredEventDetails.input);
    assert.ok(inputs.length > 5000, how);
    assert.equal(inputs[0].s.length, 40000, how);
    assert.ok(
      inputs.every((i) => i === inputs[0]),
      `${how}: one object, not copies`,
    );
  };
  const sim = await simulate(def, '{}', '{}');
  check(sim, 'simulate');
  const live = await run(def, '{}', '{}', { speed: 1000 }).done;
  check(live, 'run');
  assert.deepEqual(JSON.stringify(live.events.slice(-3)), JSON.stringify(sim.events.slice(-3)));
});

test('a history past its data budget leaves payloads out, says so, and the run is the same', async () => {
  // Each iteration makes a new 10 KB text: 6,250 iterations until the history limit, 62 MB of
  // distinct payloads; the history keeps 32 MiB (and 200 KB with historyBytes) of them.
  const def = JSON.stringify({
    StartAt: 'Grow',
    States: {
      Grow: { Type: 'Pass', Parameters: { 'base.$': '$.base', 'i.$': 'States.MathAdd($.i, 1)', 'text.$': "States.Format('{}:{}', $.i, $.base)" }, Next: 'Check' },
      Check: { Type: 'Choice', Choices: [{ Variable: '$.i', NumericGreaterThanEquals: 1000000, Next: 'Done' }], Default: 'Grow' },
      Done: { Type: 'Succeed' },
    },
  });
  const input = JSON.stringify({ base: 'b'.repeat(10000), i: 0 });
  const check = (r, how) => {
    assert.equal(r.events.length, 25000, how);
    assert.equal(r.error, 'States.Runtime', how);
    assert.equal(r.historyTruncated, true, how);
    const exits = r.events.filter((e) => e.type === 'PassStateExited');
    assert.equal(exits[0].stateExitedEventDetails.output.text.length, 10002, how);
    const last = exits[exits.length - 1];
    assert.deepEqual(last.stateExitedEventDetails, { name: 'Grow', outputDetails: { truncated: true } }, how);
    const span = r.spans.findLast((s) => s.state === 'Grow');
    assert.equal(span.input, undefined, how);
    assert.equal(span.inputElided, true, how);
    return exits.filter((e) => e.stateExitedEventDetails.output !== undefined).length;
  };
  const kept = check(await simulate(def, input, '{}'), 'simulate');
  assert.ok(kept > 3000 && kept < 3400, `${kept} outputs of 10 KB kept in 32 MiB`);
  const small = await simulate(def, input, '{}', { historyBytes: 200000 });
  assert.ok(check(small, 'historyBytes') < 40);
  const live = await run(def, input, '{}', { speed: 1e9, historyBytes: 200000 }).done;
  check(live, 'run');
  assert.deepEqual(JSON.stringify(live.events.slice(-100)), JSON.stringify(small.events.slice(-100)));
  // Without a budget (2 ** 32 or more) all is kept.
  const whole = await simulate(def, JSON.stringify({ base: 'b', i: 0 }), '{}', { historyBytes: 2 ** 32 });
  assert.equal(whole.historyTruncated, undefined);
});

test('retired instances are let go: a hundred panics do not keep a hundred memories', async () => {
  // Each instance's memory is a few MB; kept, a hundred would add hundreds of MB.
  const mb = () => {
    globalThis.gc?.();
    return process.memoryUsage().rss / 2 ** 20;
  };
  await simulate(parallel.def, parallel.input, parallel.mocks);
  const before = mb();
  const instances = __instances();
  for (let i = 0; i < 100; i++) {
    await assert.rejects(__panicForTests());
    assert.equal((await simulate(parallel.def, parallel.input, parallel.mocks)).status, 'SUCCEEDED');
  }
  assert.equal(__instances(), instances + 100);
  const grew = mb() - before;
  console.log(`# 100 panics: RSS grew ${grew.toFixed(1)} MB (gc ${globalThis.gc ? 'on' : 'off'})`);
  assert.ok(grew < 60, `RSS grew ${grew.toFixed(1)} MB over 100 retired instances`);
});

test('compile checks a definition once; its simulate gives what simulate gives, across engine reloads', async () => {
  const machine = await compile(retry.def);
  for (const seed of [1, 99]) {
    assert.deepEqual(await machine.simulate(retry.input, retry.mocks, { seed }), await simulate(retry.def, retry.input, retry.mocks, { seed }));
  }
  // history: false gives the outcome alone: no events, no spans.
  const full = await machine.simulate(retry.input, retry.mocks, { seed: 1 });
  const lean = await machine.simulate(retry.input, retry.mocks, { seed: 1, history: false });
  assert.deepEqual(Object.keys(lean).sort(), ['durationMs', 'output', 'status']);
  assert.deepEqual(lean, { status: full.status, output: full.output, durationMs: full.durationMs });
  // A machine remembers the last options and mocks it converted: other ones (as text or as
  // objects) are converted anew, and each execution counts the mocked invocations afresh.
  const once = JSON.stringify({ Charge: { result: { amount: 1 } }, Notify: { result: { MessageId: 'm-2' } } });
  const other = await machine.simulate(retry.input, once, { seed: 1, history: false });
  assert.equal(other.status, 'SUCCEEDED');
  assert.ok(other.durationMs < lean.durationMs, 'no retries with the other mocks');
  assert.deepEqual(await machine.simulate(retry.input, JSON.parse(retry.mocks), { seed: 1, history: false }), lean);
  assert.deepEqual(await machine.simulate(retry.input, retry.mocks, { history: false, seed: 1 }), lean);
  await assert.rejects(compile('{"StartAt": "X", "States": {"A": {"Type": "Pass", "End": true}}}'), (e) => {
    assert.match(e.message, /^invalid definition:/);
    assert.ok(Array.isArray(e.diagnostics) && e.diagnostics.length >= 1);
    return true;
  });
  await assert.rejects(machine.simulate('{"x":', retry.mocks), /^Error: input: invalid JSON/);
  // A panic retires the engine instance; the compiled machine is checked again on the next one.
  await assert.rejects(__panicForTests(), /internal error/);
  assert.deepEqual(await machine.simulate(retry.input, retry.mocks, { seed: 1 }), full);
});

test('onUpdate reports the virtual time and the spans', async () => {
  const updates = [];
  const result = await run(map.def, JSON.stringify({ items: [{ id: 1 }, { id: 2 }] }), map.mocks, { speed: 100, onUpdate: (u) => updates.push(u) }).done;
  assert.equal(result.status, 'SUCCEEDED');
  assert.ok(updates.length >= 2);
  const last = updates.at(-1);
  assert.equal(last.nowMs, result.durationMs);
  assert.deepEqual(last.spans, result.spans);
  assert.deepEqual(last.lanes, result.lanes);
  assert.ok(last.spans.some((s) => last.lanes[s.lane].label === 'Each/1' && s.state === 'Work' && s.kind === 'attempt'));
  // Spans know the span they are part of: the Work attempt is part of a Work state span,
  // which is part of the Map state's span, in iteration 1.
  const each = result.spans.find((s) => s.state === 'Each');
  const attempt = result.spans.find((s) => s.kind === 'attempt' && result.lanes[s.lane].label === 'Each/1');
  const work = result.spans[attempt.parent];
  assert.deepEqual([work.state, work.kind, work.parent, work.index, each.parent, each.index], ['Work', 'state', each.id, 1, null, null]);
  for (let i = 1; i < updates.length; i++) assert.ok(updates[i].nowMs >= updates[i - 1].nowMs);

  // Throttled: a Map of 300 iterations finishing at 300-odd different times gives a handful
  // of updates, not one per step.
  const many = [];
  const t0 = performance.now();
  const big = await run(map.def, JSON.stringify({ items: Array.from({ length: 300 }, (_, id) => ({ id })) }), map.mocks, { speed: 2000, onUpdate: (u) => many.push(u) }).done;
  const wall = performance.now() - t0;
  assert.equal(big.status, 'SUCCEEDED');
  const steps = new Set(big.events.map((e) => e.ms)).size;
  assert.ok(steps > 100, `${steps} distinct times`);
  assert.ok(many.length <= wall / 50 + 3, `${many.length} updates in ${wall.toFixed(0)} ms`);
  assert.deepEqual(many.at(-1).spans, big.spans);
});

test('finished spans carry the critical path with criticalPath; sequential and recordSteps reach the engine', async () => {
  const r = await simulate(parallel.def, parallel.input, parallel.mocks, { criticalPath: true });
  const state = (name, res = r) => res.spans.find((s) => s.state === name && s.kind === 'state');
  const plain = await simulate(parallel.def, parallel.input, parallel.mocks);
  assert.equal(state('Slow', plain).critical, undefined, 'only when asked for');
  assert.deepEqual([state('Slow').critical, state('Slow').slackMs], [true, 0]);
  assert.deepEqual([state('Medium').critical, state('Medium').slackMs], [false, 1000]);
  assert.deepEqual([state('Fast').critical, state('Fast').slackMs], [false, 2000]);
  assert.equal(state('Slow').steps, undefined);

  const seq = await simulate(parallel.def, parallel.input, parallel.mocks, { sequential: true, recordSteps: true });
  assert.equal(seq.durationMs, 6000, 'the sequential twin takes the sum of the branches');
  assert.deepEqual(seq.output, r.output);
  const steps = state('Slow', seq).steps;
  assert.ok(Array.isArray(steps) && steps.length >= 2, JSON.stringify(steps));
  assert.deepEqual(steps[0], { step: 'InputPath', value: { order: 42 } });
  // run() passes the options on too.
  const live = await run(parallel.def, parallel.input, parallel.mocks, { sequential: true, speed: 1000 }).done;
  assert.equal(live.durationMs, 6000);

  await assert.rejects(simulate(parallel.def, parallel.input, parallel.mocks, { functions: { Slow: async () => 1 } }), /JS functions need run\(\)/);
  await assert.rejects(simulate(parallel.def, parallel.input, parallel.mocks, { sequential: 'yes' }), /options\.sequential must be true or false/);
});

test('JS functions run concurrently across Map iterations, and retries call them again', async () => {
  const calls = [];
  const r = await run(map.def, { items: [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }] }, map.mocks, {
    speed: 100,
    functions: {
      Work: async (input, ctx) => {
        calls.push(ctx.lane);
        await sleep(10 - 2 * input.id); // later items finish first
        return { ok: input.id % 2 === 0 };
      },
    },
  }).done;
  assert.equal(r.status, 'SUCCEEDED');
  assert.deepEqual(r.output, [
    { id: 1, ok: false },
    { id: 2, ok: true },
    { id: 3, ok: false },
    { id: 4, ok: true },
  ]);
  assert.deepEqual([...calls].sort(), ['Each/0', 'Each/1', 'Each/2', 'Each/3']);
  // The later items answered first, yet the calls made at one instant complete in the order
  // they were made: the events do not depend on which function was faster.
  const finished = r.events.filter((e) => e.type === 'LambdaFunctionSucceeded').map((e) => r.lanes[e.lane].label);
  assert.deepEqual(finished, ['Each/0', 'Each/1', 'Each/2', 'Each/3']);

  const attempts = [];
  const retried = await run(retry.def, retry.input, retry.mocks, {
    speed: 1000,
    seed: 2,
    functions: {
      Charge: async (_input, ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt < 2) throw Object.assign(new Error('bank timeout'), { name: 'Flaky' });
        return { amount: 50 };
      },
    },
  }).done;
  assert.equal(retried.status, 'SUCCEEDED');
  assert.deepEqual(attempts, [0, 1, 2]);
  assert.deepEqual(retried.output.charge, { amount: 50 });
  assert.equal(retried.spans.filter((s) => s.kind === 'backoff').length, 2);
});

test("a function's virtual time is its latency: the same events and times at every speed and at instant", async () => {
  const work = (wallMs) => ({
    function: async (input, ctx) => {
      await sleep(wallMs);
      return { ok: input.id % 2 === 1, lane: ctx.lane };
    },
    latency: 1.5,
  });
  const items = { items: [{ id: 1 }, { id: 2 }, { id: 3 }] };
  const runs = [];
  for (const options of [{ speed: 1 }, { speed: 1000 }, { instant: true }, { speed: 20, instant: true }]) {
    const t0 = performance.now();
    const r = await run(map.def, items, map.mocks, { ...options, seed: 3, functions: { Work: work(30) } }).done;
    runs.push({ options, r, wallMs: performance.now() - t0 });
  }
  const [base, ...others] = runs;
  assert.equal(base.r.status, 'SUCCEEDED');
  assert.deepEqual(
    base.r.output.map((o) => o.id),
    [1, 2, 3],
  );
  // Each Work call took 30 ms of real time and counts its 1.5 s of latency, no more.
  const works = base.r.spans.filter((s) => s.kind === 'attempt' && s.state === 'Work');
  assert.deepEqual(
    works.map((s) => s.endMs - s.startMs),
    [1500, 1500, 1500],
  );
  assert.equal(base.r.durationMs, 1500);
  for (const { options, r } of others) {
    assert.deepEqual(
      r.events.map((e) => [e.type, e.ms, e.lane]),
      base.r.events.map((e) => [e.type, e.ms, e.lane]),
      JSON.stringify(options),
    );
    assert.deepEqual(r.output, base.r.output);
  }
  // At speed 1 the 1.5 s of latency pass in real time; instant does not wait for them.
  assert.ok(base.wallMs >= 1500, `speed 1 took ${base.wallMs} ms`);
  assert.ok(runs[2].wallMs < 1000, `instant took ${runs[2].wallMs} ms`);
});

test('instant: deadlines at once, and a function that awaits timers finishes, called at any instant', async () => {
  const calls = [];
  const r = await run(retry.def, retry.input, retry.mocks, {
    instant: true,
    seed: 2,
    functions: {
      Charge: async (_input, ctx) => {
        calls.push(ctx.attempt);
        await sleep(5);
        await new Promise((res) => setTimeout(res, 1));
        if (ctx.attempt < 2) throw Object.assign(new Error('bank timeout'), { name: 'Flaky' });
        return { amount: 50 };
      },
    },
  }).done;
  assert.equal(r.status, 'SUCCEEDED');
  assert.deepEqual(calls, [0, 1, 2], 'called again after each back-off, later in virtual time');
  const sim = await run(retry.def, retry.input, retry.mocks, {
    speed: 1000,
    seed: 2,
    functions: {
      Charge: async (_input, ctx) => {
        if (ctx.attempt < 2) throw Object.assign(new Error('bank timeout'), { name: 'Flaky' });
        return { amount: 50 };
      },
    },
  }).done;
  assert.deepEqual(
    r.events.map((e) => [e.type, e.ms]),
    sim.events.map((e) => [e.type, e.ms]),
  );
  assert.ok(r.durationMs > 1000, `the back-offs are virtual time: ${r.durationMs} ms`);
});

test('while a function runs, time stands still: step() waits, pause and resume keep the call', async () => {
  let release;
  const gate = new Promise((r) => (release = r));
  const ctl = run(parallel.def, parallel.input, parallel.mocks, {
    paused: true,
    functions: { Fast: { function: () => gate.then(() => ({ fast: true })), latency: 0.5 } },
  });
  await sleep(20);
  // Everything at time 0 happened, Fast was called; Slow and Medium are due at 3 s and 2 s.
  assert.equal(ctl.step(), false, 'nothing happens while the function runs');
  assert.equal(ctl.nowMs, 0);
  ctl.resume();
  await sleep(30);
  assert.equal(ctl.nowMs, 0, 'the clock does not move during the call');
  release();
  await sleep(5);
  const r = await ctl.done;
  assert.equal(r.status, 'SUCCEEDED');
  const fast = r.events.find((e) => e.type === 'LambdaFunctionSucceeded' && e.state === 'Fast');
  assert.equal(fast.ms, 500);
  assert.equal(r.durationMs, 3000);
  assert.throws(
    () => run(parallel.def, parallel.input, parallel.mocks, { functions: { Fast: { function: () => 1, latency: -1 } } }),
    /functions\.Fast\.latency must be a number of seconds, 0 or more, not -1/,
  );
});

test('testState answers as the TestState API, on the full engine', async () => {
  const answer = await testState(
    {
      definition: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', ResultPath: '$.r', Next: 'After', Retry: [{ ErrorEquals: ['Busy'], MaxAttempts: 2 }] },
      input: '{"k": 1}',
      inspectionLevel: 'DEBUG',
      mock: { result: '{"Payload": 7}' },
    },
    { now: 0 },
  );
  assert.deepEqual(answer, {
    status: 'SUCCEEDED',
    output: { k: 1, r: { Payload: 7 } },
    nextState: 'After',
    inspectionData: {
      input: { k: 1 },
      afterInputPath: { k: 1 },
      afterParameters: { k: 1 },
      result: { Payload: 7 },
      afterResultSelector: { Payload: 7 },
      afterResultPath: { k: 1, r: { Payload: 7 } },
    },
  });
  assert.equal(__engines().full, true);
  const retriable = await testState(
    JSON.stringify({
      definition: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true, Retry: [{ ErrorEquals: ['Busy'], MaxAttempts: 2 }] },
      mock: { errorOutput: { error: 'Busy', cause: 'later' } },
    }),
  );
  assert.deepEqual(retriable, { status: 'RETRIABLE', error: 'Busy', cause: 'later' });
  const refused = await testState({ definition: { Type: 'Pass', End: true }, mock: { result: '1' } });
  assert.deepEqual(refused, { Error: { Code: 'ValidationException', Message: "State type 'Pass' is not supported when a mock is specified" } });
});

test('loadSource reads a SAM template on the full engine: machines, substitutions, overrides, located diagnostics', async () => {
  const text = readFileSync(new URL('../sources/two-machines.yaml', import.meta.url), 'utf8');
  const r = await loadSource(text);
  assert.equal(r.ok, true);
  assert.equal(r.label, 'CloudFormation template (YAML)');
  assert.deepEqual(
    r.machines.map((m) => m.name),
    ['First', 'Second'],
  );
  assert.deepEqual(JSON.parse(r.machines[0].definition).States.A, { Type: 'Pass', Result: 'first', End: true });
  assert.deepEqual(r.machines[0].diagnostics, []);
  // Second's misspelt Next, at its line in the YAML (line 18).
  assert.ok(
    r.machines[1].diagnostics.some((d) => d.line === 18 && /Nextt/.test(d.message)),
    JSON.stringify(r.machines[1].diagnostics),
  );
  assert.equal(__engines().full, true);

  const sam = readFileSync(new URL('../sources/sam-order.yaml', import.meta.url), 'utf8');
  const order = (await loadSource(sam, { overrides: { TableName: 'Orders' } })).machines[0];
  assert.equal(order.type, 'EXPRESS');
  assert.deepEqual(
    order.substitutions.find((s) => s.name === 'TableName'),
    { name: 'TableName', value: 'Orders', generated: false },
  );
  assert.equal(JSON.parse(order.definition).States.Save.Parameters.TableName, 'Orders');

  const broken = await loadSource('StartAt: A\nStates: [1,\n');
  assert.equal(broken.ok, false);
  assert.equal(broken.diagnostics[0].code, 'INVALID_JSON_DESCRIPTION');
  await assert.rejects(loadSource(text, { overrides: { A: 1 } }), /overrides\.A must be a string/);
});

test('derive gives what run --auto makes: an input and the missing mocks, on the full engine; it runs to success', async () => {
  const def = JSON.stringify({
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemsPath: '$.orders',
        ItemProcessor: { StartAt: 'Charge', States: { Charge: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'Payload.$': '$.amount' }, End: true } } },
        Next: 'Tell',
      },
      Tell: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', Parameters: { TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', 'Message.$': '$' }, End: true },
    },
  });
  const d = await derive(def, { input: true });
  assert.ok(__engines().full, 'the full engine is loaded');
  assert.ok(Array.isArray(d.input.orders) && d.input.orders.length > 0, JSON.stringify(d.input));
  assert.ok('amount' in d.input.orders[0], JSON.stringify(d.input));
  assert.deepEqual(Object.keys(d.mocks), ['Charge', 'Tell']);
  const r = await simulate(def, d.input, d.mocks, { seed: 3 });
  assert.equal(r.status, 'SUCCEEDED', JSON.stringify(r.error ?? r.cause));
  // A state with a mock gets none; without options.input there is no input.
  const again = await derive(JSON.parse(def), { mocked: ['Tell'] });
  assert.equal(again.input, undefined);
  assert.deepEqual(Object.keys(again.mocks), ['Charge']);
  await assert.rejects(derive(def, { mocked: 'Tell' }), /options.mocked must list state names/);
  await assert.rejects(derive('{', {}), /definition: invalid JSON at line 1/);
});
