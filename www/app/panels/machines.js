// The work's state machines: a row of tabs over the definition editor, the main machine (the
// Definition editor's) and the others (state.js: work.machines), which a Task on
// states:startExecution runs as child executions. The "+" beside the editor tabs adds one, a tab's ✎ renames it
// (and the StateMachineArn values naming it, with Undo),
// its type menu makes it STANDARD or EXPRESS (work.machineTypes: a run starts it as that type) and × removes it (Undo in the toast brings it back); the machine shown is edited in an editor
// of its own (one per page, each machine's text, undo history included, kept while the page
// lives). A hint offers to add the machines the definition starts that the work does not have
// (a run answers those from the mocks). Loaded when the work has other machines, its
// definition mentions startExecution, or the "+" (add a state machine) is first clicked (main.js).
import { h, $ } from '../lib/dom.js';
import { makeEditor, offsetOf } from '../lib/editor.js';
import { toast } from '../state.js';
import { missingMachines, freshName, badName, renameStarts } from '../model/machines.js';

const NEW_MACHINE = `{
  "Comment": "A state machine a Task on states:startExecution runs as a child execution",
  "StartAt": "Done",
  "States": {
    "Done": { "Type": "Pass", "End": true }
  }
}
`;

const CSS = `
.machine-tabs { display: flex; flex-direction: column; gap: 4px; padding: 4px 8px; border-bottom: 1px solid var(--border); font-size: 12.5px; }
.machine-tabs-list { display: flex; flex-wrap: wrap; gap: 4px; align-items: center; }
.machine-tab-wrap { display: inline-flex; align-items: center; }
.machine-tab { background: var(--bg-subtle); border: 1px solid var(--border); border-radius: 5px; padding: 2px 9px; color: var(--fg); cursor: pointer; font: inherit; }
.machine-tab[aria-pressed=true] { border-color: var(--accent); color: var(--accent); font-weight: 600; }
.machine-tool { background: none; border: 0; color: var(--fg-muted); cursor: pointer; font: inherit; padding: 0 4px; }
.machine-tool:hover { color: var(--fg); }
.machine-rename { font: inherit; width: 12em; }
.machine-type { font-size: 11.5px; padding: 1px 4px; min-height: 0; margin-left: 2px; }
.machine-hint { margin: 0; color: var(--fg-muted); display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
`;

/** Mount the row (#machine-tabs) and the machines' editor (#machine-editor); returns {add(name?)}. */
export function mountMachines(store, { work, engine }) {
  const host = $('#machine-tabs');
  const editorHost = $('#machine-editor');
  if (!document.getElementById('machines-css')) document.head.append(h('style', { id: 'machines-css', text: CSS }));
  let renaming = null; // the machine whose name is being edited
  let shownKey = null; // the editor's document: workspace id / machine name
  const editor = makeEditor(editorHost, {
    label: 'State machine definition (JSON)',
    which: 'definition',
    lint: async (view) => {
      const text = view.state.doc.toString();
      let diags;
      try {
        diags = await engine.validate(text, {});
      } catch {
        return [];
      }
      if (view.state.doc.toString() !== text) return [];
      return diags.map((d) => {
        const from = offsetOf(view.state.doc, d.line, d.column);
        return { from, to: from, severity: 'error', message: `${d.message}${d.location && d.location !== '/' ? ` (at ${d.location})` : ''}` };
      });
    },
    onChange: (text) => {
      const s = store.get();
      const name = s.machineTab;
      if (name === null || !Object.hasOwn(s.work.machines, name) || s.work.machines[name] === text) return;
      work.setText('machines', { ...s.work.machines, [name]: text });
    },
  });

  function add(name) {
    const machines = store.get().work.machines;
    const n = name ?? freshName(machines);
    if (!Object.hasOwn(machines, n)) work.setText('machines', { ...machines, [n]: NEW_MACHINE });
    store.update({ editorTab: 'definition', machineTab: n });
  }

  /** The work's machine types with `name`'s set to `type` (STANDARD is not listed). */
  function typesWith(name, type) {
    const { [name]: _, ...rest } = store.get().work.machineTypes;
    return type === 'EXPRESS' ? { ...rest, [name]: type } : rest;
  }

  function remove(name) {
    const before = store.get().work.machines;
    const { [name]: text, ...rest } = before;
    const type = store.get().work.machineTypes[name] ?? 'STANDARD';
    work.setText('machines', rest);
    work.setText('machineTypes', typesWith(name, 'STANDARD'));
    store.update((s) => ({ machineTab: s.machineTab === name ? null : s.machineTab }));
    toast(store, `Removed the state machine ${name}.`, false, {
      actions: [
        {
          label: 'Undo',
          run: () => {
            work.setText('machines', { ...store.get().work.machines, [name]: text });
            work.setText('machineTypes', typesWith(name, type));
            store.update({ editorTab: 'definition', machineTab: name });
          },
        },
      ],
    });
  }

  function rename(from, to) {
    renaming = null;
    const machines = store.get().work.machines;
    if (to === from || !Object.hasOwn(machines, from)) return draw();
    const why = badName(to, machines, from);
    if (why) {
      toast(store, `Cannot rename ${from}: ${why}.`, true);
      return draw();
    }
    const before = store.get().work;
    // The same place in the order, under the new name, of the same type; the StateMachineArn
    // values that named it (the main definition's and the machines') name it still.
    let count = 0;
    const rewrite = (text) => {
      const r = renameStarts(text, from, to);
      count += r.count;
      return r.text;
    };
    const definition = rewrite(before.definition);
    const type = before.machineTypes[from] ?? 'STANDARD';
    work.setText('machines', Object.fromEntries(Object.entries(machines).map(([k, v]) => [k === from ? to : k, rewrite(v)])));
    work.setText('machineTypes', { ...typesWith(from, 'STANDARD'), ...(type === 'EXPRESS' ? { [to]: type } : {}) });
    work.setText('definition', definition);
    store.update((s) => ({ machineTab: s.machineTab === from ? to : s.machineTab }));
    if (!count) return;
    toast(store, `Renamed ${from} to ${to}, and the ${count === 1 ? 'StateMachineArn that named it' : `${count} StateMachineArn values that named it`}.`, false, {
      actions: [
        {
          label: 'Undo',
          run: () => {
            work.setText('machines', before.machines);
            work.setText('machineTypes', before.machineTypes);
            work.setText('definition', before.definition);
            store.update((s) => ({ machineTab: s.machineTab === to ? from : s.machineTab }));
          },
        },
      ],
    });
  }

  function tab(name, label, selected) {
    return h('button', {
      type: 'button',
      class: 'machine-tab',
      'aria-pressed': String(selected),
      'data-testid': 'machine-tab',
      'data-machine': name ?? '',
      title:
        name === null
          ? 'The main state machine: the one a run starts'
          : `The state machine ${name}: a Task on states:startExecution whose StateMachineArn ends in stateMachine:${name} runs it`,
      text: label,
      onclick: () => store.update({ editorTab: 'definition', machineTab: name }),
    });
  }

  function machineTab(name, selected) {
    if (renaming === name) {
      const input = h('input', {
        class: 'machine-rename',
        'data-testid': 'machine-rename-input',
        value: name,
        'aria-label': `New name of the state machine ${name}`,
        onkeydown: (e) => {
          if (e.key === 'Enter') rename(name, input.value.trim());
          else if (e.key === 'Escape') {
            renaming = null;
            draw();
          }
        },
        onblur: () => renaming === name && rename(name, input.value.trim()),
      });
      queueMicrotask(() => input.select());
      return input;
    }
    const tools = selected
      ? [
          h('button', {
            type: 'button',
            class: 'machine-tool',
            'data-testid': 'machine-rename',
            title: `Rename ${name}`,
            'aria-label': `Rename ${name}`,
            text: '✎',
            onclick: () => {
              renaming = name;
              draw();
            },
          }),
          h(
            'select',
            {
              class: 'machine-type',
              'data-testid': 'machine-tab-type',
              title: `The type ${name} runs as: a Task that starts it starts a STANDARD or an EXPRESS execution`,
              'aria-label': `Type of ${name}`,
              onchange: (e) => work.setText('machineTypes', typesWith(name, e.target.value)),
            },
            ...['STANDARD', 'EXPRESS'].map((t) => h('option', { value: t, text: t, selected: (store.get().work.machineTypes[name] ?? 'STANDARD') === t })),
          ),
          h('button', {
            type: 'button',
            class: 'machine-tool',
            'data-testid': 'machine-remove',
            title: `Remove ${name}`,
            'aria-label': `Remove ${name}`,
            text: '×',
            onclick: () => remove(name),
          }),
        ]
      : [];
    return h('span', { class: 'machine-tab-wrap' }, tab(name, name, selected), ...tools);
  }

  function draw() {
    const s = store.get();
    const names = Object.keys(s.work.machines);
    const missing = s.definition.parsed ? missingMachines(s.definition.parsed, s.work.machines) : [];
    host.hidden = names.length === 0 && missing.length === 0;
    const row = names.length
      ? [
          h(
            'div',
            { class: 'machine-tabs-list', role: 'group', 'aria-label': 'State machines of the work' },
            tab(null, 'Main', s.machineTab === null),
            ...names.map((n) => machineTab(n, s.machineTab === n)),
          ),
        ]
      : [];
    const hint = missing.length
      ? h(
          'p',
          { class: 'machine-hint', 'data-testid': 'machine-hint' },
          `This definition starts ${missing.join(', ')}, which the work does not have (a run answers ${missing.length > 1 ? 'them' : 'it'} from the mocks): `,
          ...missing.map((n) => h('button', { type: 'button', class: 'btn small', 'data-testid': 'machine-hint-add', text: `Add ${n}`, onclick: () => add(n) })),
        )
      : null;
    host.replaceChildren(...row, hint || '');
  }

  function showEditor() {
    const s = store.get();
    const name = s.machineTab;
    const on = name !== null && Object.hasOwn(s.work.machines, name);
    if (name !== null && !on) {
      store.update({ machineTab: null });
      return;
    }
    const definitionShown = s.editorTab === 'definition';
    editorHost.hidden = !(on && definitionShown);
    $('#definition-editor').hidden = !definitionShown || on;
    if (!on) return;
    const key = `${s.workspace?.id ?? ''}/${name}`;
    const text = s.work.machines[name];
    if (key !== shownKey) {
      editor.switchDoc(shownKey, key, text);
      shownKey = key;
    } else if (editor.text !== text) editor.text = text;
    editor.shown();
  }

  store.subscribe(
    (s) => [s.work.machines, s.work.machineTypes, s.machineTab, s.definition.parsed],
    () => draw(),
  );
  store.subscribe(
    (s) => [s.work.machines, s.machineTab, s.editorTab, s.workspace?.id],
    () => showEditor(),
  );
  draw();
  showEditor();
  return { add };
}
