// src/wasm/decode.js, the JS half of the wasm boundary, on tapes written by hand (the Rust half is
// tested through the engine in tests/wasm.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode } from '../../src/wasm/decode.js';

const END = 0xffffffff;
const [NULL, FALSE, TRUE, INT, FLOAT, STR, ARR, OBJ, KEEP, REF] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const tape = (words, floats, text, kept) => decode(Uint32Array.from(words), Float64Array.from(floats), new TextEncoder().encode(text), kept);

test('decode builds what JSON.parse builds: keys once then by id, places in UTF-16', () => {
  // text: "\uFEFFé😀" (a string that starts with a BOM), then "a", "b" (keys), "__proto__".
  const text = '\uFEFFé😀ab__proto__';
  const v = tape(
    // [ "\uFEFFé😀", {a (new id 0): -7, __proto__ (new id 1): {b (new id 2): null}}, {a (id 0): -0, b (id 2): true}, false ]
    [ARR, STR, 0, 4, OBJ, 0, 4, 1, INT, -7 >>> 0, 1, 6, 9, OBJ, 2, 5, 1, NULL, END, END, OBJ, 0, FLOAT, 0, 2, TRUE, END, FALSE, END],
    [-0],
    text,
  );
  assert.deepEqual(JSON.stringify(v), JSON.stringify(JSON.parse('["\uFEFFé😀", {"a": -7, "__proto__": {"b": null}}, {"a": -0, "b": true}, false]')));
  assert.equal(v[0].length, 4, 'the BOM is kept');
  assert.ok(Object.hasOwn(v[1], '__proto__') && Object.getPrototypeOf(v[1]) === Object.prototype, '"__proto__" is an own key, as JSON.parse makes it');
  assert.ok(Object.is(v[2].a, -0));
});

test('a kept value comes back as the same object, in the tape and in the tapes that continue it', () => {
  // [ KEEP {a: KEEP [1, "long"]}, REF 0, REF 1 ]: the object, then the object and its list again.
  const words = [ARR, KEEP, OBJ, 0, 0, 1, KEEP, ARR, INT, 1, STR, 1, 4, END, END, REF, 0, REF, 1, END];
  const kept = [];
  const v = tape(words, [], 'along', kept);
  assert.deepEqual(v, [{ a: [1, 'long'] }, { a: [1, 'long'] }, [1, 'long']]);
  assert.ok(v[0] === v[1] && v[0].a === v[2], 'shared, not copied');
  assert.equal(kept.length, 2);
  // A later tape decoded with the same list refers to them.
  const next = tape([ARR, REF, 1, REF, 0, END], [], '', kept);
  assert.ok(next[0] === v[2] && next[1] === v[0]);
});

test('decode refuses a tape it cannot read', () => {
  assert.throws(() => tape([99], [], ''), /bad value tape/);
});

test('decode gives every key its own text, however many keys and of whatever kind', () => {
  // 100 objects, each with two of 70 keys (more than the decoder's 16 store sites see at
  // once), among them integer-like keys, "" and "__proto__"; the result is JSON.parse's.
  const names = Array.from({ length: 70 }, (_, i) => (i === 0 ? '' : i === 1 ? '__proto__' : i % 5 === 0 ? String(i) : `k${i}é`));
  let text = '';
  const place = [];
  for (const n of names) {
    place.push([text.length, n.length]);
    text += n;
  }
  const words = [ARR];
  const seen = new Set();
  const key = (i) => {
    if (seen.has(i)) return words.push(i);
    seen.add(i);
    return words.push(i, ...place[i]);
  };
  const objects = [];
  for (let j = 0; j < 100; j++) {
    const [a, b] = [j % 70, (j * 7 + 3) % 70];
    words.push(OBJ);
    key(a);
    words.push(INT, j);
    if (b !== a) {
      key(b);
      words.push(STR, ...place[b]);
    }
    words.push(END);
    objects.push(b === a ? `{${JSON.stringify(names[a])}: ${j}}` : `{${JSON.stringify(names[a])}: ${j}, ${JSON.stringify(names[b])}: ${JSON.stringify(names[b])}}`);
  }
  words.push(END);
  const v = tape(words, [], text);
  const want = JSON.parse(`[${objects.join(',')}]`);
  assert.equal(JSON.stringify(v), JSON.stringify(want));
  for (let j = 0; j < 100; j++) assert.deepEqual(Object.keys(v[j]), Object.keys(want[j]), `keys of object ${j}`);
  assert.ok(v.every((o) => Object.getPrototypeOf(o) === Object.prototype));
});
