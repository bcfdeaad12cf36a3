// The JavaScript editor of a function mock (www/app/editor/code.js), loaded when the user
// first opens one: the JavaScript language. scripts/build-web.sh bundles it with the other
// CodeMirror entries, sharing what they share.
export { javascript } from '@codemirror/lang-javascript';
