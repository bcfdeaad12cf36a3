// The wasm build's stack bounds (issue #15): deep expressions end with a result or a clean
// error, never a trap, on a JS stack smaller than a page's Web Worker has. The engine runs in a
// Node worker thread of 0.5 MB of stack, where plain JS recursion goes about 4,200 calls deep
// (6,400 in Chromium's Web Worker), so what passes here passes in the page with room to
// spare. The cases run twice: the second time after V8 has optimised the engine's hot
// functions, whose frames are then bigger.
// Run: node --test tests/js/ (scripts/test-wasm.sh), after scripts/build-wasm.sh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';

const STACK_MB = 0.5;

const jsonata = (expr) => JSON.stringify({ QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', Output: `{% ${expr} %}`, End: true } } });
const nest = (open, inner, close, n) => open.repeat(n) + inner + close.repeat(n);
const recursion = (body, n) => `($f := function($n){ $n = 0 ? 0 : ${body} }; $f(${n}))`;

// [name, definition, 'validate' | 'simulate'] run in one worker, each call after the last.
const WARM = [
  ['warm-up', jsonata(Array(30000).fill('a').join('.')), 'validate'],
  ['warm-up', jsonata(`$sum([1..2000].($f := function($n){ $n = 0 ? 0 : {"a": [1][$f($n - 1) >= 0]}.a + 1 }; $f(20)))`), 'simulate'],
];
const CASES = [
  ['r01: a chain of 3,000 operands', jsonata(Array(3000).fill('1').join('+')), 'simulate'],
  ['r02: a path of 3,000 steps (the wasm build trapped from about 80)', jsonata(Array(3000).fill('a').join('.')), 'validate'],
  ['r02: a path of 300,000 steps', jsonata(Array(300000).fill('a').join('.')), 'simulate'],
  ['r04: 20,000 nested regex groups (the wasm build trapped from about 1,250)', jsonata(`$match("a", /${nest('(', 'a', ')', 20000)}/).groups ~> $count()`), 'simulate'],
  ['a regex group repeated 100,000 times', jsonata(`$match("${'ab'.repeat(100000)}", /(ab)*/).match ~> $length()`), 'simulate'],
  ['parentheses nested 49 deep', jsonata(nest('(', '1', ')', 49)), 'simulate'],
  ['parentheses nested 100,000 deep', jsonata(nest('(', '1', ')', 100000)), 'validate'],
  ['calls chained 3,000 times', jsonata(`$string${'()'.repeat(3000)}`), 'simulate'],
  ['recursion', jsonata(recursion('1 + $f($n - 1)', 100000)), 'simulate'],
  ['recursion through an object constructor', jsonata(recursion('{"a": $f($n - 1)}.a', 100000)), 'simulate'],
  ['recursion through a predicate', jsonata(recursion('[1][$f($n - 1) >= 0]', 100000)), 'simulate'],
  ['recursion through $map', jsonata(recursion('$sum($map([1], function($x){ $f($n - 1) }))', 100000)), 'simulate'],
  [
    'JSONPath filters nested 100,000 deep',
    JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', InputPath: `$[?(${nest('(', '@.a', ')', 100000)})]`, End: true } } }),
    'validate',
  ],
];

function runInWorker(cases) {
  const src = `
    import { parentPort, workerData } from 'node:worker_threads';
    const m = await import(workerData.module);
    await m.init();
    const out = [];
    for (const [name, def, mode] of workerData.cases) {
      try {
        const r = mode === 'validate' ? await m.validate(def) : await m.simulate(def, '{}', '{}');
        out.push({ name, ok: true, value: mode === 'validate' ? r.map((d) => d.message) : { status: r.status, error: r.error, cause: r.cause, output: r.output } });
      } catch (e) {
        out.push({ name, ok: false, error: String(e) });
      }
    }
    parentPort.postMessage(out);`;
  const module = new URL('../../www/statelab.js', import.meta.url).href;
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL(`data:text/javascript,${encodeURIComponent(src)}`), { workerData: { module, cases }, resourceLimits: { stackSizeMb: STACK_MB } });
    w.on('message', (m) => {
      resolve(m);
      w.terminate();
    });
    w.on('error', reject);
  });
}

for (const warm of [false, true]) {
  test(`deep expressions end with a result or a clean error on a small worker stack, never a trap${warm ? ', after V8 optimised the engine' : ''}`, async () => {
    const results = (await runInWorker(warm ? [...WARM, ...WARM, ...WARM, ...CASES] : CASES)).filter((r) => r.name !== 'warm-up');
    check(results);
  });
}

function check(results) {
  const by = Object.fromEntries(results.map((r) => [r.name, r]));
  for (const r of results) assert.ok(r.ok, `${r.name}: ${r.error}`);
  const v = (name) => by[name].value;
  assert.equal(v('r01: a chain of 3,000 operands').error, 'States.QueryEvaluationError');
  assert.match(v('r01: a chain of 3,000 operands').cause, /U1001: Stack overflow/);
  assert.deepEqual(v('r02: a path of 3,000 steps (the wasm build trapped from about 80)'), []);
  assert.equal(v('r04: 20,000 nested regex groups (the wasm build trapped from about 1,250)').output, 20000);
  assert.equal(v('a regex group repeated 100,000 times').output, 200000);
  assert.equal(v('parentheses nested 49 deep').output, 1);
  assert.match(v('parentheses nested 100,000 deep')[0], /nests more than 50 levels/);
  assert.match(v('JSONPath filters nested 100,000 deep')[0], /nested more than 50/);
  for (const name of ['calls chained 3,000 times', 'recursion', 'recursion through an object constructor', 'recursion through a predicate', 'recursion through $map']) {
    assert.equal(v(name).error, 'States.QueryEvaluationError', name);
    assert.match(v(name).cause, /U1001: Stack overflow/, name);
  }
}
