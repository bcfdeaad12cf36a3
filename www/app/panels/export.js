// The Export menu of the top bar: the definition as written, the mocks as a Step Functions
// Local mock configuration, the run's events as GetExecutionHistory gives them, the graph and
// the timeline as SVG or PNG. A disclosure: a button and a list of buttons, Escape closes it.
// The pictures are made by lib/picture.js, loaded when the menu is first opened; the
// exports' shapes (model/export.js) when an item is first chosen.
import { h, $ } from '../lib/dom.js';
import { download } from '../lib/export.js';
import { pretty } from '../lib/format.js';
import { HISTORY_TRUNCATED } from '../model/events.js';
import { toast } from '../state.js';

// The menu's items' style, added with them (the menu's box is in style.css).
const STYLE = `
.export-menu ul { list-style: none; margin: 0; padding: 0; }
.export-menu button { display: block; width: 100%; padding: 6px 10px; font: inherit; font-size: 13px; text-align: left; color: var(--fg); background: none; border: none; border-radius: 6px; cursor: pointer; }
.export-menu button:hover:not(:disabled), .export-menu button:focus-visible { background: var(--bg-subtle); }
.export-menu button:disabled { color: var(--fg-muted); opacity: .6; cursor: default; }
`;

/** Mount the menu. graph: the graph's host; timeline: the timeline's host. */
export function mountExport(store, { graph, timeline }) {
  if (!document.getElementById('export-css')) document.head.append(h('style', { id: 'export-css', text: STYLE }));
  const button = $('#export');
  const menu = $('#export-menu');
  const items = [...menu.querySelectorAll('button[data-export]')];
  const say = (text, bad = false) => toast(store, text, bad);

  const graphShown = () => graph.querySelector(':scope > svg');
  const can = {
    definition: (s) => s.work.definition.trim() !== '',
    mocks: () => true,
    history: (s) => !!s.run?.result,
    'graph-svg': () => !!graphShown(),
    'graph-png': () => !!graphShown(),
    'timeline-svg': () => !!timeline.__timeline?.rows?.length,
    'timeline-png': () => !!timeline.__timeline?.rows?.length,
  };

  let pictures = null; // lib/picture.js, loaded when the menu is first opened
  const picture = () => {
    pictures ||= import('../lib/picture.js').catch((e) => {
      pictures = null;
      throw new Error(`the code that draws it could not be loaded (${e.message})`);
    });
    return pictures;
  };

  const isOpen = () => !menu.hidden;
  function open() {
    picture().catch(() => {}); // (said when an item needs it)
    const s = store.get();
    for (const item of items) item.disabled = !can[item.dataset.export](s);
    menu.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    items.find((i) => !i.disabled)?.focus();
  }
  function close(focus = false) {
    if (!isOpen()) return;
    menu.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    if (focus) button.focus();
  }
  button.addEventListener('click', () => (isOpen() ? close() : open()));
  document.addEventListener('pointerdown', (e) => {
    if (isOpen() && !menu.contains(e.target) && !button.contains(e.target)) close();
  });
  menu.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      close(true);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const on = items.filter((i) => !i.disabled);
      const i = on.indexOf(document.activeElement);
      on[(i + (e.key === 'ArrowDown' ? 1 : on.length - 1)) % on.length]?.focus();
    }
  });
  menu.addEventListener('focusout', (e) => {
    if (isOpen() && e.relatedTarget && !menu.contains(e.relatedTarget) && e.relatedTarget !== button) close();
  });

  const actions = {
    definition(s, base) {
      const text = s.work.definition;
      const json = /^\s*[{[]/.test(text);
      // Plain ASL as .asl.json; YAML and templates as what they are.
      const name = s.source ? `${base}.${json ? 'json' : 'yaml'}` : `${base}.asl.${json ? 'json' : 'yaml'}`;
      download(name, text.endsWith('\n') ? text : `${text}\n`, json ? 'application/json' : 'application/yaml');
    },
    mocks(s, base, { machineName, toStepFunctionsLocal }) {
      let mocks;
      try {
        mocks = JSON.parse(s.work.mocks || '{}');
      } catch (e) {
        say(`The mocks are not JSON (${e.message}): fix them to export them`, true);
        return;
      }
      const machine = machineName(s.workspace?.name || s.definition.parsed?.Comment);
      const { config, functions, missing } = toStepFunctionsLocal(mocks, s.definition.parsed, { machine });
      download(`${base}.mock-config.json`, `${pretty(config)}\n`);
      const left = [
        functions.length ? `${functions.join(', ')} ${functions.length > 1 ? 'are' : 'is'} mocked by JavaScript, which Step Functions Local cannot run: left out` : '',
        missing.length ? `no mock for ${missing.join(', ')} (a run derives one: run first to export it)` : '',
      ].filter(Boolean);
      if (left.length) say(`Mock configuration exported; ${left.join('; ')}.`, true);
    },
    history(s, base, { executionHistory }) {
      const r = s.run.result;
      download(`${base}.history.json`, `${pretty(executionHistory(r.events || s.run.events))}\n`);
      if (r.historyTruncated) say(`History exported. ${HISTORY_TRUNCATED}`);
    },
    'graph-svg': async (_, base) => download(`${base}.graph.svg`, (await picture()).graphSvg(graphShown()).text, 'image/svg+xml'),
    'graph-png': async (_, base) => {
      const { graphSvg, pngOf } = await picture();
      download(`${base}.graph.png`, await pngOf(graphSvg(graphShown())));
    },
    'timeline-svg': async (_, base) => download(`${base}.timeline.svg`, (await picture()).timelineSvg(timeline).text, 'image/svg+xml'),
    'timeline-png': async (_, base) => {
      const { timelineSvg, pngOf } = await picture();
      download(`${base}.timeline.png`, await pngOf(timelineSvg(timeline)));
    },
  };
  for (const item of items) {
    item.addEventListener('click', async () => {
      const s = store.get();
      close(true);
      if (!can[item.dataset.export](s)) return;
      try {
        const model = await import('../model/export.js');
        await actions[item.dataset.export](s, model.fileBase(s.workspace?.name), model);
      } catch (e) {
        say(`Could not export: ${e.message}`, true);
      }
    });
  }
}
