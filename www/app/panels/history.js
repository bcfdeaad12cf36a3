// The event history as the AWS console shows it: id, type, state, time since start, filterable.
// A long history (a Map of 1,000 iterations has 9,000 events) draws only the rows in view,
// with spacer rows for the others, and draws again on scroll (see virtual.js). Loaded when the
// Events tab is first shown or a run's events come (./events-tab.js), or a child's history.
import { fmtMs, pretty } from '../lib/format.js';
import { textPre, h } from '../lib/dom.js';
import { copyButton } from '../lib/export.js';
import { laneName } from '../model/lanes.js';
import { annotate, EVENT_GROUPS, isFailure, elidedFields, NOT_KEPT } from '../model/events.js';
import { visiblePart, rowsToDraw, watch, forget } from '../lib/virtual.js';

const DETAIL_KEYS = (e) => Object.keys(e).filter((k) => k.endsWith('EventDetails'));

const VIRTUAL_ROWS = 200; // more rows than this: draw those in view
const ROW_PX = 27; // a row's height in a virtual table (measured once drawn)
const OVERSCAN_PX = 400; // drawn beyond the view on each side

/** The rows that pass the filter; the same list while the events and the filter stay the same. */
function filtered(st, events, filter, lanes) {
  const q = (filter.text || '').trim().toLowerCase();
  const group = filter.group in EVENT_GROUPS ? filter.group : 'all';
  const f = st.filtered;
  if (f && f.events === events && f.n === events.length && f.q === q && f.group === group && f.lanes === lanes && f.types === st.types) return f.rows;
  const all = annotate(events);
  const test = EVENT_GROUPS[group];
  const rows =
    group === 'all' && !q
      ? all
      : all.filter(({ event, name }) => test(event) && (!q || `${event.type} ${name} ${laneName(lanes, event.lane, st.types)}`.toLowerCase().includes(q)));
  st.filtered = { events, n: events.length, q, group, rows, lanes, types: st.types };
  return rows;
}

/**
 * Render the history into `host`; `lanes` are the run's lanes. filter: {text, group}.
 * onSelect(name, lane, ms) when a step's name is clicked. A row's details open and close on
 * click (or Enter).
 */
export function renderHistory(host, events, filter, onSelect, lanes, report, types) {
  if (!events.length) {
    forget(host);
    host.__history = null;
    host.replaceChildren(h('p', { class: 'empty', text: 'No events yet.' }));
    return;
  }
  host.__history ||= { open: new Map(), rowPx: ROW_PX, measured: false };
  const st = host.__history;
  // Another run's events (ids start again at 1): no details open.
  if (st.events !== events) st.open.clear();
  st.events = events;
  st.types = types;
  st.rows = filtered(st, events, filter, lanes);
  st.onSelect = onSelect;
  st.lanes = lanes;
  st.report = report;
  if (!st.rows.length) {
    forget(host);
    host.replaceChildren(h('p', { class: 'empty', text: 'No event matches the filter.' }));
    return;
  }
  st.virtual = st.rows.length > VIRTUAL_ROWS;
  if (!st.virtual) {
    forget(host);
    draw(host, st, 0, st.rows.length);
    return;
  }
  drawInView(host, st, rowsInView(host, st), st.drawn);
}

/**
 * Draw the rows in view and the margin around them; where nothing was drawn yet (the first
 * time, or after a long scroll), the rows in view now and the margin a frame later.
 */
function drawInView(host, st, want, drawn) {
  const fresh = want.seen.last > want.seen.first && (!drawn || want.seen.last <= drawn.first || want.seen.first >= drawn.last);
  st.partial = fresh && want.known;
  if (st.partial) draw(host, st, want.seen.first, want.seen.last);
  else draw(host, st, want.first, want.last);
  watch(
    host,
    () => {
      if (host.__history !== st || !st.virtual) return;
      const now = rowsInView(host, st);
      if (!st.partial && now.seen.first >= st.drawn.first && now.seen.last <= st.drawn.last) return;
      if (st.partial) {
        st.partial = false;
        draw(host, st, now.first, now.last);
      } else drawInView(host, st, now, st.drawn);
    },
    { again: !want.known || st.partial },
  );
}

/** Where each row starts (px from the top of the body), with the open details under their rows. */
function offsets(st) {
  const { rows, open, rowPx } = st;
  if (!open.size) return null;
  const out = new Float64Array(rows.length + 1);
  for (let i = 0; i < rows.length; i++) out[i + 1] = out[i] + rowPx + (open.has(rows[i].event.id) ? (open.get(rows[i].event.id) ?? rowPx) : 0);
  return out;
}

/** The rows in view ({seen}), and with a margin ({first, last}). */
function rowsInView(host, st) {
  const body = host.querySelector(':scope > table > tbody');
  if (body && !st.measured) {
    const row = body.querySelector(':scope > tr.row');
    if (row && row.offsetHeight > 0) {
      st.rowPx = row.offsetHeight;
      st.headPx = body.offsetTop;
      st.measured = true;
    }
  }
  // The host's visible part, under the header row (the body is made anew on each drawing;
  // the host's place is known until something scrolls or resizes).
  let part = visiblePart(host);
  const head = st.headPx ?? st.rowPx;
  if (part) part = { top: part.top - head, bottom: part.bottom - head };
  const offs = offsets(st);
  const n = st.rows.length;
  const opts = offs ? { offsets: offs } : { rowHeight: st.rowPx };
  return { ...rowsToDraw(part, n, { ...opts, overscan: OVERSCAN_PX }), seen: rowsToDraw(part, n, { ...opts, overscan: 0 }), known: !!part };
}

/** Draw rows first..last (excluded); in a virtual table, spacer rows stand for the others. */
function draw(host, st, first, last) {
  st.drawn = { first, last };
  const { rows, open } = st;
  const table = h('table', { class: `history-table${st.virtual ? ' virtual' : ''}` });
  if (st.virtual) {
    table.append(
      h('colgroup', {}, h('col', { class: 'c-id' }), h('col', { class: 'c-type' }), h('col', { class: 'c-step' }), h('col', { class: 'c-lane' }), h('col', { class: 'c-time' })),
    );
  }
  table.append(
    h('thead', {}, h('tr', {}, h('th', { text: 'ID' }), h('th', { text: 'Type' }), h('th', { text: 'Step' }), h('th', { text: 'Lane' }), h('th', { class: 'num', text: 'Time' }))),
  );
  const tbody = h('tbody');
  const offs = st.virtual ? offsets(st) : null;
  const top = (i) => (offs ? offs[i] : i * st.rowPx);
  const spacer = (px) => h('tr', { class: 'spacer', 'aria-hidden': 'true' }, h('td', { colspan: 5, style: `height:${px}px` }));
  if (st.virtual && first > 0) tbody.append(spacer(top(first)));
  const unmeasured = [];
  for (let i = first; i < last; i++) {
    const { event, name } = rows[i];
    const bad = isFailure(event);
    const toggle = () => {
      if (open.has(event.id)) open.delete(event.id);
      else if (DETAIL_KEYS(event).length) open.set(event.id, null);
      else return;
      draw(host, st, st.drawn.first, st.drawn.last);
      host.querySelector(`tr.row[data-event-id="${event.id}"]`)?.focus({ preventScroll: true });
    };
    tbody.append(
      h(
        'tr',
        {
          class: `row${bad ? ' bad' : ''}`,
          tabindex: 0,
          'data-event-type': event.type,
          'data-event-id': event.id,
          onclick: toggle,
          onkeydown: (ev) => ev.key === 'Enter' && toggle(),
        },
        h('td', { class: 'num', text: event.id }),
        h('td', { text: event.type }),
        h(
          'td',
          {},
          name
            ? h('button', {
                class: 'linkish',
                text: name,
                onclick: (ev) => {
                  ev.stopPropagation();
                  st.onSelect?.(name, event.lane, event.ms);
                },
              })
            : '',
        ),
        h('td', { class: 'lane', text: laneName(st.lanes, event.lane, st.types) }),
        h('td', { class: 'num', text: fmtMs(event.ms) }),
      ),
    );
    if (open.has(event.id)) {
      const details = DETAIL_KEYS(event).map((k) => event[k]);
      // A payload left out of the history: said in words, not just missing.
      const elided = details.flatMap(elidedFields);
      const note = elided.length ? h('p', { class: 'not-kept', 'data-testid': 'not-kept', text: `${elided.join(', ')}: ${NOT_KEPT}` }) : null;
      // The event as GetExecutionHistory gives it, copied whole.
      const copy = copyButton(`event ${event.id}`, async () => pretty((await import('../model/export.js')).executionHistory([event]).events[0]), st.report, 'copy-event');
      const head = h('div', { class: 'copy-head' }, h('span', { class: 'lane', text: `${event.type} #${event.id}` }), copy);
      const tr = h('tr', { class: 'details' }, h('td', { colspan: 5 }, head, note, textPre(details.length === 1 ? details[0] : details)));
      tbody.append(tr);
      if (st.virtual && open.get(event.id) === null) unmeasured.push([event.id, tr]);
    }
  }
  const after = st.virtual && last < rows.length ? spacer(0) : null;
  if (after) tbody.append(after);
  table.append(tbody);
  host.replaceChildren(table);
  // Open details just drawn: their height, for the rows' offsets (once, after a click).
  for (const [id, tr] of unmeasured) open.set(id, tr.offsetHeight);
  if (after) {
    const end = offsets(st);
    after.firstChild.style.height = `${end ? end[rows.length] - end[last] : (rows.length - last) * st.rowPx}px`;
  }
}
