// The JS half of statelab's wasm boundary: turns the tape that src/wasm.rs (`Out`) writes
// into plain JS values, as JSON.parse would give them. wasm-bindgen copies this file into
// www/pkg/snippets/ and imports it from its glue.
//
// words: Uint32Array of tags and operands; floats: Float64Array; text: Uint8Array, the UTF-8
// of every string one after the other (views of the wasm memory, read before returning).
// Tags: END (0xFFFFFFFF), 1 NULL, 2 FALSE, 3 TRUE, 4 INT n (i32), 5 FLOAT i, 6 STR at len
// (UTF-16 place in the decoded text), 7 ARR value* END, 8 OBJ (key value)* END, where a key
// is its id, followed by `at len` where the id is new (ids count up from 0).

// ignoreBOM keeps a leading U+FEFF (a string may start with one): dropped, it would shift
// the place of every string after it.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
const END = 0xffffffff;

export function decode(words, floats, text) {
  const all = utf8.decode(text);
  const keys = [];
  let proto = -1; // the id of "__proto__", if it is a key
  let p = 0;
  function value() {
    const tag = words[p++];
    if (tag === 8) {
      const o = {};
      let id;
      while ((id = words[p++]) !== END) {
        let key = keys[id];
        if (key === undefined) {
          const at = words[p];
          key = keys[id] = all.slice(at, at + words[p + 1]);
          p += 2;
          if (key === '__proto__') proto = id;
        }
        // As JSON.parse: "__proto__" is a key like any other, not the prototype.
        if (id === proto) Object.defineProperty(o, key, { value: value(), writable: true, enumerable: true, configurable: true });
        else o[key] = value();
      }
      return o;
    }
    if (tag === 6) {
      const at = words[p];
      const s = all.slice(at, at + words[p + 1]);
      p += 2;
      return s;
    }
    if (tag === 4) return words[p++] | 0;
    if (tag === 7) {
      const a = [];
      while (words[p] !== END) a.push(value());
      p++;
      return a;
    }
    if (tag === 5) return floats[words[p++]];
    if (tag === 1) return null;
    if (tag === 2) return false;
    if (tag === 3) return true;
    throw new Error(`statelab: bad value tape (tag ${tag} at ${p - 1})`);
  }
  return value();
}
