// A zoomable, pannable view of an SVG drawing: the graph's. The drawing is a <g> in an <svg>
// that fills its host; the view is a scale and a translation of that <g>.
//
//   zoom: Ctrl (⌘) + wheel or a pinch, the + and − buttons or keys, 0 (or Fit) fits the
//   drawing, 1 shows it at 100%; pan: a drag, the wheel, the arrow keys. A minimap in the
//   corner, while the drawing is larger than the view, shows where the view is; a click or a
//   drag on it moves there. A state that gets the focus (Tab) is brought into view.
//
// The view is kept on the host from one drawing to the next (the definition edited): a view
// that was fitted fits the new drawing; one the user moved stays where it was.
import { h } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
const MIN_K = 0.05;
const MAX_K = 4;
const STEP = 1.25; // one zoom step
const PAN = 60; // px an arrow key pans (Shift: 4x)
const MARGIN = 16; // around a fitted drawing
const READABLE = 0.6; // a first view no smaller than this (and a minimap to find the rest)
const MINI_W = 168;
const MINI_H = 132;

const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));

/**
 * Make `host` a view of `content` (a <g> of an <svg> that fills it, drawn at scale 1, `size` {w, h}). tools: an
 * element to put the zoom buttons in (the host's corner by default). boxes: [{x, y, w, h,
 * cls}] for the minimap; each gets its element back as .mini. autoHeight: the host takes the
 * height of the drawing fitted to its width (at most maxHeight): for hosts that have no height
 * of their own (the embed). Returns {fit(), zoomBy(f, at?), zoomTo(k, at?), panBy(dx, dy),
 * show(rect), view(): {k, x, y, fitted}, destroy()}.
 */
export function createViewport(host, content, size, { boxes = [], tools = null, autoHeight = false, maxHeight = 480, label = 'drawing' } = {}) {
  const prev = host.__viewport;
  prev?.destroy();
  let { w: W, h: H } = size;
  W = Math.max(W, 1);
  H = Math.max(H, 1);
  let k = 1;
  let x = 0;
  let y = 0;
  let fitted = true;
  let vw = 0;
  let vh = 0;
  let frame = 0;

  host.classList.add('zoomable');
  if (!host.hasAttribute('tabindex')) host.tabIndex = 0;

  // The zoom buttons.
  const btn = (cls, text, name, key, onclick) =>
    h('button', { type: 'button', class: `zoom-btn ${cls}`, 'data-testid': `${label}-${cls}`, 'aria-label': name, title: `${name} (${key})`, onclick, text });
  const level = btn('zoom-level', '100%', `Zoom to 100%`, '1', () => zoomTo(1));
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

  // The minimap: the boxes, and the view's rectangle.
  const mini = h('div', { class: 'minimap', 'data-testid': `${label}-minimap`, 'aria-hidden': 'true', title: 'Where the view is: click or drag to move it' });
  const msvg = document.createElementNS(NS, 'svg');
  msvg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  msvg.setAttribute('preserveAspectRatio', 'xMidYMid meet');
  for (const b of boxes) {
    const r = document.createElementNS(NS, 'rect');
    for (const [a, v] of Object.entries({ x: b.x, y: b.y, width: b.w, height: b.h, rx: Math.min(6, b.h / 4), class: `mm-box ${b.cls || ''}` })) r.setAttribute(a, String(v));
    msvg.append(r);
    b.mini = r;
  }
  const viewRect = document.createElementNS(NS, 'rect');
  viewRect.setAttribute('class', 'mm-view');
  msvg.append(viewRect);
  mini.append(msvg);
  const mw = W / H > MINI_W / MINI_H ? MINI_W : Math.max(48, (MINI_H * W) / H);
  const mh = W / H > MINI_W / MINI_H ? Math.max(32, (MINI_W * H) / W) : MINI_H;
  mini.style.width = `${Math.round(mw)}px`;
  mini.style.height = `${Math.round(mh)}px`;
  host.querySelector(':scope > .minimap')?.remove();
  host.append(mini);

  function measure() {
    vw = host.clientWidth;
    vh = host.clientHeight;
  }

  function fitScale() {
    return clamp(Math.min((vw - 2 * MARGIN) / W, (vh - 2 * MARGIN) / H, 1), MIN_K, MAX_K);
  }

  /** A drawing narrower (lower) than the view is centred (kept in it); a larger one covers it. */
  function bound() {
    const cw = W * k;
    const ch = H * k;
    x = cw + 2 * MARGIN <= vw ? (vw - cw) / 2 : clamp(x, vw - cw - MARGIN, MARGIN);
    y = ch + 2 * MARGIN <= vh ? clamp(y, MARGIN, vh - ch - MARGIN) : clamp(y, vh - ch - MARGIN, MARGIN);
  }

  function render() {
    frame = 0;
    content.setAttribute('transform', `translate(${x.toFixed(2)},${y.toFixed(2)}) scale(${k.toFixed(4)})`);
    const pct = `${Math.round(k * 100)}%`;
    if (level.textContent !== pct) level.textContent = pct;
    const over = W * k > vw + 1 || H * k > vh + 1;
    mini.hidden = !over;
    host.classList.toggle('overflowing', over);
    if (over) {
      viewRect.setAttribute('x', String(-x / k));
      viewRect.setAttribute('y', String(-y / k));
      viewRect.setAttribute('width', String(vw / k));
      viewRect.setAttribute('height', String(vh / k));
    }
    host.dataset.zoom = k.toFixed(3);
    host.dataset.fitted = String(fitted);
  }

  function schedule() {
    if (!frame) frame = requestAnimationFrame(render);
  }

  function sizeHost() {
    if (!autoHeight) return;
    const width = host.clientWidth || 320;
    const kk = Math.min(1, (width - 2 * MARGIN) / W);
    host.style.height = `${Math.round(Math.min(maxHeight, H * kk + 2 * MARGIN))}px`;
  }

  function fit() {
    sizeHost();
    measure();
    k = fitScale();
    x = (vw - W * k) / 2;
    y = MARGIN;
    fitted = true;
    bound();
    render();
  }

  /** The first view: the whole drawing when it is readable so; else readable, from the top. */
  function first() {
    sizeHost();
    measure();
    const f = fitScale();
    if (f >= READABLE || !vw) return fit();
    k = clamp((vw - 2 * MARGIN) / W, READABLE, 1);
    x = (vw - W * k) / 2;
    y = MARGIN;
    fitted = false;
    bound();
    render();
  }

  function zoomTo(next, at) {
    measure();
    const p = at || [vw / 2, vh / 2];
    const nk = clamp(next, Math.min(MIN_K, fitScale()), MAX_K);
    x = p[0] - ((p[0] - x) * nk) / k;
    y = p[1] - ((p[1] - y) * nk) / k;
    k = nk;
    fitted = false;
    bound();
    schedule();
  }
  const zoomBy = (f, at) => zoomTo(k * f, at);

  function panBy(dx, dy) {
    x += dx;
    y += dy;
    fitted = false;
    bound();
    schedule();
  }

  /** Bring a rectangle of the drawing (its coordinates) into view. */
  function show(r) {
    measure();
    const left = x + r.x * k;
    const top = y + r.y * k;
    const right = left + r.w * k;
    const bottom = top + r.h * k;
    let dx = 0;
    let dy = 0;
    if (right > vw - MARGIN) dx = vw - MARGIN - right;
    if (left + dx < MARGIN) dx = MARGIN - left;
    if (bottom > vh - MARGIN) dy = vh - MARGIN - bottom;
    if (top + dy < MARGIN) dy = MARGIN - top;
    if (dx || dy) panBy(dx, dy);
  }

  // The pointer: a drag pans (a click on a state still selects it), two pointers pinch.
  const pointers = new Map();
  let drag = null;
  let pinch = null;
  const local = (ev) => {
    const r = host.getBoundingClientRect();
    return [ev.clientX - r.left, ev.clientY - r.top];
  };
  const onDown = (ev) => {
    if (ev.button !== 0 || ev.target.closest('.zoom-bar, .minimap')) return;
    pointers.set(ev.pointerId, local(ev));
    if (pointers.size === 1) drag = { start: local(ev), x, y, moved: false, id: ev.pointerId };
    else if (pointers.size === 2) {
      const [a, b] = [...pointers.values()];
      pinch = { d: Math.hypot(a[0] - b[0], a[1] - b[1]), k };
      drag = null;
    }
  };
  const onMove = (ev) => {
    if (!pointers.has(ev.pointerId)) return;
    const p = local(ev);
    pointers.set(ev.pointerId, p);
    if (pinch && pointers.size === 2) {
      const [a, b] = [...pointers.values()];
      const d = Math.hypot(a[0] - b[0], a[1] - b[1]);
      if (pinch.d > 0) zoomTo(pinch.k * (d / pinch.d), [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]);
      return;
    }
    if (!drag) return;
    const dx = p[0] - drag.start[0];
    const dy = p[1] - drag.start[1];
    if (!drag.moved && Math.hypot(dx, dy) < 4) return;
    if (!drag.moved) {
      drag.moved = true;
      host.setPointerCapture?.(ev.pointerId);
      host.classList.add('panning');
    }
    x = drag.x + dx;
    y = drag.y + dy;
    fitted = false;
    bound();
    schedule();
  };
  const onUp = (ev) => {
    pointers.delete(ev.pointerId);
    if (pointers.size < 2) pinch = null;
    if (drag?.moved && drag.id === ev.pointerId) {
      // The click that ends a drag selects nothing.
      host.addEventListener('click', (c) => c.stopPropagation(), { capture: true, once: true });
      setTimeout(() => host.classList.remove('panning'), 0);
    }
    if (drag?.id === ev.pointerId) drag = null;
  };
  const onWheel = (ev) => {
    if (ev.ctrlKey || ev.metaKey) {
      ev.preventDefault();
      zoomBy(Math.exp(-ev.deltaY * (ev.deltaMode === 1 ? 0.05 : 0.0025)), local(ev));
      return;
    }
    // The wheel pans a drawing larger than the view; else the page scrolls.
    measure();
    const dx = ev.shiftKey && !ev.deltaX ? ev.deltaY : ev.deltaX;
    const dy = ev.shiftKey && !ev.deltaX ? 0 : ev.deltaY;
    const canX = W * k + 2 * MARGIN > vw;
    const canY = H * k + 2 * MARGIN > vh;
    if ((dx && canX) || (dy && canY)) {
      ev.preventDefault();
      const unit = ev.deltaMode === 1 ? 16 : 1;
      panBy(canX ? -dx * unit : 0, canY ? -dy * unit : 0);
    }
  };
  const onKey = (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.target.closest('.zoom-bar')) return;
    const step = ev.shiftKey ? PAN * 4 : PAN;
    const keys = {
      '+': () => zoomBy(STEP),
      '=': () => zoomBy(STEP),
      '-': () => zoomBy(1 / STEP),
      _: () => zoomBy(1 / STEP),
      0: () => fit(),
      1: () => zoomTo(1),
      ArrowLeft: () => panBy(step, 0),
      ArrowRight: () => panBy(-step, 0),
      ArrowUp: () => panBy(0, step),
      ArrowDown: () => panBy(0, -step),
    };
    const f = keys[ev.key];
    if (!f) return;
    ev.preventDefault();
    f();
  };
  // A state that gets the focus is brought into view.
  const onFocus = (ev) => {
    const g = ev.target.closest?.('[data-state]');
    if (!g?.__box) return;
    show(g.__box);
  };
  // The minimap: the view goes where it is clicked, and follows a drag.
  const miniTo = (ev) => {
    const r = msvg.getBoundingClientRect();
    // The drawing's scale in the minimap (preserveAspectRatio: meet, centred).
    const s = Math.min(r.width / W, r.height / H);
    const ox = r.left + (r.width - W * s) / 2;
    const oy = r.top + (r.height - H * s) / 2;
    const cx = (ev.clientX - ox) / s;
    const cy = (ev.clientY - oy) / s;
    measure();
    x = vw / 2 - cx * k;
    y = vh / 2 - cy * k;
    fitted = false;
    bound();
    schedule();
  };
  const onMiniDown = (ev) => {
    if (ev.button !== 0) return;
    ev.preventDefault();
    ev.stopPropagation();
    mini.setPointerCapture?.(ev.pointerId);
    miniTo(ev);
    const move = (mv) => miniTo(mv);
    const up = () => {
      mini.removeEventListener('pointermove', move);
      mini.removeEventListener('pointerup', up);
      mini.removeEventListener('pointercancel', up);
    };
    mini.addEventListener('pointermove', move);
    mini.addEventListener('pointerup', up);
    mini.addEventListener('pointercancel', up);
  };
  mini.addEventListener('pointerdown', onMiniDown);
  host.addEventListener('pointerdown', onDown);
  host.addEventListener('pointermove', onMove);
  host.addEventListener('pointerup', onUp);
  host.addEventListener('pointercancel', onUp);
  host.addEventListener('wheel', onWheel, { passive: false });
  host.addEventListener('keydown', onKey);
  host.addEventListener('focusin', onFocus);

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
          if (fitted || !ow) {
            if (prevView === null && !ow) first();
            else fit();
            return;
          }
          x += (cw - ow) / 2;
          y += (ch - oh) / 2;
          measure();
          bound();
          schedule();
        })
      : null;
  resized?.observe(host);

  // The first view: the last drawing's when it was moved; else fitted, or readable from the top.
  // (A drawing of another size altogether, another workflow, gets a view of its own.)
  const before = prev ? prev.view() : null;
  const prevView = before && Math.abs(before.w - W) / W < 0.5 && Math.abs(before.h - H) / H < 0.5 ? before : null;
  measure();
  lastW = vw;
  lastH = vh;
  if (prevView && !prevView.fitted && vw) {
    k = clamp(prevView.k, MIN_K, MAX_K);
    x = prevView.x;
    y = prevView.y;
    fitted = false;
    bound();
    render();
  } else if (prevView?.fitted && vw) fit();
  else first();

  const api = {
    fit,
    zoomBy,
    zoomTo,
    panBy,
    show,
    view: () => ({ k, x, y, fitted, w: W, h: H }),
    destroy() {
      resized?.disconnect();
      if (frame) cancelAnimationFrame(frame);
      host.removeEventListener('pointerdown', onDown);
      host.removeEventListener('pointermove', onMove);
      host.removeEventListener('pointerup', onUp);
      host.removeEventListener('pointercancel', onUp);
      host.removeEventListener('wheel', onWheel);
      host.removeEventListener('keydown', onKey);
      host.removeEventListener('focusin', onFocus);
      bar.remove();
      mini.remove();
      if (host.__viewport === api) host.__viewport = null;
    },
  };
  host.__viewport = api;
  return api;
}
