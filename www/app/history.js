// The event history as the AWS console shows it: id, type, state, time since start, filterable.
import { fmtMs, laneName, textPre, h } from './format.js';

const DETAIL_KEYS = (e) => Object.keys(e).filter((k) => k.endsWith('EventDetails'));

/** Name every event with its state: state events carry it, the others follow their lane's current state. */
export function annotate(events) {
  const current = new Map();
  return events.map((e) => {
    let name = '';
    for (const k of DETAIL_KEYS(e)) if (e[k] && typeof e[k].name === 'string') name = e[k].name;
    if (name && /StateEntered$/.test(e.type)) current.set(e.lane, name);
    if (!name) name = current.get(e.lane) || '';
    return { event: e, name };
  });
}

const GROUPS = {
  all: () => true,
  state: (e) => /State(Entered|Exited|Started|Succeeded|Failed|Aborted)$/.test(e.type),
  task: (e) => e.type.startsWith('Task') || e.type.startsWith('Lambda'),
  map: (e) => e.type.startsWith('Map') || e.type.startsWith('Parallel'),
  errors: (e) => /(Failed|TimedOut|Aborted)$/.test(e.type),
};

export function renderHistory(host, events, filter, onSelect) {
  if (!events.length) {
    host.replaceChildren(h('p', { class: 'empty', text: 'No events yet.' }));
    return;
  }
  const q = (filter.text || '').trim().toLowerCase();
  const group = GROUPS[filter.group] || GROUPS.all;
  const rows = annotate(events).filter(({ event, name }) => group(event) && (!q || `${event.type} ${name} ${laneName(event.lane)}`.toLowerCase().includes(q)));
  const table = h('table', { class: 'history-table' });
  table.append(h('thead', {}, h('tr', {}, h('th', { text: 'ID' }), h('th', { text: 'Type' }), h('th', { text: 'Step' }), h('th', { text: 'Lane' }), h('th', { class: 'num', text: 'Time' }))));
  const tbody = h('tbody');
  const LIMIT = 500;
  const shown = filter.all ? rows : rows.slice(0, LIMIT);
  for (const { event, name } of shown) {
    const bad = /(Failed|TimedOut|Aborted)$/.test(event.type);
    const tr = h(
      'tr',
      { class: bad ? 'bad' : '', tabindex: 0, 'data-event-type': event.type },
      h('td', { class: 'num', text: event.id }),
      h('td', { text: event.type }),
      h('td', {}, name ? h('button', { class: 'linkish', text: name, onclick: (ev) => { ev.stopPropagation(); onSelect?.(name, event.lane, event.ms); } }) : ''),
      h('td', { class: 'lane', text: laneName(event.lane) }),
      h('td', { class: 'num', text: fmtMs(event.ms) }),
    );
    const details = DETAIL_KEYS(event).map((k) => event[k]);
    const toggle = () => {
      const next = tr.nextElementSibling;
      if (next && next.classList.contains('details')) next.remove();
      else if (details.length) tr.after(h('tr', { class: 'details' }, h('td', { colspan: 5 }, textPre(details.length === 1 ? details[0] : details))));
    };
    tr.addEventListener('click', toggle);
    tr.addEventListener('keydown', (ev) => ev.key === 'Enter' && toggle());
    tbody.append(tr);
  }
  table.append(tbody);
  const more = shown.length < rows.length
    ? h('p', { class: 'more' }, `Showing the first ${shown.length} of ${rows.length} events. `, h('button', { class: 'linkish', text: 'Show all', onclick: () => { filter.all = true; renderHistory(host, events, filter, onSelect); } }))
    : null;
  host.replaceChildren(...(rows.length ? [table, more].filter(Boolean) : [h('p', { class: 'empty', text: 'No event matches the filter.' })]));
}
