// The definition editor's way into the Test state tab: the state under the cursor (JSON or
// YAML, model/stateat.js) gets a button over the editor, and Mod-Shift-Enter tests it. Loaded
// when the definition editor first gets the focus or a pointer (panels/teststate-door.js).
import { EditorView } from '../../vendor/codemirror.js';
import { h, $, setText, isMac } from '../lib/dom.js';
import { openTestState, toast } from '../state.js';
import { stateNamed } from '../model/asl.js';
import { stateAt } from '../model/stateat.js';

const MOD = isMac ? '⌘' : 'Ctrl';

/**
 * The definition editor's way in: the state the cursor is in (JSON or YAML) gets a button over
 * the editor. Returns {testHere()}, what Mod-Shift-Enter does (teststate-door.js listens for it).
 */
export function mountEditorWayIn(store) {
  const editorHost = $('#definition-editor');
  const chip = h(
    'button',
    { type: 'button', class: 'btn ts-chip', 'data-testid': 'editor-test-state', hidden: true },
    h('span', { class: 'ts-chip-text' }),
    h('kbd', { text: `${MOD}+⇧+↵` }),
  );
  editorHost.parentElement.append(chip);
  let at = null; // the state under the cursor, when it is one of the definition's
  const view = () => EditorView.findFromDOM(editorHost.querySelector('.cm-editor') || editorHost);
  const stateHere = () => {
    const v = view();
    if (!v) return null;
    const s = store.get();
    const name = stateAt(v.state.doc.toString(), v.state.selection.main.head);
    return name !== null && stateNamed(s.definition.parsed, name) ? name : null;
  };
  const update = () => {
    const s = store.get();
    at = s.editorTab === 'definition' ? stateHere() : null;
    chip.hidden = !at;
    if (at) {
      setText(chip.firstChild, `Test ${at}`);
      chip.title = `Test the state under the cursor, ${at}, as AWS's TestState API does (${MOD}+Shift+Enter)`;
      chip.setAttribute('aria-label', `Test the state ${at}`);
    }
  };
  let queued = false;
  const soon = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      update();
    });
  };
  for (const ev of ['keyup', 'pointerup', 'focusin']) editorHost.addEventListener(ev, soon);
  document.addEventListener('selectionchange', () => editorHost.contains(document.activeElement) && soon());
  store.subscribe((s) => [s.editorTab, s.work.definition, s.definition.parsed], soon);
  chip.addEventListener('click', () => at && openTestState(store, at, { focus: true }));
  /** Test the state under the cursor (Mod-Shift-Enter: the door's handler calls it), or say where to put the cursor. */
  const testHere = () => {
    const name = stateHere();
    if (name) openTestState(store, name, { focus: true });
    else toast(store, 'Put the cursor inside a state of the definition to test it', true);
  };
  soon();
  return { testHere };
}
