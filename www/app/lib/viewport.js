// A zoomable, pannable view of an SVG drawing (the graph's): a <g> in an <svg> that fills its
// host, scaled and translated. Zoom: Ctrl (⌘) + wheel or a pinch, the + − buttons or keys, 0
// (Fit) fits, 1 shows 100%; pan: a drag, the wheel, the arrow keys; a minimap while the drawing
// is larger than the view. The pointer, wheel and keys, and the minimap, are in
// viewport-input.js, loaded when first wanted (the pointer over the view, the focus in it, or
// a drawing larger than it). The view is kept from one drawing to the next: a fitted one fits
// the new drawing, a moved one stays, another workflow altogether gets a view of its own.
import { h } from './dom.js';

const MIN_K = 0.05;
const FIT_MIN_K = 0.002;
const MAX_K = 4;
export const STEP = 1.25; // one zoom step
const MARGIN = 16; // around a fitted drawing
const READABLE = 0.6; // a first view no smaller than this (and a minimap to find the rest)

export const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));

let input = null; // viewport-input.js, once loaded
function loadInput() {
  input ||= import('./viewport-input.js');
  return input;
}

/**
 * Make `host` a view of `content` (a <g>, drawn at scale 1, `size` {w, h}). tools: where the
 * zoom buttons go (the host's corner by default). hint: the keys, shown while the focus is in
 * the view. boxes: [{x, y, w, h, cls}] for the minimap;
 * each gets its element as .mini once it is drawn. autoHeight: the host takes the drawing's
 * height fitted to its width (at least minHeight, at most maxHeight), for a host with no
 * height of its own.
 * Returns {fit(), zoomBy(f, at?), zoomTo(k, at?), panBy(dx, dy), show(rect), view(), destroy()}.
 */
export function createViewport(host, content, size, { boxes = [], tools = null, autoHeight = false, minHeight = 0, maxHeight = 480, label = 'drawing', hint = '' } = {}) {
  const prev = host.__viewport;
  prev?.destroy();
  const W = Math.max(size.w, 1);
  const H = Math.max(size.h, 1);
  // The view's state, shared with viewport-input.js.
  const v = { host, W, H, k: 1, x: 0, y: 0, fitted: true, vw: 0, vh: 0, boxes, label, mini: null, cleanup: [] };
  let frame = 0;
  host.classList.add('zoomable');
  if (!host.hasAttribute('tabindex')) host.tabIndex = 0;

  const btn = (cls, text, name, key, onclick) =>
    h('button', { type: 'button', class: `zoom-btn ${cls}`, 'data-testid': `${label}-${cls}`, 'aria-label': name, title: `${name} (${key})`, onclick, text });
  const level = btn('zoom-level', '100%', 'Zoom to 100%', '1', () => zoomTo(1));
  const bar = h(
    'div',
    { class: 'zoom-bar', role: 'group', 'aria-label': `Zoom the ${label}` },
    btn('zoom-out', '−', 'Zoom out', '−', () => zoomBy(1 / STEP)),
    level,
    btn('zoom-in', '+', 'Zoom in', '+', () => zoomBy(STEP)),
    btn('zoom-fit', 'Fit', `Fit the whole ${label} in view`, '0', () => fit()),
  );
  const toolHost = tools || host;
  toolHost.querySelector(':scope > .zoom-bar')?.remove();
  toolHost.append(bar);
  host.querySelector(':scope > .minimap')?.remove();
  // The keys, said while the focus is in the view (style.css shows it then).
  host.querySelector(':scope > .keys-hint')?.remove();
  const hintEl = hint ? h('p', { class: 'keys-hint', 'aria-hidden': 'true', 'data-testid': `${label}-keys-hint`, text: hint }) : null;
  if (hintEl) host.append(hintEl);

  function measure() {
    v.vw = host.clientWidth;
    v.vh = host.clientHeight;
  }
  // (Below MIN_K if need be: Fit shows the whole drawing, however large.)
  const fitScale = () => clamp(Math.min((v.vw - 2 * MARGIN) / W, (v.vh - 2 * MARGIN) / H, 1), FIT_MIN_K, MAX_K);

  /** A drawing narrower (lower) than the view is centred (kept in it); a larger one covers it. */
  function bound() {
    const cw = W * v.k;
    const ch = H * v.k;
    v.x = cw + 2 * MARGIN <= v.vw ? (v.vw - cw) / 2 : clamp(v.x, v.vw - cw - MARGIN, MARGIN);
    v.y = ch + 2 * MARGIN <= v.vh ? clamp(v.y, MARGIN, v.vh - ch - MARGIN) : clamp(v.y, v.vh - ch - MARGIN, MARGIN);
  }

  let gone = false;
  function render() {
    frame = 0;
    content.setAttribute('transform', `translate(${v.x.toFixed(2)},${v.y.toFixed(2)}) scale(${v.k.toFixed(4)})`);
    const pct = `${Math.round(v.k * 100)}%`;
    if (level.textContent !== pct) level.textContent = pct;
    const over = W * v.k > v.vw + 1 || H * v.k > v.vh + 1;
    host.classList.toggle('overflowing', over);
    host.dataset.zoom = v.k.toFixed(3);
    host.dataset.fitted = String(v.fitted);
    // A drawing larger than its view: the minimap (and the input, which draws it).
    if (over && !v.mini) attach();
    v.mini?.update(over);
  }
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(render);
  };
  let attaching = null;
  function attach() {
    attaching ||= loadInput().then((m) => {
      if (!gone) m.attachInput(v, api);
    });
    return attaching;
  }

  function sizeHost() {
    if (!autoHeight) return;
    const width = host.clientWidth || 320;
    host.style.height = `${Math.round(Math.max(minHeight, Math.min(maxHeight, H * Math.min(1, (width - 2 * MARGIN) / W) + 2 * MARGIN)))}px`;
  }

  function fit() {
    sizeHost();
    measure();
    v.k = fitScale();
    v.x = (v.vw - W * v.k) / 2;
    v.y = MARGIN;
    v.fitted = true;
    bound();
    render();
  }

  /** The first view: the whole drawing when it is readable so; else readable, from the top. */
  function first() {
    sizeHost();
    measure();
    if (fitScale() >= READABLE || !v.vw) return fit();
    v.k = clamp((v.vw - 2 * MARGIN) / W, READABLE, 1);
    v.x = (v.vw - W * v.k) / 2;
    v.y = MARGIN;
    v.fitted = false;
    bound();
    render();
  }

  function zoomTo(next, at) {
    measure();
    const p = at || [v.vw / 2, v.vh / 2];
    const nk = clamp(next, Math.min(MIN_K, fitScale()), MAX_K);
    v.x = p[0] - ((p[0] - v.x) * nk) / v.k;
    v.y = p[1] - ((p[1] - v.y) * nk) / v.k;
    v.k = nk;
    v.fitted = false;
    bound();
    schedule();
  }
  const zoomBy = (f, at) => zoomTo(v.k * f, at);

  function panBy(dx, dy) {
    v.x += dx;
    v.y += dy;
    v.fitted = false;
    bound();
    schedule();
  }

  /** Bring a rectangle of the drawing (its coordinates) into view. */
  function show(r) {
    measure();
    const left = v.x + r.x * v.k;
    const top = v.y + r.y * v.k;
    let dx = 0;
    let dy = 0;
    if (left + r.w * v.k > v.vw - MARGIN) dx = v.vw - MARGIN - (left + r.w * v.k);
    if (left + dx < MARGIN) dx = MARGIN - left;
    if (top + r.h * v.k > v.vh - MARGIN) dy = v.vh - MARGIN - (top + r.h * v.k);
    if (top + dy < MARGIN) dy = MARGIN - top;
    if (dx || dy) panBy(dx, dy);
  }

  // The input, when the user comes to the view: the pointer over it, the focus in it.
  const want = () => attach();
  for (const ev of ['pointerover', 'focusin', 'touchstart']) host.addEventListener(ev, want, { once: true, passive: true });
  // Before it is loaded, a key or the wheel waits for it, and is handled then.
  const early = (ev) => {
    if (input && attaching) return;
    if (ev.type === 'keydown' && !['+', '=', '-', '_', '0', '1', 'ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'].includes(ev.key)) return;
    if (ev.type === 'wheel' && !(ev.ctrlKey || ev.metaKey)) return;
    ev.preventDefault();
    attach().then(() => v.replay?.(ev));
  };
  host.addEventListener('keydown', early);
  host.addEventListener('wheel', early, { passive: false });

  // A host that changes size (a pane resized, collapsed, maximised): a fitted view fits again,
  // another keeps its centre.
  let lastW = 0;
  let lastH = 0;
  const resized =
    typeof ResizeObserver === 'function'
      ? new ResizeObserver(() => {
          const cw = host.clientWidth;
          const ch = host.clientHeight;
          if (!cw || !ch || (cw === lastW && ch === lastH)) return;
          const [ow, oh] = [lastW, lastH];
          lastW = cw;
          lastH = ch;
          if (!ow) return prevView ? fit() : first();
          if (v.fitted) return fit();
          v.x += (cw - ow) / 2;
          v.y += (ch - oh) / 2;
          measure();
          bound();
          schedule();
        })
      : null;
  resized?.observe(host);

  const before = prev ? prev.view() : null;
  const prevView = before && Math.abs(before.w - W) / W < 0.5 && Math.abs(before.h - H) / H < 0.5 ? before : null;
  const api = {
    fit,
    zoomBy,
    zoomTo,
    panBy,
    show,
    measure,
    bound,
    schedule,
    view: () => ({ k: v.k, x: v.x, y: v.y, fitted: v.fitted, w: W, h: H }),
    destroy() {
      gone = true;
      resized?.disconnect();
      if (frame) cancelAnimationFrame(frame);
      host.removeEventListener('pointerover', want);
      host.removeEventListener('focusin', want);
      host.removeEventListener('touchstart', want);
      host.removeEventListener('keydown', early);
      host.removeEventListener('wheel', early);
      for (const f of v.cleanup) f();
      bar.remove();
      hintEl?.remove();
      if (host.__viewport === api) host.__viewport = null;
    },
  };
  host.__viewport = api;
  // The first view: the last drawing's when it was moved; else fitted, or readable from the top.
  measure();
  lastW = v.vw;
  lastH = v.vh;
  if (prevView && !prevView.fitted && v.vw) {
    v.k = clamp(prevView.k, MIN_K, MAX_K);
    v.x = prevView.x;
    v.y = prevView.y;
    v.fitted = false;
    bound();
    render();
  } else if (prevView?.fitted && v.vw) fit();
  else first();
  return api;
}
