// Share links (www/app/lib/share.js), in Node: links made before workspaces still open, reading
// is tolerant of what mail, chat and analytics do to a link, what a link decompresses to is
// capped, and a link that cannot be read says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { encodeWork, decodeWork, readLink, exampleHash, compactWork, LinkError, MAX_LINK_BYTES } from '../../www/app/lib/share.js';

const OLD = JSON.parse(readFileSync(new URL('../e2e/fixtures/link-before-workspaces.json', import.meta.url)));

/** deflate-raw and base64url, as links are made, of any bytes. */
async function code(bytes) {
  const out = new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw'))).arrayBuffer());
  return Buffer.from(out).toString('base64url');
}

const rejectsWith = async (p, codeWanted, pattern) => {
  await assert.rejects(p, (e) => {
    assert.ok(e instanceof LinkError, `a LinkError, not ${e?.name}: ${e?.message}`);
    assert.equal(e.code, codeWanted, e.message);
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
};

test('a link made by the page before workspaces opens with the same work', async () => {
  const work = await decodeWork(OLD.code);
  assert.deepEqual(work, { v: 1, ...OLD.work });
});

test('a link holds the work without what a new work has anyway, and gives it back', async () => {
  const work = { definition: '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}', input: '{}', mocks: '{}', settings: { speed: '1', seed: 1, sequential: false } };
  assert.deepEqual(compactWork(work), { v: 1, definition: work.definition });
  assert.deepEqual(await decodeWork(await encodeWork(work)), { v: 1, definition: work.definition });
  const edited = { ...work, input: '{"a": 1}', settings: { speed: '5', seed: 1, sequential: true, playhead: 1500 }, source: { machine: 'M', overrides: {}, files: {} } };
  assert.deepEqual(await decodeWork(await encodeWork(edited)), {
    v: 1,
    definition: work.definition,
    input: '{"a": 1}',
    settings: { speed: '5', sequential: true, playhead: 1500 },
    source: edited.source,
  });
  // A text that only looks like the default is kept as it is.
  assert.equal((await decodeWork(await encodeWork({ ...work, mocks: '{}\n' }))).mocks, '{}\n');
});

test('links as mail, chat and analytics pass them on are read the same', async () => {
  const c = OLD.code;
  const want = { kind: 'w', code: c };
  const variants = [
    `#w=${c}`,
    `#w=${c}==`,
    `#w=${c}=&utm_source=x`,
    `#w=${c}&utm_source=newsletter&utm_medium=email`,
    `#utm_source=x&w=${c}`,
    `#w=${c}%3D%3D`,
    `#w%3D${c}`,
    `#w=${c.slice(0, 40)}\n${c.slice(40, 90)} ${c.slice(90)}`,
    `#w=${c.slice(0, 40)}%0A${c.slice(40)}`,
    `#w=${c.replace(/-/g, '+').replace(/_/g, '/')}`,
    `#w=${encodeURIComponent(c.replace(/-/g, '+').replace(/_/g, '/'))}`,
    `#w=${c};fbclid=abc`,
    `#W=${c}`,
  ];
  for (const hash of variants) {
    const got = readLink(hash, '');
    assert.equal(got?.kind, want.kind, hash);
    assert.equal(got.code, want.code, hash);
    assert.deepEqual(await decodeWork(got.code), { v: 1, ...OLD.work }, hash);
  }
  // The # lost on the way: the query string is read too, its other parameters ignored.
  assert.equal(readLink('', `?utm_source=x&w=${c}`).code, c);
  // Every variant names the same link.
  assert.equal(new Set(variants.map((h) => readLink(h).key)).size, 1);
  // Not a link: nothing to open.
  assert.equal(readLink('', ''), null);
  assert.equal(readLink('#section-2', '?utm_source=x'), null);
});

test('an example link names the example and the settings that differ', () => {
  const h = exampleHash('map-concurrency', { speed: '5', seed: 7, sequential: true, playhead: 1500 });
  assert.equal(h, '#example=map-concurrency&speed=5&seed=7&sequential=1&t=1500');
  assert.deepEqual(readLink(h), {
    kind: 'example',
    id: 'map-concurrency',
    settings: { speed: '5', seed: 7, sequential: true, playhead: 1500 },
    key: readLink(h).key,
  });
  assert.equal(exampleHash('retry-backoff', { speed: '1', seed: 1, sequential: false }), '#example=retry-backoff');
  assert.deepEqual(readLink('#example=retry-backoff&utm_source=x').settings, {});
});

test('what a link decompresses to is capped: a small link cannot make the page hold hundreds of MB', async () => {
  // 30 MB of spaces in the input deflate to about 30 KB.
  const bomb = new TextEncoder().encode(`{"v":1,"definition":"{}","input":"${' '.repeat(30_000_000)}"}`);
  const c = await code(bomb);
  assert.ok(c.length < 60_000, `the link is ${c.length} characters`);
  const t0 = performance.now();
  await rejectsWith(decodeWork(c), 'too-big', /more than 8 MB of work/);
  // It stopped near the cap: decompressing all 30 MB is not what took the time (it is bounded by the cap's share).
  assert.ok(performance.now() - t0 < 5000);
  // Just under the cap opens.
  const under = new TextEncoder().encode(`{"v":1,"definition":"{}","input":"${' '.repeat(MAX_LINK_BYTES - 100)}"}`);
  assert.equal((await decodeWork(await code(under))).input.length, MAX_LINK_BYTES - 100);
  // And the page will not make a link it would not open.
  await rejectsWith(encodeWork({ definition: '{}', input: 'x'.repeat(MAX_LINK_BYTES) }), 'too-big', /more than the 8 MB a link may hold/);
});

test('a link that cannot be read says why', async () => {
  const c = OLD.code;
  await rejectsWith(decodeWork(c.slice(0, Math.floor(c.length / 2))), 'cut-short', /cut short/);
  await rejectsWith(decodeWork(c.slice(0, 4 * 50 + 1)), 'cut-short', /cut short/);
  await rejectsWith(decodeWork(`${c.slice(0, 20)}!!${c.slice(22)}`), 'damaged', /the character '!'/);
  await rejectsWith(decodeWork('AAAAbroken-link'), 'damaged', /damaged/);
  await rejectsWith(decodeWork(''), 'empty', /holds no work/);
  await rejectsWith(decodeWork(await code(new TextEncoder().encode('not json'))), 'not-work', /does not hold a workflow/);
  await rejectsWith(decodeWork(await code(new TextEncoder().encode('{"input": "{}"}'))), 'not-work', /no definition/);
  await rejectsWith(decodeWork(await code(new Uint8Array([0xff, 0xfe, 0x7b]))), 'not-work');
});
