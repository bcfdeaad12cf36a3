// The timeline: a time axis, one lane per branch and Map iteration, a bar per state and per
// Task attempt; retry back-offs and waits drawn differently; Parallel/Map joins marked.
//
// It is drawn again on every update of a run, so it changes only what changed: a lane's row
// and a span's bar stay in the page while their span and the selection stay the same. Bars
// are placed in milliseconds times --tl-pct (the track's width per ms): when the scale
// changes, one custom property does; when the clock moves, the width of running bars. A
// timeline with many lanes draws only those in view (and a few more), with spacers for the
// others, and draws again on scroll: a Map of 1,000 iterations has 1,000 lanes.
import { h } from '../lib/dom.js';
import { comparePaths, laneKey, laneLabel, lanePath } from '../model/lanes.js';
import { visiblePart, rowsToDraw, watch, forget } from '../lib/virtual.js';
import { joinsOf } from '../model/timing.js';
import { select, shownSpans } from '../state.js';
import { drawLane, newRow, reconcile } from './timeline-lane.js';

const VIRTUAL_LANES = 60; // more lanes than this: draw those in view
const LANE_PX = 34; // .tl-lane's height in style.css (measured once drawn)
const OVERSCAN_LANES = 4; // drawn beyond the view on each side
const NEW_LANES_AT_ONCE = 6; // lanes a virtual timeline draws anew in one task
const AXIS_PX = 24; // .tl-axis's height

function niceStep(extent) {
  const raw = extent / 6;
  const pow = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

function tickLabel(t, scaleMax) {
  if (t === 0) return '0';
  if (scaleMax < 1000) return `${t} ms`;
  return `${+(t / 1000).toFixed(3)} s`;
}

/** Row keys in reading order (see comparePaths). */
function sortRows(byLane) {
  return [...byLane.keys()].sort((a, b) => comparePaths(byLane.get(a).path, byLane.get(b).path));
}

/**
 * Render spans into `host`, a row per lane (`lanes`: the run's lanes). nowMs: the current
 * virtual time (running spans end there). selected: {state, lane, startMs} to highlight.
 * onSelect(span) on click. joins: from joinsOf(). ghosts: the spans of a previous run (with
 * its lanes, ghostLanes), drawn faintly in the lanes of the same branches and iterations.
 * onDragLatency(state, seconds): Task attempts get a grip to drag their end. testIds: other
 * data-testid values for the bars and joins ({bar, join}), for timelines that are not the
 * run's.
 */
export function renderTimeline(host, spans, { lanes, nowMs = 0, durationMs, selected, onSelect, joins = [], ghosts = [], ghostLanes, onDragLatency, testIds } = {}) {
  if (!spans?.length) {
    forget(host);
    host.__timeline = null;
    host.classList.remove('virtual');
    host.replaceChildren(h('p', { class: 'empty', text: 'Run the workflow to see its timeline: one lane per Parallel branch and Map iteration.' }));
    return;
  }
  // Everything by lane, in one pass over the spans. A row is keyed by its lane's place, the
  // same for a run and its ghosts.
  let maxEnd = Math.max(durationMs ?? 0, nowMs);
  const byLane = new Map();
  const laneOf = (table, id) => {
    const key = laneKey(table, id);
    let l = byLane.get(key);
    if (!l) {
      l = { label: laneLabel(table, id), path: lanePath(table, id), spans: [], ghosts: [], joins: [] };
      byLane.set(key, l);
    }
    return l;
  };
  const kinds = new Set();
  let critical = false;
  for (const s of spans) {
    const e = s.endMs === null || s.endMs === undefined ? nowMs : s.endMs;
    if (e > maxEnd) maxEnd = e;
    laneOf(lanes, s.lane).spans.push(s);
    kinds.add(s.kind);
    if (s.critical) critical = true;
  }
  for (const g of ghosts) {
    maxEnd = Math.max(maxEnd, g.endMs ?? 0);
    laneOf(ghostLanes, g.lane).ghosts.push(g);
  }
  for (const j of joins) byLane.get(laneKey(lanes, j.lane))?.joins.push(j);
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
  // Usually the rows of the last drawing, and maybe some more.
  const rows = prev?.lanes && prev.lanes.length === byLane.size && prev.lanes.every((l) => byLane.has(l)) ? prev.lanes : sortRows(byLane);
  const virtual = rows.length > VIRTUAL_LANES;
  const model = {
    live: durationMs === undefined,
    byLane,
    lanes: rows,
    step,
    scaleMax,
    nowMs,
    durationMs,
    selected,
    onSelect,
    onDragLatency,
    kinds,
    critical,
    virtual,
    joins: joins.length > 0,
    ids: { bar: testIds?.bar || 'timeline-bar', join: testIds?.join || 'join' },
    lanePx: prev?.lanePx || LANE_PX,
    measured: prev?.measured || false,
  };
  host.__timeline = model;
  host.classList.toggle('virtual', virtual);
  if (!virtual) {
    forget(host);
    draw(host, model, 0, rows.length);
    return;
  }
  drawInView(host, model, lanesInView(host, model), prev?.drawn);
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

/** The lanes of a virtual timeline in view ({seen}), and with a margin ({first, last}). */
function lanesInView(host, model) {
  const v = host.__tlDom;
  const body = v && v.body.parentNode === host ? v.body : null;
  if (body && !model.measured) {
    const row = body.querySelector(':scope > .tl-lane');
    if (row && row.offsetHeight > 0) {
      model.lanePx = row.offsetHeight;
      model.measured = true;
    }
  }
  // Not drawn yet: the host's visible part, under the axis, is a good guess.
  let part = body ? visiblePart(body) : visiblePart(host);
  if (part && !body) part = { top: part.top - AXIS_PX, bottom: part.bottom - AXIS_PX };
  const n = model.lanes.length;
  const px = model.lanePx;
  return { ...rowsToDraw(part, n, { rowHeight: px, overscan: OVERSCAN_LANES * px }), seen: rowsToDraw(part, n, { rowHeight: px, overscan: 0 }), known: !!part };
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
    rows: new Map(), // lane → {el, track, items: Map(key → {el, span, sel})}
    scaleKey: null,
    legendKey: null,
  };
  v.axis.append(v.axisTrack);
  host.__tlDom = v;
  host.replaceChildren(v.axis, v.body, v.legend);
  if (!host.__tlKeys) {
    host.__tlKeys = true;
    host.setAttribute('role', 'group');
    host.setAttribute('aria-label', 'Timeline: the arrow keys move between its bars');
    host.addEventListener('keydown', (e) => arrowKey(host, e));
    host.addEventListener('focusin', (e) => {
      const bar = e.target.closest?.('button.bar');
      if (bar && host.contains(bar)) setStop(host, bar);
    });
  }
  return v;
}

// ------------------------------------------------------------------ keyboard
// The timeline is one tab stop (a roving tabindex): the bar focused last, else the selected
// one, else the first. Left and Right move along a lane, Up and Down to the lane above or
// below (the bar nearest in time), Home and End to a lane's first and last bar; Enter or
// Space selects, as a click does.

const spanKey = (bar) => `${bar.dataset.kind}|${bar.dataset.state}|${bar.dataset.lane}|${bar.dataset.startMs}`;

function setStop(host, bar) {
  const old = host.__tlStop;
  if (old === bar) return;
  if (old) old.tabIndex = -1;
  bar.tabIndex = 0;
  host.__tlStop = bar;
  host.__tlStopKey = spanKey(bar);
}

/** After a drawing: the tab stop is still a bar in view (the same span's, if it was redrawn). */
function keepStop(host, hadFocus) {
  const body = host.__tlDom?.body;
  if (!body) return;
  const old = host.__tlStop;
  if (old?.isConnected && body.contains(old)) return;
  host.__tlStop = null;
  const bars = body.querySelectorAll('button.bar');
  let next = null;
  if (host.__tlStopKey) for (const b of bars) if (spanKey(b) === host.__tlStopKey) next = b;
  next ||= body.querySelector('button.bar.selected') || bars[0];
  if (!next) return;
  setStop(host, next);
  if (hadFocus) next.focus({ preventScroll: true });
}

/** A lane's bars in time order (the state before its attempts at one instant). */
function laneBars(track) {
  return [...track.querySelectorAll(':scope > button.bar')].sort((a, b) => Number(a.dataset.startMs) - Number(b.dataset.startMs));
}

function arrowKey(host, e) {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  const bar = e.target.closest?.('button.bar');
  const body = host.__tlDom?.body;
  if (!bar || !body?.contains(bar)) return;
  const track = bar.parentElement;
  const inLane = laneBars(track);
  const i = inLane.indexOf(bar);
  let next = null;
  if (e.key === 'ArrowRight') next = inLane[i + 1];
  else if (e.key === 'ArrowLeft') next = inLane[i - 1];
  else if (e.key === 'Home') next = inLane[0];
  else if (e.key === 'End') next = inLane[inLane.length - 1];
  else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    const rows = [...body.querySelectorAll(':scope > .tl-lane')];
    const step = e.key === 'ArrowDown' ? 1 : -1;
    const at = Number(bar.dataset.startMs);
    for (let r = rows.indexOf(track.closest('.tl-lane')) + step; r >= 0 && r < rows.length && !next; r += step) {
      // The nearest in time; of two as near, the state's bar (it comes first).
      let best = Infinity;
      for (const b of laneBars(rows[r].querySelector('.tl-track'))) {
        const d = Math.abs(Number(b.dataset.startMs) - at);
        if (d < best) {
          best = d;
          next = b;
        }
      }
    }
  } else return;
  e.preventDefault();
  if (!next || next === bar) return;
  setStop(host, next);
  next.focus();
}

/** Draw the axis, the lanes first..last (excluded; spacers stand for the others) and the key. */
function draw(host, model, first, last) {
  const { byLane, lanes, step, scaleMax, nowMs, durationMs, selected, ids } = model;
  const hadFocus = host.contains(document.activeElement);
  const v = skeleton(host);
  if (model.virtual) {
    // At most so many new lanes at a time: the others at the next refresh.
    let made = 0;
    for (let li = first; li < last; li++) {
      if (v.rows.has(lanes[li])) continue;
      if (made === NEW_LANES_AT_ONCE) {
        last = li;
        model.partial = true;
        break;
      }
      made += 1;
    }
  }
  model.drawn = { first, last };
  const pct = (ms) => `${((ms / scaleMax) * 100).toFixed(4)}%`;
  setVar(host, '--tl-pct', `${100 / scaleMax}%`);
  const scaleKey = `${scaleMax}/${step}`;
  if (v.scaleKey !== scaleKey) {
    v.scaleKey = scaleKey;
    const ticks = [];
    for (let t = 0; t <= scaleMax + 1e-9; t += step) ticks.push(h('span', { class: 'tick', style: `left:${pct(t)}`, text: tickLabel(t, scaleMax) }));
    v.axisTrack.replaceChildren(...ticks);
    const lines = [];
    for (let t = step; t <= scaleMax + 1e-9; t += step) lines.push(h('span', { style: `left:${pct(t)}` }));
    v.grid.replaceChildren(...lines);
  }
  const children = [v.grid];
  if (model.virtual) {
    const above = `${first * model.lanePx}px`;
    const below = `${(lanes.length - last) * model.lanePx}px`;
    if (v.before.style.height !== above) v.before.style.height = above;
    if (v.after.style.height !== below) v.after.style.height = below;
    children.push(v.before);
  }
  const rows = new Map();
  const ctx = { model, selected, host };
  for (let li = first; li < last; li++) {
    const lane = lanes[li];
    const row = v.rows.get(lane) || newRow(byLane.get(lane));
    drawLane(row, byLane.get(lane), ctx, ids);
    rows.set(lane, row);
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
  const legendKey = [...model.kinds].sort().join() + (model.joins ? '|join' : '') + (model.critical ? '|critical' : '') + (model.virtual ? `|${lanes.length}` : '');
  if (v.legendKey !== legendKey) {
    v.legendKey = legendKey;
    v.legend.replaceChildren(
      ...[
        h('span', { class: 'l-attempt', text: 'Task attempt' }),
        model.kinds.has('backoff') ? h('span', { class: 'l-backoff', text: 'retry back-off' }) : null,
        model.kinds.has('wait') ? h('span', { class: 'l-wait', text: 'Wait' }) : null,
        model.joins ? h('span', { class: 'l-join', text: 'join' }) : null,
        model.critical ? h('span', { class: 'l-critical', text: 'critical path' }) : null,
        model.virtual ? h('span', { class: 'l-lanes', text: `${lanes.length} lanes` }) : null,
      ].filter(Boolean),
    );
  }
}

/**
 * Mount the page's timeline: the spans shown (the run's, or the replay's instant), the
 * previous run's faintly (what-if), the joins, the selection. Drawn first in a frame (phase
 * 0): it reads where it is scrolled to, cheaply while nothing else has changed yet.
 */
export function mountTimeline(store, { host, dragLatency }) {
  store.subscribe(
    (s) => [s.run?.id, s.run?.rev, s.run?.previous, s.run?.result, s.playhead, s.selection, s.definition.stateTypes],
    (_, __, s) => {
      const run = s.run;
      const replaying = s.playhead !== null && !!run?.result;
      const spans = shownSpans(s);
      const sel = s.selection;
      renderTimeline(host, spans, {
        lanes: run?.lanes,
        ghosts: !replaying && run?.previous ? run.previous.spans : [],
        ghostLanes: run?.previous?.lanes,
        onDragLatency: run?.result && !replaying ? dragLatency : undefined,
        nowMs: replaying ? s.playhead : run?.nowMs || 0,
        durationMs: run?.result ? run.result.durationMs : undefined,
        selected: sel.name ? { ...sel, state: sel.name } : null,
        onSelect: (span) => select(store, { name: span.state, lane: span.lane, startMs: span.startMs, kind: span.kind }),
        joins: joinsOf(spans, s.definition.stateTypes),
      });
    },
    { phase: 0 },
  );
}
