// Long lists drawn only where they can be seen: the timeline's lanes and the history's rows.
// A virtual list knows which part of one of its elements is visible (inside every clipping
// ancestor and the window), and is drawn again when a scroll or a resize shows another part.

/** The ancestor `el` is laid out in, across a shadow root's boundary. */
function parentOf(el) {
  return el.parentElement || (el.parentNode instanceof ShadowRoot ? el.parentNode.host : null);
}

// What is visible changes with a scroll or a resize (of the window, the page or a list's
// host): until one, an element's visible part is read once, not on every update (read just
// after the page changed, it would lay the page out on the spot).
let epoch = 0;
const known = new WeakMap(); // element → {epoch, part}

/**
 * The part of `el` that is visible, in px from its top: {top, bottom}; null when `el` is not
 * laid out (detached, or in a hidden panel). Clipped by every ancestor that does not let its
 * content overflow, and by the window.
 */
export function visiblePart(el) {
  if (!el?.isConnected) return null;
  const k = known.get(el);
  if (k && k.epoch === epoch) return k.part;
  const part = measure(el);
  if (part) known.set(el, { epoch, part });
  return part;
}

/**
 * The visible part of `el` last measured, without measuring (which, in the middle of a
 * drawing, lays the page out on the spot): {part, current} (current: no scroll or resize
 * since), or null when it never was.
 */
export function lastPart(el) {
  const k = known.get(el);
  return k ? { part: k.part, current: k.epoch === epoch } : null;
}

function measure(el) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) return null;
  let top = 0;
  let bottom = window.innerHeight;
  for (let a = parentOf(el); a && a !== document.body && a !== document.documentElement; a = parentOf(a)) {
    const oy = getComputedStyle(a).overflowY;
    if (oy === 'visible') continue;
    const c = a.getBoundingClientRect();
    top = Math.max(top, c.top + a.clientTop);
    bottom = Math.min(bottom, c.top + a.clientTop + a.clientHeight);
  }
  return { top: top - r.top, bottom: Math.max(top, bottom) - r.top };
}

// The virtual lists on the page: each is redrawn when a scroll or a resize may show another part.
const lists = new Set();
let queued = false;
let everyList = false; // a scroll or a resize: every list looks again, not only those that asked

function refreshAll() {
  queued = false;
  const all = everyList;
  everyList = false;
  for (const list of lists) {
    if (!all && !list.again) continue;
    list.again = false;
    // A list not yet in the page stays registered for a while (it is being built).
    if (!list.host.isConnected) {
      list.misses = (list.misses || 0) + 1;
      if (list.misses > 3) forget(list.host);
      else list.again = true;
    } else list.refresh();
  }
  if (!queued && [...lists].some((l) => l.again)) queueRefresh();
}

// A refresh runs in a task of its own after the next frame: the layout it reads is then up
// to date (no forced layout), and what it draws is not added to that frame's work.
const channel = new MessageChannel();
channel.port1.onmessage = refreshAll;
// Imported in Node (a documentation site's server-side rendering imports the embed), the
// listening port must not keep the process alive; browsers have no unref.
channel.port1.unref?.();

function queueRefresh() {
  if (queued) return;
  queued = true;
  requestAnimationFrame(() => channel.port2.postMessage(null));
}

function onScrollOrResize() {
  epoch += 1;
  everyList = true;
  queueRefresh();
}

// A host that changes size (a panel shown, a timeline growing to its height) or a page that
// does (moving what is under it): every list looks again.
const resized = typeof ResizeObserver === 'function' ? new ResizeObserver(onScrollOrResize) : null;

let listening = false;
/**
 * Keep `host` in view: `refresh()` is called (at most once a frame, after it) after any scroll or
 * resize, until `forget(host)` or the host leaves the page; with `again`, also at the next
 * frame (when the list was drawn without knowing where it is).
 */
export function watch(host, refresh, { again = false } = {}) {
  for (const list of lists) if (list.host === host) lists.delete(list);
  // Drawn before it was laid out (built before it is put in the page, or drawn for the first
  // time): look again once it is.
  const list = { host, refresh, again: again || !host.isConnected };
  lists.add(list);
  if (list.again) queueRefresh();
  if (!listening) {
    listening = true;
    resized?.observe(document.documentElement);
    // Scroll events do not bubble: listen to every element's in the capture phase.
    document.addEventListener('scroll', onScrollOrResize, { capture: true, passive: true });
    window.addEventListener('resize', onScrollOrResize, { passive: true });
  }
  // A host in a shadow root (the embed): its scrolls are not seen from the document.
  if (!host.__virtualScroll) {
    host.__virtualScroll = true;
    host.addEventListener('scroll', onScrollOrResize, { passive: true });
    resized?.observe(host);
  }
}

export function forget(host) {
  for (const list of lists) if (list.host === host) lists.delete(list);
  if (host.__virtualScroll) {
    host.__virtualScroll = false;
    host.removeEventListener('scroll', onScrollOrResize);
    resized?.unobserve(host);
  }
}

/**
 * Which rows to draw, of rows laid out from offsets[i] to offsets[i + 1] px (offsets has
 * n + 1 entries; rowHeight instead when every row is as high): those visible, and `overscan`
 * px more on each side. {first, last} (last excluded).
 */
export function rowsToDraw(visible, n, { rowHeight, offsets, overscan = 300 }) {
  // Not laid out (yet): no rows, until a refresh (see watch) knows where the list is. Out of
  // view: the margin on the side nearest the view.
  if (!visible) return { first: 0, last: 0 };
  const top = visible.top - overscan;
  const bottom = Math.max(visible.top, visible.bottom) + overscan;
  if (rowHeight) {
    const first = Math.max(0, Math.min(n, Math.floor(top / rowHeight)));
    const last = Math.max(first, Math.min(n, Math.ceil(bottom / rowHeight)));
    return { first, last };
  }
  // The first row that ends below `top`, the first that starts at or below `bottom`.
  const search = (y) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (offsets[mid + 1] <= y) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const first = search(top);
  let last = first;
  while (last < n && offsets[last] < bottom) last++;
  return { first, last };
}
