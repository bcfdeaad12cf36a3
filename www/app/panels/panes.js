// The page's three panes (editors, graph, run): resized by the splitters between them (a drag,
// or the arrow keys on a focused splitter), collapsed to a rail and maximised to the whole
// layout; the timeline's height in the run pane too. A per-browser preference, not part of a
// workspace: kept in localStorage under PANES_KEY, and read again on the next visit.
//
// Nothing is taken out of the page: a collapsed pane keeps its editors (and what was typed in
// them) and its panels, only hidden, and the pane that is maximised hides the others the same
// way. Under 1180 px wide the panes stack (style.css): sizes are not used there, collapse and
// maximise are.

export const PANES_KEY = 'statelab.panes';
export const PANES = ['editors', 'graph', 'results'];
const NAMES = { editors: 'editors', graph: 'graph', results: 'run' };
export const DEFAULT_SIZES = [0.38, 0.27, 0.35];
const MIN_PX = { editors: 240, graph: 200, results: 300 }; // a pane is never narrower than this
const RAIL_PX = 36; // a collapsed pane's width
const SPLIT_PX = 10; // a splitter's width (the layout has no other gap)
const STEP = 0.02; // an arrow key moves a splitter this much of the width (Shift: 5x)
const TL_DEFAULT = 0.46; // the timeline's share of the run pane's height
const TL_MIN = 0.12;
const TL_MAX = 0.85;

/** The preference as kept, checked: {sizes: [3 fractions], collapsed: [names], max: name|null, timeline: fraction}. */
export function readPanes(storage = globalThis.localStorage) {
  const out = { sizes: [...DEFAULT_SIZES], collapsed: [], max: null, timeline: TL_DEFAULT };
  let kept = null;
  try {
    kept = JSON.parse(storage?.getItem(PANES_KEY) || 'null');
  } catch {
    kept = null;
  }
  if (!kept || typeof kept !== 'object') return out;
  if (Array.isArray(kept.sizes) && kept.sizes.length === 3 && kept.sizes.every((x) => typeof x === 'number' && x > 0.02 && x < 1)) {
    const sum = kept.sizes.reduce((a, b) => a + b, 0);
    out.sizes = kept.sizes.map((x) => x / sum);
  }
  if (Array.isArray(kept.collapsed)) out.collapsed = PANES.filter((p) => kept.collapsed.includes(p));
  // Every pane collapsed leaves nothing to see: the last one stays open.
  if (out.collapsed.length === PANES.length) out.collapsed.pop();
  if (PANES.includes(kept.max)) out.max = kept.max;
  if (typeof kept.timeline === 'number' && kept.timeline >= TL_MIN && kept.timeline <= TL_MAX) out.timeline = kept.timeline;
  return out;
}

function writePanes(prefs, storage = globalThis.localStorage) {
  try {
    storage?.setItem(PANES_KEY, JSON.stringify(prefs));
  } catch {
    // A full or refused storage: the panes stay as they are for this visit.
  }
}

/**
 * Mount the panes on `layout` (the page's <main>). onChange(prefs): after every change (the
 * graph fits itself again, say). Returns {get(), set(prefs)}.
 */
export function mountPanes(layout, { storage = globalThis.localStorage, onChange } = {}) {
  const panes = Object.fromEntries(PANES.map((p) => [p, layout.querySelector(`[data-pane=${p}]`)]));
  const splitters = [...layout.querySelectorAll(':scope > .splitter')];
  const tlSplitter = layout.querySelector('.splitter[data-splitter=timeline]');
  const results = panes.results;
  let prefs = readPanes(storage);

  const stacked = () => matchMedia('(max-width: 1180px)').matches;
  const expanded = () => PANES.filter((p) => !prefs.collapsed.includes(p));

  /** The width the expanded panes share, in px. */
  function shared() {
    const style = getComputedStyle(layout);
    const inner = layout.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return Math.max(1, inner - SPLIT_PX * 2 - RAIL_PX * prefs.collapsed.length);
  }

  function apply() {
    layout.classList.toggle('maxed', !!prefs.max);
    for (const p of PANES) {
      const pane = panes[p];
      const collapsed = prefs.collapsed.includes(p) && prefs.max !== p;
      const max = prefs.max === p;
      pane.classList.toggle('collapsed', collapsed);
      pane.classList.toggle('maximised', max);
      // Hidden from the page's tab order and from assistive technology while another pane is
      // maximised; the content stays in the page.
      pane.inert = !!prefs.max && !max;
      const label = NAMES[p];
      const c = pane.querySelector('[data-pane-action=collapse]');
      const m = pane.querySelector('[data-pane-action=maximise]');
      const rail = pane.querySelector('.pane-rail');
      rail.setAttribute('aria-expanded', 'false');
      c.setAttribute('aria-expanded', 'true');
      m.setAttribute('aria-pressed', String(max));
      const mt = max ? `Restore the ${label} pane beside the others` : `Maximise the ${label} pane`;
      m.setAttribute('aria-label', mt);
      m.title = mt;
      c.disabled = max;
    }
    // The columns: a collapsed pane is a rail, the others share the rest by their sizes.
    // (The pane maximised is the one grid item shown: style.css gives it the whole row.)
    const cols = [];
    PANES.forEach((p, i) => {
      if (i > 0) cols.push(`${SPLIT_PX}px`);
      if (prefs.collapsed.includes(p)) cols.push(`${RAIL_PX}px`);
      // (In hundreds: flex factors that add up to less than 1 would leave room unused.)
      else cols.push(`minmax(${MIN_PX[p]}px, ${(prefs.sizes[i] * 100).toFixed(3)}fr)`);
    });
    layout.style.setProperty('--pane-cols', cols.join(' '));
    results.style.setProperty('--tl-share', String(prefs.timeline));
    // A splitter moves the nearest expanded panes on either side; none there: it is not shown.
    splitters.forEach((s, i) => {
      const pair = pairOf(i);
      // Kept in its grid cell (the panes after it keep theirs), but out of reach.
      s.classList.toggle('inactive', !pair);
      s.tabIndex = pair ? 0 : -1;
      s.setAttribute('aria-hidden', String(!pair));
      if (pair) {
        const [a, b] = pair;
        const va = Math.round((prefs.sizes[PANES.indexOf(a)] / (prefs.sizes[PANES.indexOf(a)] + prefs.sizes[PANES.indexOf(b)])) * 100);
        s.setAttribute('aria-valuenow', String(va));
        s.setAttribute('aria-valuetext', `${NAMES[a]} ${va}%, ${NAMES[b]} ${100 - va}%`);
        s.setAttribute('aria-controls', `pane-${a} pane-${b}`);
      }
    });
    if (tlSplitter) {
      const v = Math.round(prefs.timeline * 100);
      tlSplitter.setAttribute('aria-valuenow', String(v));
      tlSplitter.setAttribute('aria-valuetext', `timeline ${v}% of the run pane`);
    }
  }

  /** The panes splitter i (0 or 1) moves: [left, right], or null. */
  function pairOf(i) {
    const open = expanded();
    const left = [...PANES.slice(0, i + 1)].reverse().find((p) => open.includes(p));
    const right = PANES.slice(i + 1).find((p) => open.includes(p));
    return left && right ? [left, right] : null;
  }

  function commit() {
    apply();
    writePanes(prefs, storage);
    onChange?.(prefs);
  }

  /** Give `left` `fraction` of what it and `right` share, within their minimum widths. */
  function share(left, right, fraction) {
    const i = PANES.indexOf(left);
    const j = PANES.indexOf(right);
    const open = expanded();
    const sum = open.reduce((s, p) => s + prefs.sizes[PANES.indexOf(p)], 0);
    const px = shared();
    const pairPx = ((prefs.sizes[i] + prefs.sizes[j]) / sum) * px;
    const lo = Math.min(0.5, MIN_PX[left] / pairPx);
    const hi = Math.max(0.5, 1 - MIN_PX[right] / pairPx);
    const f = Math.min(hi, Math.max(lo, fraction));
    const both = prefs.sizes[i] + prefs.sizes[j];
    const sizes = [...prefs.sizes];
    sizes[i] = both * f;
    sizes[j] = both - sizes[i];
    prefs = { ...prefs, sizes };
  }

  function fractionOf(left, right) {
    const i = PANES.indexOf(left);
    const j = PANES.indexOf(right);
    return prefs.sizes[i] / (prefs.sizes[i] + prefs.sizes[j]);
  }

  /** Drag `splitter`: begin(press) gives the move (pointer event → sizes) or null; committed on release. */
  function draggable(splitter, begin) {
    splitter.addEventListener('pointerdown', (ev) => {
      if (ev.button !== 0) return;
      const resize = begin(ev);
      if (!resize) return;
      ev.preventDefault();
      splitter.focus();
      splitter.setPointerCapture(ev.pointerId);
      layout.classList.add('resizing');
      const drag = new AbortController();
      const up = () => {
        drag.abort();
        layout.classList.remove('resizing');
        commit();
      };
      const on = { signal: drag.signal };
      splitter.addEventListener(
        'pointermove',
        (mv) => {
          resize(mv);
          apply();
        },
        on,
      );
      splitter.addEventListener('pointerup', up, on);
      splitter.addEventListener('pointercancel', up, on);
    });
  }

  splitters.forEach((s, i) => {
    draggable(s, () => {
      const pair = pairOf(i);
      if (!pair) return null;
      const [a, b] = pair;
      const ra = panes[a].getBoundingClientRect();
      const rb = panes[b].getBoundingClientRect();
      const span = rb.right - ra.left - SPLIT_PX * (PANES.indexOf(b) - PANES.indexOf(a));
      return (mv) => share(a, b, (mv.clientX - ra.left - SPLIT_PX / 2) / span);
    });
    s.addEventListener('keydown', (ev) => {
      const pair = pairOf(i);
      if (!pair) return;
      const [a, b] = pair;
      const f = fractionOf(a, b);
      const step = ev.shiftKey ? STEP * 5 : STEP;
      let next = null;
      if (ev.key === 'ArrowLeft') next = f - step;
      else if (ev.key === 'ArrowRight') next = f + step;
      else if (ev.key === 'Home') next = 0;
      else if (ev.key === 'End') next = 1;
      else if (ev.key === 'Enter') next = DEFAULT_SIZES[PANES.indexOf(a)] / (DEFAULT_SIZES[PANES.indexOf(a)] + DEFAULT_SIZES[PANES.indexOf(b)]);
      if (next === null) return;
      ev.preventDefault();
      share(a, b, next);
      commit();
    });
    s.addEventListener('dblclick', () => {
      prefs = { ...prefs, sizes: [...DEFAULT_SIZES] };
      commit();
    });
  });

  if (tlSplitter) {
    const setShare = (f) => {
      prefs = { ...prefs, timeline: Math.min(TL_MAX, Math.max(TL_MIN, f)) };
    };
    // From where it was pressed (measured from the timeline's top, a press made it jump).
    draggable(tlSplitter, (ev) => {
      const [y0, share0] = [ev.clientY, prefs.timeline];
      const height = results.getBoundingClientRect().height;
      return (mv) => setShare(share0 + (mv.clientY - y0) / height);
    });
    tlSplitter.addEventListener('keydown', (ev) => {
      const step = ev.shiftKey ? STEP * 5 : STEP;
      let next = null;
      if (ev.key === 'ArrowUp') next = prefs.timeline - step;
      else if (ev.key === 'ArrowDown') next = prefs.timeline + step;
      else if (ev.key === 'Home') next = TL_MIN;
      else if (ev.key === 'End') next = TL_MAX;
      else if (ev.key === 'Enter') next = TL_DEFAULT;
      if (next === null) return;
      ev.preventDefault();
      setShare(next);
      commit();
    });
    tlSplitter.addEventListener('dblclick', () => {
      setShare(TL_DEFAULT);
      commit();
    });
  }

  /** Move the focus out of a pane that is being hidden, to `to`. */
  function keepFocus(pane, to) {
    if (pane.contains(document.activeElement) && !to.contains(document.activeElement)) to.focus();
  }

  function collapse(p) {
    if (prefs.collapsed.includes(p)) return;
    // The last pane open stays open.
    if (expanded().length === 1) return;
    prefs = { ...prefs, collapsed: [...prefs.collapsed, p] };
    commit();
    keepFocus(panes[p], panes[p].querySelector('.pane-rail'));
  }

  function expand(p) {
    prefs = { ...prefs, collapsed: prefs.collapsed.filter((x) => x !== p) };
    commit();
    panes[p].querySelector('[data-pane-action=collapse]').focus();
  }

  function maximise(p) {
    const on = prefs.max !== p;
    // A pane maximised is expanded too, when it is restored.
    prefs = { ...prefs, max: on ? p : null, collapsed: on ? prefs.collapsed.filter((x) => x !== p) : prefs.collapsed };
    commit();
    panes[p].querySelector('[data-pane-action=maximise]').focus();
  }

  for (const p of PANES) {
    panes[p].addEventListener('click', (ev) => {
      const btn = ev.target.closest('[data-pane-action]');
      if (!btn || !panes[p].contains(btn)) return;
      const action = btn.dataset.paneAction;
      if (action === 'collapse') collapse(p);
      else if (action === 'expand') expand(p);
      else if (action === 'maximise') maximise(p);
    });
  }
  // Escape restores a maximised pane (when nothing inside it took the key).
  layout.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Escape' || !prefs.max || ev.defaultPrevented) return;
    if (ev.target.closest?.('.cm-editor')) return;
    const p = prefs.max;
    maximise(p);
  });
  // Sizes are fractions: the window's width changes nothing; the stacked layout ignores them.
  apply();
  return {
    get: () => prefs,
    set(next) {
      prefs = { ...prefs, ...next };
      commit();
    },
    stacked,
  };
}
