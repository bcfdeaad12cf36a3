// One lane of the timeline: its row, and in it a bar per span (state, Task attempt, retry
// back-off, Wait), the previous run's bars drawn faintly (what-if) and the joins of Parallel
// and Map states. Bars stay in the page from one drawing to the next while their span's
// place in the lane does; see timeline.js.
import { fmtMs } from '../lib/format.js';
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

export function newRow({ label, path }) {
  const track = h('div', { class: 'tl-track' });
  return { el: h('div', { class: `tl-row tl-lane${path.length ? '' : ' main'}`, 'data-lane': label }, rowLabel(label, path), track), track, items: new Map() };
}

/**
 * A lane's bars, ghosts and joins. A bar stays while its span's place in the lane does: when
 * the span changes (it ends, or gets its slack), the bar's attributes do; a new element only
 * when its make-up does (a label, a drag grip).
 */
export function drawLane(row, { label: laneText, spans, ghosts, joins }, ctx, ids) {
  const { model, selected } = ctx;
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
      dress(it.el, s, { running, sel, ids, nowMs: model.nowMs, lane: laneText });
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
function dress(el, s, { running, sel, ids, nowMs, lane }) {
  const e = s.endMs;
  const crit = s.critical === undefined ? '' : s.critical ? '\non the critical path' : `\nslack: ${fmtMs(s.slackMs)}`;
  const title = `${s.state} · ${s.kind} · ${s.status}\n${fmtMs(s.startMs)} → ${running ? 'running' : `${fmtMs(e)} (${fmtMs(e - s.startMs)})`}${s.error ? `\n${s.error}: ${s.causeElided ? '(cause not kept)' : s.cause || ''}` : ''}${crit}`;
  const attrs = {
    class: `bar kind-${s.kind} status-${s.status}${!running && e - s.startMs === 0 ? ' instant' : ''}${sel ? ' selected' : ''}${s.critical ? ' critical' : ''}`,
    'data-testid': ids.bar,
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

/** A lane's row label: the state path shrinks with an ellipsis, the branch or iteration index stays. */
function rowLabel(label, path) {
  if (!path.length) return h('div', { class: 'tl-label', title: 'the main flow' }, h('span', { class: 'lane-name', text: 'main' }));
  const above = path
    .slice(0, -1)
    .map(([state, index]) => `${state}[${index}] › `)
    .join('');
  const [state, index] = path[path.length - 1];
  const name = `${above}${state}[${index}]`;
  return h(
    'div',
    { class: 'tl-label', title: `${name} (lane ${label})` },
    h('span', { class: 'lane-name', text: `${above}${state}` }),
    h('span', { class: 'lane-idx', text: `[${index}]` }),
  );
}
