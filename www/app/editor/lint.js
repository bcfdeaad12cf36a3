// The editors' diagnostics beyond what the engine says, loaded when first needed (work.js):
// quick fixes on the engine's diagnostics of a JSON definition (./fixes.js), and the mocks
// checked as the engine would read them (../model/mockcheck.js), placed in the text.
import { fixFor } from './fixes.js';
import { locateJson, escapeToken } from '../model/jsontext.js';
import { mockProblems, strayNames } from '../model/mockcheck.js';
import { parsedOrNull } from '../lib/format.js';

/**
 * "Did you mean" on the engine's diagnostics `diags` of the JSON definition `text`: each
 * CodeMirror diagnostic of `out` (placed from `diags`, in order) with a fix gets an action that
 * rewrites the key or the value at its place, as one edit that undo takes back. Returns
 * `diags` with the question added to their messages (for the list of problems).
 */
export function withFixes(text, diags, out) {
  const def = parsedOrNull(text);
  if (!def) return diags;
  return diags.map((d, i) => {
    const fix = fixFor(def, d);
    if (!fix) return d;
    const ask = ` Did you mean ${fix.insert.replaceAll('"', "'")}?`;
    out[i].message += ask;
    out[i].actions = [
      {
        name: fix.label,
        apply: (view) => {
          let s;
          try {
            s = locateJson(view.state.doc.toString()).get(fix.pointer);
          } catch {
            return; // (no longer JSON)
          }
          const [from, to] = fix.part === 'key' ? [s?.keyFrom, s?.keyTo] : [s?.from, s?.to];
          if (from === undefined) return;
          view.dispatch({ changes: { from, to, insert: fix.insert }, userEvent: 'input.fix' });
        },
      },
    ];
    return { ...d, message: d.message + ask };
  });
}

/**
 * The mocks' problems beyond JSON syntax as CodeMirror diagnostics: what the engine would
 * refuse (in its words, at the place), and mocks named after no Task state (a warning, with
 * "did you mean" as a quick fix that renames the key). `states`: [{name, type}] of the
 * definition, or null when it is not known.
 */
export function mockDiagnostics(text, states) {
  const mocks = parsedOrNull(text);
  if (mocks === null && text.trim() !== 'null') return [];
  const spans = locateJson(text);
  const out = [];
  for (const p of mockProblems(mocks)) {
    const s = spans.get(p.pointer) || spans.get('');
    const onKey = p.at === 'key' && s.keyFrom !== undefined;
    out.push({
      from: onKey ? s.keyFrom : s.from,
      to: onKey ? s.keyTo : Math.min(s.to, s.from + 2000),
      severity: 'error',
      message: `${p.message}${p.pointer ? ` (at ${p.pointer})` : ''}`,
    });
  }
  if (!states) return out;
  for (const stray of strayNames(mocks, states)) {
    const s = spans.get(`/${escapeToken(stray.name)}`);
    if (!s) continue;
    const d = { from: s.keyFrom, to: s.keyTo, severity: 'warning', message: stray.message };
    if (stray.suggestion)
      d.actions = [
        {
          name: `Rename to '${stray.suggestion}'`,
          apply: (view, from, to) => view.dispatch({ changes: { from, to, insert: JSON.stringify(stray.suggestion) }, userEvent: 'input.fix' }),
        },
      ];
    out.push(d);
  }
  return out;
}

/** What the engine would refuse in a mocks text (JSON): [{line, column, message}]. */
export function mockErrors(text, states) {
  const out = [];
  for (const d of mockDiagnostics(text, states)) {
    if (d.severity !== 'error') continue;
    const before = text.slice(0, d.from).split('\n');
    out.push({ line: before.length, column: before.at(-1).length + 1, message: d.message });
  }
  return out;
}
