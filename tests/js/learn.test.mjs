// The guided tour's lessons (www/learn/lessons.js) in Node, on the wasm engine: every
// lesson's starting workflow runs and fails its check, the solution the page reveals (and
// puts in the editor) passes it, every verdict line says a number it measured; the
// measures themselves (overlap, equality); and what the tour keeps (progress.js), read
// tolerantly and written or refused with a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../www/statelab.js';
import { LESSONS, judge, scenarioMocks } from '../../www/learn/lessons.js';
import { Run, same } from '../../www/learn/measure.js';
import { KEY, mergeChanges, noChanges, readProgress, saveProgress } from '../../www/learn/progress.js';

async function runs(lesson, definition) {
  const { input, mocks } = lesson.start;
  const out = [await simulate(definition, input, mocks, { seed: 1 })];
  for (const s of lesson.scenarios || []) out.push(await simulate(definition, input, scenarioMocks(mocks, s), { seed: 1 }));
  return out;
}

test('10 to 15 lessons, each with text, an exercise, hints, a start and a solution, and distinct ids', () => {
  assert.ok(LESSONS.length >= 10 && LESSONS.length <= 15, `${LESSONS.length} lessons`);
  assert.equal(new Set(LESSONS.map((l) => l.id)).size, LESSONS.length);
  for (const l of LESSONS) {
    assert.match(l.id, /^[a-z0-9-]+$/);
    assert.ok(l.title && l.text.length >= 2 && l.exercise && l.hints.length >= 1, l.id);
    assert.ok(l.start.definition && l.start.input && l.start.mocks && l.solution.definition, l.id);
  }
});

for (const lesson of LESSONS) {
  test(`${lesson.id}: the start fails its check, the page's solution passes it`, async () => {
    const first = judge(lesson, await runs(lesson, lesson.start.definition));
    assert.equal(first.pass, false, first.lines.map((l) => l.text).join('\n'));
    assert.ok(
      first.lines.some((l) => !l.ok && /\d/.test(l.text)),
      `a failed line says what was measured:\n${first.lines.map((l) => l.text).join('\n')}`,
    );
    const solved = judge(lesson, await runs(lesson, lesson.solution.definition));
    assert.equal(solved.pass, true, solved.lines.map((l) => `${l.ok ? '✓' : '✗'} ${l.text}`).join('\n'));
  });
}

test('a scenario replaces only the mocks it names', () => {
  const mocks = { A: { result: 1 }, B: { result: 2 } };
  assert.deepEqual(scenarioMocks(mocks, { mocks: { B: { result: 3 } } }), { A: { result: 1 }, B: { result: 3 } });
  assert.deepEqual(mocks.B, { result: 2 });
  // A state named __proto__ is a state like any other.
  const odd = scenarioMocks(JSON.parse('{"__proto__": {"result": 1}}'), { mocks: {} });
  assert.ok(Object.hasOwn(odd, '__proto__'));
});

test('the measures: the most spans at one instant (one ending as another starts is not an overlap), JSON equality', () => {
  const span = (startMs, endMs) => ({ kind: 'attempt', state: 'T', startMs, endMs });
  assert.equal(Run.peak([span(0, 2000), span(2000, 4000), span(1000, 3000)]), 2);
  assert.equal(Run.peak([span(0, 1000), span(0, 1000), span(0, 1000)]), 3);
  assert.equal(Run.peak([span(0, 0)]), 0);
  assert.equal(Run.peak([span(0, null), span(500, 600)]), 2, 'a span still running counts');
  assert.ok(same({ a: [1, { b: 2 }], c: null }, { c: null, a: [1, { b: 2 }] }));
  assert.ok(!same({ a: 1 }, { a: 1, b: undefined }));
  assert.ok(!same([1, 2], { 0: 1, 1: 2 }));
});

test('progress is read tolerantly and a storage that refuses is said', () => {
  const store = (raw) => ({ getItem: () => raw, setItem() {} });
  assert.deepEqual(readProgress(store(null)).progress.done, {});
  assert.equal(readProgress(store(null)).problem, null);
  const bad = readProgress(store('{not json'));
  assert.deepEqual(bad.progress.done, {});
  assert.match(bad.problem, /could not be read/);
  const mixed = readProgress(
    store(
      JSON.stringify({
        done: { a: '2026-01-01', b: false },
        work: { a: { definition: '{}', input: '{}', mocks: '{}' }, b: { definition: 1 } },
        hints: { a: 2, b: -1 },
        current: 'a',
        speed: '10',
      }),
    ),
  ).progress;
  assert.deepEqual(Object.keys(mixed.done), ['a']);
  assert.deepEqual(Object.keys(mixed.work), ['a']);
  assert.deepEqual(mixed.hints, { a: 2 });
  assert.equal(mixed.current, 'a');
  assert.equal(mixed.speed, '10');
  const locked = {
    getItem: () => {
      throw new Error('SecurityError');
    },
  };
  assert.match(readProgress(locked).problem, /storage is turned off/);
  const kept = new Map();
  assert.equal(saveProgress({ setItem: (k, v) => kept.set(k, v) }, mixed), null);
  assert.deepEqual(JSON.parse(kept.get(KEY)).done, { a: '2026-01-01' });
  const full = {
    setItem: () => {
      throw Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
    },
  };
  assert.equal(saveProgress(full, mixed), 'the browser storage is full');
});

test("a tab's save keeps what another tab saved meanwhile", () => {
  const work = (x) => ({ definition: x, input: '{}', mocks: '{}' });
  const stored = { done: { b: 't1' }, work: { b: work('B'), c: work('C') }, hints: { b: 1 }, current: 'b', speed: '1' };
  const local = { done: { a: 't2' }, work: { a: work('A'), c: work('old C') }, hints: { a: 2 }, current: 'a', speed: null };
  const changes = noChanges();
  changes.work.add('a');
  changes.done.add('a');
  changes.hints.add('a');
  const out = mergeChanges(stored, local, changes);
  assert.deepEqual(Object.keys(out.done).sort(), ['a', 'b']);
  assert.equal(out.work.a.definition, 'A');
  assert.equal(out.work.b.definition, 'B');
  assert.equal(out.work.c.definition, 'C', "a lesson this tab did not touch keeps the other tab's edit");
  assert.deepEqual(out.hints, { b: 1, a: 2 });
  assert.equal(out.current, 'a');
  assert.equal(out.speed, '1');
  // A lesson reset here (its edits gone) is gone from the store; a reset of progress clears the marks.
  const reset = noChanges();
  reset.work.add('b');
  reset.reset = true;
  const cleared = mergeChanges(stored, { ...local, done: {}, hints: {}, work: {} }, reset);
  assert.deepEqual(cleared.done, {});
  assert.deepEqual(cleared.hints, {});
  assert.deepEqual(Object.keys(cleared.work), ['c']);
});
