// A function mock's code in an editor of its own (panels/editors.js, "Edit function as code"):
// the JS source of {"State": {"function": "..."}} shown as real multi-line JavaScript in a
// dialog, and written back into the mocks as the JSON string, one edit that Ctrl-Z in the
// mocks editor takes back. Loaded when first opened (with www/vendor/code.js, the JavaScript
// language). The code keeps its provenance (../consent.js runs only what the user typed or
// approved): code that was the user's starts as theirs; what arrived otherwise (a link, a
// paste) stays foreign unless the user retyped all of it, and is written back as foreign, so
// the consent box still asks for it.
import { javascript } from '../../vendor/code.js';
import { makeEditor } from '../lib/editor.js';
import { h } from '../lib/dom.js';
import { functionLiterals, overlaps } from '../model/consent.js';

const DIALOG_STYLE =
  'width: min(820px, 92vw); height: min(560px, 80vh); padding: 0; border: 1px solid var(--border); border-radius: 8px; background: var(--bg-raised); color: var(--fg); display: flex; flex-direction: column';

/**
 * Open the code of `state`'s function mock. mocks: the mocks editor (lib/editor.js, with
 * provenance). Resolves when the dialog closes: true when the code was written back.
 */
export function editFunction(mocks, state) {
  const lit = functionLiterals(mocks.text).find((l) => l.state === state);
  if (!lit) return Promise.resolve(false);
  const wasOwn = !overlaps(mocks.foreign(), lit.from, lit.to);
  const host = h('div', { class: 'editor' }); // (style.css: absolute, filling its box)
  const box = h('div', { style: 'position: relative; flex: 1; min-height: 0; border-top: 1px solid var(--border); border-bottom: 1px solid var(--border)' }, host);
  const apply = h('button', { class: 'btn primary', type: 'button', 'data-testid': 'code-apply', text: 'Apply' });
  const cancel = h('button', { class: 'btn', type: 'button', text: 'Cancel' });
  const dialog = h(
    'dialog',
    { 'aria-label': `The function mock of ${state}`, 'data-testid': 'code-dialog', style: DIALOG_STYLE },
    h(
      'p',
      { style: 'margin: 0; padding: 10px 14px; font-size: 13px' },
      h('strong', { text: `Function mock of '${state}'` }),
      ': an async function of the Task input and a context; what it returns is the result. Apply writes it back into the mocks.',
    ),
    box,
    h('div', { style: 'display: flex; gap: 8px; justify-content: flex-end; padding: 10px 14px' }, cancel, apply),
  );
  document.body.append(dialog);
  const editor = makeEditor(host, { doc: lit.source, label: `JavaScript of the function mock of ${state}`, lint: () => [], provenance: true, which: 'code', lang: javascript() });
  if (wasOwn) editor.markOwn([[0, lit.source.length]]);
  dialog.showModal();
  editor.view.focus();
  return new Promise((resolve) => {
    let written = false;
    apply.addEventListener('click', () => {
      const code = editor.text;
      const now = functionLiterals(mocks.text).find((l) => l.state === state);
      if (now) {
        // Typed (the user's) only if every character of the code is.
        const typed = editor.foreign().length === 0;
        mocks.view.dispatch({ changes: { from: now.from, to: now.to, insert: JSON.stringify(code) }, ...(typed ? { userEvent: 'input.type.code' } : {}) });
        written = true;
      }
      dialog.close();
    });
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      editor.view.destroy();
      dialog.remove();
      mocks.view.focus();
      resolve(written);
    });
  });
}
