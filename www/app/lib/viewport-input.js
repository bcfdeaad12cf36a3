// The graph view's input and minimap (see viewport.js, which loads this when first wanted): a
// drag pans (a click on a state still selects it), two pointers pinch, Ctrl (⌘) + wheel zooms
// at the pointer and the wheel pans a drawing larger than the view; + − 0 1 and the arrow keys;
// a state that gets the focus comes into view; the minimap shows the view and moves it.
import { h } from './dom.js';
import { STEP } from './viewport.js';

const NS = 'http://www.w3.org/2000/svg';
const PAN = 60; // px an arrow key pans (Shift: 4x)
const MINI_W = 168;
const MINI_H = 132;

/** Attach the input and the minimap to the view `v` (its state) with its `api`. */
export function attachInput(v, api) {
  const { host, W, H } = v;
  const on = (el, type, f, opts) => {
    el.addEventListener(type, f, opts);
    v.cleanup.push(() => el.removeEventListener(type, f, opts));
  };
  const local = (ev) => {
    const r = host.getBoundingClientRect();
    return [ev.clientX - r.left, ev.clientY - r.top];
  };
  const moved = () => {
    v.fitted = false;
    api.bound();
    api.schedule();
  };

  // The minimap: the boxes, and the view's rectangle.
  // (A tab stop of its own: the arrow keys move the view by a quarter of it, Shift by all of
  // it, Home and End to the drawing's start and end; WCAG 2.1.1.)
  const mini = h('div', {
    class: 'minimap',
    'data-testid': `${v.label}-minimap`,
    tabindex: '0',
    role: 'group',
    'aria-roledescription': 'minimap',
    'aria-label': `Minimap of the ${v.label}: the arrow keys move the view (Shift: a whole view), Home and End go to its start and end`,
    title: 'Where the view is: click or drag to move it, or the arrow keys',
  });
  const msvg = document.createElementNS(NS, 'svg');
  msvg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const rect = (attrs) => {
    const r = document.createElementNS(NS, 'rect');
    for (const [a, val] of Object.entries(attrs)) r.setAttribute(a, String(val));
    msvg.append(r);
    return r;
  };
  for (const b of v.boxes) {
    b.mini = rect({ x: b.x, y: b.y, width: b.w, height: b.h, rx: Math.min(6, b.h / 4), class: `mm-box ${b.cls || ''}` });
    // The status painted so far (graph.js paints it on the minimap from now on).
    if (b.node) {
      b.node.__mini = b.mini;
      b.mini.setAttribute('data-status', b.node.getAttribute('data-status') || 'idle');
    }
  }
  const view = rect({ class: 'mm-view' });
  mini.append(msvg);
  const wide = W / H > MINI_W / MINI_H;
  mini.style.width = `${Math.round(wide ? MINI_W : Math.max(48, (MINI_H * W) / H))}px`;
  mini.style.height = `${Math.round(wide ? Math.max(32, (MINI_W * H) / W) : MINI_H)}px`;
  // (First in the view: the next tab stop after the view itself, before its states.)
  host.prepend(mini);
  v.cleanup.push(() => mini.remove());
  v.mini = {
    update(over) {
      mini.hidden = !over;
      if (!over) return;
      view.setAttribute('x', String(-v.x / v.k));
      view.setAttribute('y', String(-v.y / v.k));
      view.setAttribute('width', String(v.vw / v.k));
      view.setAttribute('height', String(v.vh / v.k));
    },
  };
  const miniTo = (ev) => {
    const r = msvg.getBoundingClientRect();
    // The drawing's scale in the minimap (fitted, centred).
    const s = Math.min(r.width / W, r.height / H);
    api.measure();
    v.x = v.vw / 2 - ((ev.clientX - r.left - (r.width - W * s) / 2) / s) * v.k;
    v.y = v.vh / 2 - ((ev.clientY - r.top - (r.height - H * s) / 2) / s) * v.k;
    moved();
  };
  on(mini, 'pointerdown', (ev) => {
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
  });

  on(mini, 'keydown', (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    api.measure();
    const f = ev.shiftKey ? 1 : 0.25;
    const [dx, dy] = [v.vw * f, v.vh * f];
    const far = 1e9; // (bound() stops it at the drawing's edge)
    const keys = {
      ArrowLeft: () => api.panBy(dx, 0),
      ArrowRight: () => api.panBy(-dx, 0),
      ArrowUp: () => api.panBy(0, dy),
      ArrowDown: () => api.panBy(0, -dy),
      Home: () => api.panBy(far, far),
      End: () => api.panBy(-far, -far),
    };
    const k = keys[ev.key];
    if (!k) return;
    ev.preventDefault();
    ev.stopPropagation(); // (not the view's own arrow keys too)
    k();
  });

  // The pointer: a drag pans, two pointers pinch.
  const pointers = new Map();
  let drag = null;
  let pinch = null;
  on(host, 'pointerdown', (ev) => {
    if (ev.button !== 0 || ev.target.closest('.zoom-bar, .minimap')) return;
    pointers.set(ev.pointerId, local(ev));
    if (pointers.size === 1) drag = { start: local(ev), x: v.x, y: v.y, moved: false, id: ev.pointerId };
    else if (pointers.size === 2) {
      const [a, b] = [...pointers.values()];
      pinch = { d: Math.hypot(a[0] - b[0], a[1] - b[1]), k: v.k };
      drag = null;
    }
  });
  on(host, 'pointermove', (ev) => {
    if (!pointers.has(ev.pointerId)) return;
    const p = local(ev);
    pointers.set(ev.pointerId, p);
    if (pinch && pointers.size === 2) {
      const [a, b] = [...pointers.values()];
      const d = Math.hypot(a[0] - b[0], a[1] - b[1]);
      if (pinch.d > 0) api.zoomTo(pinch.k * (d / pinch.d), [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]);
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
    v.x = drag.x + dx;
    v.y = drag.y + dy;
    moved();
  });
  const up = (ev) => {
    pointers.delete(ev.pointerId);
    if (pointers.size < 2) pinch = null;
    if (drag?.moved && drag.id === ev.pointerId) {
      // The click that ends a drag selects nothing.
      host.addEventListener('click', (c) => c.stopPropagation(), { capture: true, once: true });
      setTimeout(() => host.classList.remove('panning'), 0);
    }
    if (drag?.id === ev.pointerId) drag = null;
  };
  on(host, 'pointerup', up);
  on(host, 'pointercancel', up);

  const wheel = (ev) => {
    if (ev.ctrlKey || ev.metaKey) {
      ev.preventDefault();
      api.zoomBy(Math.exp(-ev.deltaY * (ev.deltaMode === 1 ? 0.05 : 0.0025)), local(ev));
      return;
    }
    // The wheel pans a drawing larger than the view; else the page scrolls.
    api.measure();
    const dx = ev.shiftKey && !ev.deltaX ? ev.deltaY : ev.deltaX;
    const dy = ev.shiftKey && !ev.deltaX ? 0 : ev.deltaY;
    const canX = W * v.k + 32 > v.vw;
    const canY = H * v.k + 32 > v.vh;
    if ((dx && canX) || (dy && canY)) {
      ev.preventDefault();
      const unit = ev.deltaMode === 1 ? 16 : 1;
      api.panBy(canX ? -dx * unit : 0, canY ? -dy * unit : 0);
    }
  };
  const key = (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.target.closest('.zoom-bar')) return;
    const step = ev.shiftKey ? PAN * 4 : PAN;
    const keys = {
      '+': () => api.zoomBy(STEP),
      '=': () => api.zoomBy(STEP),
      '-': () => api.zoomBy(1 / STEP),
      _: () => api.zoomBy(1 / STEP),
      0: () => api.fit(),
      1: () => api.zoomTo(1),
      ArrowLeft: () => api.panBy(step, 0),
      ArrowRight: () => api.panBy(-step, 0),
      ArrowUp: () => api.panBy(0, step),
      ArrowDown: () => api.panBy(0, -step),
    };
    const f = keys[ev.key];
    if (!f) return;
    ev.preventDefault();
    f();
  };
  on(host, 'wheel', wheel, { passive: false });
  on(host, 'keydown', key);
  // A state that gets the focus is brought into view.
  on(host, 'focusin', (ev) => {
    const g = ev.target.closest?.('[data-state]');
    if (g?.__box) api.show(g.__box);
  });
  // What came before this was loaded, handled now.
  v.replay = (ev) => (ev.type === 'wheel' ? wheel(ev) : key(ev));
  api.schedule();
}
