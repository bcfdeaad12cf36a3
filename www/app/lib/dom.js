// Making and changing elements: h() builds one, textPre() a long text that opens on request,
// setText() and setData() write only what changed.
import { pretty } from './format.js';

export function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'style') e.style.cssText = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) e.append(c instanceof Node ? c : String(c));
  return e;
}

// Laying out a long text takes long (the output of a Map of 1,000 iterations is 5,000
// lines): a <pre> shows this many characters at first, and the rest on request.
const PRE_CHARS = 1500;

/**
 * A <pre> with `text` (a JSON value is pretty-printed); a long text is cut at a line end,
 * with a button under it to show it all.
 */
export function textPre(value, attrs = {}) {
  const text = typeof value === 'string' ? value : pretty(value);
  if (text.length <= PRE_CHARS) return h('pre', { ...attrs, text });
  const cut = text.lastIndexOf('\n', PRE_CHARS);
  const shown = text.slice(0, cut > 0 ? cut : PRE_CHARS);
  const pre = h('pre', { ...attrs, text: `${shown}\n…` });
  const rest = text.length - shown.length;
  const more = h(
    'p',
    { class: 'more' },
    `${Math.round(rest / 1000)} KB more (${text.split('\n').length - shown.split('\n').length} lines). `,
    h('button', {
      class: 'linkish',
      text: 'Show all',
      onclick: () => {
        pre.textContent = text;
        more.remove();
      },
    }),
  );
  return h('div', { class: 'long-text' }, pre, more);
}

// Writes that change nothing are skipped: the page is drawn again on every update of a run,
// and a text set anew (even the same) is laid out anew.
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

export function setData(el, key, value) {
  if (el.dataset[key] !== value) el.dataset[key] = value;
}

export const $ = (sel) => document.querySelector(sel);

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
