// The timeline: a time axis, one lane per branch and Map iteration, a bar per state and per
// Task attempt; retry back-offs and waits drawn differently; Parallel/Map joins marked.
import { fmtMs, laneName, compareLanes, h } from './format.js';

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

/**
 * Render spans into `host`. nowMs: the current virtual time (running spans end there).
 * selected: {state, lane, startMs} to highlight. onSelect(span) on click.
 */
export function renderTimeline(host, spans, { nowMs = 0, durationMs, selected, onSelect, joins = [], ghosts = [], onDragLatency } = {}) {
  if (!spans || !spans.length) {
    host.replaceChildren(h('p', { class: 'empty', text: 'Run the workflow to see its timeline: one lane per Parallel branch and Map iteration.' }));
    return;
  }
  const end = (s) => (s.endMs === null || s.endMs === undefined ? nowMs : s.endMs);
  const maxEnd = Math.max(durationMs ?? 0, nowMs, ...spans.map(end), ...ghosts.map((g) => g.endMs ?? 0));
  const extent = Math.max(maxEnd, 1);
  const step = niceStep(extent);
  const scaleMax = Math.ceil(extent / step - 1e-9) * step;
  const pct = (ms) => `${((ms / scaleMax) * 100).toFixed(4)}%`;

  const lanes = [...new Set([...spans, ...ghosts].map((s) => s.lane))].sort(compareLanes);
  const axis = h('div', { class: 'tl-row tl-axis' }, h('div', { class: 'tl-label', text: 'lane' }));
  const axisTrack = h('div', { class: 'tl-track' });
  for (let t = 0; t <= scaleMax + 1e-9; t += step) {
    axisTrack.append(h('span', { class: 'tick', style: `left:${pct(t)}`, text: tickLabel(t, scaleMax) }));
  }
  axis.append(axisTrack);
  const body = h('div', { class: 'tl-body' });
  const grid = h('div', { class: 'tl-grid' });
  for (let t = step; t <= scaleMax + 1e-9; t += step) grid.append(h('span', { style: `left:${pct(t)}` }));
  for (const lane of lanes) {
    const track = h('div', { class: 'tl-track' });
    // The previous run (what-if), drawn faintly behind this one.
    for (const g of ghosts) {
      if (g.lane !== lane || (g.kind !== 'state' && g.kind !== 'attempt') || g.endMs === null || g.endMs === undefined) continue;
      track.append(h('span', { class: `bar ghost kind-${g.kind}`, 'data-testid': 'ghost-bar', 'data-state': g.state, 'data-end-ms': g.endMs, style: `left:${pct(g.startMs)};width:${pct(g.endMs - g.startMs)}`, 'aria-hidden': 'true' }));
    }
    const laneSpans = spans.filter((s) => s.lane === lane);
    for (const s of laneSpans) {
      const e = end(s);
      const running = s.endMs === null || s.endMs === undefined;
      const sel = selected && selected.state === s.state && selected.lane === s.lane && selected.startMs === s.startMs && (selected.kind || 'state') === s.kind;
      const label = s.kind === 'state' && e > s.startMs ? s.state : '';
      const crit = s.critical === undefined ? '' : s.critical ? '\non the critical path' : `\nslack: ${fmtMs(s.slackMs)}`;
      const title = `${s.state} · ${s.kind} · ${s.status}\n${fmtMs(s.startMs)} → ${running ? 'running' : fmtMs(e)} (${fmtMs(e - s.startMs)})${s.error ? `\n${s.error}: ${s.cause || ''}` : ''}${crit}`;
      const bar = h(
        'button',
        {
          class: `bar kind-${s.kind} status-${s.status}${e - s.startMs === 0 ? ' instant' : ''}${sel ? ' selected' : ''}${s.critical ? ' critical' : ''}`,
          'data-testid': 'timeline-bar',
          'data-state': s.state,
          'data-lane': s.lane,
          'data-kind': s.kind,
          'data-status': s.status,
          'data-start-ms': s.startMs,
          'data-end-ms': running ? '' : e,
          'data-critical': s.critical === undefined ? null : String(s.critical),
          style: `left:${pct(s.startMs)};width:${pct(e - s.startMs)}`,
          title,
          'aria-label': title.replace(/\n/g, ', '),
          onclick: () => onSelect?.(s),
        },
        label ? h('span', { class: 'bar-label', text: label }) : null,
      );
      if (onDragLatency && s.kind === 'attempt' && !running) {
        // What-if: drag the end of a Task attempt to give the task another latency.
        const grip = h('span', { class: 'grip', 'data-testid': 'latency-grip', title: 'Drag to change this task\'s latency' });
        grip.addEventListener('pointerdown', (ev) => {
          ev.preventDefault();
          ev.stopPropagation();
          const rect = track.getBoundingClientRect();
          const msAt = (x) => Math.max(0, ((x - rect.left) / rect.width) * scaleMax);
          grip.setPointerCapture(ev.pointerId);
          let latency = (e - s.startMs) / 1000;
          const move = (mv) => {
            latency = Math.max(0, Math.round((msAt(mv.clientX) - s.startMs) / 100) / 10);
            bar.style.width = pct(latency * 1000);
            bar.title = `${s.state}: latency ${latency} s (release to run again)`;
          };
          const up = () => {
            grip.removeEventListener('pointermove', move);
            grip.removeEventListener('pointerup', up);
            // The click that ends a drag does not select the bar.
            bar.addEventListener('click', (c) => c.stopImmediatePropagation(), { capture: true, once: true });
            onDragLatency(s.state, latency);
          };
          grip.addEventListener('pointermove', move);
          grip.addEventListener('pointerup', up);
        });
        bar.append(grip);
      }
      track.append(bar);
    }
    for (const j of joins.filter((j) => j.lane === lane)) {
      track.append(h('span', { class: 'join', style: `left:${pct(j.ms)}`, title: `${j.state}: joins its ${j.count} ${j.what} at ${fmtMs(j.ms)}`, 'data-label': 'join', 'data-testid': 'join', 'data-state': j.state, 'data-ms': j.ms }));
    }
    body.append(h('div', { class: `tl-row tl-lane${lane ? '' : ' main'}`, 'data-lane': lane }, laneLabel(lane), track));
  }
  if (durationMs === undefined) {
    body.append(h('div', { class: 'tl-now', style: `left:calc(var(--tl-label) + (100% - var(--tl-label)) * ${nowMs / scaleMax})` }));
  }
  body.prepend(grid);
  const kinds = new Set(spans.map((s) => s.kind));
  const legend = h('div', { class: 'tl-legend', 'aria-label': 'Timeline key' },
    h('span', { class: 'l-attempt', text: 'Task attempt' }),
    kinds.has('backoff') ? h('span', { class: 'l-backoff', text: 'retry back-off' }) : null,
    kinds.has('wait') ? h('span', { class: 'l-wait', text: 'Wait' }) : null,
    joins.length ? h('span', { class: 'l-join', text: 'join' }) : null,
    spans.some((s) => s.critical) ? h('span', { class: 'l-critical', text: 'critical path' }) : null);
  host.replaceChildren(axis, body, legend);
}

/** A lane's label: the state path shrinks with an ellipsis, the branch or iteration index stays. */
function laneLabel(lane) {
  const name = laneName(lane);
  const m = /^(.*)(\[\d+\])$/.exec(name);
  return h('div', { class: 'tl-label', title: lane ? `${name} (lane ${lane})` : 'the main flow' }, m ? [h('span', { class: 'lane-name', text: m[1] }), h('span', { class: 'lane-idx', text: m[2] })] : h('span', { class: 'lane-name', text: name }));
}

/** Where Parallel and Map states join their branches: [{lane, state, ms, count, what}]. */
export function joinsOf(spans, definitionStates) {
  const out = [];
  for (const s of spans) {
    if (s.kind !== 'state' || s.endMs === null || s.endMs === undefined) continue;
    const type = definitionStates.get(s.state);
    if (type !== 'Parallel' && type !== 'Map') continue;
    const prefix = `${s.lane ? `${s.lane}/` : ''}${s.state}/`;
    const children = new Set(spans.filter((c) => c.lane.startsWith(prefix)).map((c) => c.lane.slice(prefix.length).split('/')[0]));
    out.push({ lane: s.lane, state: s.state, ms: s.endMs, count: children.size, what: type === 'Parallel' ? 'branches' : 'iterations' });
  }
  return out;
}

/**
 * For each finished Parallel or Map state visit: how long each branch (iteration) took, the
 * longest, and their sum; the point a teacher makes: a Parallel takes its longest branch.
 * [{state, lane, type, ms, children: [{lane, ms, first}], longest, sum}]
 */
export function concurrencyOf(spans, stateTypes) {
  const out = [];
  for (const s of spans) {
    if (s.kind !== 'state' || s.endMs === null || s.endMs === undefined) continue;
    const type = stateTypes.get(s.state);
    if (type !== 'Parallel' && type !== 'Map') continue;
    const prefix = `${s.lane ? `${s.lane}/` : ''}${s.state}/`;
    const byChild = new Map();
    for (const c of spans) {
      if (c.kind !== 'state' || !c.lane.startsWith(prefix) || c.startMs < s.startMs || c.startMs > s.endMs) continue;
      const idx = c.lane.slice(prefix.length).split('/')[0];
      const lane = prefix + idx;
      const e = byChild.get(lane) || { lane, start: Infinity, end: -Infinity, first: null };
      if (c.startMs < e.start) {
        e.start = c.startMs;
        if (c.lane === lane) e.first = c.state;
      }
      e.end = Math.max(e.end, c.endMs ?? s.endMs);
      byChild.set(lane, e);
    }
    const children = [...byChild.values()].sort((a, b) => compareLanes(a.lane, b.lane)).map((c) => ({ lane: c.lane, ms: c.end - c.start, first: c.first }));
    if (!children.length) continue;
    const failed = spans.find((c) => c.kind === 'state' && c.status === 'failed' && c.lane.startsWith(prefix) && c.startMs >= s.startMs && c.startMs <= s.endMs);
    out.push({ state: s.state, lane: s.lane, type, status: s.status, failedState: failed?.state, ms: s.endMs - s.startMs, children, longest: Math.max(...children.map((c) => c.ms)), sum: children.reduce((a, c) => a + c.ms, 0) });
  }
  return out;
}
