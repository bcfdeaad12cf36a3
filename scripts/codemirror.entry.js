// The one bundled dependency of the playground: CodeMirror 6 with JSON and YAML, lint and folding.
// scripts/build-web.sh bundles this file with esbuild into www/vendor/codemirror.js.
export {
  EditorView,
  keymap,
  lineNumbers,
  highlightActiveLine,
  highlightActiveLineGutter,
  drawSelection,
  dropCursor,
  rectangularSelection,
  highlightSpecialChars,
  placeholder,
  Decoration,
} from '@codemirror/view';
export { EditorState, Compartment, StateEffect, StateField } from '@codemirror/state';
export { json, jsonParseLinter } from '@codemirror/lang-json';
export { yaml } from '@codemirror/lang-yaml';
export { linter, lintGutter, lintKeymap, forceLinting, setDiagnostics, diagnosticCount } from '@codemirror/lint';
export { foldGutter, foldKeymap, codeFolding, indentOnInput, bracketMatching, syntaxHighlighting, HighlightStyle, defaultHighlightStyle } from '@codemirror/language';
export { defaultKeymap, history, historyKeymap, indentWithTab, isolateHistory, undo, redo, undoDepth } from '@codemirror/commands';
export { searchKeymap, highlightSelectionMatches } from '@codemirror/search';

export { tags } from '@lezer/highlight';
