// statelab playground: makes the store, the engine's worker, the work, the workspaces and the
// runner, mounts the panels on the page, and opens the tab's workspace (a shared link, the
// tab's own, the last one free, or a new one with the first example). The state is in the store
// (state.js); the panels subscribe to what they draw.
import { createStore } from './store.js';
import { initialState, workOf, toast } from './state.js';
import { Engine } from './engine.js';
import { createWork } from './work.js';
import { createWorkspaces } from './workspaces.js';
import { createRunner } from './run.js';
import { createConsent } from './consent.js';
import { $ } from './lib/dom.js';
import { mountTabs } from './panels/tabs.js';
import { mountEditors } from './panels/editors.js';
import { mountToolbar, initialTheme } from './panels/toolbar.js';
import { mountStatus } from './panels/status.js';
import { mountTimeline } from './panels/timeline.js';
import { mountReplay } from './panels/replay.js';
import { mountGraph } from './panels/graph.js';
import { mountOutput } from './panels/output.js';
import { mountTestStateDoor } from './panels/teststate-door.js';
import { mountHistory } from './panels/events-tab.js';
import { mountWorkspaces } from './panels/workspaces.js';
import { mountPanes } from './panels/panes.js';

const DEFAULT_EXAMPLE = 'image-pipeline'; // what a first visit opens

const store = createStore(initialState());
const engine = new Engine();
const consent = createConsent({ store });
let runner = null;
const work = createWork({ store, engine, stopRun: () => runner.stop(), consent });
const workspaces = createWorkspaces({ store, work, consent, defaultExample: DEFAULT_EXAMPLE });
const run = () => runner.start().catch(() => {});

// The panes' sizes first (the panels are drawn at their size), then the tabs: a panel in a tab
// is drawn once its tab is shown.
const panes = mountPanes($('#layout'));
mountTabs(store);
let sourceBar = null; // panels/source.js, loaded with the first definition that is not plain JSON
const editors = mountEditors(store, { work, workspaces, consent, onRun: run, gotoFile: (line, column) => sourceBar?.gotoFile(line, column) });
const sourceOff = store.subscribe(
  (s) => !!s.source,
  (has) => {
    if (!has) return;
    sourceOff();
    import('./panels/source.js').then(
      (m) => {
        sourceBar = m.mountSource(store, { work });
      },
      (e) => toast(store, `The source bar could not be loaded (${e.message}): reload the page to see it`, true),
    );
  },
);
runner = createRunner({ store, engine, work, editors, consent });
mountToolbar(store, { runner, work, workspaces, onRun: run });
mountWorkspaces(store, { workspaces });
mountStatus(store);
mountTimeline(store, { host: $('#timeline'), dragLatency: runner.dragLatency, zoomTools: $('#timeline-zoom') });
mountReplay(store, runner);
mountGraph(store, { host: $('#graph'), note: $('#graph-note'), testButton: $('#graph-test'), tools: $('#graph-zoom') });
mountOutput(store, $('#output'));
mountHistory(store, { host: $('#history'), count: $('#history-count'), filter: $('#history-filter'), group: $('#history-group'), notice: $('#history-truncated') });
mountTestStateDoor(store, { host: $('#teststate'), engine, work });
// The Export menu (panels/export.js) is loaded when its button is first pressed, then opened.
{
  const button = $('#export');
  const first = () => {
    button.removeEventListener('click', first);
    import('./panels/export.js').then(
      (m) => {
        m.mountExport(store, { graph: $('#graph'), timeline: $('#timeline') });
        button.click();
      },
      (e) => {
        button.addEventListener('click', first);
        toast(store, `The Export menu could not be loaded (${e.message}): try again`, true);
      },
    );
  };
  button.addEventListener('click', first);
}
// Tabs loaded when first needed (the first load does not carry them).
const lazy = (when, load) => {
  let p = null;
  store.subscribe(when, (on) => {
    if (on && !p) p = load().catch((e) => toast(store, e.message, true));
  });
};
lazy(
  (s) => s.resultTab === 'inspector',
  () => import('./panels/inspector.js').then((m) => m.mountInspector(store, $('#inspector'))),
);
lazy(
  (s) => s.editorTab === 'files' || !!s.run?.result?.files,
  () => import('./panels/files.js').then((m) => m.mountFiles(store, { host: $('#files-editor'), work })),
);
lazy(
  (s) => s.resultTab === 'mapruns',
  () => import('./panels/maprun.js').then((m) => m.mountMapRuns(store, { host: $('#panel-mapruns'), engine })),
);
lazy(
  (s) => s.resultTab === 'children',
  () => import('./panels/children.js').then((m) => m.mountChildren(store, { host: $('#panel-children') })),
);
let machines = null;
const loadMachines = () => (machines ??= import('./panels/machines.js').then((m) => m.mountMachines(store, { work, engine })));
lazy((s) => Object.keys(s.work.machines).length || /startExecution/.test(s.definition.text), loadMachines);
$('#add-machine').onclick = () =>
  loadMachines().then(
    (m) => m.add(),
    (e) => toast(store, e.message, true),
  );
lazy(
  (s) => s.resultTab === 'callbacks',
  () => import('./panels/callbacks.js').then((m) => m.mountCallbacks(store, { host: $('#panel-callbacks'), engine })),
);
store.subscribe(
  (s) => [s.definition.text || '', s.resultTab, !!s.run?.result?.children?.length],
  ([t, tab, children]) => {
    $('#rtab-mapruns').hidden = tab !== 'mapruns' && !/"DISTRIBUTED"/.test(t);
    $('#rtab-children').hidden = tab !== 'children' && !children;
    $('#rtab-callbacks').hidden = tab !== 'callbacks' && !/waitForTaskToken|:activity:/.test(t);
  },
);

/** A replay position in the link opened: the work runs at once (instantly) to show it. */
function replayIfAsked() {
  if (work.wantsReplay()) runner.start({ speed: 'instant' }).catch(() => {});
}
// A link pasted into the address bar of an open tab: opened as a new workspace.
window.addEventListener('hashchange', () =>
  workspaces
    .openFromAddress()
    .then((opened) => opened && replayIfAsked())
    .catch((e) => toast(store, e.message, true)),
);

async function main() {
  performance.mark('statelab:main');
  const engineReady = engine.init(); // compile the wasm in the worker while the page sets up
  engineReady.then(
    () => performance.mark('statelab:engine'),
    () => {},
  );
  const examplesLoaded = work.loadExamples();
  store.update({ theme: initialTheme() });
  await examplesLoaded.catch((e) => toast(store, `The examples could not be loaded: ${e.message}`, true));
  await workspaces.start();
  replayIfAsked();
  performance.mark('statelab:work');
  engineReady.then(
    () => store.update({ engineError: null }),
    (e) => store.update({ engineError: `Cannot run: the engine could not start (${e.message}); is www/pkg built? Run scripts/build-wasm.sh` }),
  );
  document.body.classList.add('ready');
}

// The page's API, for tests and for embedding.
window.statelab = {
  /**
   * Replace the work of the tab's workspace: {definition, input, mocks, settings, machines} as JSON text
   * or values. Each editor takes it as one step of its undo history. trusted: its JS functions
   * count as approved (false: they wait for consent, as a link's do).
   */
  load(w, { trusted = true } = {}) {
    work.loadWork(w, { trusted });
  },
  /** Open a gallery example as a new workspace (the one before stays in the list). */
  loadExample: (id) => workspaces.openExample(id),
  /** Run; resolves with {status, output?, error?, cause?, durationMs, events, spans}. options.speed: a number or 'instant'. */
  run: (options) => runner.start(options),
  stop: () => runner.stop(),
  /** Redrive the run shown, with the mocks as they are now: resolves with its result. */
  redrive: () => runner.redrive(),
  work: () => workOf(store.get()),
  /** Put the work in a link (address bar, clipboard): resolves with the URL; rejects with why when the work is too big for a link. */
  share: () => workspaces.share(),
  /** The tab's workspace: {id, name, changed, ...}. */
  workspace: () => store.get().workspace,
  /** Every workspace kept in this browser, the last changed first: [{id, name, changed, bytes, elsewhere, ...}]. */
  workspaces: () => workspaces.list(),
  /** Open workspace `id` in this tab: false when another tab has it open. */
  openWorkspace: (id) => workspaces.switchTo(id),
  /** Save the tab's workspace now (it is saved 300 ms after a change anyway): true when it is saved. */
  save: () => workspaces.save(),
  get result() {
    return store.get().run?.result ?? null;
  },
  /** A Map Run child's own history, {mapSpan, index, complete, events}, from the worker (result.mapRunChildren: their index); null when none. */
  mapRunChild: (mapSpan, index) => import('./model/maprun.js').then((m) => m.mapRunChildOf(store.get().run?.result, mapSpan, index, (e) => engine.mapRunChild(e))),
  /** How many gallery examples or links are being opened (their files fetched) now. */
  get loading() {
    return workspaces.opening();
  },
  /** How many runs have ended so far (succeeded, failed, or could not start). */
  get runsEnded() {
    return store.get().runsEnded;
  },
  /** The panes' sizes, collapsed and maximised panes (panels/panes.js), as kept in this browser. */
  panes: () => panes.get(),
  ready: null,
};
window.statelab.ready = main();
