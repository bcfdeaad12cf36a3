// The graph's layout, without the DOM: a layered (Sugiyama) layout of each machine (the top
// level, each Parallel branch, each Map's item processor), states that hold machines laid out
// first, as boxes of their size.
//
// In a machine: ranks by the longest path from the start (the edges that loop back left out);
// an edge that spans several ranks goes through a point in each rank between (a "dummy"), so
// that it passes beside the states, never across one; the states of a rank are ordered to
// cross few edges (barycentre sweeps, the best order kept), then placed as near the middle of
// their neighbours as their order and widths allow (least squares, by pooling adjacent
// violators). A Parallel's branches that would make it wider than WRAP_W wrap into rows. The
// top level has a start and an end node, so that a Fail in the middle reaches the end beside
// the states below it too.
//
// layoutDefinition(definition, measure) → {w, h, boxes, edges, ...}: see layoutMachine.
import { childMachines, transitions, isTerminal } from './asl.js';

export const NODE_H = 40;
export const HEADER = 26; // a container's header
export const PAD = 12; // inside a container, around its machines
export const BRANCH_GAP = 18; // between a Parallel's branches (their dashed frames are in it)
const GAP = 30; // between ranks
const LABEL_GAP = 46; // between ranks when edges between them carry labels
const COL_GAP = 22; // between states in a rank
const DUMMY_W = 12; // an edge's passage through a rank
const DUMMY_GAP = 8;
const MIN_NODE_W = 104;
export const MAX_NODE_W = 236; // a longer name is cut, and given in full in its title
const WRAP_W = 560; // a Parallel's branches wrap past this width
const TERMINAL = 18; // the start and end circles
const SWEEPS = 8;
export const LABEL_CHARS = 24; // an edge's label is cut past this (in full in its title)

/** A text measurer without a DOM: about the width of the page's sans-serif at 13 px, 600. */
export function estimate(text, { size = 13, weight = 600 } = {}) {
  return text.length * size * (weight >= 600 ? 0.6 : 0.56);
}

/** `text` cut with an ellipsis to fit `width` (by `measure`). */
export function fitText(text, width, measure, font) {
  if (measure(text, font) <= width) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (measure(`${text.slice(0, mid)}…`, font) <= width) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, Math.max(1, lo))}…`;
}

/** A short name for a Task's service: "Lambda", "SQS", "Bedrock", ... */
export function taskKind(resource) {
  if (typeof resource !== 'string') return 'Task';
  const m = /^arn:aws:states:::(?:aws-sdk:)?([a-z0-9-]+)[:.]([A-Za-z0-9]+)/.exec(resource);
  const names = {
    lambda: 'Lambda',
    sqs: 'SQS',
    sns: 'SNS',
    events: 'EventBridge',
    dynamodb: 'DynamoDB',
    bedrock: 'Bedrock',
    states: 'Step Functions',
    ecs: 'ECS',
    glue: 'Glue',
    http: 'HTTP',
    s3: 'S3',
    batch: 'Batch',
    sagemaker: 'SageMaker',
  };
  if (m) return `${names[m[1]] || m[1]} ${m[2]}`;
  if (/^arn:aws:lambda:/.test(resource)) return 'Lambda';
  if (/^arn:aws:states:[^:]*:[^:]*:activity:/.test(resource)) return 'Activity';
  return 'Task';
}

const LABEL_FONT = { size: 13, weight: 600 };
const TYPE_FONT = { size: 10.5, weight: 400 };

/** The whole definition laid out: the top level's machine, with its start and end nodes. */
export function layoutDefinition(definition, measure = estimate) {
  return layoutMachine(definition, measure, true);
}

/** One state's box: a leaf sized by its texts, a container by the machines it holds. */
function layoutState(name, state, measure) {
  const type = typeof state.Type === 'string' ? state.Type : '?';
  if (type === 'Parallel' || type === 'Map') {
    const subs = childMachines(state).map((m) => layoutMachine(m, measure, false));
    const count = type === 'Parallel' ? ` · ${subs.length} branch${subs.length === 1 ? '' : 'es'}` : '';
    const kind = type === 'Map' && state.MaxConcurrency ? `Map · max ${state.MaxConcurrency}` : `${type}${count}`;
    const kindW = measure(kind, TYPE_FONT);
    const text = fitText(name, Math.max(MAX_NODE_W, 0), measure, LABEL_FONT);
    const header = measure(text, LABEL_FONT) + kindW + 44;
    const grid = arrange(subs, type === 'Parallel' ? BRANCH_GAP : 0);
    const innerW = subs.length ? grid.w : 80;
    const innerH = subs.length ? grid.h : 30;
    const w = Math.max(innerW + 2 * PAD, header);
    const ox = (w - innerW) / 2;
    for (const m of subs) {
      m.x += ox;
      m.y += HEADER + PAD;
    }
    return { name, state, type, kind, text, container: true, subs, w, h: innerH + HEADER + 2 * PAD, rows: grid.rows };
  }
  const kind = type === 'Task' ? taskKind(state.Resource) : type;
  const full = measure(name, LABEL_FONT);
  const w = Math.min(MAX_NODE_W, Math.max(MIN_NODE_W, full + 24, measure(kind, TYPE_FONT) + 24));
  const text = full + 24 > w ? fitText(name, w - 20, measure, LABEL_FONT) : name;
  return { name, state, type, kind, text, container: false, w, h: NODE_H };
}

/**
 * A Parallel's branches side by side, in rows when one row would be wider than WRAP_W: as
 * many columns as fit, the rows then evened out. Sets each machine's x, y; {w, h, rows}.
 */
function arrange(subs, gap) {
  const n = subs.length;
  if (!n) return { w: 0, h: 0, rows: 0 };
  const widthOf = (cols) => {
    const colW = new Array(cols).fill(0);
    subs.forEach((m, i) => {
      colW[i % cols] = Math.max(colW[i % cols], m.w);
    });
    return { colW, w: colW.reduce((a, b) => a + b, 0) + gap * (cols - 1) };
  };
  let cols = n;
  while (cols > 1 && widthOf(cols).w > WRAP_W) cols--;
  const rows = Math.ceil(n / cols);
  cols = Math.ceil(n / rows);
  const { colW, w } = widthOf(cols);
  const rowH = new Array(rows).fill(0);
  subs.forEach((m, i) => {
    rowH[Math.floor(i / cols)] = Math.max(rowH[Math.floor(i / cols)], m.h);
  });
  let y = 0;
  for (let r = 0; r < rows; r++) {
    let x = 0;
    for (let c = 0; c < cols; c++) {
      const m = subs[r * cols + c];
      if (!m) break;
      m.x = x + (colW[c] - m.w) / 2;
      m.y = y;
      x += colW[c] + gap;
    }
    y += rowH[r] + (r < rows - 1 ? gap : 0);
  }
  return { w, h: y, rows };
}

/**
 * Lay out one machine (StartAt + States). {w, h, boxes: {name → box}, edges, start,
 * terminals, startNode?, endNode?} in local coordinates: a box {x, y, w, h, ...}; an edge
 * {from, to, kind, label, back, points: [[x, y], ...] from its source's side to its target's,
 * labelAt: [x, y] | null}. With ends (the top level): startNode and endNode {x, y, r}, and edges
 * from the start and to the end (from or to undefined).
 */
export function layoutMachine(machine, measure = estimate, ends = false) {
  const states = machine && typeof machine.States === 'object' && machine.States ? machine.States : {};
  const names = Object.keys(states).filter((n) => states[n] && typeof states[n] === 'object');
  const known = new Set(names);
  const start = typeof machine?.StartAt === 'string' && known.has(machine.StartAt) ? machine.StartAt : names[0];
  const out = new Map(names.map((n) => [n, transitions(states[n]).filter((t) => known.has(t.to))]));

  // DFS order from the start, then from any state not reached; back edges: to a state on the stack.
  const order = [];
  const seen = new Set();
  const back = new Set();
  const onStack = new Set();
  const visit = (root) => {
    // Iterative: a definition of 5,000 states in a chain would overflow the stack.
    const stack = [[root, 0]];
    seen.add(root);
    onStack.add(root);
    order.push(root);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [n, i] = top;
      const list = out.get(n);
      if (i >= list.length) {
        onStack.delete(n);
        stack.pop();
        continue;
      }
      top[1] = i + 1;
      const to = list[i].to;
      if (onStack.has(to)) back.add(`${n}\u0000${to}`);
      else if (!seen.has(to)) {
        seen.add(to);
        onStack.add(to);
        order.push(to);
        stack.push([to, 0]);
      }
    }
  };
  if (start) visit(start);
  for (const n of names) if (!seen.has(n)) visit(n);
  const isBack = (from, to) => back.has(`${from}\u0000${to}`);

  // Nodes: the states, and at the top level the start and the end.
  const nodes = new Map(); // id → {id, w, h, box?, rank, order, x, y, dummy}
  const boxes = {};
  for (const n of order) {
    const b = layoutState(n, states[n], measure);
    boxes[n] = b;
    nodes.set(n, { id: n, w: b.w, h: b.h, box: b, rank: 0, dummy: false });
  }
  const terminals = order.filter((n) => isTerminal(states[n]));
  const START = '\u0000start';
  const END = '\u0000end';
  // Edges of the layout: [from, to, edge] with the drawn edge (null for start and end edges).
  const edges = [];
  for (const n of order) {
    for (const t of out.get(n)) edges.push({ from: n, to: t.to, label: t.label, kind: t.kind, back: isBack(n, t.to), self: n === t.to });
  }
  if (ends) {
    nodes.set(START, { id: START, w: TERMINAL, h: TERMINAL, rank: 0, dummy: false, terminal: 'start' });
    nodes.set(END, { id: END, w: TERMINAL, h: TERMINAL, rank: 0, dummy: false, terminal: 'end' });
    if (start) edges.unshift({ from: undefined, to: start, kind: 'start', back: false, self: false, a: START });
    for (const n of terminals) edges.push({ from: n, to: undefined, kind: 'end', back: false, self: false, b: END });
  }
  const endOf = (e, side) => (side === 'from' ? (e.from === undefined ? e.a : e.from) : e.to === undefined ? e.b : e.to);

  // Ranks: the longest path over the edges that go forward.
  const forward = edges.filter((e) => !e.back && !e.self);
  const succ = new Map([...nodes.keys()].map((k) => [k, []]));
  const indeg = new Map([...nodes.keys()].map((k) => [k, 0]));
  for (const e of forward) {
    succ.get(endOf(e, 'from')).push(endOf(e, 'to'));
    indeg.set(endOf(e, 'to'), indeg.get(endOf(e, 'to')) + 1);
  }
  const queue = [...nodes.keys()].filter((k) => indeg.get(k) === 0);
  for (let qi = 0; qi < queue.length; qi++) {
    const u = queue[qi];
    for (const v of succ.get(u)) {
      const nv = nodes.get(v);
      nv.rank = Math.max(nv.rank, nodes.get(u).rank + 1);
      indeg.set(v, indeg.get(v) - 1);
      if (indeg.get(v) === 0) queue.push(v);
    }
  }
  if (ends) {
    // The end below everything.
    let max = 0;
    for (const [k, v] of nodes) if (k !== END) max = Math.max(max, v.rank);
    nodes.get(END).rank = max + 1;
  }

  // Chains: each edge from its upper end to its lower one, through a dummy in each rank between.
  let dummies = 0;
  const chains = [];
  for (const e of edges) {
    if (e.self) continue;
    let top = endOf(e, 'from');
    let bottom = endOf(e, 'to');
    if (e.back) [top, bottom] = [bottom, top];
    const ids = [top];
    for (let r = nodes.get(top).rank + 1; r < nodes.get(bottom).rank; r++) {
      const id = `\u0000d${dummies++}`;
      nodes.set(id, { id, w: DUMMY_W, h: 0, rank: r, dummy: true });
      ids.push(id);
    }
    ids.push(bottom);
    chains.push({ edge: e, ids });
  }
  const ranks = [];
  for (const v of nodes.values()) {
    ranks[v.rank] ||= [];
    ranks[v.rank].push(v);
  }
  for (let r = 0; r < ranks.length; r++) ranks[r] ||= [];
  const up = new Map([...nodes.keys()].map((k) => [k, []])); // neighbours in the rank above
  const down = new Map([...nodes.keys()].map((k) => [k, []]));
  for (const { ids } of chains) {
    for (let i = 0; i + 1 < ids.length; i++) {
      down.get(ids[i]).push(ids[i + 1]);
      up.get(ids[i + 1]).push(ids[i]);
    }
  }

  // Order in each rank: first seen first (the DFS order; a dummy where its chain's upper end
  // is), then barycentre sweeps, keeping the order with the fewest crossings.
  const firstSeen = new Map();
  let tick = 0;
  if (ends) firstSeen.set(START, tick++);
  for (const n of order) firstSeen.set(n, tick++);
  if (ends) firstSeen.set(END, tick++);
  for (const { ids } of chains) for (const id of ids) if (!firstSeen.has(id)) firstSeen.set(id, firstSeen.get(ids[0]) + 0.5);
  for (const rank of ranks) rank.sort((a, b) => firstSeen.get(a.id) - firstSeen.get(b.id));
  const setOrder = () => {
    for (const rank of ranks) {
      for (let i = 0; i < rank.length; i++) rank[i].order = i;
    }
  };
  setOrder();
  const crossings = () => {
    let c = 0;
    for (let r = 0; r + 1 < ranks.length; r++) {
      const pairs = [];
      for (const v of ranks[r]) for (const w of down.get(v.id)) pairs.push([v.order, nodes.get(w).order]);
      for (let i = 0; i < pairs.length; i++) for (let j = i + 1; j < pairs.length; j++) if ((pairs[i][0] - pairs[j][0]) * (pairs[i][1] - pairs[j][1]) < 0) c++;
    }
    return c;
  };
  let best = crossings();
  let bestOrder = ranks.map((rank) => rank.slice());
  for (let sweep = 0; sweep < SWEEPS && best > 0; sweep++) {
    const downward = sweep % 2 === 0;
    const seq = downward
      ? ranks.map((_, i) => i).slice(1)
      : ranks
          .map((_, i) => i)
          .slice(0, -1)
          .reverse();
    for (const r of seq) {
      const rank = ranks[r];
      const nb = downward ? up : down;
      const bary = new Map();
      for (const v of rank) {
        const list = nb.get(v.id);
        bary.set(v.id, list.length ? list.reduce((s, w) => s + nodes.get(w).order, 0) / list.length : v.order);
      }
      rank.sort((a, b) => bary.get(a.id) - bary.get(b.id) || a.order - b.order);
      for (let i = 0; i < rank.length; i++) rank[i].order = i;
    }
    const c = crossings();
    if (c < best) {
      best = c;
      bestOrder = ranks.map((rank) => rank.slice());
    }
  }
  for (let r = 0; r < ranks.length; r++) ranks[r] = bestOrder[r];
  setOrder();

  // x: packed in order, then each node pulled to the mean of its neighbours' centres, in
  // sweeps down and up, each rank placed by least squares with its order and gaps kept.
  const sep = (a, b) => (a.w + b.w) / 2 + (a.dummy || b.dummy ? DUMMY_GAP : COL_GAP);
  for (const rank of ranks) {
    let x = 0;
    rank.forEach((v, i) => {
      if (i > 0) x += sep(rank[i - 1], v);
      v.x = x;
    });
  }
  const place = (rank, want, weight) => {
    // Pool adjacent violators on y_i = x_i - offset_i, which must not decrease.
    const off = [0];
    for (let i = 1; i < rank.length; i++) off.push(off[i - 1] + sep(rank[i - 1], rank[i]));
    const blocks = [];
    for (let i = 0; i < rank.length; i++) {
      blocks.push({ w: weight[i], mean: want[i] - off[i], n: 1 });
      while (blocks.length > 1 && blocks[blocks.length - 2].mean > blocks[blocks.length - 1].mean) {
        const b = blocks.pop();
        const a = blocks[blocks.length - 1];
        a.mean = (a.mean * a.w + b.mean * b.w) / (a.w + b.w);
        a.w += b.w;
        a.n += b.n;
      }
    }
    let i = 0;
    for (const b of blocks) for (let k = 0; k < b.n; k++, i++) rank[i].x = b.mean + off[i];
  };
  for (let sweep = 0; sweep < 2 * SWEEPS; sweep++) {
    const downward = sweep % 2 === 0;
    const seq = downward ? ranks.map((_, i) => i) : ranks.map((_, i) => i).reverse();
    for (const r of seq) {
      const rank = ranks[r];
      if (!rank.length) continue;
      const want = [];
      const weight = [];
      for (const v of rank) {
        const a = (downward ? up : down).get(v.id);
        const b = (downward ? down : up).get(v.id);
        // Mostly the side swept from, a little the other: the layout settles between both.
        let sum = 0;
        let w = 0;
        for (const id of a) {
          sum += nodes.get(id).x * 2;
          w += 2;
        }
        for (const id of b) {
          sum += nodes.get(id).x;
          w += 1;
        }
        // A dummy holds its line straight; a real node with nowhere to go stays.
        want.push(w ? sum / w : v.x);
        weight.push(v.dummy ? 2 : w ? 1 : 0.5);
      }
      place(rank, want, weight);
    }
  }
  let minX = Infinity;
  let maxX = -Infinity;
  for (const v of nodes.values()) {
    minX = Math.min(minX, v.x - v.w / 2);
    maxX = Math.max(maxX, v.x + v.w / 2);
  }
  if (!nodes.size) {
    minX = 0;
    maxX = 0;
  }

  // y: each rank as high as its tallest state; the gap under it wider where labels go.
  const labelled = new Set();
  for (const { edge } of chains) {
    if (!edge.label || !['choice', 'default', 'catch'].includes(edge.kind)) continue;
    // The label goes in the first gap the edge crosses from its source.
    const src = endOf(edge, 'from');
    labelled.add(edge.back ? nodes.get(src).rank - 1 : nodes.get(src).rank);
  }
  const rankTop = [];
  const rankH = [];
  let y = 0;
  ranks.forEach((rank, r) => {
    const hgt = Math.max(0, ...rank.map((v) => v.h));
    rankTop[r] = y;
    rankH[r] = hgt;
    y += hgt + (r < ranks.length - 1 ? (labelled.has(r) ? LABEL_GAP : GAP) : 0);
  });
  for (const v of nodes.values()) {
    v.cx = v.x - minX;
    v.top = rankTop[v.rank] + (rankH[v.rank] - v.h) / 2;
  }
  for (const [id, v] of nodes) {
    if (v.box) {
      v.box.x = v.cx - v.w / 2;
      v.box.y = v.top;
    }
    if (id === START || id === END) v.circle = { x: v.cx, y: v.top + TERMINAL / 2, r: TERMINAL / 2 };
  }

  // Ports: where edges leave a node's bottom and reach its top, spread in the order of where
  // they go, so that edges into one state do not meet in one point.
  const ports = new Map(); // `${id}|top|bottom` → [{chain, side, toward}]
  const portOf = (id, side) => {
    const k = `${id}|${side}`;
    if (!ports.has(k)) ports.set(k, []);
    return ports.get(k);
  };
  for (const c of chains) {
    const { ids } = c;
    portOf(ids[0], 'bottom').push({ c, end: 0, toward: nodes.get(ids[1]).cx });
    portOf(ids[ids.length - 1], 'top').push({ c, end: 1, toward: nodes.get(ids[ids.length - 2]).cx });
  }
  for (const [k, list] of ports) {
    const [id, side] = k.split('|');
    const v = nodes.get(id);
    list.sort((a, b) => a.toward - b.toward);
    const room = v.dummy || v.circle ? 0 : Math.min(16, (v.w * 0.6) / Math.max(1, list.length - 1));
    list.forEach((p, i) => {
      const x = v.cx + (i - (list.length - 1) / 2) * room;
      const yy = side === 'bottom' ? v.top + v.h : v.top;
      if (p.end === 0) p.c.startAt = [x, yy];
      else p.c.endAt = [x, yy];
    });
  }

  // The edges' points: down the chain, straight through each rank a dummy holds.
  const drawn = [];
  for (const c of chains) {
    const { edge, ids } = c;
    const pts = [c.startAt];
    for (let i = 1; i < ids.length - 1; i++) {
      const d = nodes.get(ids[i]);
      pts.push([d.cx, rankTop[d.rank]], [d.cx, rankTop[d.rank] + rankH[d.rank]]);
    }
    pts.push(c.endAt);
    // The label: halfway across the gap under its source (above it, for an edge looping back).
    let labelAt = null;
    if (edge.label && ['choice', 'default', 'catch'].includes(edge.kind)) {
      const a = edge.back ? pts[pts.length - 2] : pts[0];
      const b = edge.back ? pts[pts.length - 1] : pts[1];
      labelAt = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2 + 4];
    }
    drawn.push({ from: edge.from, to: edge.to, kind: edge.kind, label: edge.label, back: edge.back, points: edge.back ? pts.reverse() : pts, labelAt });
  }
  for (const e of edges) {
    if (!e.self) continue;
    const b = boxes[e.from];
    drawn.push({
      from: e.from,
      to: e.to,
      kind: e.kind,
      label: e.label,
      back: true,
      self: true,
      points: [
        [b.x + b.w, b.y + b.h * 0.35],
        [b.x + b.w, b.y + b.h * 0.65],
      ],
      labelAt: null,
    });
  }
  const hasSelf = edges.some((e) => e.self);
  return {
    w: maxX - minX + (hasSelf ? 30 : 0),
    h: y,
    boxes,
    edges: drawn,
    start,
    terminals,
    startNode: ends ? nodes.get(START)?.circle : null,
    endNode: ends ? nodes.get(END)?.circle : null,
    x: 0,
    y: 0,
  };
}

/** Every box of a layout in the top level's coordinates, containers first: [{box, x, y, depth}]. */
export function flatBoxes(layout, ox = 0, oy = 0, depth = 0, out = []) {
  for (const b of Object.values(layout.boxes)) {
    out.push({ box: b, x: ox + b.x, y: oy + b.y, depth });
    if (b.container) for (const m of b.subs) flatBoxes(m, ox + b.x + m.x, oy + b.y + m.y, depth + 1, out);
  }
  return out;
}
