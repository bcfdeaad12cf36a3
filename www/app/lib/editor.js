// The three editors (definition, input, mocks): CodeMirror 6 with JSON highlighting (YAML
// for a definition written in YAML), folding, bracket matching, lint diagnostics, and a mark
// on the lines statelab generated. Colours come from CSS variables, so the same editor
// follows the light and dark themes.
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
  yaml,
  jsonParseLinter,
  linter,
  lintGutter,
  lintKeymap,
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
  tags,
  forceLinting,
  Compartment,
  Decoration,
  StateEffect,
  StateField,
} from '../../vendor/codemirror.js';

const highlight = HighlightStyle.define([
  { tag: tags.propertyName, color: 'var(--code-key)' },
  { tag: tags.string, color: 'var(--code-string)' },
  { tag: tags.number, color: 'var(--code-number)' },
  { tag: [tags.bool, tags.null], color: 'var(--code-keyword)' },
  { tag: tags.invalid, color: 'var(--bad)' },
  // YAML: keys are definitions of property names, plain scalars content, tags (!Sub) type names.
  { tag: tags.definition(tags.propertyName), color: 'var(--code-key)' },
  { tag: tags.typeName, color: 'var(--code-keyword)' },
  { tag: [tags.lineComment, tags.meta], color: 'var(--fg-muted)', fontStyle: 'italic' },
  { tag: [tags.labelName, tags.special(tags.string)], color: 'var(--code-number)' },
]);

/** The syntax of a text: YAML unless it starts as JSON does (or is empty). */
export const syntaxOf = (text) => (/^\s*([{[]|$)/.test(text) ? 'json' : 'yaml');

// Lint again now (what the lint reads besides the text changed): CodeMirror's forceLinting
// alone runs only a lint that is pending.
const relintEffect = StateEffect.define();
const wantsRelint = (u) => u.transactions.some((tr) => tr.effects.some((e) => e.is(relintEffect)));

// The lines statelab generated: a line decoration on each, set by an effect.
const setGenerated = StateEffect.define();
const generatedLine = Decoration.line({ class: 'cm-generated' });
const generatedField = StateField.define({
  create: () => Decoration.none,
  update(marks, tr) {
    let out = marks.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setGenerated)) continue;
      const lines = [];
      for (const [from, to] of e.value) {
        const a = tr.state.doc.lineAt(Math.min(from, tr.state.doc.length)).number;
        const b = tr.state.doc.lineAt(Math.min(to, tr.state.doc.length)).number;
        for (let n = a; n <= b; n++) lines.push(generatedLine.range(tr.state.doc.line(n).from));
      }
      out = Decoration.set(lines, true);
    }
    return out;
  },
  provide: (f) => EditorView.decorations.from(f),
});

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
  '.cm-generated': { backgroundColor: 'var(--generated-bg)', boxShadow: 'inset 3px 0 0 var(--generated)' },
});

// Provenance: which characters of a document the user typed. Text that arrives otherwise (set
// by the page, pasted, dropped, brought back by undo or redo, moved or copied by a command) is
// foreign; typing and deleting keep what they touch as it was. A range ([from, to]) stays
// foreign however it moves, until markOwn clears it.
const FOREIGN_EVENTS = ['input.paste', 'input.drop', 'input.copyline', 'input.complete'];
const markOwn = StateEffect.define();

/** Did the user type this transaction's text (keys, Enter, Tab, delete, search and replace)? */
function typed(tr) {
  if (tr.isUserEvent('delete') || tr.isUserEvent('indent')) return true;
  return tr.isUserEvent('input') && !FOREIGN_EVENTS.some((e) => tr.isUserEvent(e));
}

/** Sorted, disjoint ranges. */
function merged(ranges) {
  const out = [];
  for (const [a, b] of ranges.sort((x, y) => x[0] - y[0])) {
    const last = out.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** `ranges` without the characters of `cut`. */
function without(ranges, cut) {
  let out = ranges;
  for (const [c, d] of cut) {
    const next = [];
    for (const [a, b] of out) {
      if (b <= c || a >= d) next.push([a, b]);
      else {
        if (a < c) next.push([a, c]);
        if (b > d) next.push([d, b]);
      }
    }
    out = next;
  }
  return out;
}

const foreignField = StateField.define({
  create: (state) => (state.doc.length ? [[0, state.doc.length]] : []),
  update(ranges, tr) {
    let out = ranges;
    if (tr.docChanged) {
      out = [];
      for (const [a, b] of ranges) {
        // Text typed at either edge of a foreign range is not part of it.
        const from = tr.changes.mapPos(a, 1);
        const to = tr.changes.mapPos(b, -1);
        if (to > from) out.push([from, to]);
      }
      if (!typed(tr)) tr.changes.iterChangedRanges((_fa, _ta, fromB, toB) => toB > fromB && out.push([fromB, toB]));
      out = merged(out);
    }
    for (const e of tr.effects) if (e.is(markOwn)) out = without(out, e.value);
    return out;
  },
});

/** Convert a 1-based line and column to a document offset (clamped). */
export function offsetOf(doc, line, column) {
  const l = doc.line(Math.min(Math.max(1, line || 1), doc.lines));
  return Math.min(l.from + Math.max(0, (column || 1) - 1), l.to);
}

/** How many other documents' states (workspaces) an editor keeps, with their undo history. */
const KEPT_STATES = 12;

// Tab indents in an editor; Escape then Tab (within 2 s) moves the focus on, as CodeMirror
// has it. A hint at the editor's corner says so while it has the focus, and says when Tab
// leaves (after Escape); it is the editor's description for a screen reader too.
const HINT = 'Esc then Tab leaves the editor';
const HINT_ARMED = 'Tab now leaves the editor';
const ARMED_MS = 2000; // CodeMirror's own delay
let hints = 0;

function tabHint(id) {
  const el = document.createElement('p');
  el.className = 'cm-tab-hint';
  el.id = id;
  el.textContent = HINT;
  let timer = null;
  const disarm = () => {
    clearTimeout(timer);
    if (!el.classList.contains('armed')) return;
    el.classList.remove('armed');
    el.textContent = HINT;
  };
  return {
    el,
    disarm,
    arm() {
      el.classList.add('armed');
      el.textContent = HINT_ARMED;
      clearTimeout(timer);
      timer = setTimeout(disarm, ARMED_MS);
    },
  };
}

/**
 * Make an editor in `parent`. `lint(view)` returns CodeMirror diagnostics (may be async);
 * `onChange(text)` is called on every edit; `extraKeys` is a keymap for page shortcuts.
 * With `syntaxWhenShown`, the JSON syntax (highlighting, folding) is switched on by
 * `shown()`: an editor not shown does not parse its text in the background (the input of
 * a Map of 1,000 items is 1,000 lines), and its lint does not need the syntax tree. With
 * `yamlToo`, a text that does not start as JSON does is highlighted as YAML. With
 * `provenance`, the editor knows which characters the user typed (foreign(), markOwn()).
 * `which` names the editor for its help (../editor/assist.js); `lang`, a language extension
 * instead of JSON's (a function mock's JavaScript).
 */
export function makeEditor(
  parent,
  { doc = '', label, lint, onChange, extraKeys = [], onDiagnostics, syntaxWhenShown = false, yamlToo = false, provenance = false, which = null, lang = null },
) {
  const syntax = new Compartment();
  // The editor's help (closed brackets; completion and hover in the definition): loaded the
  // first time an editor gets the focus (../editor/assist.js), so the first paint has none of it.
  const assistC = new Compartment();
  let assist = null; // the module, once loaded (and on)
  let lastChange = -Infinity; // (performance.now())
  const assistExt = () => (assist ? assist.assistFor(which, kind) : []);
  const hint = tabHint(`cm-tab-hint-${++hints}`);
  let syntaxOn = !syntaxWhenShown;
  let kind = yamlToo ? syntaxOf(doc) : 'json';
  const language = () => lang || (kind === 'yaml' ? yaml() : json());
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
    assistC.of(assistExt()),
    highlightActiveLine(),
    highlightSelectionMatches(),
    syntax.of(syntaxOn ? language() : []),
    generatedField,
    syntaxHighlighting(highlight),
    linter(source, { delay: 250, needsRefresh: wantsRelint }),
    lintGutter(),
    EditorState.tabSize.of(2),
    // (Ctrl-Shift-M lists the problems, with their quick fixes; F8 goes to the next one.)
    keymap.of([...defaultKeymap, ...searchKeymap, ...historyKeymap, ...foldKeymap, ...lintKeymap, indentWithTab]),
    // Escape that nothing else took (a search panel, a selection to simplify): CodeMirror
    // lets the next Tab leave, and the hint says so. (Not handled here: CodeMirror sees it.)
    keymap.of([
      {
        key: 'Escape',
        run: () => {
          hint.arm();
          return false;
        },
      },
    ]),
    EditorView.domEventHandlers({
      keydown: (e) => {
        if (e.key !== 'Escape' && e.key !== 'Shift') hint.disarm();
        return false;
      },
      blur: () => hint.disarm(),
      focus: () => {
        if (!assist) loadAssist();
        return false;
      },
    }),
    theme,
    EditorView.contentAttributes.of({ 'aria-label': label, 'aria-describedby': hint.el.id }),
    provenance ? foreignField : [],
    EditorView.updateListener.of((u) => {
      if (!u.docChanged) return;
      lastChange = performance.now();
      const text = u.state.doc.toString();
      // JSON became YAML or back (a paste, a dropped file): its highlighting follows.
      if (yamlToo && syntaxOf(text) !== kind) {
        kind = syntaxOf(text);
        queueMicrotask(() => view.dispatch({ effects: [...(syntaxOn ? [syntax.reconfigure(language())] : []), assistC.reconfigure(assistExt())] }));
      }
      onChange?.(text);
    }),
  ];
  const view = new EditorView({ parent, state: EditorState.create({ doc, extensions: extensions() }) });
  view.dom.append(hint.el);
  let loading = null;
  function loadAssist() {
    loading ||= import('../editor/assist.js').then(
      (m) => {
        // On once typing pauses outside a string: on inside one, closing brackets would pair its end quote.
        const on = () => {
          const quiet = lastChange + 400 - performance.now();
          if (quiet > 0 || m.inString(view.state)) return void setTimeout(on, Math.max(quiet, 400));
          assist = m;
          view.dispatch({ effects: assistC.reconfigure(assistExt()) });
          view.dom.dataset.help = 'on'; // (what tests wait for)
        };
        on();
      },
      () => {
        loading = null; // (tried again at the next focus)
      },
    );
    return loading;
  }
  // The states of the other documents this editor showed (workspaces), with their undo
  // history and selection, the last shown last; at most KEPT_STATES.
  const kept = new Map();
  return {
    view,
    /** The editor is shown: its syntax on, if it waited for that. */
    shown() {
      if (syntaxOn) return;
      syntaxOn = true;
      view.dispatch({ effects: syntax.reconfigure(language()) });
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
        kept.set(fromKey, { state: view.state, highlighted: syntaxOn ? kind : null });
        while (kept.size > KEPT_STATES) kept.delete(kept.keys().next().value);
      }
      const back = kept.get(toKey);
      kept.delete(toKey);
      kind = yamlToo ? syntaxOf(text) : 'json';
      if (back && back.state.doc.toString() === text) {
        view.setState(back.state);
        // (Kept before the syntax was switched on, or with another: it gets this one; and the help as it is now.)
        view.dispatch({ effects: [...(syntaxOn && back.highlighted !== kind ? [syntax.reconfigure(language())] : []), assistC.reconfigure(assistExt())] });
      } else view.setState(EditorState.create({ doc: text, extensions: extensions() }));
    },
    /** Load the editor's help now (it loads at the first focus anyway): resolves when it is on. */
    assist: () => loadAssist(),
    /** Take back the last change (Ctrl-Z); false when there is none. */
    undo: () => undo(view),
    relint() {
      view.dispatch({ effects: relintEffect.of(null) });
      forceLinting(view);
    },
    /** With provenance: the characters the user did not type, [[from, to]] sorted. */
    foreign() {
      return view.state.field(foreignField, false) || [];
    },
    /** With provenance: these characters ([[from, to]] of the current text) count as typed. */
    markOwn(ranges) {
      view.dispatch({ effects: markOwn.of(ranges) });
    },
    /** Mark the lines of these [from, to] ranges as generated (none: no mark). */
    markGenerated(ranges) {
      view.dispatch({ effects: setGenerated.of(ranges) });
    },
    /** The syntax the editor highlights: 'json' or 'yaml'. */
    get syntax() {
      return kind;
    },
    goto(line, column) {
      const pos = offsetOf(view.state.doc, line, column);
      view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
      view.focus();
    },
  };
}

export { jsonParseLinter };
