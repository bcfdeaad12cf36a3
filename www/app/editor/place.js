// Which place of a definition an object is (no DOM): the top level, a state (with its Type and
// the query language it has or inherits), a branch, an ItemProcessor, a retrier, a catcher, an
// ItemReader, a ResultWriter, a ProcessorConfig, or none of these (a payload the user shapes:
// Parameters, Arguments, Result...). Read from the keys on the way to it, and the Type and
// QueryLanguage of each object on that way, so that it works on text being typed (the syntax
// tree) as on parsed JSON. And the fields each place takes (./schema.js).
import { stateFields, PLACE_FIELDS } from './schema.js';

const machine = (kind, ql) => ({ kind, ql });

/**
 * The place of the object at `path` (keys and indexes from the top): {kind, type?, ql}.
 * `info(i)` is {Type, QueryLanguage, Distributed} of the object at the path's first i steps
 * (Distributed: a Map whose ItemProcessor's ProcessorConfig has Mode DISTRIBUTED). kind: top, states (the object of states), state, branch, processor, retrier,
 * catcher, reader, writer, processorConfig, or null.
 */
export function placeOf(path, info) {
  let ql = info(0)?.QueryLanguage === 'JSONata' ? 'JSONata' : 'JSONPath';
  let here = machine('top', ql);
  for (let i = 0; i < path.length; i++) {
    const k = path[i];
    const next = path[i + 1];
    const mine = (n) => info(n) || {};
    if (here.kind === 'top' || here.kind === 'branch' || here.kind === 'processor') {
      if (k === 'States') {
        if (next === undefined) return { kind: 'states', ql: here.ql };
        i++;
        const s = mine(i + 1);
        ql = s.QueryLanguage === 'JSONata' || s.QueryLanguage === 'JSONPath' ? s.QueryLanguage : here.ql;
        here = { kind: 'state', type: s.Type, ql, distributed: !!s.Distributed };
      } else if (k === 'ProcessorConfig' && here.kind === 'processor') here = { kind: 'processorConfig', ql: here.ql };
      else return { kind: null, ql: here.ql };
    } else if (here.kind === 'state') {
      const nested = (kind) => {
        const q = mine(i + 1).QueryLanguage;
        return machine(kind, q === 'JSONata' || q === 'JSONPath' ? q : here.ql);
      };
      if (k === 'Branches' && here.type === 'Parallel' && typeof next === 'number') {
        i++;
        here = nested('branch'); // (with the branch's own QueryLanguage, at the index's object)
      } else if ((k === 'ItemProcessor' || k === 'Iterator') && here.type === 'Map') here = nested('processor');
      else if ((k === 'Retry' || k === 'Catch') && typeof next === 'number') {
        i++;
        here = { kind: k === 'Retry' ? 'retrier' : 'catcher', ql: here.ql };
      } else if (k === 'ItemReader' && here.type === 'Map') here = { kind: 'reader', ql: here.ql };
      else if (k === 'ResultWriter' && here.type === 'Map') here = { kind: 'writer', ql: here.ql };
      else return { kind: null, ql: here.ql };
    } else return { kind: null, ql: here.ql };
  }
  return here;
}

/** The fields a place takes ([] for none known). */
export function fieldsOf(place) {
  switch (place.kind) {
    case 'state':
      return stateFields(place.type, place.ql, place.distributed);
    case 'top':
    case 'branch':
    case 'processor':
    case 'retrier':
    case 'processorConfig':
      return PLACE_FIELDS[place.kind];
    case 'catcher':
    case 'reader':
    case 'writer':
      return PLACE_FIELDS[`${place.kind}${place.ql}`];
    default:
      return [];
  }
}

/** `info` for placeOf over a parsed JSON value. */
export function infoIn(value, path) {
  return (n) => {
    let v = value;
    for (const k of path.slice(0, n)) v = v && typeof v === 'object' ? v[k] : undefined;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
    const str = (x) => (typeof x === 'string' ? x : undefined);
    return { Type: str(v.Type), QueryLanguage: str(v.QueryLanguage), Distributed: (v.ItemProcessor || v.Iterator)?.ProcessorConfig?.Mode === 'DISTRIBUTED' };
  };
}
