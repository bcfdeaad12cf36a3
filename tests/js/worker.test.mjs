// createWorker() and www/worker.js, with Node's worker_threads standing in for Web Workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Worker } from './support/web-worker-shim.mjs';
import { createWorker, simulate } from '../../www/statelab.js';

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
