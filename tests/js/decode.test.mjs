// src/decode.js, the JS half of the wasm boundary, on tapes written by hand (the Rust half is
// tested through the engine in tests/wasm.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode } from '../../src/decode.js';

const END = 0xffffffff;
const [NULL, FALSE, TRUE, INT, FLOAT, STR, ARR, OBJ] = [1, 2, 3, 4, 5, 6, 7, 8];
const tape = (words, floats, text) => decode(Uint32Array.from(words), Float64Array.from(floats), new TextEncoder().encode(text));

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

test('decode refuses a tape it cannot read', () => {
  assert.throws(() => tape([99], [], ''), /bad value tape/);
});
