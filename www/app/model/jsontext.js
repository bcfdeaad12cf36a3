// JSON text as the editors hold it (no DOM): where each value is, by JSON Pointer, and a
// pretty-printer that changes only the space between tokens, so it keeps the text's key order, numbers and string escapes (JSON.parse
// would move keys such as "0" and "1-2" first and rewrite 1.0 as 1).

/** The JSON Pointer token of a key (RFC 6901). */
export const escapeToken = (k) => k.replaceAll('~', '~0').replaceAll('/', '~1');

/** A JSON Pointer's tokens. */
export const pointerTokens = (p) =>
  p === ''
    ? []
    : p
        .slice(1)
        .split('/')
        .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));

/**
 * The tokens of a JSON text: [{type, from, to}], type one of `{ } [ ] : ,`, 'string',
 * 'literal' (numbers, true, false, null). Throws a SyntaxError at a character JSON has not.
 */
function tokens(text) {
  const out = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if ('{}[]:,'.includes(c)) {
      out.push({ type: c, from: i, to: ++i });
    } else if (c === '"') {
      const from = i++;
      while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      if (i >= n) throw new SyntaxError(`unterminated string at offset ${from}`);
      out.push({ type: 'string', from, to: ++i });
    } else {
      const m = /^[-+\w.]+/.exec(text.slice(i, i + 400));
      if (!m) throw new SyntaxError(`unexpected '${c}' at offset ${i}`);
      out.push({ type: 'literal', from: i, to: i + m[0].length });
      i += m[0].length;
    }
  }
  return out;
}

/**
 * Where each value of a JSON text is: a Map from JSON Pointer to {from, to, keyFrom?, keyTo?}
 * (offsets of the value, and of its key's quoted text for an object member). The text must be
 * JSON (JSON.parse it first); a duplicate key's last member wins, as it does in JSON.parse.
 */
export function locateJson(text) {
  const toks = tokens(text);
  const spans = new Map();
  let k = 0;
  const value = (pointer, key) => {
    const t = toks[k++];
    const here = { from: t.from, to: t.to, ...key };
    spans.set(pointer, here);
    if (t.type === '{') {
      if (toks[k].type === '}') k++;
      else
        for (;;) {
          const kt = toks[k++];
          const name = JSON.parse(text.slice(kt.from, kt.to));
          k++; // :
          value(`${pointer}/${escapeToken(name)}`, { keyFrom: kt.from, keyTo: kt.to });
          if (toks[k++].type === '}') break;
        }
      here.to = toks[k - 1].to;
    } else if (t.type === '[') {
      let i = 0;
      if (toks[k].type === ']') k++;
      else
        for (;;) {
          value(`${pointer}/${i++}`);
          if (toks[k++].type === ']') break;
        }
      here.to = toks[k - 1].to;
    }
  };
  if (toks.length) value('');
  return spans;
}

/**
 * What pretty-printing puts between the tokens of a JSON text: [{from, to, insert}], the
 * space before each token and after the last (two spaces of indent, one member or item a
 * line, `{}` and `[]` when empty). Only the space between tokens changes: keys stay in the
 * text's order, strings and numbers as written. A JSON syntax error throws (a SyntaxError
 * from JSON.parse).
 */
function layout(text) {
  JSON.parse(text); // the reason, if it is not JSON
  const toks = tokens(text);
  const gaps = [];
  let depth = 0;
  let prev = null;
  const nl = () => `\n${'  '.repeat(depth)}`;
  for (const t of toks) {
    let insert = '';
    const empty = prev && ((prev.type === '{' && t.type === '}') || (prev.type === '[' && t.type === ']'));
    if (t.type === '}' || t.type === ']') {
      depth--;
      if (!empty) insert = nl();
    } else if (prev && (prev.type === '{' || prev.type === '[' || prev.type === ',')) insert = nl();
    else if (prev?.type === ':') insert = ' ';
    gaps.push({ from: prev ? prev.to : 0, to: t.from, insert });
    if (t.type === '{' || t.type === '[') depth++;
    prev = t;
  }
  gaps.push({ from: prev ? prev.to : 0, to: text.length, insert: '\n' });
  return gaps;
}

/** The JSON text pretty-printed (see layout). Throws a SyntaxError on what is not JSON. */
export function formatJson(text) {
  return rebuild(text, layout(text));
}

function rebuild(text, gaps) {
  let out = '';
  let at = 0;
  for (const g of gaps) {
    out += text.slice(at, g.from) + g.insert;
    at = g.to;
  }
  return out + text.slice(at);
}

/**
 * The edits that pretty-print a JSON text: [{from, to, insert}] for the spaces that differ
 * (none when it is formatted already), so that the tokens themselves are not touched (an
 * editor keeps its marks on them). Throws a SyntaxError on what is not JSON.
 */
export function formatChanges(text) {
  return layout(text).filter((g) => text.slice(g.from, g.to) !== g.insert);
}
