// The Workspaces menu in the top bar (the tab's workspace's name; the list to open, rename,
// duplicate, download or delete workspaces, drawn by panels/workspace-list.js, loaded when the
// menu is first opened; New and Open file), and the notice that stays while the work cannot be
// saved.
import { h, $, setText } from '../lib/dom.js';
import { toast } from '../state.js';

export function mountWorkspaces(store, { workspaces }) {
  const button = $('#workspace-button');
  const menu = $('#workspace-menu');
  const list = $('#ws-list');
  const fileInput = $('#ws-file');

  // ---------------------------------------------------------------- the button

  store.subscribe(
    (s) => [s.workspace?.name, !!s.saveProblem && s.saveProblem.kind !== 'refused'],
    ([name, unsaved]) => {
      setText($('#workspace-button .workspace-name'), name || 'Workspaces');
      button.title = `${name ? `Workspace: ${name}. ` : ''}${unsaved ? 'Not saved. ' : ''}Your workspaces: open, rename, copy, download or delete`;
      button.classList.toggle('unsaved', unsaved);
      // The tab's title says which work it holds (tabs side by side).
      document.title = name ? `${name} · statelab` : 'statelab · AWS Step Functions playground';
    },
  );

  // ---------------------------------------------------------------- the menu

  const isOpen = () => !menu.hidden;
  function open() {
    if (isOpen()) return;
    menu.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    loadList();
    workspaces.showList(true);
  }
  function close({ focus = false } = {}) {
    if (!isOpen()) return;
    menu.hidden = true;
    drawer?.stopRenaming();
    button.setAttribute('aria-expanded', 'false');
    workspaces.showList(false);
    if (focus) button.focus();
  }
  button.addEventListener('click', () => (isOpen() ? close() : open()));
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && isOpen() && !drawer?.renaming()) {
      e.preventDefault();
      close({ focus: true });
    }
  });
  document.addEventListener('pointerdown', (e) => {
    if (isOpen() && !menu.contains(e.target) && !button.contains(e.target)) close();
  });

  $('#ws-new').addEventListener('click', () => {
    close();
    workspaces.createEmpty();
  });
  $('#ws-open').addEventListener('click', () => fileInput.click());
  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    fileInput.value = '';
    if (!file) return;
    close();
    workspaces.openFile(file);
  });

  // The list, drawn by panels/workspace-list.js, loaded when the menu is first opened.
  let drawer = null;
  let loading = null;
  let last = null; // the list's items, as the store last gave them
  function loadList() {
    loading ||= import('./workspace-list.js').then(
      (m) => {
        drawer = m.createList(store, { workspaces, list, menu, close });
        if (last) drawer.update(last);
      },
      (e) => {
        loading = null;
        list.replaceChildren(h('li', { class: 'wsm-problem', role: 'alert', text: `The list could not be loaded (${e.message}): close the menu and open it again to try again.` }));
      },
    );
    return loading;
  }
  store.subscribe(
    (s) => s.workspaceList,
    (items) => {
      if (!items) return;
      last = items;
      drawer?.update(items);
    },
  );

  // Ctrl-S (Cmd-S) saves now, and says so, instead of the browser's Save Page.
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 's') {
      e.preventDefault();
      workspaces.save().then((ok) => {
        const s = store.get();
        if (ok) toast(store, `Saved '${s.workspace?.name}' in this browser.`);
        else if (s.saveProblem) $('#save-problem').scrollIntoView({ block: 'nearest' });
      });
    }
  });

  // ---------------------------------------------------------------- the notice: not saved

  const notice = $('#save-problem');
  store.subscribe(
    (s) => s.saveProblem,
    (p) => {
      notice.hidden = !p;
      if (p) {
        setText($('#save-problem-text'), p.text);
        notice.dataset.kind = p.kind;
      }
    },
  );
  $('#save-problem-download').addEventListener('click', () => workspaces.download());
  $('#save-problem-list').addEventListener('click', () => {
    open();
    menu.scrollIntoView({ block: 'nearest' });
  });
}
