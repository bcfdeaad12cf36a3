// The three JSON editors (definition, input, mocks): CodeMirror 6 with JSON highlighting,
// folding, bracket matching and lint diagnostics. Colours come from CSS variables, so the
// same editor follows the light and dark themes.
import {
  EditorView,
  EditorState,
  keymap,
  lineNumbers,
  highlightActiveLine,
  highlightActiveLineGutter,
  drawSelection,
  highlightSpecialChars,
  json,
  jsonParseLinter,
  linter,
  lintGutter,
  foldGutter,
  foldKeymap,
  indentOnInput,
  bracketMatching,
  syntaxHighlighting,
  HighlightStyle,
  defaultKeymap,
  history,
  historyKeymap,
  isolateHistory,
  undo,
  indentWithTab,
  searchKeymap,
  highlightSelectionMatches,
  closeBrackets,
  closeBracketsKeymap,
  tags,
  forceLinting,
  Compartment,
} from '../../vendor/codemirror.js';

const highlight = HighlightStyle.define([
  { tag: tags.propertyName, color: 'var(--code-key)' },
  { tag: tags.string, color: 'var(--code-string)' },
  { tag: tags.number, color: 'var(--code-number)' },
  { tag: [tags.bool, tags.null], color: 'var(--code-keyword)' },
  { tag: tags.invalid, color: 'var(--bad)' },
]);

const theme = EditorView.theme({
  '&': { height: '100%', fontSize: '13px', color: 'var(--fg)', backgroundColor: 'var(--bg-editor)' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.5' },
  '.cm-content': { caretColor: 'var(--accent)' },
  '.cm-cursor': { borderLeftColor: 'var(--accent)' },
  '.cm-gutters': { backgroundColor: 'var(--bg-editor)', color: 'var(--fg-faint)', border: 'none', borderRight: '1px solid var(--border)' },
  '.cm-activeLine': { backgroundColor: 'var(--active-line)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--active-line)', color: 'var(--fg-muted)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'var(--selection) !important' },
  '.cm-matchingBracket': { backgroundColor: 'var(--selection)', outline: '1px solid var(--accent)' },
  '.cm-foldPlaceholder': { backgroundColor: 'var(--bg-subtle)', border: '1px solid var(--border)', color: 'var(--fg-muted)' },
  '.cm-tooltip': { backgroundColor: 'var(--bg-raised)', color: 'var(--fg)', border: '1px solid var(--border)' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--bad)' },
  '.cm-lintRange-error': { backgroundImage: 'none', textDecoration: 'underline wavy var(--bad)', textUnderlineOffset: '3px' },
  '.cm-panels': { backgroundColor: 'var(--bg-raised)', color: 'var(--fg)' },
  '.cm-searchMatch': { backgroundColor: 'var(--highlight)' },
});

/** Convert a 1-based line and column to a document offset (clamped). */
export function offsetOf(doc, line, column) {
  const l = doc.line(Math.min(Math.max(1, line || 1), doc.lines));
  return Math.min(l.from + Math.max(0, (column || 1) - 1), l.to);
}

/** How many other documents' states (workspaces) an editor keeps, with their undo history. */
const KEPT_STATES = 12;

/**
 * Make an editor in `parent`. `lint(view)` returns CodeMirror diagnostics (may be async);
 * `onChange(text)` is called on every edit; `extraKeys` is a keymap for page shortcuts.
 * With `syntaxWhenShown`, the JSON syntax (highlighting, folding) is switched on by
 * `shown()`: an editor not shown does not parse its text in the background (the input of
 * a Map of 1,000 items is 1,000 lines), and its lint does not need the syntax tree.
 */
export function makeEditor(parent, { doc = '', label, lint, onChange, extraKeys = [], onDiagnostics, syntaxWhenShown = false }) {
  const syntax = new Compartment();
  let syntaxOn = !syntaxWhenShown;
  const lintSource = lint || jsonParseLinter();
  const source = async (view) => {
    const diags = await lintSource(view);
    onDiagnostics?.(diags, view);
    return diags;
  };
  const extensions = () => [
    keymap.of(extraKeys),
    lineNumbers(),
    foldGutter(),
    highlightActiveLineGutter(),
    highlightSpecialChars(),
    history(),
    drawSelection(),
    indentOnInput(),
    bracketMatching(),
    closeBrackets(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    syntax.of(syntaxOn ? json() : []),
    syntaxHighlighting(highlight),
    linter(source, { delay: 250 }),
    lintGutter(),
    EditorState.tabSize.of(2),
    keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...foldKeymap, indentWithTab]),
    theme,
    EditorView.contentAttributes.of({ 'aria-label': label }),
    EditorView.updateListener.of((u) => {
      if (u.docChanged) onChange?.(u.state.doc.toString());
    }),
  ];
  const view = new EditorView({ parent, state: EditorState.create({ doc, extensions: extensions() }) });
  // The states of the other documents this editor showed (workspaces), with their undo
  // history and selection, the last shown last; at most KEPT_STATES.
  const kept = new Map();
  return {
    view,
    /** The editor is shown: its syntax on, if it waited for that. */
    shown() {
      if (syntaxOn) return;
      syntaxOn = true;
      view.dispatch({ effects: syntax.reconfigure(json()) });
    },
    get text() {
      return view.state.doc.toString();
    },
    /** Replace the text (a load): one step of its own in the undo history, which Ctrl-Z takes back. */
    set text(t) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: t }, annotations: isolateHistory.of('full') });
    },
    /**
     * Show another document (another workspace's text): this one's state (text, undo history,
     * selection) is kept under `fromKey`; `toKey`'s comes back if it was kept with the text
     * `text`, else the editor starts afresh on `text`, with an empty history.
     */
    switchDoc(fromKey, toKey, text) {
      if (fromKey !== null && fromKey !== undefined) {
        kept.delete(fromKey);
        kept.set(fromKey, view.state);
        while (kept.size > KEPT_STATES) kept.delete(kept.keys().next().value);
      }
      const back = kept.get(toKey);
      kept.delete(toKey);
      view.setState(back && back.doc.toString() === text ? back : EditorState.create({ doc: text, extensions: extensions() }));
      // (A kept state from before the syntax was switched on gets it now.)
      if (syntaxOn && Array.isArray(syntax.get(view.state))) view.dispatch({ effects: syntax.reconfigure(json()) });
    },
    /** Take back the last change (Ctrl-Z); false when there is none. */
    undo: () => undo(view),
    relint() {
      forceLinting(view);
    },
    goto(line, column) {
      const pos = offsetOf(view.state.doc, line, column);
      view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
      view.focus();
    },
  };
}

export { jsonParseLinter };
