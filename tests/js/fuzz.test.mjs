// The fuzzer's reproducers (tests/fuzz/*.json, see tests/it/fuzz_regressions.rs for the
// native side) through the wasm build as the page gets it (www/statelab.js): each `run` and
// `validate` reproducer ends with a result or a clean Error (never a trap, a RangeError or
// "statelab: internal error") within its file's time bound. (The `jsonata` ones have no wasm
// entry point of their own; the native test runs them.)
// Run: node --test tests/js/ (scripts/test-wasm.sh), after scripts/build-wasm.sh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';

const api = await import(new URL('../../www/statelab.js', import.meta.url).href);
const dir = new URL('../fuzz/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

test('there are reproducers to run', () => {
  assert.ok(files.length > 0);
});

for (const file of files) {
  const doc = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
  const req = doc.request;
  if (req.mode !== 'run' && req.mode !== 'validate') continue;
  const bound = doc.bounds.seconds;
  test(`fuzz reproducer ${file} ends cleanly in the wasm build within ${bound} s`, async () => {
    const type = req.type === 'EXPRESS' ? { type: 'EXPRESS' } : {};
    const t0 = performance.now();
    try {
      if (req.mode === 'validate') {
        assert.ok(Array.isArray(await api.validate(req.definition, type)));
      } else {
        const options = { seed: String(req.seed ?? '0'), ...type };
        if (req.testCase != null) options.testCase = req.testCase;
        const r = await api.simulate(req.definition, req.input, req.mocks ?? undefined, options);
        assert.ok(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'].includes(r.status), r.status);
        assert.ok(r.events.length <= 25000);
      }
    } catch (e) {
      if (e instanceof assert.AssertionError) throw e;
      assert.equal(e.constructor, Error, `${e.constructor?.name}: ${e.message}`);
      assert.doesNotMatch(e.message, /internal error/);
    }
    const secs = (performance.now() - t0) / 1000;
    assert.ok(secs < bound, `took ${secs.toFixed(1)} s`);
  });
}
