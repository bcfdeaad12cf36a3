// Exporting from the page: a file downloaded, a text copied (the pictures of the graph and the
// timeline: lib/picture.js, loaded when the Export menu is first opened).
import { h } from './dom.js';

/** Download `data` (a Blob, or text of `type`) as a file named `name`. */
export function download(name, data, type = 'application/json') {
  const blob = data instanceof Blob ? data : new Blob([data], { type });
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Put `text` on the clipboard (the Clipboard API; a selection copied where it is missing). */
export async function copyText(text) {
  if (navigator.clipboard?.writeText && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = h('textarea', { readonly: true, 'aria-hidden': 'true', style: 'position:fixed;top:0;left:-9999px;opacity:0' });
  area.value = text;
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('the browser did not allow it');
}

/**
 * A Copy button: `text()` (a text, or a promise of one) goes to the clipboard, `report(message, bad)` says so. what: what it
 * copies, in words ('the output'), for its accessible name.
 */
export function copyButton(what, text, report, testId = 'copy') {
  return h(
    'button',
    {
      class: 'btn copy-btn',
      type: 'button',
      title: `Copy ${what} to the clipboard`,
      'aria-label': `Copy ${what}`,
      'data-testid': testId,
      onclick: async (e) => {
        e.stopPropagation();
        try {
          await copyText(await text());
          report?.(`Copied ${what}`);
        } catch (err) {
          report?.(`Could not copy ${what}: ${err.message}`, true);
        }
      },
    },
    'Copy',
  );
}
