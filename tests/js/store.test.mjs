// The page's store (www/app/store.js) and its state (www/app/state.js), in Node: no DOM needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStore, shallowEqual } from '../../www/app/store.js';
import { initialState, workOf, shownSpans, select } from '../../www/app/state.js';

const tick = () => new Promise((r) => setTimeout(r, 0));
const frame = () => new Promise((r) => setTimeout(r, 60)); // a frame, and the tasks after it

test('shallowEqual compares values, and arrays and plain objects item by item', () => {
  const o = {};
  assert.ok(shallowEqual(1, 1) && shallowEqual(NaN, NaN) && shallowEqual(o, o));
  assert.ok(shallowEqual([1, o, 'a'], [1, o, 'a']));
  assert.ok(shallowEqual({ a: 1, b: o }, { b: o, a: 1 }));
  assert.ok(!shallowEqual([1, {}], [1, {}]));
  assert.ok(!shallowEqual([1], [1, 2]));
  assert.ok(!shallowEqual({ a: 1 }, { a: 1, b: undefined }));
  assert.ok(!shallowEqual([1], { 0: 1 }));
  assert.ok(!shallowEqual(new Map(), new Map()), 'not plain objects: compared as values');
});

test('a subscriber is called at once with the state, then when its part changes, once per batch', async () => {
  const store = createStore({ a: 1, b: { x: 1 }, c: 'c' });
  const calls = [];
  store.subscribe(
    (s) => [s.a, s.b.x],
    (value, before, state) => calls.push({ value, before, c: state.c }),
  );
  assert.deepEqual(calls, [], 'not within the caller');
  await tick();
  assert.deepEqual(calls, [{ value: [1, 1], before: undefined, c: 'c' }]);
  // Several updates in one task: one call, with the last values.
  store.update({ a: 2 });
  store.update((s) => ({ b: { ...s.b, x: 5 } }));
  store.update({ a: 3 });
  assert.equal(store.get().a, 3, 'the state changes at once');
  await tick();
  assert.deepEqual(calls.slice(1), [{ value: [3, 5], before: [1, 1], c: 'c' }]);
  // Another part of the state, or the same values again: no call.
  store.update({ c: 'd' });
  store.update({ b: { x: 5 } });
  store.update(() => null);
  await tick();
  assert.equal(calls.length, 2);
});

test('the same state is never notified twice; an update unchanged in value is no update', async () => {
  const store = createStore({ a: 1 });
  let n = 0;
  store.subscribe(
    (s) => s.a,
    () => (n += 1),
  );
  await tick();
  const before = store.get();
  store.update({ a: 1 });
  assert.equal(store.get(), before, 'the same values: the same state');
  store.flush();
  store.flush();
  await tick();
  assert.equal(n, 1);
});

test("a run's updates are drawn after a frame, a phase per task, the timeline's first; a user's action at once", async () => {
  const store = createStore({ run: 0, tab: 'a' });
  const order = [];
  store.subscribe(
    (s) => s.run,
    (v) => order.push(`panels ${v}`),
  );
  store.subscribe(
    (s) => s.run,
    (v) => order.push(`timeline ${v}`),
    { phase: 0 },
  );
  await tick();
  assert.deepEqual(order, ['timeline 0', 'panels 0'], 'phase 0 first, whatever the order of subscription');
  order.length = 0;
  store.update({ run: 1 }, { when: 'frame' });
  store.update({ run: 2 }, { when: 'frame' });
  await tick();
  assert.deepEqual(order, [], 'not before the frame');
  await frame();
  assert.deepEqual(order, ['timeline 2', 'panels 2']);
  // An action during a run: everything so far, in this task.
  order.length = 0;
  store.update({ run: 3 }, { when: 'frame' });
  store.update({ tab: 'b' });
  await tick();
  assert.deepEqual(order, ['timeline 3', 'panels 3']);
  await frame();
  assert.deepEqual(order, ['timeline 3', 'panels 3'], 'the frame finds nothing left to draw');
});

test('flush() notifies now; an unsubscribed listener is not called; a failing listener does not stop the others', async (t) => {
  const store = createStore({ a: 1 });
  const seen = [];
  const off = store.subscribe(
    (s) => s.a,
    (v) => seen.push(`gone ${v}`),
  );
  store.subscribe(
    (s) => s.a,
    (v) => {
      if (v === 2) throw new Error('a panel failed');
    },
  );
  store.subscribe(
    (s) => s.a,
    (v) => seen.push(`kept ${v}`),
  );
  store.flush();
  assert.deepEqual(seen, ['gone 1', 'kept 1']);
  off();
  const errors = [];
  t.mock.method(console, 'error', (e) => errors.push(e.message));
  const report = globalThis.reportError;
  globalThis.reportError = undefined;
  try {
    store.update({ a: 2 });
    store.flush();
  } finally {
    globalThis.reportError = report;
  }
  assert.deepEqual(seen, ['gone 1', 'kept 1', 'kept 2']);
  assert.deepEqual(errors, ['a panel failed']);
});

test('the playground state: the work as shared, the spans of a replay instant, selecting a visit', () => {
  const store = createStore(initialState());
  const spans = [
    { id: 0, lane: 0, parent: null, index: null, state: 'Fan', kind: 'state', startMs: 0, endMs: 3000, status: 'succeeded' },
    { id: 1, lane: 1, parent: 0, index: 0, state: 'Work', kind: 'state', startMs: 0, endMs: 3000, status: 'succeeded' },
    { id: 2, lane: 2, parent: 0, index: 1, state: 'Work', kind: 'state', startMs: 0, endMs: 1000, status: 'succeeded' },
  ];
  const result = { status: 'SUCCEEDED', durationMs: 3000, events: [], spans };
  store.update({ run: { id: 1, rev: 1, spans, events: [], lanes: [], result } });
  assert.equal(shownSpans(store.get()), spans);
  assert.deepEqual(workOf(store.get()).settings, { speed: '1', seed: 1, sequential: false, type: 'STANDARD' });
  store.update({ playhead: 1500 });
  const at = shownSpans(store.get());
  assert.equal(shownSpans(store.get()), at, 'the same list for every panel');
  assert.deepEqual(
    at.map((s) => s.status),
    ['running', 'running', 'succeeded'],
  );
  assert.equal(workOf(store.get()).settings.playhead, 1500, 'a link holds the replay position');
  select(store, { name: 'Work', lane: 2, ms: 500 });
  assert.deepEqual(store.get().selection, { name: 'Work', pick: 1, lane: 2, startMs: 0, kind: 'state' });
  assert.equal(store.get().resultTab, 'inspector');
});
