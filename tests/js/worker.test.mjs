// createWorker() and www/worker.js, with Node's worker_threads standing in for Web Workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Worker } from './support/web-worker-shim.mjs';
import { createWorker, simulate, loadSource } from '../../www/statelab.js';

globalThis.Worker = Worker;
const read = (name) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

test('simulate and validate in a worker give what they give here, errors included', async () => {
  const [def, input, mocks] = ['parallel.asl.json', 'parallel.input.json', 'parallel.mocks.json'].map(read);
  const engine = createWorker();
  try {
    const there = await engine.simulate(def, input, mocks, { seed: 3 });
    assert.deepEqual(there, await simulate(def, input, mocks, { seed: 3 }));
    assert.deepEqual(await engine.validate(def), []);
    assert.match(await engine.version(), /^\d+\.\d+\.\d+/);
    const template = readFileSync(new URL('../sources/sam-order.yaml', import.meta.url), 'utf8');
    assert.deepEqual(await engine.loadSource(template, { overrides: { Queue: 'q' } }), await loadSource(template, { overrides: { Queue: 'q' } }));
    await assert.rejects(engine.simulate('{"StartAt": "X", "States": {}}', input, mocks), (e) => {
      assert.match(e.message, /^invalid definition:\n/);
      assert.ok(Array.isArray(e.diagnostics) && e.diagnostics.length > 0);
      return true;
    });
    await assert.rejects(engine.simulate(def, input, mocks, { onEvent: () => {} }), /could not be cloned/);
  } finally {
    engine.terminate();
  }
  await assert.rejects(engine.simulate(def, input, mocks), /terminated|worker/);
});

test('a big simulate() result comes from the worker in parts, and createWorker() puts them together', async () => {
  // 1,000 Map iterations: some 9,000 events and 3,000 spans, more than one message carries.
  const [def, input, mocks] = ['map.asl.json', 'map.input.json', 'map.mocks.json'].map(read);
  const engine = createWorker();
  try {
    const there = await engine.simulate(def, input, mocks, { seed: 5 });
    const here = await simulate(def, input, mocks, { seed: 5 });
    assert.ok(here.spans.length > 1000 && here.events.length > 1000);
    assert.deepEqual(there, here);
  } finally {
    engine.terminate();
  }
});

test('one protocol: the playground side (app/engine.js) runs a workflow over the same worker, with live updates, and an unknown request is an error', async () => {
  const { Engine } = await import('../../www/app/engine.js');
  const [def, input, mocks] = ['parallel.asl.json', 'parallel.input.json', 'parallel.mocks.json'].map(read);
  const page = new Engine();
  try {
    await page.init();
    assert.deepEqual(await page.validate(def, {}), []);
    let ticks = 0;
    const result = await new Promise((resolve, reject) => {
      page.start(
        def,
        input,
        JSON.parse(mocks),
        { seed: 3, speed: 1000, criticalPath: true },
        {},
        { onTick: () => (ticks += 1), onControl: () => {}, onDone: resolve, onError: (m) => reject(new Error(m.message)) },
      );
    });
    const want = await simulate(def, input, mocks, { seed: 3, criticalPath: true });
    // The events, spans and lanes sent by difference add up to the whole run.
    assert.equal(result.status, want.status);
    assert.deepEqual(result.output, want.output);
    assert.deepEqual(result.spans, want.spans);
    assert.deepEqual(result.lanes, want.lanes);
    assert.deepEqual(
      result.events.map((e) => [e.type, e.ms, e.lane, e.state]),
      want.events.map((e) => [e.type, e.ms, e.lane, e.state]),
    );
    assert.ok(ticks > 0, 'live updates came');
    await assert.rejects(page.request('nonsense', {}), /unknown operation 'nonsense'/);
  } finally {
    page.worker.terminate();
  }
});

test('a run asks the page for each call of a function (no user code runs in the worker), at every speed and at instant', async () => {
  const { Engine } = await import('../../www/app/engine.js');
  const [def, input, mocks] = ['parallel.asl.json', 'parallel.input.json', 'parallel.mocks.json'].map(read);
  const page = new Engine();
  const runWith = (options, onCall) =>
    new Promise((resolve, reject) => {
      page.start(
        def,
        input,
        JSON.parse(mocks),
        { seed: 3, ...options },
        { Fast: { latency: 0.5 } },
        {
          onTick: () => {},
          onControl: () => {},
          onDone: resolve,
          onError: (m) => reject(new Error(m.message)),
          onCall,
        },
      );
    });
  try {
    await page.init();
    const results = [];
    for (const options of [{ speed: 1000 }, { instant: true }]) {
      const calls = [];
      const r = await runWith(options, async (c) => {
        calls.push([c.state, c.input, c.context.attempt]);
        await new Promise((res) => setTimeout(res, 20));
        return { output: JSON.stringify({ via: 'page', got: c.input }) };
      });
      assert.deepEqual(calls, [['Fast', { order: 42 }, 0]]);
      assert.equal(r.status, 'SUCCEEDED');
      assert.deepEqual(r.output[2], { via: 'page', got: { order: 42 } });
      assert.equal(r.events.find((e) => e.type === 'LambdaFunctionSucceeded' && e.state === 'Fast').ms, 500);
      results.push(r);
    }
    assert.deepEqual(
      results[1].events.map((e) => [e.type, e.ms, e.lane]),
      results[0].events.map((e) => [e.type, e.ms, e.lane]),
    );
    const failed = await runWith({ instant: true }, async () => ({ failure: { error: 'Declined', cause: 'card expired' } }));
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.error, 'Declined');
    assert.equal(failed.cause, 'card expired');
    const broken = await runWith({ instant: true }, async () => ({ output: '{not json' }));
    assert.equal(broken.error, 'States.Runtime');
    assert.match(broken.cause, /the function's result is not JSON/);
  } finally {
    page.worker.terminate();
  }
});

test("a distributed Map's children's own histories stay in the worker for the page: an index comes, each history when asked, none once forgotten", async () => {
  const { Engine } = await import('../../www/app/engine.js');
  const def = JSON.stringify({
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        End: true,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
          StartAt: 'Check',
          States: {
            Check: { Type: 'Choice', Choices: [{ Variable: '$', NumericEquals: 2, Next: 'Bad' }], Default: 'Tag' },
            Tag: { Type: 'Pass', End: true },
            Bad: { Type: 'Fail', Error: 'Odd' },
          },
        },
        ToleratedFailurePercentage: 100,
      },
    },
  });
  const input = JSON.stringify({ items: [0, 1, 2, 3] });
  const here = await simulate(def, input, {}, { seed: 2 });
  assert.equal(here.mapRunChildren.length, 4);
  const page = new Engine();
  try {
    const there = await page.simulate(def, input, {}, { seed: 2 });
    // The index: which children there are, their status and event count, no events.
    assert.deepEqual(
      there.mapRunChildren.map(({ mapSpan, index, complete, eventCount, status }) => ({ mapSpan, index, complete, eventCount, status })),
      here.mapRunChildren.map((c) => ({ mapSpan: c.mapSpan, index: c.index, complete: c.complete, eventCount: c.events.length, status: c.index === 2 ? 'FAILED' : 'SUCCEEDED' })),
    );
    assert.ok(there.mapRunChildren.every((c) => c.events === undefined));
    const { mapRunChildren: _, ...rest } = there;
    const { mapRunChildren: __, ...restHere } = here;
    assert.deepEqual(rest, restHere);
    // Each child's history, asked for.
    for (const c of there.mapRunChildren) assert.deepEqual(await page.mapRunChild(c), here.mapRunChildren[c.index].events);
    // A run on timers gives the same index (its own kept histories); the sequential twin's timeline none.
    const ran = await new Promise((resolve, reject) =>
      page.start(def, input, {}, { seed: 2, instant: true }, {}, { onTick() {}, onControl() {}, onDone: resolve, onError: reject }),
    );
    assert.notEqual(ran.mapRunChildren[0].kept, there.mapRunChildren[0].kept);
    assert.deepEqual(await page.mapRunChild(ran.mapRunChildren[2]), here.mapRunChildren[2].events);
    const twin = await page.simulate(def, input, {}, { seed: 2, sequential: true }, { timelineOnly: true });
    assert.equal(twin.mapRunChildren, undefined);
    // Kept: only those of the result shown.
    page.keepOnly([ran.mapRunChildren[0].kept]);
    await assert.rejects(page.mapRunChild(there.mapRunChildren[0]), /no longer kept/);
    assert.deepEqual(await page.mapRunChild(ran.mapRunChildren[1]), here.mapRunChildren[1].events);
  } finally {
    page.worker.terminate();
  }
});
