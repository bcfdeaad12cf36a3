// The workflow graph: the definition laid out in layers (model/layout.js), drawn as SVG in a
// view that zooms and pans (lib/viewport.js), with a minimap while it is larger than its pane.
// Parallel and Map states are containers around their branches / item processor. A state is
// selected with a click (Enter), and tested (the Test state tab) with T, a right-click or the
// pane's "Test" button.
import { stateNamed } from '../model/asl.js';
import { childCounts, latestVisits } from '../model/lanes.js';
import { layoutDefinition, flatBoxes, estimate, HEADER, LABEL_CHARS, taskKind } from '../model/layout.js';
import { createViewport } from '../lib/viewport.js';
import { select, shownSpans, openTestState } from '../state.js';
import { setText } from '../lib/dom.js';

export { taskKind };

const NS = 'http://www.w3.org/2000/svg';
const MARGIN = 10; // around the drawing

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

// A status is shown by an icon on the node's corner too, not by its colour alone: the glyphs
// of the legend (style.css), in a disc of radius 7.5 centred on the corner.
const GLYPHS = {
  running: 'M-1.9,-3.2 L3.3,0 L-1.9,3.2 Z',
  succeeded: 'M-3.2,0.2 L-1,2.5 L3.3,-2.4',
  failed: 'M-2.5,-2.5 L2.5,2.5 M2.5,-2.5 L-2.5,2.5',
  caught: 'M-2.8,3 L-2.8,-0.2 Q-2.8,-2 -1,-2 L2.6,-2 M0.9,-3.8 L2.8,-2 L0.9,-0.2',
  cancelled: 'M-3,0 L3,0',
};

// The view's keys (lib/viewport-input.js; a state's own, Enter and T, are below), shown while
// the focus is in it: the arrow keys pan (Shift: farther), as Shift and the arrows do in the
// timeline, whose plain arrows move between its bars.
const KEYS_HINT = 'Tab: states · arrow keys: pan · + −: zoom · 0: fit';

let canvas = null;
/** Text widths in the host's font (a canvas measures them); an estimate without one. */
function measurer(host) {
  canvas ||= globalThis.document?.createElement('canvas').getContext('2d') || false;
  if (!canvas) return estimate;
  const family = getComputedStyle(host).fontFamily || 'system-ui, sans-serif';
  const memo = new Map();
  return (text, { size = 13, weight = 600 } = {}) => {
    const key = `${size}|${weight}|${text}`;
    let w = memo.get(key);
    if (w === undefined) {
      canvas.font = `${weight} ${size}px ${family}`;
      w = canvas.measureText(text).width;
      memo.set(key, w);
    }
    return w;
  };
}

/** An edge's path through its points: straight within a rank, a curve across each gap. */
function pathOf(points, self) {
  const [x0, y0] = points[0];
  if (self) {
    const [, y1] = points[1];
    return `M${x0},${y0} C${x0 + 34},${y0 - 6} ${x0 + 34},${y1 + 6} ${x0},${y1}`;
  }
  let d = `M${x0},${y0}`;
  for (let i = 1; i < points.length; i++) {
    const [ax, ay] = points[i - 1];
    const [bx, by] = points[i];
    if (Math.abs(ax - bx) < 0.5) d += ` L${bx},${by}`;
    else {
      const my = (ay + by) / 2;
      d += ` C${ax},${my} ${bx},${my} ${bx},${by}`;
    }
  }
  return d;
}

/**
 * Draw the whole definition into `host` (an element), in a view that zooms and pans; returns
 * {svg, nodes: Map(name → g), edges, view, size}. onSelect(name): a state clicked (Enter);
 * onTest(name): T or a right-click on it. autoHeight: the host takes the drawing's height
 * (for a host with no height of its own), within minHeight and maxHeight. tools: where the
 * zoom buttons go (the host's corner by default).
 */
export function drawGraph(host, definition, { onSelect, onTest, autoHeight = false, minHeight, maxHeight, tools = null } = {}) {
  const top = layoutDefinition(definition, measurer(host));
  const width = Math.max(top.w, 40) + 2 * MARGIN;
  const height = top.h + 2 * MARGIN;
  const svg = el('svg', { role: 'group', 'aria-label': 'Workflow graph', class: 'graph-svg', 'data-width': Math.round(width), 'data-height': Math.round(height) });
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
  const content = el('g', { class: 'graph-view' }, svg);
  const root = el('g', { transform: `translate(${MARGIN},${MARGIN})` }, content);
  drawMachine(root, top, nodes, { onSelect, onTest }, true);
  host.replaceChildren(svg);
  host.setAttribute('role', 'group');
  host.setAttribute('aria-label', 'Workflow graph: Tab moves through the states; the arrow keys pan, + and − zoom, 0 fits it in view');
  // The minimap's boxes, and each state's place (the view brings a state that gets the focus into view).
  const boxes = flatBoxes(top, MARGIN, MARGIN).map(({ box, x, y }) => ({ x, y, w: box.w, h: box.h, cls: box.container ? 'container' : 'leaf', state: box.name }));
  for (const b of boxes) {
    const g = nodes.get(b.state);
    if (!g) continue;
    g.__box = b;
    b.node = g;
  }
  const view = createViewport(host, content, { w: width, h: height }, { boxes, label: 'graph', autoHeight, minHeight, maxHeight, tools, hint: KEYS_HINT });

  return { svg, nodes, edges: [...svg.querySelectorAll('path.edge')], view, size: { w: width, h: height } };
}

function drawMachine(g, m, nodes, on, isTop) {
  const edgesG = el('g', { class: 'edges' }, g);
  const labelsG = el('g', { class: 'edge-labels' }, g);
  const nodesG = el('g', { class: 'nodes' }, g);
  if (isTop && m.startNode) el('circle', { cx: m.startNode.x, cy: m.startNode.y, r: m.startNode.r, class: 'terminal start' }, nodesG);
  if (isTop && m.endNode) {
    el('circle', { cx: m.endNode.x, cy: m.endNode.y, r: m.endNode.r, class: 'terminal end' }, nodesG);
    el('circle', { cx: m.endNode.x, cy: m.endNode.y, r: m.endNode.r / 2, class: 'terminal end-dot' }, nodesG);
  }
  for (const e of m.edges) {
    const marker = e.kind === 'end' ? null : e.kind === 'catch' ? 'url(#g-arrow-catch)' : 'url(#g-arrow)';
    const p = el('path', { d: pathOf(e.points, e.self), class: `edge ${e.kind}${e.back ? ' back' : ''}`, 'marker-end': marker }, edgesG);
    if (e.from !== undefined) p.dataset.from = e.from;
    if (e.to !== undefined) p.dataset.to = e.to;
    if (e.label) {
      const t = el('title', {}, p);
      t.textContent = `${e.from} → ${e.to}: ${e.label}`;
      if (e.labelAt) {
        const short = e.label.length > LABEL_CHARS ? `${e.label.slice(0, LABEL_CHARS - 1)}…` : e.label;
        const lt = el('text', { x: e.labelAt[0], y: e.labelAt[1], class: `edge-label ${e.kind}`, 'text-anchor': 'middle' }, labelsG);
        lt.textContent = short;
        if (short !== e.label) el('title', {}, lt).textContent = e.label;
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
      t.textContent = b.text;
      const k = el('text', { x: b.w - 12, y: 17, class: 'type', 'text-anchor': 'end' }, ng);
      k.textContent = b.kind;
      el('text', { x: b.w, y: -5, class: 'badge', 'text-anchor': 'end' }, ng);
      for (const sub of b.subs) {
        const sg = el('g', { transform: `translate(${sub.x},${sub.y})` }, ng);
        if (b.type === 'Parallel') el('rect', { x: -6, y: -7, width: sub.w + 12, height: sub.h + 14, rx: 8, class: 'branch' }, sg);
        drawMachine(sg, sub, nodes, on, false);
      }
    } else {
      el('rect', { width: b.w, height: b.h, rx: 8, class: 'box' }, ng);
      const t = el('text', { x: b.w / 2, y: 17, class: 'label', 'text-anchor': 'middle' }, ng);
      t.textContent = b.text;
      const k = el('text', { x: b.w / 2, y: 31, class: 'type', 'text-anchor': 'middle' }, ng);
      k.textContent = b.kind;
      el('text', { x: b.w, y: -4, class: 'badge', 'text-anchor': 'end' }, ng);
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
export function paintGraph(nodes, all) {
  // A redriven run: a state's earlier attempts count only where nothing ran it again.
  const spans = latestVisits(all);
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
        // Its iterations: the children of its first visit (a redrive's earlier attempt's too).
        children ||= childCounts(all);
        const first = spans === all ? e.state[0] : all.find((s) => s.kind === 'state' && s.state === name);
        const iters = children.get(first.id) ?? 0;
        if (iters) badge = `${iters} iteration${iters > 1 ? 's' : ''}`;
      } else if (e.attempts > iterations) badge = `↻ ${e.attempts} attempts`;
      else if (iterations > 1) badge = `×${iterations}`;
    }
    // Only what changed: this runs on every update of a run.
    if (g.getAttribute('data-status') !== status) {
      g.setAttribute('data-status', status);
      g.__mini?.setAttribute('data-status', status);
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
export function mountGraph(store, { host, note, testButton, tools }) {
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
        setText(testButton, ok ? `Test ${name}` : 'Test');
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
  // Panes stacked (a narrow screen): the view as high as its drawing fitted to the width (a
  // wider layout's flex sizing ignores that height).
  const draw = (parsed) => {
    const own = matchMedia('(max-width: 760px)').matches && { autoHeight: true, minHeight: 160, maxHeight: Math.min(520, innerHeight * 0.62) };
    graph = parsed ? drawGraph(host, parsed, { onSelect: (name) => select(store, { name }), onTest: test, tools, ...own }) : null;
  };
  store.subscribe(
    (s) => [s.definition.parsed, s.run?.id, s.run?.rev, s.playhead, s.selection.name],
    ([parsed, , , , selected], before, s) => {
      if (parsed !== before?.[0]) draw(parsed);
      if (!graph) return;
      paintGraph(graph.nodes, shownSpans(s));
      paintEdges(graph.edges, graph.nodes);
      for (const [name, g] of graph.nodes) g.classList.toggle('selected', name === selected);
    },
  );
}
