// The outline of a YAML definition for the editor's help (no DOM): its block mappings and
// sequences by indentation, each with the key or index it sits under, so that completion and
// hover in YAML (./assist.js) find the place of the cursor (./place.js) as they do in JSON.
// Only what the help needs: block mappings (`key: value`), block sequences (`- ...`), plain,
// quoted and flow values kept as text, comments and block scalars (`|`, `>`) skipped. It
// reads text being typed (an unfinished line is no error); the engine, not this, judges YAML.
// A CloudFormation, SAM or Serverless template's `Definition` (`definition`) block is a
// definition of its own: places are found from it.

const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{[\]},&*!|>%@`-][^#]*?|-[^\s#][^#]*?)\s*:(?=\s|$)/;

/** A quoted or plain scalar's text. */
export function scalarText(s) {
  const t = s.trim();
  if (t.startsWith('"')) {
    try {
      return JSON.parse(t);
    } catch {
      return t.slice(1, t.endsWith('"') && t.length > 1 ? -1 : undefined);
    }
  }
  if (t.startsWith("'")) return t.slice(1, t.endsWith("'") && t.length > 1 ? -1 : undefined).replaceAll("''", "'");
  return t;
}

/** Where a comment starts in `line` from `from` (a `#` after a space, outside quotes), or its length. */
function commentAt(line, from) {
  let q = null;
  for (let i = from; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === q && !(q === '"' && line[i - 1] === '\\')) q = null;
    } else if ((c === '"' || c === "'") && (i === from || /[\s:[{,]/.test(line[i - 1]))) q = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return i;
  }
  return line.length;
}

/**
 * The outline of `text`: {root, entries}. A node: {kind: 'map'|'seq', col, parent, at (its key
 * or index in the parent), keys: Map(key → entry) | items: [entry]}. An entry: {key?, index?,
 * node (the container it is in), value (a node) or scalar (text), line, col, keyFrom, keyTo,
 * valueFrom, valueTo (offsets in text)}.
 */
export function outline(text) {
  const root = { kind: 'map', col: -1, parent: null, at: null, keys: new Map() };
  const entries = [];
  const stack = [root];
  let pending = null; // an entry whose value is on the lines under it
  let block = -1; // inside a block scalar: the column its lines are deeper than
  let offset = 0;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n];
    const start = offset;
    offset += line.length + 1;
    const indent = /^ */.exec(line)[0].length;
    const end = commentAt(line, indent);
    if (!line.slice(indent, end).trim()) continue;
    if (block >= 0) {
      if (indent > block) continue;
      block = -1;
    }
    if (/^(---|\.\.\.)(\s|$)/.test(line)) continue;
    let i = indent;
    const open = (node, col) => {
      // A container for the pending entry, or the innermost open one at this column.
      if (pending && (col > pending.col || (col === pending.col && node === 'seq' && pending.key !== undefined))) {
        const c =
          node === 'seq'
            ? { kind: 'seq', col, parent: pending.node, at: pending.key ?? pending.index, items: [], entry: pending }
            : { kind: 'map', col, parent: pending.node, at: pending.key ?? pending.index, keys: new Map(), entry: pending };
        pending.value = c;
        stack.push(c);
        pending = null;
        return c;
      }
      pending = null;
      while (stack.length > 1) {
        const top = stack[stack.length - 1];
        if (top.col > col || (top.col === col && top.kind !== node)) stack.pop();
        else break;
      }
      const top = stack[stack.length - 1];
      if (top.kind === node && (top.col === col || top === root)) {
        if (top === root && root.col < 0) root.col = col;
        return top;
      }
      return null; // (indentation that fits nothing: not part of the outline)
    };
    // The sequence items on the line ("- - key: value").
    let lost = false;
    while (line[i] === '-' && (i + 1 >= end || line[i + 1] === ' ')) {
      const seq = open('seq', i);
      if (!seq) {
        lost = true;
        break;
      }
      const entry = {
        index: seq.items.length,
        node: seq,
        value: null,
        scalar: null,
        line: n,
        col: i,
        keyFrom: start + i,
        keyTo: start + i + 1,
        valueFrom: start + end,
        valueTo: start + end,
      };
      seq.items.push(entry);
      entries.push(entry);
      pending = entry;
      i++;
      while (line[i] === ' ') i++;
      if (i >= end) break;
    }
    if (lost || i >= end) continue;
    const rest = line.slice(i, end);
    const k = KEY.exec(rest);
    if (k) {
      const map = open('map', i);
      if (!map) continue;
      const key = scalarText(k[1]);
      let v = i + k[0].length;
      while (line[v] === ' ') v++;
      const vEnd = end - (line.slice(v, end).length - line.slice(v, end).trimEnd().length);
      const entry = {
        key,
        node: map,
        value: null,
        scalar: null,
        line: n,
        col: i,
        keyFrom: start + i,
        keyTo: start + i + k[1].length,
        valueFrom: start + v,
        valueTo: start + Math.max(v, vEnd),
      };
      map.keys.set(key, entry);
      entries.push(entry);
      const value = line.slice(v, vEnd);
      if (!value) pending = entry;
      else if (/^[|>][+-]?\d*$/.test(value)) block = i;
      else entry.scalar = scalarText(value);
    } else if (pending && pending.index !== undefined && pending.line === n) {
      // A sequence item's scalar ("- States.ALL").
      pending.scalar = scalarText(rest);
      pending.valueFrom = start + i;
      pending.valueTo = start + i + rest.trimEnd().length;
      pending = null;
    }
  }
  return { root, entries };
}

/** The keys and indexes from a definition's top to `node`, and the nodes on the way (top first). */
export function pathOf(node) {
  const nodes = [];
  for (let n = node; n; n = n.parent) {
    nodes.unshift(n);
    // A template's state machine: its Definition block is the top.
    if (n.parent && n.kind === 'map' && (n.at === 'Definition' || n.at === 'definition') && (n.keys.has('States') || n.keys.has('StartAt'))) break;
  }
  return { path: nodes.slice(1).map((n) => n.at), nodes };
}

/** {Type, QueryLanguage, Distributed} of a mapping node (for placeOf's info). */
export function infoOf(node) {
  if (node?.kind !== 'map') return undefined;
  const s = (k) => node.keys.get(k)?.scalar ?? undefined;
  const proc = (node.keys.get('ItemProcessor') || node.keys.get('Iterator'))?.value;
  const config = proc?.kind === 'map' ? proc.keys.get('ProcessorConfig')?.value : null;
  return { Type: s('Type'), QueryLanguage: s('QueryLanguage'), Distributed: config?.kind === 'map' && config.keys.get('Mode')?.scalar === 'DISTRIBUTED' };
}

/** The state names written in the outline (the keys of each States mapping). */
export function stateNamesIn(o) {
  const names = [];
  for (const e of o.entries) if (e.key === 'States' && e.value?.kind === 'map') names.push(...e.value.keys.keys());
  return [...new Set(names)];
}
