// The page's two sets of tabs: what to edit (state.js: editorTab) and the run's details
// (resultTab). A tab's panel is shown here; the panels in it draw themselves when shown.
import { $ } from '../lib/dom.js';

function show(prefix, panel, names, which) {
  for (const w of names) {
    const on = w === which;
    const tab = $(`#${prefix}-${w}`);
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    panel(w).hidden = !on;
  }
}

/** Mount the tabs; before the panels in them, which are drawn once their tab is shown. */
export function mountTabs(store) {
  const editorTabs = ['definition', 'input', 'mocks', 'files'];
  const resultTabs = ['output', 'inspector', 'history', 'mapruns', 'children', 'callbacks', 'teststate'];
  for (const w of editorTabs) $(`#tab-${w}`).addEventListener('click', () => store.update({ editorTab: w }));
  for (const w of resultTabs) $(`#rtab-${w}`).addEventListener('click', () => store.update({ resultTab: w }));
  store.subscribe(
    (s) => s.editorTab,
    (which) => {
      show('tab', (w) => $(`#${w}-editor`), editorTabs, which);
      $('#mock-tools').hidden = which !== 'mocks';
    },
  );
  store.subscribe(
    (s) => s.resultTab,
    (which) => show('rtab', (w) => $(`#panel-${w}`), resultTabs, which),
  );
  // The arrow keys move along a tab list.
  for (const list of document.querySelectorAll('[role=tablist]')) {
    list.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
      const tabs = [...list.querySelectorAll('[role=tab]')];
      const i = tabs.indexOf(document.activeElement);
      if (i < 0) return;
      const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
      next.click();
      next.focus();
    });
  }
}
