// One lane of the timeline: its row, and in it a bar per span (state, Task attempt, retry
// back-off, Wait), the previous run's bars drawn faintly (what-if) and the joins of Parallel
// and Map states. Bars stay in the page from one drawing to the next while their span's
// place in the lane does; see timeline.js.
import { fmtMs, count } from '../lib/format.js';
import { h } from '../lib/dom.js';

/** A bar from `start` to `end` ms, in the timeline's scale. */
function place(start, end) {
  return `left:calc(var(--tl-pct) * ${start});width:calc(var(--tl-pct) * ${Math.max(0, end - start)})`;
}

/** Make `parent`'s children `want`, in order, moving none of those it keeps. */
export function reconcile(parent, want) {
  const keep = new Set(want);
  for (const c of [...parent.children]) if (!keep.has(c)) c.remove();
  // One walk (indexing the live list after an insertion walks it again).
  let at = parent.firstElementChild;
  for (const el of want) {
    if (el === at) at = at.nextElementSibling;
    else parent.insertBefore(el, at);
  }
}

/** A lane's row: its name (timeline.js nameOf) and its track. */
export function newRow({ label, path }, name) {
  const track = h('div', { class: 'tl-track' });
  const head = h('div', { class: 'tl-label' });
  const row = { el: h('div', { class: `tl-row tl-lane${path.length ? '' : ' main'}`, 'data-lane': label }, head, track), head, track, items: new Map(), name: null };
  nameRow(row, label, name);
  return row;
}

/** A lane's name in its row: the lanes above shrink with an ellipsis, its own part stays; in full on hover. */
function nameRow(row, label, name) {
  if (row.name === name) return;
  row.name = name;
  row.el.dataset.name = name.full;
  row.head.title = `${name.full}\n${name.place}${label ? ` · lane ${label}` : ''}`;
  // (What comes before the branch or item shrinks first: `F… › branch 2 (Thumbnail)` in a narrow column.)
  // (Its space after the last › kept by style.css: white-space: pre.)
  const before = name.item === undefined ? name.parent && `${name.parent} › ` : `${name.parent ? `${name.parent} › ` : ''}${name.of} › `;
  row.head.replaceChildren(...(before ? [h('span', { class: 'lane-parent', text: before })] : []), h('span', { class: 'lane-name', text: name.item ?? name.own }));
}

/**
 * A Map's row over its iterations: a button that collapses them (and expands them again), and
 * on its track the time from the first iteration's start to the last one's end.
 */
export function newGroupRow(g, onToggle) {
  // (Not a tab stop of its own: the arrow keys reach it, timeline.js.)
  const toggle = h('button', { type: 'button', class: 'tl-toggle', tabindex: -1, 'data-testid': 'lane-group-toggle', 'data-state': g.state, onclick: onToggle });
  toggle.__group = g.key;
  const track = h('div', { class: 'tl-track' });
  const extent = h('span', { class: 'group-extent', 'aria-hidden': 'true' });
  track.append(extent);
  const el = h('div', { class: 'tl-row tl-group', 'data-testid': 'lane-group', 'data-state': g.state }, h('div', { class: 'tl-label' }, toggle), track);
  return { el, toggle, track, extent, items: new Map(), key: null };
}

/** A Map's row: its toggle's words and state, and its iterations' extent. */
export function drawGroup(row, g, { model }) {
  const n = g.members.length;
  // Its extent, once for the lanes' model and the clock.
  if (g.extentOf?.[0] !== model.byLane || g.extentOf[1] !== model.nowMs) {
    let start = Infinity;
    let end = -Infinity;
    for (const k of g.members) {
      const l = model.byLane.get(k);
      if (!l) continue;
      if (l.start < start) start = l.start;
      for (const s of l.spans) {
        const e = s.endMs === null || s.endMs === undefined ? model.nowMs : s.endMs;
        if (e > end) end = e;
      }
    }
    g.extentOf = [model.byLane, model.nowMs, start, end];
  }
  const [, , start, end] = g.extentOf;
  const key = `${g.collapsed}|${n}`;
  if (row.key !== key) {
    row.key = key;
    const what = `${g.state} · ${count(n)} iteration${n === 1 ? '' : 's'}`;
    row.toggle.textContent = `${g.collapsed ? '▸' : '▾'} ${what}`;
    row.toggle.setAttribute('aria-expanded', String(!g.collapsed));
    row.toggle.title = `${g.collapsed ? 'Show' : 'Hide'} the ${count(n)} iterations of the Map ${g.state}`;
    row.el.classList.toggle('collapsed', g.collapsed);
  }
  const place = Number.isFinite(start) ? `left:calc(var(--tl-pct) * ${start});width:calc(var(--tl-pct) * ${Math.max(0, end - start)})` : 'display:none';
  if (row.extent.placed !== place) {
    row.extent.style.cssText = place;
    row.extent.placed = place;
  }
}

/**
 * A lane's bars, ghosts and joins. A bar stays while its span's place in the lane does: when
 * the span changes (it ends, or gets its slack), the bar's attributes do; a new element only
 * when its make-up does (a label, a drag grip).
 */
export function drawLane(row, { label: laneText, spans, ghosts, joins }, name, ctx, ids) {
  const { model, selected } = ctx;
  nameRow(row, laneText, name);
  const items = new Map();
  const want = [];
  const keep = (key, make) => {
    const it = row.items.get(key) || { el: make() };
    items.set(key, it);
    want.push(it.el);
    return it;
  };
  // The previous run (what-if), drawn faintly behind this one.
  for (const g of ghosts) {
    if ((g.kind !== 'state' && g.kind !== 'attempt') || g.endMs === null || g.endMs === undefined) continue;
    keep(g, () =>
      h('span', {
        class: `bar ghost kind-${g.kind}`,
        'data-testid': 'ghost-bar',
        'data-state': g.state,
        'data-end-ms': g.endMs,
        style: place(g.startMs, g.endMs),
        'aria-hidden': 'true',
      }),
    );
  }
  const drag = !!model.onDragLatency;
  const seen = new Map();
  for (const s of spans) {
    const running = s.endMs === null || s.endMs === undefined;
    const sel = !!selected && selected.state === s.state && selected.lane === s.lane && selected.startMs === s.startMs && (selected.kind || 'state') === s.kind;
    // Its place: kind, state and start (and which of several alike, in order).
    const base = `${s.kind}|${s.state}|${s.startMs}`;
    const n = seen.get(base) || 0;
    seen.set(base, n + 1);
    const label = s.kind === 'state' && (running || s.endMs > s.startMs) ? s.state : '';
    const grip = drag && s.kind === 'attempt' && !running;
    const makeUp = `${label}|${grip}`;
    const key = `${base}|${n}|${makeUp}`;
    const it = keep(key, () => bar(s, { ...ctx, label, grip, track: row.track }));
    if (it.span !== s || it.sel !== sel) {
      it.span = s;
      it.sel = sel;
      it.el.__span = s;
      dress(it.el, s, { running, sel, ids, nowMs: model.nowMs, lane: laneText, name: name.full });
    } else if (running) {
      // A running bar ends at the clock.
      const width = `calc(var(--tl-pct) * ${Math.max(0, model.nowMs - s.startMs)})`;
      if (it.el.style.width !== width) it.el.style.width = width;
    }
  }
  for (const j of joins) {
    keep(`${j.state}|${j.ms}|${j.count}|${j.what}|${ids.join}`, () =>
      h('span', {
        class: 'join',
        style: `left:calc(var(--tl-pct) * ${j.ms})`,
        title: `${j.state}: joins its ${j.count} ${j.what} at ${fmtMs(j.ms)}`,
        'data-label': 'join',
        'data-testid': ids.join,
        'data-state': j.state,
        'data-ms': j.ms,
      }),
    );
  }
  row.items = items;
  reconcile(row.track, want);
}

/** A bar's attributes, from its span: written only where they changed. */
function dress(el, s, { running, sel, ids, nowMs, lane, name }) {
  const e = s.endMs;
  const crit = s.critical === undefined ? '' : s.critical ? '\non the critical path' : `\nslack: ${fmtMs(s.slackMs)}`;
  const title = `${s.child ? `started execution ${s.child.name}\n` : ''}${s.earlier ? 'Earlier attempt · ' : ''}${s.state} · ${s.kind} · ${s.status}\nin ${name}\n${fmtMs(s.startMs)} → ${running ? 'running' : `${fmtMs(e)} (${fmtMs(e - s.startMs)})`}${s.error ? `\n${s.error}: ${s.causeElided ? '(cause not kept)' : s.cause || ''}` : ''}${crit}`;
  const attrs = {
    class: `bar kind-${s.kind} status-${s.status}${!running && e - s.startMs === 0 ? ' instant' : ''}${sel ? ' selected' : ''}${s.critical ? ' critical' : ''}${s.earlier ? ' earlier' : ''}${s.child ? ' child' : ''}`,
    'data-testid': ids.bar,
    'data-child': s.child ? s.child.name : null,
    'data-attempt': s.attempt === undefined ? null : String(s.attempt),
    'data-state': s.state,
    'data-lane': lane,
    'data-kind': s.kind,
    'data-status': s.status,
    'data-start-ms': String(s.startMs),
    'data-end-ms': running ? '' : String(e),
    'data-critical': s.critical === undefined ? null : String(s.critical),
    style: place(s.startMs, running ? nowMs : e),
    title,
    'aria-label': title.replace(/\n/g, ', '),
  };
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'style') {
      // Through the CSSOM (the pages' policies allow no style attributes); the text last set is
      // remembered, as the CSSOM gives it back rewritten.
      if (el.placed !== v) {
        el.style.cssText = v;
        el.placed = v;
      }
    } else if (v === null) el.removeAttribute(k);
    else if (el.getAttribute(k) !== v) el.setAttribute(k, v);
  }
}

/** A span's bar: a button that selects its span; a Task attempt's end can be dragged (what-if). */
function bar(s, { model, label, grip, track, host }) {
  // The handlers of the latest drawing and span (a bar outlives both).
  // (Not a tab stop of its own: the timeline has one, timeline.js, and the arrow keys.)
  const el = h('button', { class: 'bar', tabindex: -1, onclick: () => host.__timeline?.onSelect?.(el.__span) }, label ? h('span', { class: 'bar-label', text: label }) : null);
  if (grip) {
    // What-if: drag the end of a Task attempt to give the task another latency.
    const g = h('span', { class: 'grip', 'data-testid': 'latency-grip', title: "Drag to change this task's latency" });
    g.addEventListener('pointerdown', (ev) => {
      ev.preventDefault();
      ev.stopPropagation();
      const rect = track.getBoundingClientRect();
      const scaleMax = host.__timeline?.scaleMax ?? model.scaleMax;
      const msAt = (x) => Math.max(0, ((x - rect.left) / rect.width) * scaleMax);
      g.setPointerCapture(ev.pointerId);
      let latency = (s.endMs - s.startMs) / 1000;
      const move = (mv) => {
        latency = Math.max(0, Math.round((msAt(mv.clientX) - s.startMs) / 100) / 10);
        el.style.width = `calc(var(--tl-pct) * ${latency * 1000})`;
        el.title = `${s.state}: latency ${latency} s (release to run again)`;
      };
      const up = () => {
        g.removeEventListener('pointermove', move);
        g.removeEventListener('pointerup', up);
        // The click that ends a drag does not select the bar.
        el.addEventListener('click', (c) => c.stopImmediatePropagation(), { capture: true, once: true });
        (host.__timeline?.onDragLatency || model.onDragLatency)?.(s.state, latency);
      };
      g.addEventListener('pointermove', move);
      g.addEventListener('pointerup', up);
    });
    el.append(g);
  }
  return el;
}
