// The workflow graph: a layered layout of the definition drawn as hand-written SVG.
// Parallel and Map states are containers around their branches / item processor. A state is
// selected with a click (Enter), and tested (the Test state tab) with T, a right-click or the
// pane's "Test" button.
import { childMachines, transitions, isTerminal, stateNamed } from '../model/asl.js';
import { childrenOf } from '../model/lanes.js';
import { select, shownSpans, openTestState } from '../state.js';
import { setText } from '../lib/dom.js';

const NS = 'http://www.w3.org/2000/svg';
const NODE_H = 40;
const ROW_GAP = 34;
const COL_GAP = 16;
const PAD = 12;
const HEADER = 26;
const CHAR_W = 7.3;

function el(name, attrs = {}, parent) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    // Through the CSSOM: the pages' policies allow no style attributes.
    if (k === 'style') e.style.cssText = String(v);
    else e.setAttribute(k, String(v));
  }
  if (parent) parent.appendChild(e);
  return e;
}

const textWidth = (s) => s.length * CHAR_W;

// A status is shown by an icon on the node's corner too, not by its colour alone: the glyphs
// of the legend (style.css), in a disc of radius 7.5 centred on the corner.
const GLYPHS = {
  running: 'M-1.9,-3.2 L3.3,0 L-1.9,3.2 Z',
  succeeded: 'M-3.2,0.2 L-1,2.5 L3.3,-2.4',
  failed: 'M-2.5,-2.5 L2.5,2.5 M2.5,-2.5 L-2.5,2.5',
  caught: 'M-2.8,3 L-2.8,-0.2 Q-2.8,-2 -1,-2 L2.6,-2 M0.9,-3.8 L2.8,-2 L0.9,-0.2',
  cancelled: 'M-3,0 L3,0',
};

/** Lay out one machine (StartAt + States): {w, h, nodes, edges} in local coordinates. */
function layoutMachine(machine) {
  const states = machine && typeof machine.States === 'object' && machine.States ? machine.States : {};
  const names = Object.keys(states).filter((n) => states[n] && typeof states[n] === 'object');
  const start = typeof machine.StartAt === 'string' && names.includes(machine.StartAt) ? machine.StartAt : names[0];
  // DFS order and back edges (edges into a state still on the DFS stack).
  const order = [];
  const seen = new Set();
  const onStack = new Set();
  const back = new Set();
  const visit = (n) => {
    seen.add(n);
    onStack.add(n);
    order.push(n);
    for (const t of transitions(states[n])) {
      if (!names.includes(t.to)) continue;
      if (onStack.has(t.to)) back.add(`${n}->${t.to}`);
      else if (!seen.has(t.to)) visit(t.to);
    }
    onStack.delete(n);
  };
  if (start) visit(start);
  for (const n of names) if (!seen.has(n)) visit(n);
  // Ranks: longest path over forward edges, in DFS post-order-compatible passes.
  const rank = Object.fromEntries(order.map((n) => [n, 0]));
  for (let pass = 0; pass < order.length; pass++) {
    let changed = false;
    for (const n of order) {
      for (const t of transitions(states[n])) {
        if (!names.includes(t.to) || back.has(`${n}->${t.to}`)) continue;
        if (rank[t.to] < rank[n] + 1) {
          rank[t.to] = rank[n] + 1;
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  // Boxes: leaves are sized by their text, containers by their content.
  const boxes = {};
  for (const n of order) boxes[n] = layoutState(n, states[n]);
  const rows = [];
  for (const n of order) {
    rows[rank[n]] ||= [];
    rows[rank[n]].push(n);
  }
  let y = 0;
  let width = 0;
  const rowInfo = [];
  for (const row of rows) {
    if (!row) continue;
    const w = row.reduce((s, n) => s + boxes[n].w, 0) + COL_GAP * (row.length - 1);
    const h = Math.max(...row.map((n) => boxes[n].h));
    rowInfo.push({ row, w, h, y });
    width = Math.max(width, w);
    y += h + ROW_GAP;
  }
  const hasBack = back.size > 0;
  const total = { w: width + (hasBack ? 30 : 0), h: Math.max(0, y - ROW_GAP) };
  for (const { row, w, h, y: ry } of rowInfo) {
    let x = (width - w) / 2;
    for (const n of row) {
      const b = boxes[n];
      b.x = x;
      b.y = ry + (h - b.h) / 2;
      x += b.w + COL_GAP;
    }
  }
  const edges = [];
  for (const n of order) {
    for (const t of transitions(states[n])) {
      if (!boxes[t.to]) continue;
      edges.push({ from: n, to: t.to, label: t.label, kind: t.kind, back: back.has(`${n}->${t.to}`) });
    }
  }
  const terminals = order.filter((n) => isTerminal(states[n]));
  return { ...total, boxes, edges, start, terminals, innerWidth: width };
}

function layoutState(name, state) {
  const type = state.Type || '?';
  const sub = type === 'Task' ? taskKind(state.Resource) : type;
  const label = Math.max(textWidth(name) * 1.08, textWidth(sub) * 0.8) + 20;
  if (type === 'Parallel' || type === 'Map') {
    const kind = type === 'Map' && state.MaxConcurrency ? `${type} · max ${state.MaxConcurrency}` : type;
    const header = textWidth(name) * 1.08 + textWidth(kind) * 0.85 + 44;
    const subs = childMachines(state).map(layoutMachine);
    const inner = subs.length ? subs.reduce((s, m) => s + m.w, 0) + COL_GAP * (subs.length - 1) : 80;
    const innerH = subs.length ? Math.max(...subs.map((m) => m.h)) : 30;
    const w = Math.max(inner + 2 * PAD, header);
    let x = (w - inner) / 2;
    for (const m of subs) {
      m.x = x;
      m.y = HEADER + PAD;
      x += m.w + COL_GAP;
    }
    return { name, state, type, container: true, subs, w, h: innerH + HEADER + 2 * PAD };
  }
  return { name, state, type, container: false, w: Math.max(104, label), h: NODE_H };
}

/**
 * Draw the whole definition into `host` (an element); returns {svg, nodes: Map(name → g)}.
 * onSelect(name): a state clicked (Enter); onTest(name): T or a right-click on it.
 */
export function drawGraph(host, definition, { onSelect, onTest } = {}) {
  const top = layoutMachine(definition);
  const margin = 24;
  const startR = 9;
  const width = Math.max(top.w, 160) + 2 * margin;
  const height = top.h + 2 * margin + 2 * (startR * 2 + ROW_GAP);
  const svg = el('svg', {
    viewBox: `0 0 ${width} ${height}`,
    // A group, not an image: its states are buttons a screen reader reaches.
    role: 'group',
    'aria-label': 'Workflow graph',
    class: 'graph-svg',
    style: `max-width:${Math.round(width * 1.3)}px;min-width:${Math.round(width * 0.7)}px`,
  });
  const defs = el('defs', {}, svg);
  for (const [id, cls] of [
    ['arrow', 'edge-arrow'],
    ['arrow-catch', 'edge-arrow catch'],
  ]) {
    const m = el(
      'marker',
      { id: `g-${id}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' },
      defs,
    );
    el('path', { d: 'M0,0 L10,5 L0,10 z', class: cls }, m);
  }
  const nodes = new Map();
  const ox = margin + (width - 2 * margin - top.w) / 2;
  const oy = margin + startR * 2 + ROW_GAP;
  const root = el('g', { transform: `translate(${ox},${oy})` }, svg);
  drawMachine(root, top, nodes, { onSelect, onTest }, true);
  host.replaceChildren(svg);
  return { svg, nodes, edges: [...svg.querySelectorAll('path.edge')] };
}

function drawMachine(g, m, nodes, on, isTop) {
  const edgesG = el('g', { class: 'edges' }, g);
  const nodesG = el('g', { class: 'nodes' }, g);
  const cx = m.innerWidth / 2;
  // Start and end markers: the top level gets circles, branches a small dot.
  if (m.start && m.boxes[m.start]) {
    const b = m.boxes[m.start];
    const sy = isTop ? -ROW_GAP - 18 : -10;
    if (isTop) el('circle', { cx, cy: sy, r: 9, class: 'terminal start' }, nodesG);
    path(edgesG, `M${cx},${sy + (isTop ? 9 : 0)} C${cx},${sy + 20} ${b.x + b.w / 2},${b.y - 20} ${b.x + b.w / 2},${b.y}`, 'edge').dataset.to = m.start;
  }
  if (isTop && m.terminals.length) {
    const ey = m.h + ROW_GAP + 9;
    el('circle', { cx, cy: ey, r: 9, class: 'terminal end' }, nodesG);
    el('circle', { cx, cy: ey, r: 4.5, class: 'terminal end-dot' }, nodesG);
    for (const n of m.terminals) {
      const b = m.boxes[n];
      path(edgesG, `M${b.x + b.w / 2},${b.y + b.h} C${b.x + b.w / 2},${ey - 20} ${cx},${ey - 30} ${cx},${ey - 9}`, 'edge').dataset.from = n;
    }
  }
  for (const e of m.edges) {
    const a = m.boxes[e.from];
    const b = m.boxes[e.to];
    const cls = `edge ${e.kind}`;
    let d;
    if (e.back || b.y <= a.y) {
      // Around the right side, back up to the target.
      const rx = m.innerWidth + 16;
      d = `M${a.x + a.w},${a.y + a.h / 2} C${rx},${a.y + a.h / 2} ${rx},${b.y + b.h / 2} ${b.x + b.w},${b.y + b.h / 2}`;
    } else {
      const x1 = a.x + a.w / 2;
      const y1 = a.y + a.h;
      const x2 = b.x + b.w / 2;
      const y2 = b.y;
      const dy = Math.max(16, (y2 - y1) / 2);
      d = `M${x1},${y1} C${x1},${y1 + dy} ${x2},${y2 - dy} ${x2},${y2}`;
    }
    const p = path(edgesG, d, cls, e.kind === 'catch' ? 'url(#g-arrow-catch)' : 'url(#g-arrow)');
    p.dataset.from = e.from;
    p.dataset.to = e.to;
    if (e.label) {
      const t = el('title', {}, p);
      t.textContent = e.label;
      if (e.kind === 'choice' || e.kind === 'default' || e.kind === 'catch') {
        // Just above the target, where labels of sibling targets do not collide.
        const lx = e.back ? m.innerWidth + 16 : b.x + b.w / 2;
        const ly = e.back ? (a.y + b.y + b.h) / 2 : b.y - 8;
        const room = Math.max(6, Math.floor((e.back ? 120 : b.w + COL_GAP - 4) / 6.2));
        const short = e.label.length > room ? `${e.label.slice(0, room - 1)}…` : e.label;
        const lt = el('text', { x: lx, y: ly, class: `edge-label ${e.kind}`, 'text-anchor': 'middle' }, edgesG);
        lt.textContent = short;
      }
    }
  }
  for (const b of Object.values(m.boxes)) {
    const ng = el(
      'g',
      {
        class: `node${b.container ? ' container' : ''} type-${b.type.toLowerCase()}`,
        'data-state': b.name,
        'data-status': 'idle',
        tabindex: 0,
        role: 'button',
        'aria-label': `${b.type} state ${b.name}`,
        transform: `translate(${b.x},${b.y})`,
      },
      nodesG,
    );
    ng.dataset.label = `${b.type} state ${b.name}`;
    nodes.set(b.name, ng);
    if (b.container) {
      if (b.type === 'Map') el('rect', { x: 5, y: 5, width: b.w, height: b.h, rx: 10, class: 'box stack' }, ng);
      el('rect', { width: b.w, height: b.h, rx: 10, class: 'box' }, ng);
      el('rect', { width: b.w, height: HEADER, rx: 10, class: 'header' }, ng);
      el('rect', { y: HEADER - 10, width: b.w, height: 10, class: 'header' }, ng);
      const t = el('text', { x: 12, y: 17, class: 'label' }, ng);
      t.textContent = b.name;
      const k = el('text', { x: b.w - 12, y: 17, class: 'type', 'text-anchor': 'end' }, ng);
      const mc = b.type === 'Map' && b.state.MaxConcurrency ? ` · max ${b.state.MaxConcurrency}` : '';
      k.textContent = b.type + mc;
      el('text', { x: b.w, y: -5, class: 'badge', 'text-anchor': 'end' }, ng);
      for (const sub of b.subs) {
        const sg = el('g', { transform: `translate(${sub.x},${sub.y})` }, ng);
        if (b.type === 'Parallel') el('rect', { x: -6, y: -8, width: sub.w + 12, height: sub.h + 16, rx: 8, class: 'branch' }, sg);
        drawMachine(sg, sub, nodes, on, false);
      }
    } else {
      el('rect', { width: b.w, height: b.h, rx: 8, class: 'box' }, ng);
      const t = el('text', { x: b.w / 2, y: 17, class: 'label', 'text-anchor': 'middle' }, ng);
      t.textContent = b.name;
      const k = el('text', { x: b.w / 2, y: 31, class: 'type', 'text-anchor': 'middle' }, ng);
      k.textContent = b.type === 'Task' ? taskKind(b.state.Resource) : b.type;
      // Beside the node at the top level; above its corner inside a branch, where siblings are close.
      if (isTop) el('text', { x: b.w + 6, y: b.h / 2 + 4, class: 'badge', 'text-anchor': 'start' }, ng);
      else el('text', { x: b.w, y: -4, class: 'badge', 'text-anchor': 'end' }, ng);
    }
    const icon = el('g', { class: 'status-icon', 'aria-hidden': 'true' }, ng);
    el('circle', { r: 7.5 }, icon);
    el('path', { class: 'glyph' }, icon);
    const title = el('title', {}, ng);
    title.textContent = on.onTest ? `${b.name} (${b.type}) · T or right-click: test this state` : `${b.name} (${b.type})`;
    const select = (ev) => {
      ev.stopPropagation();
      on.onSelect?.(b.name);
    };
    const test = (ev) => {
      if (!on.onTest) return;
      ev.preventDefault();
      ev.stopPropagation();
      on.onTest(b.name);
    };
    ng.addEventListener('click', select);
    ng.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') select(ev);
      else if ((ev.key === 't' || ev.key === 'T') && !ev.ctrlKey && !ev.metaKey && !ev.altKey) test(ev);
    });
    ng.addEventListener('contextmenu', test);
  }
}

function path(g, d, cls, marker = 'url(#g-arrow)') {
  return el('path', { d, class: cls, 'marker-end': marker }, g);
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

/** Mark the transitions the run took: both ends ran (or, for start and end edges, the one end). */
export function paintEdges(edges, nodes) {
  const ran = (n) => n === undefined || (nodes.get(n) && nodes.get(n).getAttribute('data-status') !== 'idle');
  const ok = (n) => n === undefined || ['succeeded', 'caught', 'running'].includes(nodes.get(n)?.getAttribute('data-status'));
  for (const p of edges) {
    const { from, to } = p.dataset;
    const taken = ran(from) && ran(to) && (from === undefined || to !== undefined || ok(from)) && !(from === undefined && to === undefined);
    p.classList.toggle('taken', taken);
  }
}

/** Colour the nodes from the run's spans. */
export function paintGraph(nodes, spans) {
  const byState = new Map();
  let children = null; // the children of each state span, once a Map needs them
  for (const s of spans) {
    if (!byState.has(s.state)) byState.set(s.state, { state: [], attempts: 0 });
    const e = byState.get(s.state);
    if (s.kind === 'state') e.state.push(s);
    else if (s.kind === 'attempt') e.attempts += 1;
  }
  for (const [name, g] of nodes) {
    const e = byState.get(name);
    let status = 'idle';
    let badge = '';
    if (e?.state.length) {
      const st = e.state.map((s) => s.status);
      status = st.includes('running') ? 'running' : st.includes('failed') ? 'failed' : st.includes('caught') ? 'caught' : st.includes('cancelled') ? 'cancelled' : 'succeeded';
      const iterations = e.state.length;
      if (g.classList.contains('container') && g.classList.contains('type-map')) {
        // Its iterations: the children of its first visit.
        children ||= childrenOf(spans);
        const iters = children.get(e.state[0].id)?.size ?? 0;
        if (iters) badge = `${iters} iteration${iters > 1 ? 's' : ''}`;
      } else if (e.attempts > iterations) badge = `↻ ${e.attempts} attempts`;
      else if (iterations > 1) badge = `×${iterations}`;
    }
    // Only what changed: this runs on every update of a run.
    if (g.getAttribute('data-status') !== status) {
      g.setAttribute('data-status', status);
      g.querySelector(':scope > .status-icon > .glyph')?.setAttribute('d', GLYPHS[status] || '');
    }
    const b = g.querySelector(':scope > .badge');
    if (b && b.textContent !== badge) b.textContent = badge;
    // Said in words to a screen reader: the status and the badge.
    const label = `${g.dataset.label}${status === 'idle' ? '' : `, ${status}`}${badge ? `, ${badge}` : ''}`;
    if (g.dataset.label && g.getAttribute('aria-label') !== label) g.setAttribute('aria-label', label);
  }
}

/**
 * Mount the page's graph: drawn again when the parsed definition changes, coloured by the
 * spans shown (the run's, or the replay's instant), the selected state marked; a click on a
 * state selects it; T, a right-click or the pane's `testButton` tests it.
 */
export function mountGraph(store, { host, note, testButton }) {
  let graph = null;
  const test = (name) => openTestState(store, name, { focus: true });
  if (testButton) {
    testButton.addEventListener('click', () => {
      const name = store.get().selection.name;
      if (name) test(name);
    });
    store.subscribe(
      (s) => [s.selection.name, s.definition.parsed],
      ([name, parsed]) => {
        const ok = !!name && !!stateNamed(parsed, name);
        testButton.disabled = !ok;
        setText(testButton, ok ? `Test ${name}` : 'Test state');
        testButton.title = ok ? `Test ${name} alone, as AWS's TestState API does (T or right-click on a state)` : 'Select a state in the graph to test it (or press T on it)';
      },
    );
  }
  store.subscribe(
    (s) => [s.definition.invalid, !!s.source],
    ([invalid, source]) => {
      const what = source ? 'The definition could not be read or resolved' : 'The definition is not valid JSON';
      note.textContent = invalid ? `${what}: the graph shows the last version that was.` : '';
    },
  );
  store.subscribe(
    (s) => [s.definition.parsed, s.run?.id, s.run?.rev, s.playhead, s.selection.name],
    ([parsed, , , , selected], before, s) => {
      if (parsed !== before?.[0]) graph = parsed ? drawGraph(host, parsed, { onSelect: (name) => select(store, { name }), onTest: test }) : null;
      if (!graph) return;
      paintGraph(graph.nodes, shownSpans(s));
      paintEdges(graph.edges, graph.nodes);
      for (const [name, g] of graph.nodes) g.classList.toggle('selected', name === selected);
    },
  );
}
