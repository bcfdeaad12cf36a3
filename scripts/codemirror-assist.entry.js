// The editor's help, loaded when the definition editor first gets the focus (www/app/editor/
// assist.js): completion and hover tooltips. scripts/build-web.sh bundles it with
// codemirror.entry.js, splitting out what the two share (www/vendor/codemirror-core.js), so
// both use the same @codemirror/state and view, and the first paint loads none of this.
export {
  autocompletion,
  completionKeymap,
  startCompletion,
  acceptCompletion,
  currentCompletions,
  completionStatus,
  snippet,
  closeBrackets,
  closeBracketsKeymap,
} from '@codemirror/autocomplete';
export { hoverTooltip } from '@codemirror/view';
export { syntaxTree } from '@codemirror/language';
// (The LR parser runtime, which the first paint's JSON and YAML parsers and code.js's
// JavaScript parser use, is named here too, so that esbuild puts it in the one chunk every
// entry shares rather than in a second chunk the first paint would load.)
export { LRParser } from '@lezer/lr';
