// The Events tab: its count and its note on a truncated history at once; its table
// (./history.js, with the filter and the rows' details) loaded when the tab is first shown, or
// while it is hidden, after the events of a run came (they are annotated then, a little at a
// time, not 9,000 when the tab opens).
import { annotate, HISTORY_TRUNCATED } from '../model/events.js';
import { nextTask } from '../lib/tasks.js';
import { select, toast } from '../state.js';

const NO_EVENTS = [];
let table = null;
/** The table's module (tried again after it failed to load). */
function loaded() {
  table ||= import('./history.js').catch((e) => {
    table = null;
    throw e;
  });
  return table;
}

/**
 * Mount the Events tab: drawn while it is shown (on every update of a run: a long history
 * draws only the rows in view). filter, group: the filter's text field and its select of
 * event kinds; notice: where a result whose history was truncated says so. A step's name
 * selects its state.
 */
export function mountHistory(store, { host, count, filter, group, notice }) {
  const report = (text, bad) => toast(store, text, bad);
  filter.addEventListener('input', () => store.update((s) => ({ historyFilter: { ...s.historyFilter, text: filter.value } })));
  group.addEventListener('change', () => store.update((s) => ({ historyFilter: { ...s.historyFilter, group: group.value } })));
  const draw = (m) => {
    const s = store.get();
    if (s.resultTab === 'history')
      m.renderHistory(host, s.run?.events || NO_EVENTS, s.historyFilter, (name, lane, ms) => select(store, { name, lane, ms }), s.run?.lanes, report, s.definition.stateTypes);
  };
  store.subscribe(
    (s) => [s.resultTab === 'history', s.run?.id, s.run?.rev, s.run?.lanes, s.historyFilter, s.definition.stateTypes],
    ([shown], _, s) => {
      const run = s.run;
      const events = run?.events || NO_EVENTS;
      if (shown) loaded().then(draw, (e) => report(`The Events tab could not be loaded: ${e.message}`, true));
      else if (events.length)
        nextTask(() => {
          if (store.get().run?.events !== events) return;
          annotate(events);
          loaded().catch(() => {}); // (ready for when the tab is opened)
        });
      const n = events.length ? String(events.length) : '';
      if (count.textContent !== n) count.textContent = n;
      const truncated = !!run?.result?.historyTruncated;
      if (notice.hidden === truncated) {
        notice.textContent = truncated ? HISTORY_TRUNCATED : '';
        notice.hidden = !truncated;
      }
    },
  );
}
