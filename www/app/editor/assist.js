// The editors' help, loaded when an editor first gets the focus (lib/editor.js): brackets
// closed as you type in every editor, and in the definition editor (JSON) completion and
// hover docs. Completion offers the fields the object at the cursor takes (the state's Type
// and query language decide: ./place.js, ./schema.js), values for Type, QueryLanguage, Mode,
// ExecutionType, JitterStrategy, the machine's state names for StartAt, Next and Default,
// States.* error names in ErrorEquals, service integration ARNs for Resource, intrinsic
// functions in a JSONPath string, and JSONata functions and $states members inside {% %}.
// Hover shows a field's words with the guide's page, and a function's parameters.
// What is offered is held to the engine by tests/js/schema.test.mjs.
import { autocompletion, completionKeymap, startCompletion, closeBrackets, closeBracketsKeymap, hoverTooltip, syntaxTree } from '../../vendor/assist.js';
import { keymap, EditorView } from '../../vendor/codemirror.js';
import { placeOf, fieldsOf } from './place.js';
import {
  FIELD_VALUES,
  FIELD_DOCS,
  ERROR_NAMES,
  RESOURCES,
  INTRINSICS,
  JSONATA_FUNCTIONS,
  STATES_MEMBERS,
  CONTEXT_MEMBERS,
  valueTemplate,
  describeResource,
  describeStates,
} from './schema.js';
import { outline, pathOf, infoOf, stateNamesIn } from './yaml.js';

const unquote = (s) => {
  try {
    return JSON.parse(s);
  } catch {
    return s.replace(/^"|"$/g, '');
  }
};

/** The Type and QueryLanguage written in an Object node's members. */
function objectInfo(state, obj) {
  const info = {};
  for (let c = obj.firstChild; c; c = c.nextSibling) {
    if (c.name !== 'Property') continue;
    const key = c.getChild('PropertyName');
    const val = key?.nextSibling?.nextSibling; // after ':'
    if (!key || !val) continue;
    const k = unquote(state.sliceDoc(key.from, key.to));
    if ((k === 'Type' || k === 'QueryLanguage') && val.name === 'String') info[k] = unquote(state.sliceDoc(val.from, val.to));
    // A distributed Map: its ItemProcessor's ProcessorConfig says Mode DISTRIBUTED.
    if ((k === 'ItemProcessor' || k === 'Iterator') && val.name === 'Object' && /"Mode"\s*:\s*"DISTRIBUTED"/.test(state.sliceDoc(val.from, val.to))) info.Distributed = true;
  }
  return info;
}

/** The keys of an Object node's members. */
function objectKeys(state, obj) {
  const keys = [];
  for (let c = obj.firstChild; c; c = c.nextSibling) {
    const key = c.name === 'Property' && c.getChild('PropertyName');
    if (key) keys.push(unquote(state.sliceDoc(key.from, key.to)));
  }
  return keys;
}

/** The path (keys, indexes) from the top to an Object or Array node, and each object's info on the way. */
function pathTo(state, node) {
  const path = [];
  const infos = [];
  let n = node;
  while (n) {
    const parent = n.parent;
    if (!parent || parent.name === 'JsonText') break;
    if (n.name === 'Object') infos.unshift(objectInfo(state, n));
    else if (n.name === 'Array') infos.unshift(undefined);
    if (parent.name === 'Property') {
      const key = parent.getChild('PropertyName');
      path.unshift(key ? unquote(state.sliceDoc(key.from, key.to)) : '');
      n = parent.parent; // the Object holding the property
      continue;
    }
    if (parent.name === 'Array') {
      let i = 0;
      for (let c = parent.firstChild; c && c.from < n.from; c = c.nextSibling) if (!['[', ']', ',', '⚠'].includes(c.name)) i++;
      path.unshift(i);
    }
    n = parent;
  }
  if (n?.name === 'Object') infos.unshift(objectInfo(state, n));
  return { path, info: (i) => infos[i] };
}

/** The place of the object node `obj` in the definition. */
function placeOfNode(state, obj) {
  const { path, info } = pathTo(state, obj);
  return placeOf(path, info);
}

/** Every state name written in the document (the keys of each "States" object). */
function stateNames(state) {
  const names = [];
  syntaxTree(state).iterate({
    enter(n) {
      if (n.name !== 'Property') return;
      const key = n.node.getChild('PropertyName');
      const val = key?.nextSibling?.nextSibling;
      if (key && val?.name === 'Object' && state.sliceDoc(key.from, key.to) === '"States"') names.push(...objectKeys(state, val.node));
    },
  });
  return [...new Set(names)];
}

/** The property a value node is the value of (its key), and the innermost Object around. */
function keyOf(state, valueNode) {
  let n = valueNode.parent;
  if (n?.name === 'Array') n = n.parent; // ErrorEquals: ["..."]
  if (n?.name !== 'Property') return null;
  const key = n.getChild('PropertyName');
  return key ? unquote(state.sliceDoc(key.from, key.to)) : null;
}

const option = (label, detail, info, type) => ({ label, detail, info, type });

/** Completions of JSONata in {% %} ending with `word` (`$sta`, `$states.`, `$states.context.`) at `pos`. */
function jsonataOptions(word, pos, start) {
  if (word.startsWith('$states.context.')) {
    const dot = pos - (word.length - '$states.context.'.length);
    return { from: dot, options: CONTEXT_MEMBERS.map(([n, d]) => option(n, '$states.context', d, 'property')), validFor: /^[\w.]*$/ };
  }
  if (word.startsWith('$states.')) {
    const dot = pos - (word.length - '$states.'.length);
    return { from: dot, options: STATES_MEMBERS.map(([n, d, where]) => option(n, '$states', `${d}; in ${where}`, 'property')), validFor: /^\w*$/ };
  }
  return {
    from: start,
    options: [
      option('$states', 'the state input, result, error, context', undefined, 'variable'),
      ...JSONATA_FUNCTIONS.map(([n, sig]) => ({ label: `$${n}`, detail: `(${sig})`, type: 'function', apply: `$${n}(` })),
    ],
    validFor: /^\$?\w*$/,
  };
}

/** Intrinsic functions' completions for the word before `pos`. */
function intrinsicOptions(before, pos) {
  const m = /[\w.]*$/.exec(before);
  return {
    from: pos - m[0].length,
    options: INTRINSICS.map(([n, args, gives]) => ({ label: n, detail: `(${args})`, info: gives, type: 'function', apply: `${n}(` })),
    validFor: /^[\w.]*$/,
  };
}

/** The values listed for `key` (state names from `names()`), or null. */
function listedValues(key, names) {
  if (key && FIELD_VALUES[key]) return FIELD_VALUES[key].map((v) => option(v, key, undefined, 'enum'));
  if (key === 'Next' || key === 'Default' || key === 'StartAt') return names().map((n) => option(n, 'state', undefined, 'constant'));
  if (key === 'ErrorEquals' || key === 'Error') return ERROR_NAMES.map((n) => option(n, 'error', undefined, 'constant'));
  if (key === 'Resource') return RESOURCES.map(([arn, what]) => option(arn, undefined, what, 'constant'));
  return null;
}

/** Completions in a JSON definition. */
function complete(context) {
  const { state, pos } = context;
  const node = syntaxTree(state).resolveInner(pos, -1);
  // A key being typed ("Ma|"), or a key to start after `{` or `,`.
  let obj = null;
  let from = pos;
  let to = pos;
  let quoted = false;
  // (A key's text between its quotes is what is matched; the quotes are replaced too.)
  const inQuotes = (n) => {
    from = n.from + 1;
    to = n.to > n.from + 1 && state.sliceDoc(n.to - 1, n.to) === '"' ? n.to - 1 : n.to;
    quoted = true;
  };
  if (node.name === 'PropertyName') {
    obj = node.parent?.parent;
    inQuotes(node);
  } else if (node.name === 'String' && node.parent?.name === 'Property' && !node.prevSibling?.prevSibling) {
    obj = node.parent.parent;
    inQuotes(node);
  } else if (node.name === 'Object' || ((node.name === '{' || node.name === ',' || node.name === '⚠') && node.parent?.name === 'Object')) {
    obj = node.name === 'Object' ? node : node.parent;
    if (!context.explicit && !/[{,]\s*$/.test(state.sliceDoc(Math.max(0, pos - 40), pos))) obj = null;
  }
  if (obj?.name === 'Object') {
    const place = placeOfNode(state, obj);
    const have = new Set(objectKeys(state, obj));
    const typed = quoted ? unquote(state.sliceDoc(from, to)) : '';
    if (quoted) have.delete(typed);
    const fields = fieldsOf(place).filter((f) => !have.has(f));
    if (!fields.length) return null;
    // The rest of the member, if there is one (a value after the key), is kept.
    const end = quoted && state.sliceDoc(to, to + 1) === '"' ? to + 1 : to;
    const after = state.sliceDoc(end, Math.min(state.doc.length, end + 20));
    const hasValue = /^\s*:/.test(after);
    const start = quoted ? from - 1 : from;
    return {
      from,
      to,
      filter: true,
      options: fields.map((f) => ({
        label: f,
        displayLabel: f,
        type: 'property',
        detail: place.kind === 'state' ? `${place.type || 'state'} · ${place.ql}` : place.kind,
        info: FIELD_DOCS[f] ? `${FIELD_DOCS[f][0]} (AWS guide: ${FIELD_DOCS[f][1]})` : undefined,
        apply: (view, _c, a, b) => {
          // (The quotes around the key are part of what is replaced.)
          const [x, y] = quoted ? [start, view.state.sliceDoc(b, b + 1) === '"' ? b + 1 : b] : [a, b];
          const tpl = hasValue ? '' : valueTemplate(f, place.ql);
          const insert = hasValue ? JSON.stringify(f) : `${JSON.stringify(f)}: ${tpl.text}`;
          const cursor = x + (hasValue ? insert.length : JSON.stringify(f).length + 2 + tpl.cursor);
          view.dispatch({ changes: { from: x, to: y, insert }, selection: { anchor: cursor }, userEvent: 'input.complete' });
          if (!hasValue && tpl.complete) queueMicrotask(() => startCompletion(view));
        },
      })),
      validFor: /^\w*$/,
    };
  }
  // A string value.
  if (node.name !== 'String') return null;
  const key = keyOf(state, node);
  const inner = { from: node.from + 1, to: Math.max(node.from + 1, node.to - (state.sliceDoc(node.to - 1, node.to) === '"' && node.to - node.from > 1 ? 1 : 0)) };
  const before = state.sliceDoc(inner.from, pos);
  // JSONata inside {% %}.
  const open = before.lastIndexOf('{%');
  if (open >= 0 && before.indexOf('%}', open) < 0) {
    const m = /\$[\w.]*$/.exec(before);
    if (!m && !context.explicit) return null;
    const word = m ? m[0] : '';
    const start = pos - word.length;
    return jsonataOptions(word, pos, start);
  }
  // Intrinsic functions in a JSONPath string (a key ending in .$).
  if (key?.endsWith('.$') || /^States\./.test(before)) return intrinsicOptions(before, pos);
  const values = listedValues(key, () => stateNames(state));
  if (!values?.length) return null;
  return {
    from: inner.from,
    to: inner.to,
    options: values.map((o) => ({
      ...o,
      apply: (view, c, a, b) =>
        view.dispatch({
          changes: { from: a, to: b, insert: JSON.stringify(c.label).slice(1, -1) },
          selection: { anchor: a + JSON.stringify(c.label).length - 2 },
          userEvent: 'input.complete',
        }),
    })),
    filter: true,
    validFor: /^[^"]*$/,
  };
}

/** The hover text at a position of a JSON definition: {from, to, title, text} or null. */
export function hoverAt(state, pos) {
  const node = syntaxTree(state).resolveInner(pos, 1);
  if (node.name === 'PropertyName') {
    const name = unquote(state.sliceDoc(node.from, node.to));
    const doc = FIELD_DOCS[name];
    const obj = node.parent?.parent;
    if (!doc || obj?.name !== 'Object') return null;
    const place = placeOfNode(state, obj);
    if (place.kind === null || place.kind === 'states') return null;
    return { from: node.from, to: node.to, title: name, text: doc[0], page: doc[1] };
  }
  if (node.name === 'String') {
    const h = stringHover(state.sliceDoc(node.from, node.to), pos - node.from, keyOf(state, node));
    return h && { ...h, from: node.from + h.from, to: node.from + h.to };
  }
  return null;
}

/**
 * The hover in a string value `text` (as written, quotes and all) at `at`, the value of `key`:
 * an intrinsic function, a JSONata function, a $states member, a Resource ARN. {from, to (in
 * text), title, text, page} or null.
 */
function stringHover(text, at, key) {
  const word = (re) => {
    for (const m of text.matchAll(re)) if (m.index <= at && at <= m.index + m[0].length) return m;
    return null;
  };
  const intr = word(/States\.\w+/g);
  const found = intr && INTRINSICS.find(([n]) => n === intr[0]);
  if (found)
    return { from: intr.index, to: intr.index + intr[0].length, title: `${found[0]}(${found[1]})`, text: found[2], page: 'Intrinsic functions for JSONPath in Step Functions' };
  if (text.includes('{%')) {
    const st = word(/\$states(?:\.\w+)*/g);
    const d = st && describeStates(st[0]);
    if (d) return { from: st.index, to: st.index + st[0].length, ...d, page: 'Transforming data with JSONata in Step Functions' };
    const fn = word(/\$\w+/g);
    const j = fn && JSONATA_FUNCTIONS.find(([n]) => `$${n}` === fn[0]);
    if (j) return { from: fn.index, to: fn.index + fn[0].length, title: `${fn[0]}(${j[1]})`, text: 'JSONata function', page: 'Transforming data with JSONata in Step Functions' };
  }
  if (key === 'Resource') {
    const arn = word(/arn:[^\s"']+/g);
    const d = arn && describeResource(arn[0]);
    if (d)
      return { from: arn.index, to: arn.index + arn[0].length, ...d, page: 'Integrating services with Step Functions; Discover service integration patterns in Step Functions' };
  }
  return null;
}

// ------------------------------------------------------------------ YAML
// The same help in a YAML definition (or a template's Definition block), from its outline
// (./yaml.js): the fields of the mapping at the cursor, the values of a key, and the hover.

const MARK = '\u0001';
const outlines = new WeakMap();
/** The outline of the document (kept while the document is the same). */
function outlineOf(state) {
  let o = outlines.get(state.doc);
  if (!o) {
    o = outline(state.doc.toString());
    outlines.set(state.doc, o);
  }
  return o;
}
const placeOfYaml = (node) => {
  const { path, nodes } = pathOf(node);
  return placeOf(path, (i) => infoOf(nodes[i]));
};
/** A YAML scalar for `s`: plain when it reads back the same, else double-quoted. */
const yamlScalar = (s) =>
  /^[A-Za-z$][\w.:/$*-]*$/.test(s) && !/:$/.test(s) && !['true', 'false', 'null', 'yes', 'no', 'on', 'off'].includes(s.toLowerCase()) ? s : JSON.stringify(s);

/** Completions in a YAML definition. */
function completeYaml(context) {
  const { state, pos } = context;
  const line = state.doc.lineAt(pos);
  const before = line.text.slice(0, pos - line.from);
  const after = line.text.slice(pos - line.from);
  const o = outlineOf(state);
  const here = o.entries.filter((e) => e.line === line.number - 1);
  // A sequence item's scalar: an error name in ErrorEquals.
  const item = /^\s*(?:-\s+)+([\w.]*)$/.exec(before);
  const seq = item && here.findLast((e) => e.index !== undefined)?.node;
  if (seq?.at === 'ErrorEquals') {
    const word = item[1];
    return { from: pos - word.length, options: listedValues('ErrorEquals').map((x) => ({ ...x, apply: yamlScalar(x.label) })), validFor: /^[\w.]*$/ };
  }
  // A key being typed (or a place for one, asked for).
  const km = /^(\s*(?:-\s+)*)([A-Za-z]*)$/.exec(before);
  if (km) {
    const word = km[2];
    if (!word && !context.explicit) return null;
    const from = pos - word.length;
    const col = from - line.from;
    const rest = /^[A-Za-z]*/.exec(after)[0];
    const hasValue = /^[A-Za-z]*\s*:/.test(after);
    const text = state.doc.toString();
    const marked = outline(`${text.slice(0, line.from)}${km[1]}${MARK}:${text.slice(line.to)}`);
    const entry = marked.entries.find((e) => e.key === MARK);
    if (!entry) return null;
    const place = placeOfYaml(entry.node);
    const have = new Set(entry.node.keys.keys());
    const fields = fieldsOf(place).filter((f) => !have.has(f));
    if (!fields.length) return null;
    const pad = ' '.repeat(col + 2);
    return {
      from,
      to: pos + rest.length,
      filter: true,
      options: fields.map((f) => ({
        label: f,
        type: 'property',
        detail: place.kind === 'state' ? `${place.type || 'state'} · ${place.ql}` : place.kind,
        info: FIELD_DOCS[f] ? `${FIELD_DOCS[f][0]} (AWS guide: ${FIELD_DOCS[f][1]})` : undefined,
        apply: (view, _c, a, b) => {
          const tpl = valueTemplate(f, place.ql);
          let insert = f;
          if (!hasValue) {
            if (tpl.text === '{}') insert = `${f}:\n${pad}`;
            else if (tpl.text === '[]') insert = `${f}:\n${pad}- `;
            else if (tpl.text === '""') insert = `${f}: `;
            else insert = `${f}: ${tpl.text}`;
          }
          view.dispatch({ changes: { from: a, to: b, insert }, selection: { anchor: a + insert.length }, userEvent: 'input.complete' });
          if (!hasValue && (tpl.complete || tpl.text === '{}' || tpl.text === '[]')) queueMicrotask(() => startCompletion(view));
        },
      })),
      validFor: /^\w*$/,
    };
  }
  // A value: the entry of the key on this line, the cursor after its colon.
  const entry = here.findLast((e) => e.key !== undefined && pos > e.keyTo && pos >= e.valueFrom - 1);
  if (!entry || entry.value) return null;
  const vfrom = Math.min(entry.valueFrom, pos);
  const typed = state.sliceDoc(vfrom, pos);
  const quote = /^["']/.test(typed) ? typed[0] : '';
  const key = entry.key;
  const open = typed.lastIndexOf('{%');
  if (open >= 0 && typed.indexOf('%}', open) < 0) {
    const m = /\$[\w.]*$/.exec(typed);
    if (!m && !context.explicit) return null;
    const word = m ? m[0] : '';
    return jsonataOptions(word, pos, pos - word.length);
  }
  if (key.endsWith('.$') || /^["']?States\./.test(typed)) return intrinsicOptions(typed, pos);
  const values = listedValues(key, () => stateNamesIn(o));
  if (!values?.length) return null;
  // In a flow sequence ([States.ALL, ...]): the word at the cursor.
  const flow = typed.startsWith('[');
  const from = flow ? pos - /[\w.]*$/.exec(typed)[0].length : vfrom + (quote ? 1 : 0);
  // (What follows the cursor stays: the text typed so far is what is matched.)
  return {
    from,
    to: pos,
    options: values.map((x) => ({ ...x, apply: quote === '"' ? JSON.stringify(x.label).slice(1, -1) : quote ? x.label.replaceAll("'", "''") : yamlScalar(x.label) })),
    filter: true,
    validFor: /^[^"'#]*$/,
  };
}

/** The hover text at a position of a YAML definition, as hoverAt. */
export function hoverAtYaml(state, pos) {
  const o = outlineOf(state);
  const entry = o.entries.find((e) => (e.keyFrom <= pos && pos < e.keyTo) || (e.scalar !== null && e.valueFrom <= pos && pos <= e.valueTo));
  if (!entry) return null;
  if (entry.key !== undefined && pos < entry.keyTo) {
    const doc = FIELD_DOCS[entry.key];
    const place = doc && placeOfYaml(entry.node);
    if (!doc || place.kind === null || place.kind === 'states') return null;
    return { from: entry.keyFrom, to: entry.keyTo, title: entry.key, text: doc[0], page: doc[1] };
  }
  const key = entry.key ?? entry.node.at;
  const h = stringHover(state.sliceDoc(entry.valueFrom, entry.valueTo), pos - entry.valueFrom, key);
  return h && { ...h, from: entry.valueFrom + h.from, to: entry.valueFrom + h.to };
}

const hoverOf = (at) =>
  hoverTooltip((view, pos) => {
    const h = at(view.state, pos);
    if (!h) return null;
    return {
      pos: h.from,
      end: h.to,
      above: true,
      create() {
        const dom = document.createElement('div');
        dom.className = 'cm-asl-doc';
        dom.setAttribute('data-testid', 'hover-doc');
        const title = document.createElement('strong');
        title.textContent = h.title;
        const p = document.createElement('p');
        p.textContent = h.text;
        const page = document.createElement('p');
        page.className = 'cm-asl-doc-page';
        page.textContent = `AWS Step Functions developer guide: ${h.page}`;
        dom.append(title, p, page);
        return { dom };
      },
    };
  });
const hover = hoverOf(hoverAt);
const hoverYaml = hoverOf(hoverAtYaml);

// The completion list, its notes, the hover docs: colours from the page's variables (both themes).
const theme = EditorView.theme({
  '.cm-tooltip.cm-tooltip-autocomplete > ul': { fontFamily: 'var(--mono)' },
  '.cm-tooltip.cm-tooltip-autocomplete > ul > li[aria-selected]': { backgroundColor: 'var(--selection)', color: 'var(--fg)' },
  '.cm-completionDetail': { color: 'var(--fg-muted)', fontStyle: 'normal', marginLeft: '1em' },
  '.cm-completionMatchedText': { textDecoration: 'none', fontWeight: '700' },
  '.cm-tooltip.cm-completionInfo': { maxWidth: '360px', padding: '6px 10px', fontSize: '12px', lineHeight: '1.45' },
  '.cm-asl-doc': { maxWidth: '420px', padding: '6px 10px', fontSize: '12px', lineHeight: '1.45' },
  '.cm-asl-doc strong': { fontFamily: 'var(--mono)' },
  '.cm-asl-doc p': { margin: '4px 0 0' },
  '.cm-asl-doc .cm-asl-doc-page': { color: 'var(--fg-muted)' },
});

/** Is the cursor inside a string begun on its line (an odd number of unescaped double quotes before it)? */
export function inString(state) {
  const head = state.selection.main.head;
  const line = state.doc.lineAt(head);
  return (line.text.slice(0, head - line.from).match(/(?<!\\)(?:\\\\)*"/g) || []).length % 2 === 1;
}

/** The extensions of the editors' help: 'definition' (JSON) gets completion and hover, every editor closed brackets. */
export function assistFor(which, syntax) {
  const base = [closeBrackets(), keymap.of(closeBracketsKeymap)];
  if (which !== 'definition') return base;
  const yaml = syntax === 'yaml';
  return [
    ...base,
    autocompletion({ override: [yaml ? completeYaml : complete], icons: false, activateOnTyping: true }),
    keymap.of(completionKeymap),
    yaml ? hoverYaml : hover,
    theme,
  ];
}
