// The top bar: the example gallery (the Workspaces menu is panels/workspaces.js), Run, Pause,
// Step and Stop (and their keys), the run settings (speed, what-if, sequential, seed), Share
// link and the theme.
import { h, $, setText, isMac } from '../lib/dom.js';
import { isRunning, redrivable } from '../model/status.js';
import { withWork, toast } from '../state.js';

const THEME_KEY = 'statelab.theme';

/** The theme of the last visit, or the system's. */
export function initialTheme() {
  const saved = localStorage.getItem(THEME_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** Mount the bar. runner: run.js; workspaces: workspaces.js; onRun(): the page's Run. */
export function mountToolbar(store, { runner, workspaces, onRun }) {
  const mod = isMac ? '⌘' : 'Ctrl';
  const alt = isMac ? '⌥' : 'Alt';
  // Each button's keys: on it (a narrower bar hides them, style.css), and in its title and aria-keyshortcuts.
  const keys = { run: [`${mod}+↵`, `${isMac ? 'Meta' : 'Control'}+Enter`], pause: [`${alt}+P`, 'Alt+P'], step: [`${alt}+S`, 'Alt+S'], stop: [`${alt}+X`, 'Alt+X'] };
  for (const [id, [shown, aria]] of Object.entries(keys)) {
    $(`#${id} kbd`).textContent = shown;
    $(`#${id}`).setAttribute('aria-keyshortcuts', aria);
  }
  const titled = (id, text) => `${text} (${keys[id][0]})`;
  $('#run').title = titled('run', $('#run').title || 'Run the workflow');
  for (const id of ['pause', 'stop']) if (!$(`#${id}`).title) $(`#${id}`).title = titled(id, id === 'pause' ? 'Pause or resume the run' : 'Stop the run');

  $('#run').addEventListener('click', onRun);
  $('#pause').addEventListener('click', runner.togglePause);
  $('#step').addEventListener('click', runner.step);
  $('#stop').addEventListener('click', runner.stop);
  // Redrive stays focusable when it cannot be used (aria-disabled): pressed, it says why.
  $('#redrive').addEventListener('click', () => runner.redrive().catch(() => {}));
  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented) return; // (an editor's key map took it)
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
      e.preventDefault();
      onRun();
    } else if (e.altKey && !e.ctrlKey && !e.metaKey) {
      const action = e.code === 'KeyP' ? runner.togglePause : e.code === 'KeyS' ? runner.step : e.code === 'KeyX' ? runner.stop : null;
      if (action) {
        e.preventDefault();
        action();
      }
    }
  });
  store.subscribe(
    (s) => [isRunning(s.run), !!s.run?.paused, !!s.run?.result, s.run?.result?.status, !!s.run?.ran],
    ([running, paused, ended]) => {
      const run = store.get().run;
      $('#run').disabled = false;
      $('#pause').disabled = !running;
      $('#step').disabled = false;
      const stepTitle = running
        ? 'Pause and move to the next moment something happens'
        : ended
          ? 'The run has ended: Step says so, and Step again starts a new run, paused at its start'
          : 'Start paused, then move one moment at a time';
      if ($('#step').title !== titled('step', stepTitle)) $('#step').title = titled('step', stepTitle);
      $('#stop').disabled = !running;
      // (Pressed when it cannot be used, it says why.)
      const can = !running && redrivable(run);
      $('#redrive').setAttribute('aria-disabled', String(!can));
      const redriveTitle = can
        ? 'Redrive: the execution goes on from where it stopped, with the mocks as they are now'
        : 'Redrive: after a run that failed, timed out or was aborted';
      if ($('#redrive').title !== redriveTitle) $('#redrive').title = redriveTitle;
      setText($('#pause .label'), running && paused ? 'Resume' : 'Pause');
      document.body.classList.toggle('is-running', running);
    },
  );

  // The settings: the controls write them into the work, and show the work's.
  const speed = $('#speed');
  const seed = $('#seed');
  const sequential = $('#sequential');
  const machineType = $('#machine-type');
  const whatIf = $('#whatif');
  const setting = (patch) => store.update((s) => withWork(s, { settings: { ...s.work.settings, ...patch } }));
  speed.addEventListener('change', () => setting({ speed: speed.value }));
  for (const type of ['input', 'change']) seed.addEventListener(type, () => setting({ seed: Number(seed.value) || 0 }));
  sequential.addEventListener('change', () => setting({ sequential: sequential.checked }));
  machineType.addEventListener('change', () => setting({ type: machineType.value }));
  whatIf.addEventListener('change', () => store.update({ whatIf: whatIf.checked }));
  store.subscribe(
    (s) => [s.work.settings, s.whatIf, s.source?.type],
    ([settings, on, fromSource]) => {
      if (speed.value !== settings.speed) speed.value = settings.speed;
      // A template that gives its machine a type decides it: shown, not changeable here.
      const type = fromSource || settings.type;
      if (machineType.value !== type) machineType.value = type;
      machineType.disabled = Boolean(fromSource);
      machineType.title = fromSource ? `The template makes this machine ${fromSource}` : '';
      // (A field being typed in keeps its text while it means the same number.)
      if ((Number(seed.value) || 0) !== settings.seed) seed.value = String(settings.seed);
      sequential.checked = settings.sequential;
      whatIf.checked = on;
    },
  );

  // The gallery: an example opens as a new workspace, beside the user's work. The list is a
  // menu: it shows 'Examples…' again once one is picked (the Workspaces button names it).
  const examples = $('#examples');
  examples.addEventListener('change', () => {
    const id = examples.value;
    examples.value = '';
    if (id) workspaces.openExample(id).catch((err) => toast(store, err.message, true));
  });
  store.subscribe(
    (s) => s.examples,
    (list) => examples.replaceChildren(h('option', { value: '', text: 'Examples…' }), ...list.map((e) => h('option', { value: e.id, text: e.title }))),
  );

  // (workspaces.share says what happened, and why when there is no link.)
  $('#share').addEventListener('click', () => workspaces.share().catch(() => {}));

  // The theme: set before the first paint by index.html; switched and remembered here.
  $('#theme').addEventListener('click', () => {
    const next = store.get().theme === 'dark' ? 'light' : 'dark';
    localStorage.setItem(THEME_KEY, next);
    store.update({ theme: next });
  });
  store.subscribe(
    (s) => s.theme,
    (theme) => {
      document.documentElement.dataset.theme = theme;
      $('#theme').setAttribute('aria-label', theme === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme');
      $('#theme .theme-name').textContent = theme === 'dark' ? 'Light' : 'Dark';
    },
  );
}
