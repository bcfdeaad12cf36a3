// statelab playground: makes the store, the engine's worker, the work and the runner, mounts
// the panels on the page, and opens the work (a shared link, the last session, or the first
// example). The state is in the store (state.js); the panels subscribe to what they draw.
import { createStore } from './store.js';
import { initialState, workOf, toast } from './state.js';
import { Engine } from './engine.js';
import { createWork, savedWork } from './work.js';
import { createRunner } from './run.js';
import { $ } from './lib/dom.js';
import { mountTabs } from './panels/tabs.js';
import { mountEditors } from './panels/editors.js';
import { mountSource } from './panels/source.js';
import { mountToolbar, initialTheme } from './panels/toolbar.js';
import { mountStatus } from './panels/status.js';
import { mountTimeline } from './panels/timeline.js';
import { mountReplay } from './panels/replay.js';
import { mountGraph } from './panels/graph.js';
import { mountOutput } from './panels/output.js';
import { mountInspector } from './panels/inspector.js';
import { mountHistory } from './panels/history.js';

const DEFAULT_EXAMPLE = 'image-pipeline'; // what a first visit opens

const store = createStore(initialState());
const engine = new Engine();
let runner = null;
const work = createWork({ store, engine, stopRun: () => runner.stop() });
const run = () => runner.start().catch(() => {});

// The tabs first: a panel in a tab is drawn once its tab is shown.
mountTabs(store);
const sourceBar = { gotoFile: () => {} };
const editors = mountEditors(store, { work, onRun: run, gotoFile: (line, column) => sourceBar.gotoFile(line, column) });
Object.assign(sourceBar, mountSource(store, { work }));
runner = createRunner({ store, engine, work, editors });
mountToolbar(store, { runner, work, onRun: run });
mountStatus(store);
mountTimeline(store, { host: $('#timeline'), dragLatency: runner.dragLatency });
mountReplay(store, runner);
mountGraph(store, { host: $('#graph'), note: $('#graph-note') });
mountOutput(store, $('#output'));
mountHistory(store, { host: $('#history'), count: $('#history-count'), filter: $('#history-filter'), group: $('#history-group'), notice: $('#history-truncated') });
mountInspector(store, $('#inspector'));

/** Open the shared link in the address, if any; a replay position in it runs the work at once (instantly). */
async function openLink() {
  if (!(await work.loadFromHash())) return false;
  if (work.wantsReplay()) runner.start({ speed: 'instant' }).catch(() => {});
  return true;
}
window.addEventListener('hashchange', () => openLink().catch((e) => toast(store, e.message, true)));

async function main() {
  performance.mark('statelab:main');
  const engineReady = engine.init(); // compile the wasm in the worker while the page sets up
  engineReady.then(
    () => performance.mark('statelab:engine'),
    () => {},
  );
  // A first visit opens the first example: fetch it while the editors are made.
  const saved = savedWork();
  const firstVisit = !/^#w=/.test(location.hash) && !saved;
  const examplesLoaded = work.loadExamples();
  const firstFiles = firstVisit ? work.exampleFiles(DEFAULT_EXAMPLE) : null;
  firstFiles?.catch(() => {});
  store.update({ theme: initialTheme() });
  await examplesLoaded.catch((e) => toast(store, `The examples could not be loaded: ${e.message}`, true));
  if (!(await openLink())) {
    const { examples } = store.get();
    if (saved) work.loadWork(saved, { trusted: saved.trusted !== false, exampleId: saved.exampleId || null });
    else if (examples.some((e) => e.id === DEFAULT_EXAMPLE)) await work.loadExample(DEFAULT_EXAMPLE, firstFiles);
    else if (examples.length) await work.loadExample(examples[0].id);
    else work.loadWork({});
  }
  performance.mark('statelab:work');
  engineReady.then(
    () => store.update({ engineError: null }),
    (e) => store.update({ engineError: `Cannot run: the engine could not start (${e.message}); is www/pkg built? Run scripts/build-wasm.sh` }),
  );
  document.body.classList.add('ready');
}

// The page's API, for tests and for embedding.
window.statelab = {
  /** Replace the work: {definition, input, mocks, settings} as JSON text or values. */
  load(w, { trusted = true } = {}) {
    work.loadWork(w, { trusted });
  },
  loadExample: (id) => work.loadExample(id),
  /** Run; resolves with {status, output?, error?, cause?, durationMs, events, spans}. options.speed: a number or 'instant'. */
  run: (options) => runner.start(options),
  stop: () => runner.stop(),
  work: () => workOf(store.get()),
  share: () => work.shareLink(),
  get result() {
    return store.get().run?.result ?? null;
  },
  /** How many gallery examples are being loaded (their files fetched) now. */
  get loading() {
    return work.loading();
  },
  /** How many runs have ended so far (succeeded, failed, or could not start). */
  get runsEnded() {
    return store.get().runsEnded;
  },
  ready: null,
};
window.statelab.ready = main();
