// Formatting helpers shared by the panels.

export function fmtMs(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '–';
  if (Math.abs(ms) < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1).replace(/\.?0+$/, '')} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

export function pretty(v) {
  if (v === undefined) return '';
  return JSON.stringify(v, null, 2);
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

/** A value that may be JSON text: parsed when it is. */
export function jsonValue(v) {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

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
