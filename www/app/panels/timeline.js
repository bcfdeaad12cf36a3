// The timeline: a time axis, one lane per branch and Map iteration, a bar per state and per
// Task attempt; retry back-offs and waits drawn differently; Parallel/Map joins marked.
//
// Lanes are named by what they are (`Fan › branch 2 (Thumbnail)`, `Each › item 7`), follow the
// lane they ran in, and are in the order they started (model/lanes.js laneRows); a Map's
// iterations are under a row of their own, which collapses them. The page's timeline zooms
// (Ctrl + wheel, the + and − keys or buttons; 0 fits the run) and pans (a scroll, a drag on
// the track, Shift and the arrow keys); the lane names stay at the left. It is one tab stop:
// the arrow keys move between its bars (see "keyboard" below).
//
// It is drawn again on every update of a run, so it changes only what changed: a lane's row
// and a span's bar stay in the page while their span and the selection stay the same. Bars
// are placed in milliseconds times --tl-pct (the track's width per ms): when the scale
// changes, one custom property does; when the clock moves, the width of running bars. A
// timeline with many lanes draws only those in view (and a few more), with spacers for the
// others, and draws again on scroll: a Map of 10,000 iterations has 10,000 lanes.
import { h } from '../lib/dom.js';
import { count } from '../lib/format.js';
import { nextTask } from '../lib/tasks.js';
import { laneKey, laneLabel, lanePath, laneRows, laneRowSteps, nameOfLane, parentLaneKey } from '../model/lanes.js';
import { visiblePart, lastPart, rowsToDraw, watch, forget } from '../lib/virtual.js';
import { joinsOf } from '../model/timing.js';
import { select, shownSpans } from '../state.js';
import { drawLane, drawGroup, newRow, newGroupRow, reconcile } from './timeline-lane.js';

const VIRTUAL_LANES = 60; // more lanes than this: draw those in view
const LANE_PX = 34; // .tl-lane's height in style.css (measured once drawn)
const OVERSCAN_LANES = 4; // drawn beyond the view on each side
const NEW_LANES_AT_ONCE = 6; // lanes a virtual timeline draws anew in one task
const MAX_ZOOM = 100; // the run's length shown at most this much wider than the track
const ZOOM_STEP = 1.5;
const CHAR_PX = 7.3; // a character of .tl-label (12 px monospace)

/** A round step that cuts `extent` into about `count` parts (at most). */
function niceStep(extent, count = 6) {
  const raw = extent / count;
  const pow = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

function tickLabel(t, step) {
  if (t === 0) return '0';
  if (step < 1000) return t < 1000 ? `${t} ms` : `${+(t / 1000).toFixed(3)} s`;
  return `${+(t / 1000).toFixed(3)} s`;
}

/**
 * Render spans into `host`, a row per lane (`lanes`: the run's lanes). nowMs: the current
 * virtual time (running spans end there). selected: {state, lane, startMs} to highlight.
 * onSelect(span) on click. joins: from joinsOf(). ghosts: the spans of a previous run (with
 * its lanes, ghostLanes), drawn faintly in the lanes of the same branches and iterations.
 * onDragLatency(state, seconds): Task attempts get a grip to drag their end. testIds: other
 * data-testid values for the bars and joins ({bar, join}), for timelines that are not the
 * run's. stateTypes: Map(state name → Type), to name lanes as branches or iterations.
 * zoomTools: an element for the zoom buttons: the timeline zooms and pans (the page's).
 */
export function renderTimeline(host, spans, opts = {}) {
  const { lanes, nowMs = 0, durationMs, selected, onSelect, joins = [], onDragLatency, testIds, stateTypes, zoomTools } = opts;
  host.__tlArgs = [spans, opts];
  if (zoomTools) setupZoom(host, zoomTools);
  if (!spans?.length) {
    forget(host);
    host.__timeline = null;
    host.classList.remove('virtual');
    host.replaceChildren(h('p', { class: 'empty', text: 'Run the workflow to see its timeline: one lane per Parallel branch and Map iteration.' }));
    host.__zoom?.update();
    return;
  }
  host.__tlCollapsed ||= new Set();
  // Everything by lane, in one pass over the spans (over several tasks for a big run's).
  const built = lanesOf(host, spans, opts);
  if (!built) {
    if (!host.__timeline) host.replaceChildren(h('p', { class: 'empty', text: `Drawing ${count(spans.length)} bars…` }));
    return;
  }
  const { byLane, kinds, critical, earlier } = built;
  const maxEnd = Math.max(durationMs ?? 0, nowMs, built.maxEnd);
  // The joins of this drawing (a lanes' model may be drawn again with others).
  for (const l of built.joined) l.joins = NONE;
  built.joined = [];
  for (const j of joins) {
    const l = byLane.get(laneKey(lanes, j.lane));
    if (!l) continue;
    if (l.joins === NONE) {
      l.joins = [];
      built.joined.push(l);
    }
    l.joins.push(j);
  }
  const prev = host.__timeline;
  let extent = Math.max(maxEnd, 1);
  let step;
  let scaleMax;
  if (durationMs === undefined && prev?.live && extent <= prev.scaleMax && extent * 4 >= prev.scaleMax) {
    // A run goes on: the axis it has still holds it.
    ({ step, scaleMax } = prev);
  } else {
    // A run's axis keeps room ahead of the clock, so that its scale (and so every bar)
    // changes now and then, not on every update; a finished run's fits it.
    if (durationMs === undefined) extent *= 2;
    step = niceStep(extent);
    scaleMax = Math.ceil(extent / step - 1e-9) * step;
  }
  // Usually the rows of the last drawing (the same lanes, none collapsed since), and maybe some
  // more; or those the build made in its slices.
  const collapsed = host.__tlCollapsed;
  const same =
    prev?.rows &&
    prev.collapsedRev === collapsed.rev &&
    prev.types === stateTypes &&
    (prev.byLane === byLane || (prev.byLane.size === byLane.size && [...byLane.keys()].every((k) => prev.byLane.has(k))));
  const rows = same
    ? prev.rows
    : built.rows?.rows && built.rows.rev === collapsed.rev && built.rows.types === stateTypes
      ? built.rows.rows
      : laneRows(byLane, { types: stateTypes, collapsed });
  const virtual = rows.length > VIRTUAL_LANES;
  const model = {
    live: durationMs === undefined,
    byLane,
    rows,
    types: stateTypes,
    collapsedRev: collapsed.rev,
    names: same ? prev.names : new Map(),
    step,
    scaleMax,
    nowMs,
    durationMs,
    selected,
    onSelect,
    onDragLatency,
    kinds,
    critical,
    earlier,
    virtual,
    joins: joins.length > 0,
    ids: { bar: testIds?.bar || 'timeline-bar', join: testIds?.join || 'join' },
    lanePx: prev?.lanePx || LANE_PX,
    measured: prev?.measured || false,
  };
  model.nameOf = (key) => nameOf(model, key);
  host.__timeline = model;
  host.classList.toggle('virtual', virtual);
  // The lane names' column: as wide as the longest own name needs, within a third of the view.
  fitLabels(host);
  watchSize(host);
  if (!virtual) {
    forget(host);
    draw(host, model, 0, rows.length);
  } else drawInView(host, model, lanesInView(host, model, true), prev?.drawn);
  host.__zoom?.update();
}

const NONE = Object.freeze([]);
const SLICE_SPANS = 3000; // a finished run with more spans than this is sorted into lanes in slices
const SLICE_MS = 8; // of work in one task

/** Sort spans from..to into the lanes of `b` (see lanesOf). */
function collect(b, spans, from, to, table, nowMs, ghost) {
  const { byLane } = b;
  let lastId = -1;
  let last = null;
  for (let i = from; i < to; i++) {
    const s = spans[i];
    // The lane of the span before, most often.
    let l = s.lane === lastId ? last : null;
    if (!l) {
      const key = laneKey(table, s.lane);
      l = byLane.get(key);
      if (!l) {
        // (No ghosts nor joins in most lanes: one empty list for them all, until one has some.)
        l = { key, label: laneLabel(table, s.lane), path: lanePath(table, s.lane), spans: [], ghosts: NONE, joins: NONE, start: Infinity, first: null, firstMs: Infinity };
        byLane.set(key, l);
      }
      lastId = s.lane;
      last = l;
    }
    if (ghost) {
      if ((s.endMs ?? 0) > b.maxEnd) b.maxEnd = s.endMs ?? 0;
      if (l.ghosts === NONE) l.ghosts = [];
      l.ghosts.push(s);
      if (s.startMs < l.start) l.start = s.startMs;
      if (!l.first && s.kind === 'state') l.first = s.state;
      continue;
    }
    const e = s.endMs === null || s.endMs === undefined ? nowMs : s.endMs;
    if (e > b.maxEnd) b.maxEnd = e;
    l.spans.push(s);
    if (s.startMs < l.start) l.start = s.startMs;
    if (s.kind === 'state' && s.startMs < l.firstMs) {
      l.first = s.state;
      l.firstMs = s.startMs;
    }
    b.kinds.add(s.kind);
    if (s.critical) b.critical = true;
    if (s.earlier) b.earlier = true;
  }
}

/**
 * The spans by lane: {byLane: Map(laneKey → {key, label, path, spans, ghosts, joins, start,
 * first}), maxEnd, kinds, critical}. A run going on: sorted anew on each drawing. A finished
 * run (or a replay's instant, or a comparison): kept while the same spans are drawn again, and
 * when there are many, sorted a slice at a time in tasks of their own (null until done: the
 * timeline is drawn then), so that 10,000 lanes take no long task.
 */
function lanesOf(host, spans, { lanes, nowMs = 0, durationMs, ghosts = NONE, ghostLanes, stateTypes }) {
  const fresh = () => ({ key: null, byLane: new Map(), maxEnd: 0, kinds: new Set(), critical: false, earlier: false, i: 0, g: 0, joined: [], done: false, rows: null });
  if (durationMs === undefined) {
    const b = fresh();
    collect(b, spans, 0, spans.length, lanes, nowMs, false);
    collect(b, ghosts, 0, ghosts.length, ghostLanes, nowMs, true);
    b.done = true;
    host.__tlBuild = null;
    return b;
  }
  const key = [spans, spans.length, lanes, ghosts, ghosts.length, ghostLanes, nowMs];
  let b = host.__tlBuild;
  if (b?.key.every((k, i) => k === key[i])) return b.done ? b : null;
  b = fresh();
  b.key = key;
  host.__tlBuild = b;
  if (spans.length + ghosts.length <= SLICE_SPANS) {
    collect(b, spans, 0, spans.length, lanes, nowMs, false);
    collect(b, ghosts, 0, ghosts.length, ghostLanes, nowMs, true);
    b.done = true;
    return b;
  }
  const step = (first) => {
    if (host.__tlBuild !== b) return;
    const until = performance.now() + SLICE_MS;
    while (b.i < spans.length && performance.now() < until) {
      const to = Math.min(spans.length, b.i + 250);
      collect(b, spans, b.i, to, lanes, nowMs, false);
      b.i = to;
    }
    while (b.i >= spans.length && b.g < ghosts.length && performance.now() < until) {
      const to = Math.min(ghosts.length, b.g + 250);
      collect(b, ghosts, b.g, to, ghostLanes, nowMs, true);
      b.g = to;
    }
    // Then the rows (laneRows), a few hundred lanes at a time.
    if (b.i >= spans.length && b.g >= ghosts.length && !b.rows?.rows) {
      const collapsed = host.__tlCollapsed;
      b.rows ||= { steps: laneRowSteps(b.byLane, { types: stateTypes, collapsed }), rev: collapsed.rev, types: stateTypes, rows: null };
      while (!b.rows.rows && performance.now() < until) {
        const r = b.rows.steps.next();
        if (r.done) b.rows.rows = r.value;
      }
    }
    if (!b.rows?.rows) {
      nextTask(() => step(false));
      return;
    }
    b.done = true;
    // Drawn in a task of its own.
    if (!first) nextTask(() => host.__tlBuild === b && redraw(host));
  };
  step(true);
  return b.done ? b : null;
}

/** Draw the timeline again with what it was last given (a group collapsed, the zoom changed). */
function redraw(host) {
  if (host.__tlArgs) renderTimeline(host, ...host.__tlArgs);
}

/** A lane's name (see nameOfLane), its parent's first. */
function nameOf(model, key) {
  let n = model.names.get(key);
  if (n) return n;
  const entry = model.byLane.get(key) || { path: key ? JSON.parse(key) : [], first: null };
  const parentName = entry.path.length > 1 ? nameOf(model, parentLaneKey(entry.path)).full : '';
  n = nameOfLane(entry, parentName, model.types);
  model.names.set(key, n);
  return n;
}

/**
 * Draw a virtual timeline's lanes in view and the margin around them; where nothing was
 * drawn yet (the first time, or after a long scroll), the lanes in view now and the margin
 * a frame later, so that no single task draws them all.
 */
function drawInView(host, model, want, drawn) {
  const fresh = want.seen.last > want.seen.first && (!drawn || want.seen.last <= drawn.first || want.seen.first >= drawn.last);
  model.partial = fresh && want.known;
  if (model.partial) draw(host, model, want.seen.first, want.seen.last);
  else draw(host, model, want.first, want.last);
  const refresh = () => {
    const m = host.__timeline;
    if (!m?.virtual) return;
    const now = lanesInView(host, m);
    // Drawn already: the lanes in view (the margin around them need not be complete).
    if (!m.partial && now.seen.first >= m.drawn.first && now.seen.last <= m.drawn.last) return;
    if (m.partial) {
      // The rest of what was left for later (it may leave some more).
      m.partial = false;
      draw(host, m, now.first, now.last);
      if (m.partial) watch(host, refresh, { again: true });
    } else drawInView(host, m, now, m.drawn);
  };
  watch(host, refresh, { again: !want.known || model.partial });
}

/**
 * The lanes of a virtual timeline in view ({seen}), and with a margin ({first, last}). With
 * `stale` (a drawing), where they were last seen, measured by no one now: `known` is false
 * when that may be out of date, and the refresh after the next frame (drawInView's watch)
 * measures, the layout then being up to date.
 */
function lanesInView(host, model, stale = false) {
  const v = host.__tlDom;
  const body = v && v.body.parentNode === host ? v.body : null;
  // (A lane's height is measured by a refresh, after a frame, not by a drawing: LANE_PX until then.)
  if (body && !model.measured && !stale) {
    const row = body.querySelector(':scope > .tl-lane');
    if (row && row.offsetHeight > 0) {
      model.lanePx = row.offsetHeight;
      model.measured = true;
    }
  }
  // Not drawn, or never measured with no lanes drawn: none drawn now (measuring would lay the
  // page out mid-drawing), the refresh after the next frame draws them. Lanes drawn but never
  // measured (a timeline grown past VIRTUAL_LANES): measured, not to take them away.
  const last = body && stale ? lastPart(body) : null;
  const part = !body || (stale && !last && !v.rows.size) ? null : last ? last.part : visiblePart(body);
  const n = model.rows.length;
  const px = model.lanePx;
  return {
    ...rowsToDraw(part, n, { rowHeight: px, overscan: OVERSCAN_LANES * px }),
    seen: rowsToDraw(part, n, { rowHeight: px, overscan: 0 }),
    known: !!part && (!stale || !!last?.current),
  };
}

function setVar(el, name, value) {
  if (el.style.getPropertyValue(name) !== value) el.style.setProperty(name, value);
}

/** The elements that stay from one drawing to the next. */
function skeleton(host) {
  let v = host.__tlDom;
  if (v && v.body.parentNode === host) return v;
  v = {
    axis: h('div', { class: 'tl-row tl-axis' }, h('div', { class: 'tl-label', text: 'lane' })),
    axisTrack: h('div', { class: 'tl-track' }),
    body: h('div', { class: 'tl-body' }),
    grid: h('div', { class: 'tl-grid' }),
    before: h('div', { class: 'tl-spacer', 'aria-hidden': 'true' }),
    after: h('div', { class: 'tl-spacer', 'aria-hidden': 'true' }),
    now: h('div', { class: 'tl-now' }),
    legend: h('div', { class: 'tl-legend', 'aria-label': 'Timeline key' }),
    rows: new Map(), // row key → {el, track, items: Map(key → {el, span, sel})}
    scaleKey: null,
    legendKey: null,
  };
  v.axis.append(v.axisTrack);
  // The keys, said while the focus is in the timeline (style.css shows it then).
  v.hint = h('p', { class: 'keys-hint', 'aria-hidden': 'true', 'data-testid': 'timeline-keys-hint', text: host.__zoom ? `${KEYS_SHORT} · ${ZOOM_SHORT}` : KEYS_SHORT });
  host.__tlDom = v;
  host.replaceChildren(v.axis, v.body, v.legend, v.hint);
  if (!host.__tlKeys) {
    host.__tlKeys = true;
    host.setAttribute('role', 'group');
    host.setAttribute('aria-label', `Timeline: ${KEYS_HINT}${host.__zoom ? `; ${ZOOM_HINT}` : ''}`);
    host.addEventListener('keydown', (e) => onKey(host, e));
    host.addEventListener('focusin', (e) => {
      const stop = e.target.closest?.(STOPS);
      if (stop && host.__tlDom?.body.contains(stop)) setStop(host, stop);
    });
  }
  return v;
}

// ------------------------------------------------------------------ keyboard
// The timeline is one tab stop (a roving tabindex): the bar (or a Map's row toggle) focused
// last, else the selected bar, else the first. Left and Right move along a lane, Up and Down
// to the row above or below (the bar nearest in time, or a Map's toggle), Home and End to a
// lane's first and last bar; Enter or Space selects, as a click does (on a toggle: collapses
// or expands, as Left and Right do). Shift and an arrow key scroll the timeline (a zoomed
// one sideways); + and − zoom, 0 fits the run (setupZoom).

const KEYS_HINT = 'the arrow keys move between its bars, Shift and the arrow keys scroll';
const ZOOM_HINT = '+ and − zoom, 0 fits the run';
const KEYS_SHORT = 'Arrow keys: bars · Shift+arrows: scroll';
const ZOOM_SHORT = '+ −: zoom · 0: fit';
const STOPS = 'button.bar, button.tl-toggle';
const PAN_PX = 80; // what Shift and an arrow key scroll (a view's width at most)

const stopKey = (el) => (el.classList.contains('tl-toggle') ? `group|${el.__group}` : `${el.dataset.kind}|${el.dataset.state}|${el.dataset.lane}|${el.dataset.startMs}`);

function setStop(host, el) {
  const old = host.__tlStop;
  if (old === el) return;
  if (old) old.tabIndex = -1;
  el.tabIndex = 0;
  host.__tlStop = el;
  host.__tlStopKey = stopKey(el);
  if (el.dataset.startMs !== undefined) host.__tlAt = Number(el.dataset.startMs);
}

/** After a drawing: the tab stop is still a bar in view (the same span's, if it was redrawn). */
function keepStop(host, hadFocus) {
  const body = host.__tlDom?.body;
  if (!body) return;
  const old = host.__tlStop;
  if (old?.isConnected && body.contains(old)) return;
  host.__tlStop = null;
  const stops = body.querySelectorAll(STOPS);
  let next = null;
  if (host.__tlStopKey) for (const b of stops) if (stopKey(b) === host.__tlStopKey) next = b;
  next ||= body.querySelector('button.bar.selected') || body.querySelector('button.bar') || stops[0];
  if (!next) return;
  setStop(host, next);
  if (hadFocus) next.focus({ preventScroll: true });
}

/** A lane's bars in time order (the state before its attempts at one instant). */
function laneBars(track) {
  return [...track.querySelectorAll(':scope > button.bar')].sort((a, b) => Number(a.dataset.startMs) - Number(b.dataset.startMs));
}

/** The stop of a row for an instant: a Map's toggle, or the lane's bar nearest in time (of two as near, the state's). */
function stopInRow(row, at) {
  if (row.classList.contains('tl-group')) return row.querySelector('button.tl-toggle');
  let next = null;
  let best = Infinity;
  for (const b of laneBars(row.querySelector('.tl-track'))) {
    const d = Math.abs(Number(b.dataset.startMs) - at);
    if (d < best) {
      best = d;
      next = b;
    }
  }
  return next;
}

function onKey(host, e) {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  const el = e.target.closest?.(STOPS);
  const body = host.__tlDom?.body;
  if (!el || !body?.contains(el)) return;
  // Zoom (the page's timeline).
  const zoom = host.__zoom;
  const f = { '+': ZOOM_STEP, '=': ZOOM_STEP, '-': 1 / ZOOM_STEP, _: 1 / ZOOM_STEP, 0: 0 }[e.key];
  if (f !== undefined) {
    if (!zoom) return;
    e.preventDefault();
    // About the focused bar (or toggle), which stays in view.
    const r = el.getBoundingClientRect();
    zoom.zoomTo(f ? zoom.level() * f : 1, el.classList.contains('bar') ? zoom.atClientX(r.left + Math.min(r.width, 40) / 2) : undefined);
    reveal(el);
    return;
  }
  const arrow = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
  if (arrow && e.shiftKey) {
    // Scroll, the focus staying where it is.
    e.preventDefault();
    host.scrollBy({ left: arrow[0] * Math.min(PAN_PX * 2, host.clientWidth / 2), top: arrow[1] * Math.min(PAN_PX, host.clientHeight / 2) });
    return;
  }
  const toggle = el.classList.contains('tl-toggle');
  let next = null;
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    const rows = [...body.querySelectorAll(':scope > .tl-lane, :scope > .tl-group')];
    const step = e.key === 'ArrowDown' ? 1 : -1;
    const at = host.__tlAt ?? 0;
    for (let r = rows.indexOf(el.closest('.tl-row')) + step; r >= 0 && r < rows.length && !next; r += step) next = stopInRow(rows[r], at);
  } else if (toggle) {
    // A Map's row: Right expands its iterations, Left collapses them.
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    e.preventDefault();
    if ((e.key === 'ArrowRight') === (el.getAttribute('aria-expanded') === 'false')) el.click();
    return;
  } else {
    const inLane = laneBars(el.parentElement);
    const i = inLane.indexOf(el);
    if (e.key === 'ArrowRight') next = inLane[i + 1];
    else if (e.key === 'ArrowLeft') next = inLane[i - 1];
    else if (e.key === 'Home') next = inLane[0];
    else if (e.key === 'End') next = inLane[inLane.length - 1];
    else return;
  }
  e.preventDefault();
  if (!next || next === el) return;
  setStop(host, next);
  next.focus({ preventScroll: true });
  reveal(next);
}

/** Bring a bar into view: beside the lane names (sticky when zoomed) and under the axis (scroll-padding, style.css). */
function reveal(el) {
  el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
}

/** Draw the axis, the rows first..last (excluded; spacers stand for the others) and the key. */
function draw(host, model, first, last) {
  const { byLane, rows: list, scaleMax, nowMs, durationMs, selected, ids } = model;
  const hadFocus = host.contains(document.activeElement);
  const v = skeleton(host);
  if (model.virtual) {
    // At most so many new lanes at a time: the others at the next refresh.
    let made = 0;
    for (let li = first; li < last; li++) {
      if (v.rows.has(list[li].key)) continue;
      if (made === NEW_LANES_AT_ONCE) {
        last = li;
        model.partial = true;
        break;
      }
      made += 1;
    }
  }
  model.drawn = { first, last };
  setVar(host, '--tl-pct', `${100 / scaleMax}%`);
  drawAxis(host, v, model);
  const children = [v.grid];
  if (model.virtual) {
    const above = `${first * model.lanePx}px`;
    const below = `${(list.length - last) * model.lanePx}px`;
    if (v.before.style.height !== above) v.before.style.height = above;
    if (v.after.style.height !== below) v.after.style.height = below;
    children.push(v.before);
  }
  const rows = new Map();
  const ctx = { model, selected, host };
  for (let li = first; li < last; li++) {
    const r = list[li];
    if (r.type === 'group') {
      const row = v.rows.get(r.key) || newGroupRow(r, () => toggleGroup(host, r.key));
      drawGroup(row, r, ctx);
      rows.set(r.key, row);
      children.push(row.el);
      continue;
    }
    const entry = byLane.get(r.key);
    const name = nameOf(model, r.key);
    const row = v.rows.get(r.key) || newRow(entry, name);
    drawLane(row, entry, name, ctx, ids);
    rows.set(r.key, row);
    children.push(row.el);
  }
  v.rows = rows;
  if (model.virtual) children.push(v.after);
  if (durationMs === undefined) {
    const left = `calc(var(--tl-label) + (100% - var(--tl-label)) * ${nowMs / scaleMax})`;
    if (v.now.style.left !== left) v.now.style.left = left;
    children.push(v.now);
  }
  reconcile(v.body, children);
  keepStop(host, hadFocus);
  list.lanes ??= list.filter((r) => r.type === 'lane').length;
  const hidden = byLane.size - list.lanes;
  const legendKey =
    [...model.kinds].sort().join() +
    (model.joins ? '|join' : '') +
    (model.critical ? '|critical' : '') +
    (model.earlier ? '|earlier' : '') +
    (model.virtual || hidden ? `|${byLane.size}|${hidden}` : '');
  if (v.legendKey !== legendKey) {
    v.legendKey = legendKey;
    v.legend.replaceChildren(
      ...[
        h('span', { class: 'l-attempt', text: 'Task attempt' }),
        model.kinds.has('backoff') ? h('span', { class: 'l-backoff', text: 'retry back-off' }) : null,
        model.kinds.has('wait') ? h('span', { class: 'l-wait', text: 'Wait' }) : null,
        model.joins ? h('span', { class: 'l-join', text: 'join' }) : null,
        model.critical ? h('span', { class: 'l-critical', text: 'critical path' }) : null,
        model.earlier ? h('span', { class: 'l-earlier', text: 'earlier attempt (before the redrive)' }) : null,
        model.virtual || hidden ? h('span', { class: 'l-lanes', text: `${byLane.size} lanes${hidden ? ` (${hidden} collapsed)` : ''}` }) : null,
      ].filter(Boolean),
    );
  }
}

/**
 * The lane names' column: as wide as the longest own name needs, within a third of the view
 * (three fifths of a phone's)
 * (a timeline drawn before it is in the page, as the run's comparisons are, takes 600 px for
 * its view until it is laid out: watchSize). The width is the one watchSize last saw (read
 * here, a drawing would lay the page out on the spot).
 */
function fitLabels(host, width = host.__tlWidth) {
  host.__tlWidth = width; // (drawAxis's ticks use it too)
  const m = host.__timeline;
  if (!m?.rows) return;
  // (On a phone's width, up to 60% of it: a branch's own name, `branch 2 (Thumbnail)`, stays whole.)
  const view = width || 600;
  const share = view < 560 ? 0.6 : 0.34;
  setVar(host, '--tl-label', `${Math.round(Math.min(Math.max(96, m.rows.labelChars * CHAR_PX + 20), Math.max(120, view * share)))}px`);
}

/** How many ticks the axis has room for in view: one per 64 px of track, 2 to 6. */
function ticksFor(host) {
  const w = host.__tlWidth;
  if (!w) return 6;
  const label = parseFloat(host.style.getPropertyValue('--tl-label')) || 132;
  return Math.min(6, Math.max(2, Math.floor((w - label - 24) / 64)));
}

/** A timeline that changes size (laid out at last, a pane resized) fits its names and its ticks again. */
function watchSize(host) {
  if (host.__tlSize || typeof ResizeObserver !== 'function') return;
  host.__tlSize = new ResizeObserver(() => {
    const width = host.clientWidth;
    if (width === host.__tlWidth) return;
    const m = host.__timeline;
    const v = host.__tlDom;
    fitLabels(host, width);
    if (!m || !v || v.body.parentNode !== host) return;
    drawAxis(host, v, m);
  });
  host.__tlSize.observe(host);
}

/** The axis's ticks and the grid's lines: as many as there is room for in view (six at most), whatever the zoom. */
function drawAxis(host, v, model) {
  const { scaleMax } = model;
  const zoom = host.__zoom?.level() || 1;
  const room = ticksFor(host);
  const step = zoom > 1 || room < 6 ? niceStep(scaleMax / zoom, room) : model.step;
  const scaleKey = `${scaleMax}/${step}`;
  if (v.scaleKey === scaleKey) return;
  v.scaleKey = scaleKey;
  const pct = (ms) => `${((ms / scaleMax) * 100).toFixed(4)}%`;
  const ticks = [];
  for (let t = 0; t <= scaleMax + 1e-9; t += step) ticks.push(h('span', { class: 'tick', style: `left:${pct(t)}`, text: tickLabel(t, step) }));
  v.axisTrack.replaceChildren(...ticks);
  const lines = [];
  for (let t = step; t <= scaleMax + 1e-9; t += step) lines.push(h('span', { style: `left:${pct(t)}` }));
  v.grid.replaceChildren(...lines);
}

/** Collapse or expand a Map's iterations. */
function toggleGroup(host, key) {
  host.__tlCollapsed ||= new Set();
  const set = host.__tlCollapsed;
  if (set.has(key)) set.delete(key);
  else set.add(key);
  set.rev = (set.rev || 0) + 1;
  redraw(host);
  // The focus stays on the group's toggle, drawn anew or not.
  const v = host.__tlDom;
  v?.rows.get(key)?.toggle.focus({ preventScroll: true });
}

// ---------------------------------------------------------------- zoom and pan

/**
 * The timeline's zoom: its track `level` times as wide as the view (the lane names stay at the
 * left, sticky), the view scrolled sideways to pan. Buttons in `tools`; Ctrl (⌘) + wheel, the
 * + − 0 keys, a drag on the track.
 */
function setupZoom(host, tools) {
  if (host.__zoom) return;
  let level = 1;
  const labelPx = () => parseFloat(getComputedStyle(host).getPropertyValue('--tl-label')) || 132;
  const trackPx = () => Math.max(1, host.clientWidth - labelPx() - 24);
  const btn = (cls, text, name, key, onclick) =>
    h('button', { type: 'button', class: `zoom-btn ${cls}`, 'data-testid': `timeline-${cls}`, 'aria-label': name, title: `${name} (${key})`, onclick, text });
  const out = btn('zoom-out', '−', 'Zoom the timeline out', '−', () => zoomTo(level / ZOOM_STEP));
  const shown = btn('zoom-level', '100%', 'Fit the whole run in the timeline', '0', () => zoomTo(1));
  const into = btn('zoom-in', '+', 'Zoom the timeline in', '+', () => zoomTo(level * ZOOM_STEP));
  const bar = h('div', { class: 'zoom-bar', role: 'group', 'aria-label': 'Zoom the timeline' }, out, shown, into);
  tools.replaceChildren(bar);

  /** Zoom to `next`, keeping the instant at `atPx` (from the track's left, in the view) where it is. */
  function zoomTo(next, atPx) {
    const z = Math.min(MAX_ZOOM, Math.max(1, next));
    if (z === level) return;
    const w0 = trackPx() * level;
    const at = atPx ?? trackPx() / 2;
    const frac = (host.scrollLeft + at) / w0;
    level = z;
    apply();
    host.scrollLeft = Math.max(0, frac * trackPx() * level - at);
  }

  function apply() {
    setVar(host, '--tl-zoom', String(level));
    host.classList.toggle('zoomed', level > 1);
    host.dataset.zoom = String(+level.toFixed(3));
    update();
    // The ticks follow the zoom.
    const m = host.__timeline;
    if (m && host.__tlDom?.body.parentNode === host) drawAxis(host, host.__tlDom, m);
  }

  function update() {
    const has = !!host.__timeline;
    shown.textContent = `${Math.round(level * 100)}%`;
    out.disabled = !has || level <= 1;
    into.disabled = !has || level >= MAX_ZOOM;
    shown.disabled = !has;
  }

  host.addEventListener(
    'wheel',
    (ev) => {
      if (!(ev.ctrlKey || ev.metaKey) || !host.__timeline) return;
      ev.preventDefault();
      const r = host.getBoundingClientRect();
      zoomTo(level * Math.exp(-ev.deltaY * (ev.deltaMode === 1 ? 0.05 : 0.0025)), ev.clientX - r.left - labelPx() - 12);
    },
    { passive: false },
  );
  // The keys (+ − 0, and Shift and the arrows to pan) are the timeline's (onKey): its bars have the focus.
  // A drag on a lane's track (not on a bar) pans.
  host.addEventListener('pointerdown', (ev) => {
    if (ev.button !== 0 || level <= 1 || !ev.target.classList?.contains('tl-track')) return;
    const x0 = ev.clientX;
    const s0 = host.scrollLeft;
    host.setPointerCapture(ev.pointerId);
    host.classList.add('panning');
    const move = (mv) => {
      host.scrollLeft = s0 - (mv.clientX - x0);
    };
    const up = () => {
      host.removeEventListener('pointermove', move);
      host.removeEventListener('pointerup', up);
      host.removeEventListener('pointercancel', up);
      host.classList.remove('panning');
    };
    host.addEventListener('pointermove', move);
    host.addEventListener('pointerup', up);
    host.addEventListener('pointercancel', up);
  });
  /** Where a point of the screen is, from the track's left in the view (zoomTo's `atPx`). */
  const atClientX = (x) => x - host.getBoundingClientRect().left - labelPx() - 12;
  host.__zoom = { level: () => level, zoomTo, update, atClientX };
  update();
}

/**
 * Mount the page's timeline: the spans shown (the run's, or the replay's instant), the
 * previous run's faintly (what-if), the joins, the selection. Drawn first in a frame (phase
 * 0): it reads where it is scrolled to, cheaply while nothing else has changed yet.
 */
export function mountTimeline(store, { host, dragLatency, zoomTools }) {
  store.subscribe(
    (s) => [s.run?.id, s.run?.rev, s.run?.previous, s.run?.result, s.playhead, s.selection, s.definition.stateTypes],
    (_, __, s) => {
      const run = s.run;
      const replaying = s.playhead !== null && !!run?.result;
      const spans = shownSpans(s);
      const sel = s.selection;
      renderTimeline(host, spans, {
        lanes: run?.lanes,
        ghosts: !replaying && run?.previous ? run.previous.spans : NONE,
        ghostLanes: run?.previous?.lanes,
        onDragLatency: run?.result && !replaying ? dragLatency : undefined,
        nowMs: replaying ? s.playhead : run?.nowMs || 0,
        durationMs: run?.result ? run.result.durationMs : undefined,
        selected: sel.name ? { ...sel, state: sel.name } : null,
        onSelect: (span) => {
          select(store, { name: span.state, lane: span.lane, startMs: span.startMs, kind: span.kind });
          // A task that started a child execution opens it (panels/children.js).
          if (span.child) store.update({ resultTab: 'children', childShown: span.child.arn });
        },
        joins: joinsOf(spans, s.definition.stateTypes),
        stateTypes: s.definition.stateTypes,
        zoomTools,
      });
    },
    { phase: 0 },
  );
}
