// The JS half of statelab's wasm boundary: turns the tape that src/wasm/tape.rs (`Out`) writes
// into plain JS values, as JSON.parse would give them. wasm-bindgen copies this file into
// www/pkg/snippets/ and imports it from its glue.
//
// words: Uint32Array of tags and operands; floats: Float64Array; text: Uint8Array, the UTF-8
// of every string one after the other (views of the wasm memory, read before returning).
// Tags: END (0xFFFFFFFF), 1 NULL, 2 FALSE, 3 TRUE, 4 INT n (i32), 5 FLOAT i, 6 STR at len
// (UTF-16 place in the decoded text), 7 ARR value* END, 8 OBJ (key value)* END, where a key
// is its id, followed by `at len` where the id is new (ids count up from 0), 9 KEEP value
// (append the value to `kept`), 10 REF i (`kept[i]` again: the engine shares that payload).
// `kept` lives as long as the tapes that refer to it: one call's, or a session's batches.

// ignoreBOM keeps a leading U+FEFF (a string may start with one): dropped, it would shift
// the place of every string after it.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
const END = 0xffffffff;

export function decode(words, floats, text, kept = []) {
  const all = utf8.decode(text);
  const keys = [];
  let proto = -1; // the id of "__proto__", if it is a key
  let p = 0;
  // The value whose tag was just read; an object's or an array's integers are read in place.
  function value(tag) {
    switch (tag) {
      case 8: {
        const o = {};
        for (let id = words[p++]; id !== END; id = words[p++]) {
          let key = keys[id];
          if (key === undefined) {
            const at = words[p];
            key = keys[id] = intern(all.slice(at, at + words[p + 1]));
            p += 2;
            if (key === '__proto__') proto = id;
          }
          const t = words[p++];
          const v = t === 4 ? words[p++] | 0 : value(t);
          // As JSON.parse: "__proto__" is a key like any other, not the prototype.
          if (id === proto) Object.defineProperty(o, key, { value: v, writable: true, enumerable: true, configurable: true });
          else {
            // A store site for each key id (mod 16). V8 makes a site that has seen a few key
            // names fast, and one that has seen many slow (a generic lookup on each store):
            // on a Parallel's 1,000 objects of three keys this halves the time to decode.
            // biome-ignore format: the 16 store sites read best as a table, one to a line
            switch (id & 15) {
              case 0: o[key] = v; break;
              case 1: o[key] = v; break;
              case 2: o[key] = v; break;
              case 3: o[key] = v; break;
              case 4: o[key] = v; break;
              case 5: o[key] = v; break;
              case 6: o[key] = v; break;
              case 7: o[key] = v; break;
              case 8: o[key] = v; break;
              case 9: o[key] = v; break;
              case 10: o[key] = v; break;
              case 11: o[key] = v; break;
              case 12: o[key] = v; break;
              case 13: o[key] = v; break;
              case 14: o[key] = v; break;
              default: o[key] = v; break;
            }
          }
        }
        return o;
      }
      case 6: {
        const at = words[p];
        const s = all.slice(at, at + words[p + 1]);
        p += 2;
        return s;
      }
      case 4:
        return words[p++] | 0;
      case 7: {
        const a = [];
        for (let t = words[p++]; t !== END; t = words[p++]) a.push(t === 4 ? words[p++] | 0 : value(t));
        return a;
      }
      case 5:
        return floats[words[p++]];
      case 10:
        return kept[words[p++]];
      case 9: {
        const i = kept.length;
        kept.push(null);
        const v = value(words[p++]);
        kept[i] = v;
        return v;
      }
      case 1:
        return null;
      case 2:
        return false;
      case 3:
        return true;
    }
    throw new Error(`statelab: bad value tape (tag ${tag} at ${p - 1})`);
  }
  return value(words[p++]);
}

// The same text as V8's own copy of a property name. A key sliced out of the decoded text is
// a string V8 must look up in its table of names on every store; its own copy, taken back
// from an object it named, is stored without that (5x faster stores). The copies of recent
// keys are kept from one result to the next (half the cost of making one).
const interned = new Map();
function intern(s) {
  let k = interned.get(s);
  if (k === undefined) {
    if (s === '__proto__') return s;
    const o = {};
    o[s] = 0;
    k = Object.keys(o)[0];
    if (interned.size >= 4096) interned.clear();
    interned.set(s, k);
  }
  return k;
}
