// What the Markdown plugins (markdown-it.js, remark.js) share: which fences belong to a
// playground, how an info string's settings become the element's attributes, and the
// element's HTML. No dependency: the plugins get their parser's API from the parser.
//
// A fence with the info string `asl` (the definition, JSON or YAML) starts a playground. An
// `asl-input` and an `asl-mocks` fence right after it (blank lines between are fine, anything
// else ends the group) are its input and mocks, at most one of each; any other `asl-input` or
// `asl-mocks` fence stays a plain code block. The rest of the `asl` info string holds the
// element's settings: `asl view=timeline autorun speed=2 title="My flow"`.

/** The fence languages, by the part of the playground they hold. */
export const LANGS = { asl: 'definition', 'asl-input': 'input', 'asl-mocks': 'mocks' };

/**
 * The settings that reach <asl-playground>, each with what it accepts (a value it does not
 * accept is dropped, as an unknown setting is). A flag is written without a value
 * (`autorun`); `autorun=false` turns a default off.
 */
const SETTINGS = {
  view: (v) => (['timeline', 'graph', 'both'].includes(v) ? v : undefined),
  theme: (v) => (['light', 'dark'].includes(v) ? v : undefined),
  speed: (v) => {
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
    return Number.isFinite(n) && n > 0 ? String(n) : undefined;
  },
  autorun: (v) => (v === true || v === 'true' ? true : v === 'false' ? false : undefined),
  title: (v) => (typeof v === 'string' ? v : undefined),
  // The page the element's "Open in playground" link opens (an http(s) or relative URL);
  // meant for the plugins' options (one playground for a whole site), allowed per fence too.
  playground: (v) => (typeof v === 'string' && v.trim() !== '' && isWebUrl(v) ? v.trim() : undefined),
};

/** A URL that resolves (as a browser would: relative, or with tabs and newlines in it) to http(s). */
function isWebUrl(v) {
  try {
    return ['http:', 'https:'].includes(new URL(v, 'https://base.invalid/').protocol);
  } catch {
    return false;
  }
}

/** The order attributes are written in. */
const ORDER = ['view', 'theme', 'autorun', 'speed', 'title', 'playground'];

/** The part of a playground a fence's info string names ('definition', 'input', 'mocks'), or null. */
export function partOf(info) {
  const lang = String(info ?? '')
    .trim()
    .split(/\s/, 1)[0];
  return Object.hasOwn(LANGS, lang) ? LANGS[lang] : null;
}

/**
 * The words of an info string (as the Markdown parser gives it: its backslash escapes and
 * character references decoded) after the language: `key=value`, `key="a value"` or
 * `key='a value'` (a value that holds one kind of quote is quoted with the other), or a bare
 * `flag`. Resolves to {key: value | true}; a later key wins, what does not read is skipped.
 */
export function parseSettings(info) {
  const text = String(info ?? '').trim();
  const rest = text.slice(text.split(/\s/, 1)[0].length);
  const out = {};
  const word = /\s*([^\s="']+)(?:=(?:"([^"]*)"|'([^']*)'|([^\s"']*)))?|\s*\S+/gy;
  for (let m = word.exec(rest); m && m[0] !== ''; m = word.exec(rest)) {
    const key = m[1];
    if (key === undefined) continue; // a stray quote
    out[key] = m[2] ?? m[3] ?? m[4] ?? true;
  }
  return out;
}

/**
 * The element's attributes as [[name, value]] (value true: a boolean attribute), from the
 * plugin's defaults and the fence's settings (which win). Only the settings listed above pass,
 * with a value each accepts; the rest are dropped.
 */
export function attributesOf(settings, defaults = {}) {
  const merged = { ...checked(defaults), ...checked(settings) };
  const out = [];
  for (const name of ORDER) {
    const v = merged[name];
    if (v === undefined || v === false) continue;
    out.push([name, v]);
  }
  return out;
}

function checked(settings) {
  const out = {};
  for (const [k, v] of Object.entries(settings ?? {})) {
    if (!Object.hasOwn(SETTINGS, k)) continue;
    const value = SETTINGS[k](typeof v === 'number' ? String(v) : v);
    if (value !== undefined) out[k] = value;
  }
  return out;
}

/**
 * Text for HTML, in an element or a quoted attribute. `{` and `}` are escaped too, so that a
 * template compiler that reads the page (Vue's `{{ }}` in VitePress, Svelte's `{ }`) takes the
 * JSON as text.
 */
export function escapeHtml(text) {
  return String(text).replace(/[&<>"'{}]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A part's text as the element reads it: as written, without the fence's final newline. */
export function partText(text) {
  return String(text ?? '').replace(/\r?\n$/, '');
}

/**
 * The HTML of one playground: parts {definition, input?, mocks?} (text), attributes from
 * attributesOf(). Without scripts the browser shows the <pre> children: the JSON as written.
 */
export function playgroundHtml(parts, attributes) {
  const attrs = attributes.map(([name, v]) => (v === true ? ` ${name}` : ` ${name}="${escapeHtml(v)}"`)).join('');
  let html = `<asl-playground${attrs}>`;
  for (const part of ['definition', 'input', 'mocks']) {
    if (parts[part] !== undefined) html += `<pre data-part="${part}">${escapeHtml(partText(parts[part]))}</pre>`;
  }
  return `${html}</asl-playground>\n`;
}

/**
 * The playgrounds among a run of sibling blocks: each group's first and last index and its
 * members by part ({definition, input?, mocks?}: the block's index). `partAt(i)` is the part
 * block i holds (null when it is something else); blocks are siblings one after another, so
 * that nothing stands between block i and block i + 1.
 */
export function groupsOf(count, partAt) {
  const groups = [];
  for (let i = 0; i < count; i++) {
    if (partAt(i) !== 'definition') continue;
    const members = { definition: i };
    let last = i;
    while (last + 1 < count) {
      const next = partAt(last + 1);
      if (next === null || next === 'definition' || members[next] !== undefined) break;
      last += 1;
      members[next] = last;
    }
    groups.push({ first: i, last, members });
    i = last;
  }
  return groups;
}
