// Workspaces without a browser (www/app/model/workspace.js, www/app/lib/workstore.js): names,
// times, sizes, the work file, and the localStorage store when the storage is full.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { nameFromDefinition, copyName, whenText, utf8Length, byLastChange, workFileText, workFileName, readWorkFile, shortName } from '../../www/app/model/workspace.js';
import { storageStore, StoreError } from '../../www/app/lib/workstore.js';

test('a workspace is named after its definition: the Comment’s first clause, else the first state', () => {
  const examples = JSON.parse(readFileSync(new URL('../../www/examples/index.json', import.meta.url)));
  const names = examples.map((e) => nameFromDefinition(JSON.parse(readFileSync(new URL(`../../www/examples/${e.id}/definition.json`, import.meta.url)))));
  assert.ok(names.includes('Image pipeline'), names.join(' | '));
  assert.ok(names.includes('An AI document flow'), names.join(' | '));
  assert.ok(names.includes('JSONata'), names.join(' | '));
  for (const n of names) assert.ok(n.length > 0 && n.length <= 49, n);
  assert.equal(nameFromDefinition({ StartAt: 'Charge', States: {} }), 'Charge');
  assert.equal(nameFromDefinition({ Comment: '  ', StartAt: 'Charge' }), 'Charge');
  assert.equal(nameFromDefinition({ Comment: 'Orders — the nightly batch' }), 'Orders');
  assert.equal(nameFromDefinition({ Comment: 'Retries 1.5 s apart. Then done.' }), 'Retries 1.5 s apart');
  assert.equal(nameFromDefinition(null), 'Untitled');
  assert.equal(nameFromDefinition([1]), 'Untitled');
  const long = nameFromDefinition({ Comment: 'A very long comment that goes on and on about what this state machine does for the orders' });
  assert.ok(long.endsWith('…') && long.length <= 49, long);
  assert.equal(shortName('a\n  b'), 'a b');
});

test('copies get distinct names', () => {
  assert.equal(copyName('Orders', []), 'Orders (copy)');
  assert.equal(copyName('Orders', ['Orders (copy)']), 'Orders (copy 2)');
  assert.equal(copyName('Orders (copy)', ['Orders (copy)', 'Orders (copy 2)']), 'Orders (copy 3)');
});

test('times say how long ago, then the day', () => {
  const now = new Date(2026, 11, 7, 15, 30).getTime();
  assert.equal(whenText(now - 10_000, now), 'just now');
  assert.equal(whenText(now - 5 * 60_000, now), '5 min ago');
  assert.equal(whenText(now - 2 * 3_600_000, now), '2 h ago');
  assert.equal(whenText(new Date(2026, 11, 7, 8, 5).getTime(), now), 'today 08:05');
  assert.equal(whenText(new Date(2026, 11, 6, 14, 5).getTime(), now), 'yesterday 14:05');
  assert.equal(whenText(new Date(2026, 11, 3, 9, 30).getTime(), now), 'Thu 09:30');
  assert.equal(whenText(new Date(2026, 10, 20).getTime(), now), '20 Nov');
  assert.equal(whenText(new Date(2025, 10, 20).getTime(), now), '20 Nov 2025');
  assert.deepEqual(
    byLastChange([
      { id: 'a', changed: 1 },
      { id: 'b', changed: 3 },
      { id: 'c', changed: 2 },
    ]).map((m) => m.id),
    ['b', 'c', 'a'],
  );
});

test('sizes are counted as UTF-8', () => {
  for (const t of ['', 'abc', 'ünïcödé', '✓ and €', '𝄞 clef', 'lone \ud800 surrogate', 'end \ud800', '\ud800\ud800x']) assert.equal(utf8Length(t), Buffer.byteLength(t, 'utf8'), t);
});

test('a workspace’s file opens again as that workspace; other files are definitions', () => {
  const work = { definition: '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}', input: '{"x": 1}', mocks: '{}', settings: { speed: '5', seed: 3, sequential: false } };
  const text = workFileText('Orders: nightly', work);
  assert.deepEqual(readWorkFile(text), { kind: 'work', name: 'Orders: nightly', work });
  assert.deepEqual(readWorkFile(`\uFEFF${text}`).work, work);
  // The JSON a link holds opens as a work too.
  assert.equal(readWorkFile(JSON.stringify({ v: 1, definition: '{}' })).kind, 'work');
  // A definition, JSON or YAML, is a definition (even one whose state is named "definition").
  assert.equal(readWorkFile(work.definition).kind, 'definition');
  assert.equal(readWorkFile('{"StartAt": "A", "definition": "x", "States": {}}').kind, 'definition');
  assert.deepEqual(readWorkFile('StartAt: A\nStates: {}\n'), { kind: 'definition', text: 'StartAt: A\nStates: {}\n' });
  assert.equal(readWorkFile('{ broken').kind, 'definition');
  assert.equal(workFileName('Orders: nightly / v2?'), 'Orders nightly v2.statelab.json');
  assert.equal(workFileName('\u0001'), 'workspace.statelab.json');
});

/** A Storage that holds at most `limit` characters of keys and values, as localStorage does. */
function smallStorage(limit) {
  const m = new Map();
  const used = () => [...m].reduce((n, [k, v]) => n + k.length + v.length, 0);
  return {
    getItem: (k) => (m.has(k) ? m.get(k) : null),
    setItem(k, v) {
      const before = m.get(k);
      m.set(k, String(v));
      if (used() > limit) {
        if (before === undefined) m.delete(k);
        else m.set(k, before);
        throw Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
      }
    },
    removeItem: (k) => m.delete(k),
    keys: () => [...m.keys()],
  };
}

test('the localStorage store says when the storage is full, and keeps what it had', async () => {
  const storage = smallStorage(20_000);
  const db = storageStore(storage);
  const meta = (id, bytes) => ({ id, name: id, autoName: true, pristine: false, exampleId: null, created: 1, changed: 2, bytes });
  await db.put(meta('a', 100), { id: 'a', work: { definition: 'small' }, trusted: true });
  await assert.rejects(db.put(meta('b', 30_000), { id: 'b', work: { definition: 'x'.repeat(30_000) }, trusted: true }), (e) => e instanceof StoreError && e.quota);
  // The failed workspace left nothing behind; the first is whole.
  assert.deepEqual(
    (await db.list()).map((m) => m.id),
    ['a'],
  );
  assert.equal((await db.get('a')).body.work.definition, 'small');
  assert.equal(await db.get('b'), null);
  // Growing a saved workspace past the quota keeps its saved text.
  await assert.rejects(db.put(meta('a', 30_000), { id: 'a', work: { definition: 'y'.repeat(30_000) }, trusted: true }), (e) => e.quota);
  assert.equal((await db.get('a')).body.work.definition, 'small');
  await db.remove('a');
  assert.deepEqual(await db.list(), []);
  assert.deepEqual(storage.keys(), ['statelab.ws.index']);
});
