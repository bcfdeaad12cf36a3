// The state under the definition editor's cursor, without the DOM: which state of a
// definition's text (JSON or YAML, a template's machine included) an offset is in. Apart from
// the rest of "Test this state" (model/teststate.js, which re-exports it): the editor's way in
// (panels/teststate-door.js) needs it at once, the Test state tab only when it is opened.
import { jsonValue } from '../lib/format.js';

/**
 * The state a path of keys and indexes leads into ([..., 'States', 'Charge', 'Parameters']
 * → 'Charge'), or null: from the top, a machine's `States` holds states, a state's `Branches`
 * items and `ItemProcessor` (`Iterator`) are machines; anything else in a state is its own
 * field. Above the first machine (a template's Resources, say) any object may hold one.
 */
export function stateOfPath(path) {
  let ctx = 'any';
  let state = null;
  for (let i = 0; i < path.length; ) {
    const k = path[i];
    if (ctx === 'state') {
      if (k === 'Branches' && typeof path[i + 1] === 'number') {
        ctx = 'machine';
        i += 2;
      } else if (k === 'ItemProcessor' || k === 'Iterator') {
        ctx = 'machine';
        i += 1;
      } else break;
    } else if (k === 'States' && typeof path[i + 1] === 'string') {
      state = path[i + 1];
      ctx = 'state';
      i += 2;
    } else if (ctx === 'machine') break;
    else i += 1;
  }
  return state;
}

/**
 * The keys and indexes from the top of a JSON text to `offset` (tolerant: the text may be
 * half typed). The cursor on a key counts as inside its member.
 */
export function jsonPathAt(text, offset) {
  const stack = []; // {array, key, index, expectKey}
  const end = Math.min(offset, text.length);
  let i = 0;
  while (i < end) {
    const c = text[i];
    if (c === '"') {
      const start = i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      const top = stack[stack.length - 1];
      if (top && !top.array && top.expectKey) {
        let key;
        try {
          key = JSON.parse(text.slice(start, Math.min(i, text.length)));
        } catch {
          key = text.slice(start + 1, Math.min(i, text.length) - 1);
        }
        top.key = key;
        // On the key: inside its member.
        if (i > end) top.expectKey = false;
      }
      continue;
    }
    const top = stack[stack.length - 1];
    if (c === '{') stack.push({ array: false, key: null, index: 0, expectKey: true });
    else if (c === '[') stack.push({ array: true, key: null, index: 0, expectKey: false });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',' && top) {
      if (top.array) top.index++;
      else {
        top.key = null;
        top.expectKey = true;
      }
    } else if (c === ':' && top && !top.array) top.expectKey = false;
    i++;
  }
  const path = [];
  for (const f of stack) {
    if (f.array) path.push(f.index);
    else if (f.key !== null) path.push(f.key);
  }
  return path;
}

// A YAML line's mapping key: indentation, an optional "- ", the key (plain or quoted), a colon.
const YAML_KEY = /^(\s*)(-\s+)?("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#"'][^:#]*?)\s*:(?:\s|$)/;
const YAML_ITEM = /^(\s*)-(?:\s|$)/;

function yamlKey(raw) {
  if (raw.startsWith('"')) return jsonValue(raw);
  if (raw.startsWith("'")) return raw.slice(1, -1).replace(/''/g, "'");
  return raw;
}

/**
 * The keys from the top of a block-style YAML text to `offset`, by indentation (a list item
 * counts as index 0: the path says where a list is, not which item).
 */
export function yamlPathAt(text, offset) {
  const lines = text.slice(0, Math.min(offset, text.length)).split('\n');
  const fullLine = text.split('\n')[lines.length - 1] ?? '';
  const path = [];
  const here = fullLine.match(YAML_KEY);
  let threshold;
  if (here) {
    const dash = here[2] ? here[1].length : -1;
    path.unshift(yamlKey(here[3].trim()));
    threshold = here[1].length + (here[2]?.length || 0);
    if (dash >= 0) {
      path.unshift(0);
      threshold = dash;
    }
  } else {
    const col = lines[lines.length - 1].length;
    threshold = fullLine.trim() ? Math.min(col, fullLine.length - fullLine.trimStart().length) : col;
  }
  for (let n = lines.length - 2; n >= 0 && threshold > 0; n--) {
    const line = lines[n];
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    const m = line.match(YAML_KEY);
    if (m) {
      const keyCol = m[1].length + (m[2]?.length || 0);
      if (keyCol < threshold) {
        path.unshift(yamlKey(m[3].trim()));
        threshold = keyCol;
      }
      if (m[2] && m[1].length < threshold) {
        path.unshift(0);
        threshold = m[1].length;
      }
    } else {
      const item = line.match(YAML_ITEM);
      const indent = line.length - line.trimStart().length;
      if (item && item[1].length < threshold) {
        path.unshift(0);
        threshold = item[1].length;
      } else if (indent < threshold) threshold = indent;
    }
  }
  return path;
}

/** The name of the state whose definition holds `offset` in a definition's text (JSON or YAML), or null. */
export function stateAt(text, offset) {
  const yaml = !/^\s*([{[]|$)/.test(text);
  return stateOfPath(yaml ? yamlPathAt(text, offset) : jsonPathAt(text, offset));
}
