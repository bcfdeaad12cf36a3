// The Workspaces menu's list (panels/workspaces.js loads it when the menu is first opened): a
// row per workspace, to open it, rename, duplicate, download or delete it.
import { h, $, setText } from '../lib/dom.js';
import { fmtBytes } from '../lib/share.js';
import { MAX_WORKSPACE_BYTES, whenText } from '../model/workspace.js';

// The rows' style, added with the list (the menu around it is in style.css).
const STYLE = `
.wsm-problem { padding: 8px 10px; font-size: 13px; color: var(--fg); }
.wsm-item { display: flex; align-items: center; gap: 2px; border-radius: 6px; }
.wsm-item:hover, .wsm-item:focus-within { background: var(--bg-subtle); }
.wsm-item.current { background: var(--running-bg); }
.wsm-open {
  flex: 1;
  min-width: 0;
  display: flex;
  flex-direction: column;
  align-items: flex-start;
  gap: 1px;
  padding: 6px 8px;
  font: inherit;
  color: var(--fg);
  text-align: left;
  background: none;
  border: none;
  border-radius: 6px;
  cursor: pointer;
}
div.wsm-open { cursor: default; }
.wsm-name { font-weight: 600; max-width: 100%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.wsm-item.current .wsm-name::before { content: ""; display: inline-block; width: 6px; height: 6px; margin: 0 6px 2px 0; border-radius: 50%; background: var(--accent); vertical-align: middle; }
.wsm-meta { font-size: 12px; color: var(--fg-muted); }
.wsm-item.elsewhere .wsm-meta { color: var(--caught); }
.wsm-rename { font: inherit; font-weight: 600; width: 100%; padding: 2px 6px; color: var(--fg); background: var(--bg-editor); border: 1px solid var(--accent); border-radius: 4px; }
.wsm-actions { display: flex; flex: none; padding-right: 4px; }
.wsm-action { display: grid; place-items: center; width: 30px; height: 30px; padding: 0; color: var(--fg-muted); background: none; border: 1px solid transparent; border-radius: 6px; cursor: pointer; }
.wsm-action:hover:not(:disabled) { color: var(--fg); border-color: var(--border); background: var(--bg-pane); }
.wsm-action.delete:hover:not(:disabled) { color: var(--bad); }
.wsm-action:disabled { opacity: .35; cursor: default; }
.wsm-action svg { width: 16px; height: 16px; fill: none; stroke: currentColor; stroke-width: 1.4; stroke-linecap: round; stroke-linejoin: round; }
`;

const ICONS = {
  rename: 'M10.8 2.7l2.5 2.5-7.6 7.6-3.2.7.7-3.2z',
  duplicate: 'M5.5 5.5h7.5v7.5H5.5zM3 10.5V3h7.5',
  download: 'M8 2.5v8M4.8 7.5 8 10.7l3.2-3.2M3 13.5h10',
  delete: 'M3 4.5h10M6.3 4.5V3h3.4v1.5M4.5 4.5l.7 9h5.6l.7-9',
};

const icon = (name) => {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', ICONS[name]);
  svg.append(path);
  return svg;
};

/** Where the workspaces are kept, as the menu's note says it. */
function storageNote(kind) {
  if (kind === 'indexeddb') return `Kept in this browser (up to ${fmtBytes(MAX_WORKSPACE_BYTES)} each), one per tab. Clearing the site’s data deletes them: Download keeps a copy.`;
  if (kind === 'localstorage')
    return 'Kept in this browser’s localStorage (about 5 MB for all of them: this browser gives the page no IndexedDB), one per tab. Download keeps a copy.';
  if (kind === 'memory') return 'Not kept: this browser does not let the page store data. Download your work to keep it.';
  return '';
}

/**
 * Draw the list in `list` (the menu `menu`, closed by close({focus})): {update(items), the
 * store's workspaceList; renaming(): the id whose name is being typed; stopRenaming()}.
 */
export function createList(store, { workspaces, list, menu, close }) {
  if (!document.getElementById('wsm-css')) document.head.append(h('style', { id: 'wsm-css', text: STYLE }));
  let renaming = null; // the id whose name is being edited

  /** One workspace's row: open it, and its actions. */
  function row(m, current) {
    const here = m.id === current;
    const facts = [whenText(m.changed), fmtBytes(m.bytes || 0)];
    if (here) facts.push('this tab');
    else if (m.elsewhere) facts.push('open in another tab');
    if (m.pristine && m.exampleId) facts.push('example, unchanged');
    const name =
      renaming === m.id
        ? h('input', {
            class: 'wsm-rename',
            'data-testid': 'workspace-rename-input',
            value: m.name,
            'aria-label': `New name for ${m.name} (empty: named after its definition)`,
            maxlength: '120',
            onkeydown: (e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                commit(e.target);
              } else if (e.key === 'Escape') {
                e.preventDefault();
                renaming = null;
                draw();
              }
            },
            onblur: (e) => renaming === m.id && commit(e.target),
          })
        : h('span', { class: 'wsm-name', text: m.name });
    const commit = (input) => {
      renaming = null;
      workspaces.rename(m.id, input.value);
    };
    const action = (kind, label, run, { disabled = false, title = label } = {}) =>
      h('button', { class: `wsm-action ${kind}`, type: 'button', title, 'aria-label': `${label}: ${m.name}`, 'data-action': kind, disabled, onclick: run }, icon(kind));
    const openIt = () => {
      if (here) {
        close({ focus: true });
        return;
      }
      close();
      workspaces.switchTo(m.id);
    };
    return h(
      'li',
      { class: `wsm-item${here ? ' current' : ''}${m.elsewhere ? ' elsewhere' : ''}`, 'data-id': m.id, 'data-testid': 'workspace-item' },
      renaming === m.id
        ? h('div', { class: 'wsm-open' }, name, h('span', { class: 'wsm-meta', text: facts.join(' · ') }))
        : h(
            'button',
            {
              class: 'wsm-open',
              type: 'button',
              'aria-current': here ? 'true' : null,
              title: here ? 'Open in this tab' : m.elsewhere ? 'Open in another tab: opens a copy here' : 'Open in this tab',
              onclick: openIt,
            },
            name,
            h('span', { class: 'wsm-meta', text: facts.join(' · ') }),
          ),
      h(
        'span',
        { class: 'wsm-actions' },
        action('rename', 'Rename', () => {
          renaming = m.id;
          draw();
          const input = list.querySelector('.wsm-rename');
          input?.focus();
          input?.select();
        }),
        action('duplicate', 'Duplicate', () => {
          close();
          workspaces.duplicate(m.id);
        }),
        action('download', 'Download', () => workspaces.download(m.id), { title: 'Download as a file' }),
        action('delete', 'Delete', () => workspaces.remove(m.id), {
          disabled: m.elsewhere,
          title: m.elsewhere ? 'Open in another tab: close it there to delete it' : 'Delete (the message after it can undo it)',
        }),
      ),
    );
  }

  let last = null;
  function draw() {
    const s = store.get();
    const items = last || [];
    list.replaceChildren(...items.map((m) => row(m, s.workspace?.id)));
    setText($('#ws-note'), storageNote(s.storageKind));
  }
  return {
    update(items) {
      last = items;
      const focused = document.activeElement;
      const keep = menu.contains(focused) ? [focused.closest('.wsm-item')?.dataset.id, focused.dataset.action || 'open'] : null;
      if (renaming && list.querySelector('.wsm-rename')) return; // not while a name is typed
      draw();
      // Focus: where it was (the same row's same button), or the tab's own row when the menu opens.
      const row = keep?.[0] ? list.querySelector(`[data-id="${CSS.escape(keep[0])}"]`) : null;
      const target = row ? (keep[1] === 'open' ? row.querySelector('.wsm-open') : row.querySelector(`[data-action=${keep[1]}]`)) : null;
      if (target && !target.disabled) target.focus();
      else if (!keep) list.querySelector('.wsm-item.current .wsm-open')?.focus();
    },
    renaming: () => renaming,
    stopRenaming() {
      renaming = null;
    },
  };
}
