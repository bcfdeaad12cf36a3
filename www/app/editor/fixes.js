// Quick fixes for the engine's diagnostics on a JSON definition (no DOM): a field a place does
// not take, changed to the nearest one it takes (MaxAttempt → MaxAttempts, for the place's
// state type and query language: ./place.js), and a transition to a state that does not exist,
// changed to the nearest state name. Each fix: {label, pointer, part ('key' or 'value'), insert}.
import { placeOf, fieldsOf, infoIn } from './place.js';
import { nearest } from '../model/mockcheck.js';
import { pointerTokens } from '../model/jsontext.js';

/** Every state name of a definition, at every depth. */
function stateNames(def, out = []) {
  if (!def || typeof def !== 'object') return out;
  for (const [name, s] of Object.entries(def.States && typeof def.States === 'object' ? def.States : {})) {
    out.push(name);
    if (!s || typeof s !== 'object') continue;
    if (Array.isArray(s.Branches)) for (const b of s.Branches) stateNames(b, out);
    stateNames(s.ItemProcessor || s.Iterator, out);
  }
  return out;
}

/** The path of a pointer, array indexes as numbers. */
function pathOf(value, pointer) {
  const path = [];
  let v = value;
  for (const t of pointerTokens(pointer)) {
    const k = Array.isArray(v) && /^\d+$/.test(t) ? Number(t) : t;
    path.push(k);
    v = v && typeof v === 'object' ? v[k] : undefined;
  }
  return path;
}

/** The fix for one diagnostic ({message, location}) of the definition `def` (parsed), or null. */
export function fixFor(def, d) {
  const field = /^(?:The field|Field) '(.+)' is not supported/.exec(d.message);
  if (field && d.location) {
    const path = pathOf(def, d.location);
    const name = path.at(-1);
    if (name !== field[1]) return null;
    const place = placeOf(path.slice(0, -1), infoIn(def, path.slice(0, -1)));
    const have = new Set(Object.keys(path.slice(0, -1).reduce((o, k) => o?.[k], def) || {}));
    const to = nearest(
      name,
      fieldsOf(place).filter((f) => !have.has(f)),
    );
    return to ? { label: `Change to '${to}'`, pointer: d.location, part: 'key', insert: JSON.stringify(to) } : null;
  }
  const target = /Missing 'Next' target: (.+)$/.exec(d.message);
  if (target && d.location) {
    const to = nearest(target[1], stateNames(def));
    return to ? { label: `Change to '${to}'`, pointer: d.location, part: 'value', insert: JSON.stringify(to) } : null;
  }
  return null;
}
