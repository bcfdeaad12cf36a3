// The editors' pane: the three CodeMirror editors, which follow the work's texts in the store
// (and write the user's edits into it), the marks on what statelab generated in them, the
// diagnostics list under them, the tabs' counts, the mocks' tools, the consent box for JS
// functions the user did not write (../consent.js), and the example's summary.
import { makeEditor } from '../lib/editor.js';
import { h, $, setText } from '../lib/dom.js';
import { parsedOrNull } from '../lib/format.js';
import { missingMocks, memberSpans } from '../model/mocks.js';
import { inputUntouched, untouchedMocks } from '../model/generated.js';
import { functionLiterals, overlaps } from '../model/consent.js';
import { readWorkFile } from '../model/workspace.js';
import { foreignAncestor } from '../sandbox.js';
import { toast } from '../state.js';
import { whenIdle } from '../lib/tasks.js';

const WHICH = ['definition', 'input', 'mocks'];
const LABELS = {
  definition: 'State machine definition (JSON, YAML, or a CloudFormation, SAM or Serverless template)',
  input: 'Execution input (JSON)',
  mocks: 'Mocked Task responses (JSON)',
};

/**
 * Mount the pane. work: work.js (setText, linters, fillMocks); consent: ../consent.js;
 * workspaces: workspaces.js (a dropped workspace file opens as one); onRun(): the page's Run
 * (Mod-Enter in an editor, Allow and run); gotoFile(line, column): show a place in the
 * DefinitionUri file of the source bar. Returns {relint(which), showConsent(), claimTyped()}.
 */
export function mountEditors(store, { work, workspaces, consent, onRun, gotoFile }) {
  const pageKeys = [
    {
      key: 'Mod-Enter',
      run: () => {
        onRun();
        return true;
      },
      preventDefault: true,
    },
    {
      key: 'Shift-Alt-f',
      run: () => {
        format();
        return true;
      },
      preventDefault: true,
    },
  ];
  const editors = {};
  for (const which of WHICH) {
    editors[which] = makeEditor($(`#${which}-editor`), {
      label: LABELS[which],
      lint: work.linters[which],
      extraKeys: pageKeys,
      onChange: (text) => work.setText(which, text),
      // The input of a Map of 1,000 items is 1,000 lines: parsed when it is shown.
      syntaxWhenShown: which !== 'definition',
      yamlToo: which === 'definition',
      // Which characters of the mocks the user typed: typed code is theirs to run.
      provenance: which === 'mocks',
      which,
    });
    // The editor follows the work (a load, a tool's edit: one step of its undo history); the
    // user's edits come back equal. Another workspace: the editor shows that one's text with
    // its own undo history (kept while the page is open), and keeps this one's.
    let shownId;
    store.subscribe(
      (s) => [s.workspace?.id ?? null, s.work[which]],
      ([id, text]) => {
        if (id === shownId && editors[which].text === text) return;
        // The code typed so far is recorded as the user's before another text replaces it.
        if (which === 'mocks') claimTyped();
        if (id !== shownId) {
          editors[which].switchDoc(shownId, id, text);
          shownId = id;
        } else editors[which].text = text;
      },
    );
  }

  /**
   * Approve the functions of the mocks whose every character the user typed; the code of an
   * approved function counts as typed from then on (so that editing it keeps it the user's).
   * Resolves when recorded.
   */
  function claimTyped() {
    const editor = editors.mocks;
    const doc = editor.view.state.doc;
    const literals = functionLiterals(doc.toString());
    if (!literals.length) return consent.settled();
    const foreign = editor.foreign();
    const own = literals.filter((l) => !overlaps(foreign, l.from, l.to));
    const others = literals.filter((l) => overlaps(foreign, l.from, l.to));
    const recorded = consent.approve(own.map((l) => l.source));
    if (others.length) {
      consent
        .approvedAmong(others.map((l) => l.source))
        .then((ok) => {
          const ranges = others.filter((l) => ok.has(l.source)).map((l) => [l.from, l.to]);
          if (ranges.length && editor.view.state.doc === doc) editor.markOwn(ranges);
        })
        .catch(() => {});
    }
    return recorded;
  }

  // After each change of the mocks (typed, loaded, pasted, undone): the code typed is the
  // user's; the consent box shows for any other code that was not approved.
  let checks = 0;
  let checkTimer = null;
  async function checkConsent() {
    const n = ++checks;
    await claimTyped();
    const functions = {};
    for (const l of functionLiterals(store.get().work.mocks)) Object.defineProperty(functions, l.state, { value: l.source, enumerable: true });
    let waiting = [];
    try {
      // Framed by another site, no code runs: nothing to allow (the run says why).
      if (!foreignAncestor()) waiting = await consent.waiting(functions);
    } catch {
      // no crypto.subtle: the run says why it cannot run them
    }
    if (n !== checks) return;
    const c = store.get().consent;
    const same = c && c.hashes.join() === waiting.map((w) => w.hash).join();
    if (!same) store.update({ consent: waiting.length ? { states: waiting.map((w) => w.state), hashes: waiting.map((w) => w.hash) } : null });
  }
  store.subscribe(
    (s) => s.work.mocks,
    () => {
      clearTimeout(checkTimer);
      checkTimer = setTimeout(checkConsent, 150);
    },
  );

  // The source bar's settings changed (a substitution, the machine picked): the markers anew.
  store.subscribe(
    (s) => s.work.source,
    (_, before) => before !== undefined && editors.definition.relint(),
  );

  // A file dropped on the definition editor: its text replaces the editor's, as one edit
  // (Ctrl-Z brings back what was there). The file a template's DefinitionUri names goes to
  // the source bar instead, and a workspace's file (Download) opens as a new workspace.
  const defHost = $('#definition-editor');
  defHost.addEventListener(
    'dragover',
    (e) => {
      if (![...(e.dataTransfer?.types || [])].includes('Files')) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    },
    true,
  );
  defHost.addEventListener(
    'drop',
    async (e) => {
      const file = e.dataTransfer?.files?.[0];
      if (!file) return;
      e.preventDefault();
      e.stopPropagation();
      let text;
      try {
        text = await file.text();
      } catch (err) {
        toast(store, `${file.name} could not be read: ${err.message}`, true);
        return;
      }
      if (readWorkFile(text).kind === 'work') {
        workspaces.openFile(file);
        return;
      }
      const s = store.get();
      const uri = s.source?.definitionUri;
      if (uri && uri.split('/').pop() === file.name) {
        work.setSource({ files: { ...s.work.source.files, [uri]: text } });
        toast(store, `${file.name} is used as ${uri}`);
        return;
      }
      const view = editors.definition.view;
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text.replace(/\r\n?/g, '\n') }, userEvent: 'input.drop' });
      toast(store, `Loaded ${file.name} (Ctrl-Z brings back the text that was there)`);
    },
    true,
  );

  // The tab shown: its editor's syntax on, and laid out again.
  store.subscribe(
    (s) => s.editorTab,
    (which) => {
      editors[which]?.shown();
      editors[which]?.view.requestMeasure();
    },
  );

  // The mocks' full check waits for the mocks to be shown or a run to end (work.js): then it
  // runs (after a run, when the page is idle: the first result does not wait for it).
  store.subscribe(
    (s) => [s.editorTab === 'mocks', s.runsEnded > 0],
    ([shown, ran], before) => {
      if (shown && !before?.[0]) editors.mocks.relint();
      else if (ran && !before?.[1]) whenIdle(() => editors.mocks.relint());
    },
  );

  // Stray mock names are warnings that depend on the definition: checked again when it changes.
  store.subscribe(
    (s) => s.definition.parsed,
    (_, before) => before !== undefined && editors.mocks.relint(),
  );

  // The problems of the three editors, each a button to its place.
  const list = $('#diagnostics');
  store.subscribe(
    (s) => s.diagnostics,
    (diagnostics) => {
      const items = [];
      for (const which of WHICH) {
        for (const d of diagnostics[which]) {
          const goto = () => {
            store.update({ editorTab: which });
            store.flush(); // shown before it moves to the place
            // A problem in a DefinitionUri file is in that file's text, in the source bar.
            if (d.file) gotoFile(d.line, d.column);
            else editors[which].goto(d.line, d.column);
          };
          const label = d.file ? `${d.file.split('/').pop()} ${d.line}:${d.column}` : `${which[0].toUpperCase()}${which.slice(1)} ${d.line}:${d.column}`;
          items.push(
            h(
              'li',
              { class: d.severity === 'warning' ? 'warning' : 'error' },
              h(
                'button',
                { class: 'diag', onclick: goto },
                h('span', { class: 'diag-where', text: label }),
                h('span', { class: 'diag-msg', text: d.message }),
                d.location && d.location !== '/' ? h('code', { class: 'diag-loc', text: d.location }) : null,
              ),
            ),
          );
        }
        const tab = $(`#tab-${which}`);
        const n = diagnostics[which].filter((d) => d.severity !== 'warning').length;
        tab.querySelector('.count').textContent = n ? String(n) : '';
        tab.classList.toggle('has-errors', n > 0);
      }
      list.replaceChildren(...items);
      list.hidden = items.length === 0;
    },
  );

  // What statelab generated and the user has not edited: its lines marked in the input and
  // the mocks editors, and a note over the editor shown (marked anew in another workspace's
  // editors).
  const note = $('#generated-note');
  store.subscribe(
    (s) => [s.work.input, s.work.mocks, s.work.generated, s.editorTab, s.workspace?.id],
    ([input, mocksText, g, tab]) => {
      const inputMine = g.input?.from === 'statelab' && inputUntouched(g, input);
      editors.input.markGenerated(inputMine ? [[0, input.trimEnd().length]] : []);
      const names = untouchedMocks(g, parsedOrNull(mocksText));
      const spans = names.length ? memberSpans(mocksText).filter((m) => names.includes(m.key)) : [];
      editors.mocks.markGenerated(spans.map((m) => [m.from, m.to]));
      let what = null;
      if (tab === 'input' && inputMine) what = ['this input', 'edit it to make it yours'];
      else if (tab === 'mocks' && names.length)
        what = [`the mock${names.length > 1 ? 's' : ''} of ${names.join(', ')}`, `edit ${names.length > 1 ? 'one' : 'it'} to make it yours`];
      note.hidden = !what;
      if (what) {
        note.replaceChildren(h('strong', { text: 'Generated by statelab from the definition' }), `: ${what[0]} — ${what[1]}.`);
        note.dataset.which = tab;
      }
    },
  );

  // The mocks' tools: how many Task states have no mock.
  const fill = $('#fill-mocks');
  let filling = false; // the engine derives the mocks
  const drawFill = () => {
    const s = store.get();
    const def = s.definition.parsed;
    const mocks = parsedOrNull(s.work.mocks);
    const missing = def && mocks && typeof mocks === 'object' ? missingMocks(def, mocks) : [];
    fill.disabled = filling || missing.length === 0;
    setText(fill, missing.length ? `Fill in ${missing.length} missing mock${missing.length > 1 ? 's' : ''}` : 'Every Task has a mock');
    fill.title = missing.length
      ? `Add the responses statelab derives from the definition (each service's response shape, with the fields later states read) for: ${missing.map((m) => m.name).join(', ')}`
      : '';
    $('#tab-mocks').classList.toggle('has-missing', missing.length > 0);
  };
  fill.addEventListener('click', () => {
    filling = true;
    drawFill();
    work.fillMocks().finally(() => {
      filling = false;
      drawFill();
    });
  });
  store.subscribe((s) => [s.definition.parsed, s.work.mocks], drawFill);

  // Format (the button, Shift+Alt+F): the JSON of the editor shown pretty-printed, as one
  // edit that Ctrl-Z takes back (../editor/format.js, loaded at the first use).
  const formatButton = h(
    'button',
    {
      class: 'btn format-btn',
      type: 'button',
      'data-testid': 'format',
      'aria-label': 'Format',
      'aria-keyshortcuts': 'Shift+Alt+F',
      title: 'Format: pretty-print the JSON of this editor (Shift+Alt+F); Ctrl-Z takes it back',
      onclick: () => format(),
    },
    // (The word where the row has room for it: style.css.)
    h('span', { class: 'format-icon', 'aria-hidden': 'true', text: '{ }' }),
    h('span', { class: 'format-label', text: 'Format' }),
  );
  // In the row of the editors' tabs, before the machine's type: never over the text, at any
  // width (the tabs scroll in a narrow pane; style.css .format-btn).
  $('.editors-pane .tabs-row').insertBefore(formatButton, $('.editors-pane .tabs-row .type-field'));
  async function format() {
    const which = store.get().editorTab;
    const editor = editors[which];
    if (!editor) return;
    const why = (await import('../editor/format.js')).formatEditor(editor.view, which, editor.syntax);
    if (why) toast(store, why, true);
  }

  // A function mock's code in a JavaScript editor of its own (../editor/code.js, loaded at the
  // first use): the function at the mocks editor's cursor, else the first.
  const codeButton = h('button', {
    class: 'btn',
    type: 'button',
    'data-testid': 'edit-function',
    text: 'Edit function as code',
    title: 'Write the JS function of a mock as multi-line code (the one at the cursor, else the first); Apply writes it back',
    onclick: async () => {
      const editor = editors.mocks;
      const literals = functionLiterals(editor.text);
      if (!literals.length) return;
      const at = editor.view.state.selection.main.head;
      const lit = literals.find((l) => l.from <= at && at <= l.to) || literals[0];
      (await import('../editor/code.js')).editFunction(editor, lit.state);
    },
  });
  fill.after(codeButton);
  store.subscribe(
    (s) => s.work.mocks,
    (text) => {
      codeButton.hidden = functionLiterals(text).length === 0;
    },
  );

  // JS functions the user did not write wait for their consent.
  const box = $('#consent');
  store.subscribe(
    (s) => s.consent,
    (c) => {
      box.hidden = !c;
      if (c) $('#consent-states').textContent = c.states.join(', ');
    },
  );
  $('#consent-allow').addEventListener('click', () => {
    consent.allow();
    onRun();
  });
  $('#consent-show').addEventListener('click', () => {
    store.update({ editorTab: 'mocks' });
    store.flush();
    editors.mocks.view.focus();
  });

  store.subscribe(
    (s) => [s.exampleId, s.examples],
    ([id, examples]) => setText($('#example-summary'), (id && examples.find((e) => e.id === id)?.summary) || ''),
  );

  return {
    relint: (which) => editors[which].relint(),
    showConsent: () => {
      store.flush();
      box.scrollIntoView({ block: 'nearest' });
    },
    claimTyped,
  };
}
