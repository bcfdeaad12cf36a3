// The Test state tab and the definition editor's way into it, each loaded when first wanted.
// The tab (panels/teststate.js with model/teststate.js and www/teststate.css: some 17 KB gzip
// that most visits never use) is loaded the first time it is shown: its tab clicked, or a state
// tested from the graph (its Test button, T, a right-click) or from the definition editor. The
// editor's way in (panels/teststate-wayin.js: a button over the editor for the state under the
// cursor, and Mod-Shift-Enter) is loaded when the editor first gets the focus or a pointer; a
// Mod-Shift-Enter pressed before it is there waits for it. Until the tab is loaded it says so;
// if it cannot be loaded it says why, with a way to try again (the fields are the store's:
// nothing typed is lost).
import { h, $ } from '../lib/dom.js';
import { toast } from '../state.js';

let sheet = null;
/** The tab's style sheet (www/teststate.css), added to the page once. */
function styleSheet() {
  sheet ||= new Promise((resolve, reject) => {
    const link = h('link', { rel: 'stylesheet', href: new URL('../../teststate.css', import.meta.url).href });
    link.addEventListener('load', () => resolve());
    link.addEventListener('error', () => {
      link.remove();
      sheet = null;
      reject(new Error('its style sheet did not load'));
    });
    document.head.append(link);
  });
  return sheet;
}

/**
 * Mount the definition editor's way in at once, and the Test state tab in `host` when it is
 * first shown. engine, work: as panels/teststate.js mountTestState takes them. Returns
 * {loaded}: a promise of the tab's module, once it is asked for (null before).
 */
export function mountTestStateDoor(store, { host, engine, work }) {
  wayInWhenWanted(store);
  const focusAtStart = store.get().testState.focus;
  let loading = null;
  const door = { loaded: null };
  const load = () => {
    if (loading) return loading;
    host.replaceChildren(h('p', { class: 'empty', 'data-testid': 'ts-loading', text: 'Loading the Test state tab…' }));
    loading = Promise.all([import('./teststate.js'), styleSheet()]).then(
      ([m]) => {
        host.replaceChildren();
        const panel = m.mountTestState(store, { host, engine, work });
        // A state tested while it loaded: its heading takes the focus, as it would have.
        if (store.get().testState.focus !== focusAtStart && store.get().resultTab === 'teststate') panel.focusHeading();
        return m;
      },
      (e) => {
        loading = null;
        const again = h('button', { type: 'button', class: 'btn', 'data-testid': 'ts-load-again', text: 'Try again', onclick: () => load() });
        host.replaceChildren(
          h('p', { class: 'empty', 'data-testid': 'ts-load-error', role: 'alert', text: `The Test state tab could not be loaded (${e.message}). Your fields are kept. ` }, again),
        );
        throw e;
      },
    );
    door.loaded = loading;
    loading.catch(() => {});
    return loading;
  };
  const off = store.subscribe(
    (s) => s.resultTab === 'teststate',
    (open) => {
      if (!open) return;
      off?.();
      load();
    },
  );
  return door;
}

/** Load the definition editor's way in when the editor first gets the focus or a pointer. */
function wayInWhenWanted(store) {
  const editorHost = $('#definition-editor');
  let wayIn = null;
  const load = () => {
    wayIn ||= import('./teststate-wayin.js').then(
      (m) => m.mountEditorWayIn(store),
      (e) => {
        wayIn = null;
        throw e;
      },
    );
    return wayIn;
  };
  const want = () => load().catch(() => {});
  editorHost.addEventListener('focusin', want, { once: true });
  editorHost.addEventListener('pointerdown', want, { once: true });
  // Mod-Shift-Enter (before the CodeMirror's own keys): the way in tests the state under the cursor, once it is there.
  editorHost.addEventListener(
    'keydown',
    (e) => {
      if (!((e.ctrlKey || e.metaKey) && e.shiftKey && e.key === 'Enter')) return;
      e.preventDefault();
      e.stopPropagation();
      load().then(
        (w) => w.testHere(),
        (err) => toast(store, `The way to test a state from the editor could not be loaded (${err.message})`, true),
      );
    },
    true,
  );
}
