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

/**
 * The lane as people read it: `main`, or as the timeline names it (`Fan › branch 1 › Each ›
 * item 3`) given the definition's state types `types` (Map name → Type), else `Fan[0] › Each[3]`.
 */
export function laneName(lanes, id, types) {
  const path = lanePath(lanes, id);
  if (!path.length) return 'main';
  if (!types) return path.map(([state, index]) => `${state}[${index}]`).join(' › ');
  let name = '';
  for (let i = 1; i <= path.length; i++) name = nameOfLane({ path: path.slice(0, i) }, name, types).full;
  return name;
}

const counted = new WeakMap(); // spans → {n, counts}

/**
 * How many branches or iterations each Parallel or Map state span has: Map(span id → count).
 * Kept for the spans array while it has as many spans (a run's list grows in place; a span
 * replaced in it keeps its parent and index).
 */
export function childCounts(spans) {
  const memo = counted.get(spans);
  if (memo && memo.n === spans.length) return memo.counts;
  const seen = new Map(); // parent → Set(index)
  for (const s of spans) {
    if (s.kind !== 'state' || s.parent === null || s.parent === undefined) continue;
    let set = seen.get(s.parent);
    if (!set) {
      set = new Set();
      seen.set(s.parent, set);
    }
    set.add(s.index);
  }
  const counts = new Map();
  for (const [k, set] of seen) counts.set(k, set.size);
  counted.set(spans, { n: spans.length, counts });
  return counts;
}

const parentKeyOf = (path) => (path.length <= 1 ? '' : JSON.stringify(path.slice(0, -1)));

/**
 * The timeline's rows, from its lanes: `byLane` is Map(laneKey → {path, start, first}) (start:
 * the lane's first span's start; first: its first state). A lane's children follow it: the
 * branches of a Parallel and the iterations of a Map that ran in it, each state's group in the
 * order the groups started, and in a group the lanes in the order they started (then by
 * index). A Map's group has a row of its own, which collapses its iterations when its key is
 * in `collapsed`. types: Map(state name → Type). Rows: {type: 'lane', key, depth} or {type:
 * 'group', key, state, kind, members: [laneKey], collapsed, depth, labelChars}.
 */
export function laneRows(byLane, options = {}) {
  const steps = laneRowSteps(byLane, options);
  let r = steps.next();
  while (!r.done) r = steps.next();
  return r.value;
}

/** Lanes between two pauses of laneRowSteps. */
const ROWS_STEP = 500;

/**
 * laneRows as steps: a generator that pauses (yields) after every few hundred lanes, so that a
 * caller can spread 10,000 lanes over several tasks; its return value is laneRows'.
 */
export function* laneRowSteps(byLane, { types, collapsed } = {}) {
  let work = 0;
  const groups = new Map(); // parent lane key → Map(state → group)
  for (const [key, l] of byLane) {
    if (++work % ROWS_STEP === 0) yield;
    if (!l.path.length) continue;
    const parentKey = parentKeyOf(l.path);
    const [state, index] = l.path[l.path.length - 1];
    let byState = groups.get(parentKey);
    if (!byState) {
      byState = new Map();
      groups.set(parentKey, byState);
    }
    let g = byState.get(state);
    if (!g) {
      g = { type: 'group', key: `g:${parentKey}\u0000${state}`, parentKey, state, kind: types?.get(state) ?? null, list: [], start: Infinity, maxIndex: 0, maxFirst: 0 };
      byState.set(state, g);
    }
    g.list.push({ key, index, start: l.start });
    if (l.start < g.start) g.start = l.start;
    if (index > g.maxIndex) g.maxIndex = index;
    if (l.first && l.first.length > g.maxFirst) g.maxFirst = l.first.length;
  }
  const rows = [];
  const done = new Set();
  let labelChars = 4; // 'main'
  const visit = function* (key, depth) {
    const byState = groups.get(key);
    if (!byState) return;
    const list = [...byState.values()].sort((a, b) => a.start - b.start || (a.state < b.state ? -1 : a.state > b.state ? 1 : 0));
    for (const g of list) {
      g.list.sort((a, b) => a.start - b.start || a.index - b.index);
      g.members = g.list.map((m) => m.key);
      g.depth = depth;
      // What its lanes' own names take: `Fan › branch 12 (Thumbnail)`, `Each › item 9999`.
      const own =
        g.kind === 'Parallel'
          ? g.state.length + 11 + String(g.maxIndex + 1).length + (g.maxFirst ? g.maxFirst + 3 : 0)
          : g.state.length + (g.kind === 'Map' ? 8 : 3) + String(g.maxIndex).length;
      labelChars = Math.max(labelChars, own + (key ? 5 : 0));
      const header = g.kind === 'Map';
      // A Map's row: `▾ Each · 1,000 iterations` (timeline-lane.js drawGroup).
      const digits = String(g.members.length).length; // (and a comma for each three more)
      if (header) labelChars = Math.max(labelChars, g.state.length + 16 + digits + Math.floor((digits - 1) / 3) + (key ? 5 : 0));
      g.collapsed = header && !!collapsed?.has(g.key);
      if (header) rows.push(g);
      if (g.collapsed) {
        for (const m of g.members) hide(m);
        continue;
      }
      for (const m of g.members) {
        if (++work % ROWS_STEP === 0) yield;
        rows.push({ type: 'lane', key: m, depth: depth + 1 });
        done.add(m);
        if (groups.has(m)) yield* visit(m, depth + 1);
      }
    }
  };
  // A collapsed group's lanes, and theirs, are not shown.
  const hide = (key) => {
    done.add(key);
    const byState = groups.get(key);
    if (byState) for (const g of byState.values()) for (const m of g.list) hide(m.key);
  };
  if (byLane.has('')) {
    rows.push({ type: 'lane', key: '', depth: 0 });
    done.add('');
  }
  yield* visit('', 0);
  // Lanes whose parent lane is not there (none in a run): at the end, by start.
  const rest = [...byLane.keys()].filter((k) => !done.has(k)).sort((a, b) => byLane.get(a).start - byLane.get(b).start);
  for (const k of rest) rows.push({ type: 'lane', key: k, depth: byLane.get(k).path.length });
  rows.labelChars = labelChars;
  return rows;
}

/**
 * A lane's name as the timeline shows it: {parent, own, full, place}. A Parallel's branch is
 * named by its number and its first state (`Fan › branch 2 (Thumbnail)`), a Map's iteration by
 * its index (`Each › item 7`), both after the lane they ran in (`Each › item 3 › Fan › branch
 * 1 (Resize)`); place says where that is in the definition. entry: {path, first}; parentName:
 * the parent lane's full name ('' for the top level); types: Map(state name → Type).
 */
export function nameOfLane(entry, parentName, types) {
  if (!entry.path.length) return { parent: '', own: 'main', full: 'main', place: 'the top level' };
  const [state, index] = entry.path[entry.path.length - 1];
  const type = types?.get(state);
  let item;
  let place;
  if (type === 'Parallel') {
    item = `branch ${index + 1}${entry.first ? ` (${entry.first})` : ''}`;
    place = `branch ${index + 1} of the Parallel ${state} (Branches[${index}])`;
  } else if (type === 'Map') {
    item = `item ${index}`;
    place = `the iteration of the Map ${state} on item ${index} ($$.Map.Item.Index ${index})`;
  } else {
    item = `${index}`;
    place = `run ${index} of ${state}`;
  }
  const own = `${state} › ${item}`;
  // (of, item: the state and the branch or item, which a narrow column shows first.)
  return { parent: parentName, own, of: state, item, full: parentName ? `${parentName} › ${own}` : own, place };
}

/** The key of the lane a lane ran in ('' for the top level), by its path. */
export function parentLaneKey(path) {
  return parentKeyOf(path);
}

/** The spans without a redrive's earlier visits of a state in a lane where it ran again. */
export function latestVisits(spans) {
  if (!spans.some((s) => s.earlier)) return spans;
  const again = new Map(); // lane -> the states a later attempt visited there
  for (const s of spans) {
    if (s.earlier || s.kind !== 'state') continue;
    if (!again.has(s.lane)) again.set(s.lane, new Set());
    again.get(s.lane).add(s.state);
  }
  return spans.filter((s) => !s.earlier || !again.get(s.lane)?.has(s.state));
}
