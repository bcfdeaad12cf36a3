// The lanes of a run, from the engine's structure: each lane is {parent, state, index, label}
// by id (lane 0 is the top level), each span has {lane, parent, index} and each event a lane
// and a state. Nothing here reads a lane's label back: a label is shown, never parsed.

const cache = new WeakMap(); // lanes array → {paths, keys}

function info(lanes) {
  let c = cache.get(lanes);
  if (!c) {
    c = { paths: [], keys: [] };
    cache.set(lanes, c);
  }
  return c;
}

/** The lane's place: [[state, index], ...] from the top level down ([] for the top level). */
export function lanePath(lanes, id) {
  if (!lanes || !id) return [];
  const c = info(lanes);
  let p = c.paths[id];
  if (p === undefined) {
    const l = lanes[id];
    p = l && l.parent !== null && l.parent !== undefined ? [...lanePath(lanes, l.parent), [l.state, l.index]] : [];
    c.paths[id] = p;
  }
  return p;
}

/**
 * A key for the lane that is the same for the same branch or iteration in another run of the
 * workflow (what-if ghosts, the sequential twin), and different for different lanes.
 */
export function laneKey(lanes, id) {
  if (!lanes || !id) return '';
  const c = info(lanes);
  let k = c.keys[id];
  if (k === undefined) {
    k = JSON.stringify(lanePath(lanes, id));
    c.keys[id] = k;
  }
  return k;
}

/** The label the engine gives the lane (`Fan/0`; '' for the top level). */
export function laneLabel(lanes, id) {
  return lanes?.[id]?.label || '';
}

/** The lane as people read it: `main`, or `Fan[0] › Inner[2]`. */
export function laneName(lanes, id) {
  const path = lanePath(lanes, id);
  if (!path.length) return 'main';
  return path.map(([state, index]) => `${state}[${index}]`).join(' › ');
}

/** Lanes in reading order: a lane's children after it, by state name, then index in numeric order. */
export function comparePaths(a, b) {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [sa, ia] = a[i];
    const [sb, ib] = b[i];
    if (sa !== sb) return sa < sb ? -1 : 1;
    if (ia !== ib) return ia - ib;
  }
  return a.length - b.length;
}

/**
 * The children of each Parallel or Map state span: span id → Map(index → [state span]),
 * in the order of the spans.
 */
export function childrenOf(spans) {
  const out = new Map();
  for (const s of spans) {
    if (s.kind !== 'state' || s.parent === null || s.parent === undefined) continue;
    let byIndex = out.get(s.parent);
    if (!byIndex) {
      byIndex = new Map();
      out.set(s.parent, byIndex);
    }
    const list = byIndex.get(s.index);
    if (list) list.push(s);
    else byIndex.set(s.index, [s]);
  }
  return out;
}
