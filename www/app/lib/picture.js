// The graph and the timeline as standalone SVG (their colours written in, from the theme
// shown) and as PNG: what the Export menu (panels/export.js) loads when it is first opened.
import { h } from './dom.js';
import { fmtMs } from './format.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

function svgEl(name, attrs = {}, parent = null) {
  const e = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  parent?.append(e);
  return e;
}

const serialize = (svg) => `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(svg)}\n`;

// The properties the page's style sheet gives the graph, written into the copy as attributes.
const PAINT = [
  'display',
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-linecap',
  'stroke-linejoin',
  'stroke-opacity',
  'opacity',
  'paint-order',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
];

/**
 * The graph's <svg> as a file of its own: {text, width, height}: the whole drawing, however the
 * view is zoomed and panned (lib/viewport.js moves its `.graph-view` group; the drawing's size
 * is in data-width and data-height). Each element gets the paint the page's style sheet gives
 * it now (the theme, the run's statuses), with the pane's background behind; no classes, no
 * animation.
 */
export function graphSvg(svg) {
  const copy = svg.cloneNode(true);
  const from = [svg, ...svg.querySelectorAll('*')];
  const to = [copy, ...copy.querySelectorAll('*')];
  const view = copy.querySelector(':scope > .graph-view');
  for (let i = 0; i < from.length; i++) {
    const c = to[i];
    c.removeAttribute('class');
    c.removeAttribute('style');
    c.removeAttribute('tabindex');
    if (c.localName === 'title') continue;
    const cs = getComputedStyle(from[i]);
    for (const p of PAINT) {
      const v = cs.getPropertyValue(p);
      if (v && !(p === 'display' && v !== 'none')) c.setAttribute(p, v);
    }
  }
  // The drawing at scale 1, from its origin.
  view?.removeAttribute('transform');
  const own = svg.viewBox.baseVal;
  const vb =
    own && own.width > 0 ? { x: own.x, y: own.y, width: own.width, height: own.height } : { x: 0, y: 0, width: Number(svg.dataset.width), height: Number(svg.dataset.height) };
  const width = Math.ceil(vb.width);
  const height = Math.ceil(vb.height);
  copy.setAttribute('viewBox', `${vb.x} ${vb.y} ${vb.width} ${vb.height}`);
  copy.setAttribute('width', width);
  copy.setAttribute('height', height);
  copy.removeAttribute('role');
  copy.removeAttribute('data-width');
  copy.removeAttribute('data-height');
  const bg = getComputedStyle(svg.closest('.pane, .embed') || document.body).getPropertyValue('background-color');
  copy.insertBefore(svgEl('rect', { x: vb.x, y: vb.y, width: vb.width, height: vb.height, fill: bg }), copy.firstChild);
  return { text: serialize(copy), width, height };
}

// A state bar's status: its colours (the style sheet's variables) and the glyph before its name.
const STATUS = {
  running: ['--running', ''],
  succeeded: ['--good', '✓ '],
  failed: ['--bad', '✕ '],
  caught: ['--caught', '↪ '],
  cancelled: ['--cancelled', '– '],
};

/**
 * A timeline drawn by renderTimeline() in `host`, as an SVG file: {text, width, height}, or
 * null when it shows no run. The whole run, whatever the zoom, and every row (not only those a
 * long timeline draws in view), named as the timeline names them, a Map's collapsed
 * iterations as its row; the axis, each state, Task attempt, back-off and wait, the joins and
 * the critical path, in the colours of the theme shown.
 */
export function timelineSvg(host) {
  const m = host.__timeline;
  if (!m?.rows?.length) return null;
  const cs = getComputedStyle(host);
  const v = (name) => cs.getPropertyValue(name).trim();
  const LABEL = 240;
  const TRACK = 960;
  const LANE = 34;
  const AXIS = 26;
  const PAD = 12;
  const width = PAD * 2 + LABEL + TRACK;
  const height = PAD * 2 + AXIS + m.rows.length * LANE;
  const x = (ms) => PAD + LABEL + (Math.max(0, ms) / m.scaleMax) * TRACK;
  const svg = svgEl('svg', { width, height, viewBox: `0 0 ${width} ${height}`, 'font-family': v('--sans') || 'sans-serif' });
  const lanes = m.byLane.size;
  svgEl('title', {}, svg).textContent = `Timeline: ${lanes} lane${lanes > 1 ? 's' : ''}, ${fmtMs(m.durationMs ?? m.nowMs)}`;
  svgEl('rect', { width, height, fill: v('--bg-pane') || '#fff' }, svg);
  // The axis and its grid.
  const top = PAD + AXIS;
  const bottom = height - PAD;
  for (let t = 0; t <= m.scaleMax + 1e-9; t += m.step) {
    const tx = x(t);
    const anchor = t === 0 ? 'start' : t + m.step > m.scaleMax + 1e-9 ? 'end' : 'middle';
    const label = t === 0 ? '0' : m.scaleMax < 1000 ? `${t} ms` : `${+(t / 1000).toFixed(3)} s`;
    svgEl('text', { x: tx, y: PAD + 14, 'font-size': 11, fill: v('--fg-muted'), 'text-anchor': anchor }, svg).textContent = label;
    if (t > 0) svgEl('line', { x1: tx, x2: tx, y1: top, y2: bottom, stroke: v('--border'), 'stroke-dasharray': '3 3' }, svg);
  }
  svgEl('line', { x1: PAD, x2: width - PAD, y1: top, y2: top, stroke: v('--border') }, svg);
  const clip = (text, n) => (text.length > n ? `…${text.slice(-(n - 1))}` : text);
  m.rows.forEach((r, row) => {
    const y = top + row * LANE;
    svgEl('line', { x1: PAD, x2: width - PAD, y1: y + LANE, y2: y + LANE, stroke: v('--bg-subtle') }, svg);
    if (r.type === 'group') {
      // A Map's row: its iterations' extent, and whether they are shown.
      const n = r.members.length;
      const text = svgEl('text', { x: PAD, y: y + LANE / 2 + 4, 'font-size': 12, 'font-weight': 600, fill: v('--fg') }, svg);
      text.textContent = clip(`${r.collapsed ? '▸' : '▾'} ${r.state} · ${n.toLocaleString('en')} iteration${n === 1 ? '' : 's'}`, 34);
      let start = Infinity;
      let end = -Infinity;
      for (const k of r.members) {
        const l = m.byLane.get(k);
        if (!l) continue;
        start = Math.min(start, l.start);
        for (const s of l.spans) end = Math.max(end, s.endMs ?? m.nowMs);
      }
      if (Number.isFinite(start) && end >= start) {
        svgEl('rect', { x: x(start), y: y + 14, width: Math.max(2, x(end) - x(start)), height: 6, rx: 3, fill: v('--accent'), 'fill-opacity': r.collapsed ? 0.55 : 0.3 }, svg);
      }
      return;
    }
    const lane = m.byLane.get(r.key);
    if (!lane) return;
    const text = svgEl('text', { x: PAD, y: y + LANE / 2 + 4, 'font-size': 12, 'font-family': v('--mono') || 'monospace', fill: v('--fg-muted') }, svg);
    text.textContent = clip(m.nameOf ? m.nameOf(r.key).full : r.key || 'main', 32);
    for (const s of lane.spans) {
      const end = s.endMs === null || s.endMs === undefined ? m.nowMs : s.endMs;
      const x0 = x(s.startMs);
      const w = Math.max(s.kind === 'state' ? 3 : 2, x(end) - x0);
      const [colour, glyph] = STATUS[s.status] || ['--idle-stroke', ''];
      const title = `${s.state} · ${s.kind} · ${s.status} · ${fmtMs(s.startMs)} → ${fmtMs(end)}`;
      let bar;
      if (s.kind === 'state') {
        bar = svgEl(
          'rect',
          { x: x0, y: y + 3, width: w, height: 28, rx: 4, fill: v(`${colour}-bg`) || v('--bg-subtle'), stroke: v(colour), 'stroke-width': s.status === 'failed' ? 2 : 1 },
          svg,
        );
        if (s.status === 'cancelled') bar.setAttribute('stroke-dasharray', '4 3');
        if (s.critical) svgEl('rect', { x: x0 + 1, y: y + 28, width: Math.max(0, w - 2), height: 3, fill: v('--accent') }, svg);
        if (w > 24) {
          const room = Math.floor((w - 10) / 6.4);
          const label = `${glyph}${s.state}`;
          svgEl('text', { x: x0 + 6, y: y + 15, 'font-size': 11, 'font-weight': 600, fill: v('--fg') }, svg).textContent =
            label.length > room ? `${label.slice(0, Math.max(1, room - 1))}…` : label;
        }
      } else if (s.kind === 'attempt') {
        bar = svgEl('rect', { x: x0, y: y + 19, width: w, height: 10, rx: 3, fill: v(colour) }, svg);
      } else {
        const c = s.kind === 'backoff' ? v('--caught') : v('--fg-faint');
        bar = svgEl('rect', { x: x0, y: y + 19, width: w, height: 10, rx: 3, fill: c, 'fill-opacity': 0.35, stroke: c }, svg);
      }
      svgEl('title', {}, bar).textContent = title;
    }
    for (const j of lane.joins) {
      svgEl('line', { x1: x(j.ms), x2: x(j.ms), y1: y + 1, y2: y + LANE - 1, stroke: v('--accent'), 'stroke-width': 2 }, svg);
    }
  });
  return { text: serialize(svg), width, height };
}

/** An SVG file ({text, width, height}) drawn as a PNG, twice as large where the size allows. */
export async function pngOf({ text, width, height }) {
  // Within what a canvas takes (16,384 px a side, and some 268 M pixels in all in Chromium).
  const scale = Math.min(2, 16000 / width, 16000 / height, Math.sqrt(1.2e8 / (width * height)));
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
  await img.decode();
  const canvas = h('canvas', { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) });
  const ctx = canvas.getContext('2d');
  ctx.scale(scale, scale);
  ctx.drawImage(img, 0, 0, width, height);
  return new Promise((ok, fail) => canvas.toBlob((b) => (b ? ok(b) : fail(new Error('the PNG could not be made (too large?)'))), 'image/png'));
}
