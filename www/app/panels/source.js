// The source bar, over the definition editor when its text is not a plain JSON definition
// (YAML, a CloudFormation or SAM template, a Serverless configuration, ${Name} placeholders):
// what the text is, a picker of its state machines, the substitutions (each editable: the
// value typed is used in place of the one found or made up), and the text of a DefinitionUri
// file, in an editor that marks that file's problems at their line and column. It draws
// store.source and writes the user's choices into the work (work.setSource).
import { h, $ } from '../lib/dom.js';
import { makeEditor, offsetOf } from '../lib/editor.js';

// The bar's style, added with it: over the definition editor for YAML and templates.
const STYLE = `
.source-bar { padding: 6px 12px; border-bottom: 1px solid var(--border); font-size: 13px; display: flex; flex-direction: column; gap: 6px; max-height: 40%; overflow: auto; }
.source-head { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
.source-form { font-weight: 600; }
.source-type, .source-name { color: var(--fg-muted); }
.source-subs summary { cursor: pointer; color: var(--fg-muted); }
.source-subs table { border-collapse: collapse; width: 100%; }
.source-subs th, .source-subs td { padding: 2px 6px 2px 0; text-align: left; vertical-align: middle; font-weight: normal; }
.source-subs input { width: 100%; min-width: 12em; font: 12px ui-monospace, monospace; }
.source-origin { white-space: nowrap; width: 1%; }
.source-origin .generated { color: var(--generated); font-style: italic; }
.source-origin .given { color: var(--fg-muted); }
.source-problem { margin: 0; color: var(--bad); }
.source-file-editor { height: 160px; border: 1px solid var(--border); border-radius: 4px; margin-bottom: 6px; overflow: hidden; }
.source-file p { margin: 0 0 4px; }
.source-file.needed p { color: var(--generated); font-weight: 600; }
`;

/** Mount the bar. work: work.js (setSource). Returns {gotoFile(line, column)}. */
export function mountSource(store, { work }) {
  if (!document.getElementById('source-css')) document.head.append(h('style', { id: 'source-css', text: STYLE }));
  const bar = $('#source-bar');
  let drawn = null; // the signature of what is drawn: not drawn again (an input keeps its focus)
  // The DefinitionUri file's editor: made once for a uri and kept across draws (its text,
  // selection and undo history stay); its lint shows the file's problems from store.source.
  let file = null; // {uri, host, editor}

  /** The file's problems as CodeMirror's, while the editor holds the text they are about. */
  function fileLint(view) {
    const s = store.get();
    const uri = file?.uri;
    if (!uri || view.state.doc.toString() !== (s.work.source.files[uri] ?? '')) return [];
    return (s.source?.fileDiagnostics || []).map((d) => {
      const from = offsetOf(view.state.doc, d.line, d.column);
      const to = Math.min(view.state.doc.lineAt(from).to, view.state.doc.length);
      return { from, to: Math.max(to, Math.min(from + 1, view.state.doc.length)), severity: 'error', message: d.message, source: d.code };
    });
  }

  function fileEditor(uri, text) {
    if (file?.uri !== uri) {
      const host = h('div', { class: 'source-file-editor', 'data-testid': 'source-file' });
      const editor = makeEditor(host, { doc: text, label: `The text of ${uri}`, lint: fileLint, yamlToo: true });
      file = { uri, host, editor, applied: text };
    } else if (file.applied !== text) {
      // The work's file changed (a dropped file, a loaded work): shown. (What the user typed
      // and did not use yet stays otherwise.)
      file.applied = text;
      if (file.editor.text !== text) file.editor.text = text;
    }
    return file;
  }

  function draw(source, s) {
    const { overrides, files } = s.work.source;
    const sig = JSON.stringify([source, overrides, files, s.editorTab]);
    if (sig === drawn) return;
    drawn = sig;
    bar.hidden = !source || s.editorTab !== 'definition';
    if (!source) {
      bar.replaceChildren();
      return;
    }
    const head = h(
      'div',
      { class: 'source-head' },
      h('span', { class: 'source-form', 'data-testid': 'source-form', text: source.label || 'The text does not read as a definition or a template' }),
      source.names.length > 1
        ? h(
            'label',
            { class: 'source-pick' },
            'State machine ',
            h(
              'select',
              {
                'data-testid': 'source-machine',
                onchange: (e) => work.setSource({ machine: e.target.value }),
              },
              source.names.map((n) => h('option', { value: n, selected: n === source.machine, text: n })),
            ),
          )
        : source.machine
          ? h('span', { class: 'source-name', text: source.machine })
          : null,
      source.type ? h('span', { class: 'source-type', title: 'The type the template gives the state machine: runs use it', text: source.type }) : null,
    );
    const rows = source.substitutions.map((sub) => {
      const overridden = Object.hasOwn(overrides, sub.name);
      const input = h('input', {
        type: 'text',
        value: sub.value,
        'data-testid': 'source-sub',
        'data-name': sub.name,
        'aria-label': `Value of ${sub.name}`,
        spellcheck: 'false',
        onchange: (e) => work.setSource({ overrides: { ...overrides, [sub.name]: e.target.value } }),
      });
      const forget = () => {
        const rest = { ...overrides };
        delete rest[sub.name];
        work.setSource({ overrides: rest });
      };
      return h(
        'tr',
        { 'data-generated': String(sub.generated) },
        h('th', { scope: 'row' }, h('code', { text: sub.name })),
        h('td', {}, input),
        h(
          'td',
          { class: 'source-origin' },
          sub.generated
            ? h('span', { class: 'generated', title: 'Made up by statelab from the name and where it is used: type a value to use yours', text: 'generated' })
            : overridden
              ? h('button', { class: 'linkish', title: 'Use the value the text gives (or a made-up one) again', onclick: forget, text: 'yours ×' })
              : h('span', { class: 'given', text: 'from the text' }),
        ),
      );
    });
    const table = rows.length
      ? h(
          'details',
          { class: 'source-subs', open: true },
          h('summary', { text: `Substitutions (${rows.length})` }),
          h('table', { 'data-testid': 'source-substitutions' }, h('tbody', {}, rows)),
        )
      : null;
    let fileBox = null;
    if (source.definitionUri) {
      const uri = source.definitionUri;
      const { host, editor } = fileEditor(uri, files[uri] ?? '');
      fileBox = h(
        'div',
        { class: `source-file${source.needsFile ? ' needed' : ''}` },
        h(
          'p',
          {},
          source.needsFile ? 'The definition is in another file: ' : 'The definition is read from ',
          h('code', { text: uri }),
          source.needsFile ? ' (DefinitionUri). Paste its text here (or drop the file on the editor):' : ' (DefinitionUri):',
        ),
        host,
        h('button', {
          class: 'btn',
          'data-testid': 'source-file-use',
          onclick: () => work.setSource({ files: { ...files, [uri]: editor.text } }),
          text: `Use this text as ${uri.split('/').pop()}`,
        }),
      );
      editor.relint();
    } else {
      file = null;
    }
    const p = source.problem;
    const problem =
      p && !source.needsFile
        ? h('p', {
            class: 'source-problem',
            'data-testid': 'source-problem',
            text: `${p.file ? `${p.file}, line` : 'Line'} ${p.line}, column ${p.column}: ${p.message}`,
          })
        : null;
    bar.replaceChildren(...[head, problem, fileBox, table].filter(Boolean));
  }

  store.subscribe(
    (s) => [s.source, s.work.source, s.editorTab],
    ([source], _, s) => draw(source, s),
  );

  return {
    /** Show the DefinitionUri file's text at this line and column (a problem in it). */
    gotoFile(line, column) {
      file?.editor.goto(line, column);
    },
  };
}
