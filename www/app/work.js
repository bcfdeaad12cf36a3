// The work: the definition, input and mocks texts and the run settings (state.js: work). Loading
// it into the editors (workspaces.js decides which workspace), the example gallery's files,
// sharing it in a link, the definition as parsed, each editor's diagnostics, and what a run was
// not given (an input, Task mocks: derived by the engine and marked as generated, see
// model/generated.js). Work the page trusts (an example, the page API's load, a session saved
// before consent was bound to the code) has its JS functions approved (consent.js); a link's
// or a file's wait for the user's consent.
import { encodeWork, exampleHash, fmtBytes, LinkError, LONG_URL_CHARS, MAX_URL_CHARS } from './lib/share.js';
import { offsetOf, jsonParseLinter } from './lib/editor.js';
import { parsedOrNull } from './lib/format.js';
import { allStates, stateTypesOf } from './model/asl.js';
import { functionsIn, withMocks } from './model/mocks.js';
import { NO_GENERATED, generatedOf, hashText, canonical, plan, recordAfter } from './model/generated.js';
import { SPEEDS, DEFAULT_SETTINGS, workOf, withWork, toast } from './state.js';

export const EMPTY_DEFINITION = '{\n  "StartAt": "Hello",\n  "States": {\n    "Hello": { "Type": "Pass", "End": true }\n  }\n}\n';

// As the editors hold it: a value as JSON text, and one kind of line end.
export const asText = (v, fallback) => (v === undefined || v === null ? fallback : typeof v === 'string' ? v : JSON.stringify(v, null, 2)).replace(/\r\n?/g, '\n');

/** How the source bar's settings start: the machine picked, the substitutions set, the DefinitionUri files given. */
export const NO_SOURCE = Object.freeze({ machine: null, overrides: Object.freeze({}), files: Object.freeze({}) });

/**
 * A plain JSON definition, checked and run as it is (by the core engine); anything else (YAML,
 * a template, ${Name} placeholders) is read by loadSource on the full engine. (The CLI tells
 * them apart the same way.)
 */
export function isPlainDefinition(text) {
  const t = text.trimStart();
  return (t === '' || t.startsWith('{') || t.startsWith('[')) && !text.includes('${') && !text.includes('"Resources"') && !text.includes('"stepFunctions"');
}

/**
 * The mocks' text with `entries` ({State: mock}) set: new states are added at the end of the
 * text as the user wrote it; states replaced (`replacing`), or a text that is not an object,
 * write the whole object again (the user's mocks kept value for value).
 */
function mocksText(text, parsed, entries, replacing) {
  const indent = (json) => json.replace(/\n/g, '\n  ');
  const close = text.lastIndexOf('}');
  const isObject = parsed && typeof parsed === 'object' && !Array.isArray(parsed);
  if (!replacing && isObject && close >= 0 && Object.keys(parsed).length > 0) {
    const head = text.slice(0, close).replace(/\s*$/, '');
    const added = Object.entries(entries).map(([k, v]) => `,\n  ${JSON.stringify(k)}: ${indent(JSON.stringify(v, null, 2))}`);
    return `${head}${added.join('')}\n${text.slice(close)}`;
  }
  return `${JSON.stringify(withMocks(isObject ? parsed : {}, entries), null, 2)}\n`;
}

/** The source bar's settings of a loaded work, checked: only strings are kept. */
function sourceSettings(given) {
  if (!given || typeof given !== 'object') return NO_SOURCE;
  const strings = (o) => Object.fromEntries(Object.entries(o && typeof o === 'object' ? o : {}).filter(([, v]) => typeof v === 'string'));
  return { machine: typeof given.machine === 'string' ? given.machine : null, overrides: strings(given.overrides), files: strings(given.files) };
}

/** The work's other machines: {Name: text}. */
const machinesOf = (m) => Object.fromEntries(Object.entries(m && typeof m === 'object' && !Array.isArray(m) ? m : {}).map(([k, v]) => [k, asText(v, '')]));
/** Their types: {Name: 'EXPRESS'} (STANDARD is not listed). */
const machineTypesOf = (t, machines) => Object.fromEntries(Object.entries(t && typeof t === 'object' ? t : {}).filter(([k, v]) => v === 'EXPRESS' && Object.hasOwn(machines, k)));

/**
 * stopRun(): stops the run that goes, before other work replaces it (run.js); consent:
 * consent.js (the JS functions of trusted work are approved).
 */
export function createWork({ store, engine, stopRun, consent }) {
  let defTimer = null;

  /** An edit of one of the work's texts (typed, or written by a tool): the link no longer holds it. */
  function setText(which, text) {
    if (store.get().work[which] === text) return;
    store.update((s) => withWork(s, { [which]: text }));
    if (location.hash) history.replaceState(null, '', location.pathname + location.search);
    if (which === 'definition') {
      clearTimeout(defTimer);
      defTimer = setTimeout(() => {
        defTimer = null;
        parseDefinition(text);
      }, 200);
    }
  }

  // ---------------------------------------------------------------- sources (YAML, templates)

  let resolving = null; // {key, promise}: the last loadSource asked for

  /** loadSource of `text` with the work's source settings (asked once for the same ones). */
  function resolve(text) {
    const { overrides, files } = store.get().work.source;
    const key = JSON.stringify([text, overrides, files]);
    if (resolving?.key !== key) resolving = { key, promise: engine.loadSource(text, { overrides, files }) };
    return resolving.promise;
  }

  /** The machine of a loadSource report the work picked (or the first). */
  function pickedMachine(report) {
    if (!report.ok) return null;
    const want = store.get().work.source.machine;
    return report.machines.find((m) => m.name === want) || report.machines[0];
  }

  /**
   * The diagnostics of a report's picked machine, or why it did not read, at their line and
   * column: in the editor's text, or (with `file`, its uri) in the DefinitionUri file the
   * user pasted in the source bar.
   */
  function sourceDiagnostics(report) {
    const m = pickedMachine(report);
    if (!m) return report.diagnostics;
    if (m.file) return m.diagnostics.map((d) => ({ ...d, file: m.file }));
    return m.diagnostics;
  }

  /** Where a diagnostic is, for a message: "line 3, column 5" or "flow.asl.yaml, line 3, column 5". */
  const placeOf = (d) => `${d.file ? `${d.file}, line` : 'line'} ${d.line}, column ${d.column}`;

  /**
   * Show a report of the definition's text (still the editor's): the source bar, and the
   * resolved definition for the graph, the run and the mocks; returns the picked machine.
   */
  function applySource(text, report) {
    if (store.get().work.definition !== text) return null;
    const m = pickedMachine(report);
    const source = report.ok
      ? {
          ok: true,
          label: report.label,
          names: report.machines.map((x) => x.name),
          machine: m.name,
          type: m.type,
          substitutions: m.substitutions,
          definitionUri: m.definitionUri,
          needsFile: m.needsFile,
        }
      : { ok: false, label: null, names: [], machine: null, substitutions: [], definitionUri: null, needsFile: false };
    const diags = sourceDiagnostics(report);
    source.problem = diags[0] || null;
    // The DefinitionUri file's own problems, which the source bar marks in that file's text.
    source.file = m?.file || null;
    source.fileDiagnostics = diags.filter((d) => d.file);
    let parsed = null;
    try {
      parsed = m?.definition ? JSON.parse(m.definition) : null;
    } catch {
      parsed = null;
    }
    store.update((s) => {
      if (!parsed) return { source, definition: { ...s.definition, invalid: true } };
      if (s.definition.text === m.definition) return { source, definition: s.definition.invalid ? { ...s.definition, invalid: false } : s.definition };
      return { source, definition: { text: m.definition, parsed, stateTypes: stateTypesOf(parsed), invalid: false } };
    });
    return m;
  }

  /** Resolve the definition's text and show it (a text that is not plain JSON). */
  function resolveAndShow(text) {
    resolve(text).then(
      (report) => applySource(text, report),
      (e) => {
        if (store.get().work.definition !== text) return;
        const problem = { line: 1, column: 1, message: `the source could not be read: ${e.message}` };
        store.update((s) => ({
          source: { ok: false, label: null, names: [], machine: null, substitutions: [], definitionUri: null, needsFile: false, problem },
          definition: { ...s.definition, invalid: true },
        }));
      },
    );
  }

  /** A change of the source bar's settings (the machine picked, a substitution, a DefinitionUri file): kept with the work, resolved again. */
  function setSource(patch) {
    store.update((s) => withWork(s, { source: { ...s.work.source, ...patch } }));
    if (location.hash) history.replaceState(null, '', location.pathname + location.search);
    const text = store.get().work.definition;
    if (!isPlainDefinition(text)) resolveAndShow(text);
  }

  /**
   * What a run runs: {text, type} of the definition (resolved when it is not plain JSON), or a
   * thrown Error whose message says what is wrong and where.
   */
  async function runnable() {
    const { definition: text, settings } = store.get().work;
    // The type a template gives its machine wins over the page's selector.
    if (isPlainDefinition(text)) return { text, type: settings.type };
    const report = await resolve(text);
    const m = applySource(text, report);
    const diags = sourceDiagnostics(report);
    if (m?.needsFile)
      throw Object.assign(new Error(`the state machine ${m.name} is in the file ${m.definitionUri} (DefinitionUri): paste that file's text in the source bar`), {
        diagnostics: diags,
      });
    if (diags.length) {
      const d = diags[0];
      throw Object.assign(new Error(`the definition has ${diags.length} error${diags.length > 1 ? 's' : ''}; ${placeOf(d)}: ${d.message}`), {
        diagnostics: diags,
      });
    }
    if (!m) throw new Error('the definition could not be read');
    return { text: m.definition, type: m.type || settings.type };
  }

  /** The definition's text parsed, for the graph and the run's notes; the last valid one stays. */
  function parseDefinition(text) {
    if (!isPlainDefinition(text)) {
      resolveAndShow(text);
      return;
    }
    if (store.get().source) store.update({ source: null });
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch {
      store.update((s) => ({ definition: { ...s.definition, invalid: true } }));
      return;
    }
    store.update((s) => {
      if (text === s.definition.text) return { definition: s.definition.invalid ? { ...s.definition, invalid: false } : s.definition };
      return { definition: { text, parsed, stateTypes: stateTypesOf(parsed), invalid: false } };
    });
  }

  /**
   * Put a work in the editors: {definition, input, mocks (JSON text or values), settings,
   * source, generated}. Into the tab's workspace (the page's API, a dropped definition), each
   * editor takes it as one step of its undo history, which Ctrl-Z takes back. With `workspace`
   * (the metadata of the workspace it is), the tab switches to that workspace: the editors show
   * its texts with its own undo history, and the settings the work does not give are a new
   * work's. fromExample: a gallery example (its input goes with its definition). trusted: the
   * work's JS functions count as approved (an example, the page API's load), not asked for.
   */
  function loadWork(work, { trusted = true, exampleId = null, fromExample = false, workspace = undefined } = {}) {
    stopRun();
    clearTimeout(defTimer);
    const texts = {
      definition: asText(work.definition, EMPTY_DEFINITION),
      input: asText(work.input, '{}'),
      mocks: asText(work.mocks, '{}'),
    };
    const s = store.get();
    const settings = { ...(workspace ? DEFAULT_SETTINGS : s.work.settings) };
    const given = work.settings;
    if (given) {
      if (given.speed !== undefined && SPEEDS.includes(String(given.speed))) settings.speed = String(given.speed);
      if (Number.isFinite(Number(given.seed))) settings.seed = Number(given.seed);
      settings.sequential = given.sequential === true;
      settings.type = given.type === 'EXPRESS' ? 'EXPRESS' : 'STANDARD';
    }
    // An example's input goes with its definition: once that is replaced, a run derives one.
    let generated = generatedOf(work.generated);
    if (fromExample) {
      let value = null;
      try {
        value = canonical(JSON.parse(texts.input));
      } catch {}
      generated = { ...NO_GENERATED, input: value ? { hash: value, from: 'example', for: hashText(texts.definition) } : null };
    }
    const machines = machinesOf(work.machines);
    store.update({
      work: { ...texts, settings, source: sourceSettings(work.source), generated, machines, machineTypes: machineTypesOf(work.machineTypes, machines) },
      machineTab: null,
      ...(workspace ? { workspace } : {}),
      exampleId,
      consent: null,
      // A link that holds a replay position shows the run at that instant once it has run.
      pendingPlayhead: Number.isFinite(given?.playhead) ? given.playhead : null,
      playhead: null,
      selection: { name: null, pick: 0, lane: null, startMs: null, kind: 'state' },
      run: null,
    });
    if (trusted) consent?.approve(Object.values(functionsIn(parsedOrNull(texts.mocks))));
    if (location.hash) history.replaceState(null, '', location.pathname + location.search);
    parseDefinition(texts.definition);
  }

  /**
   * A link to the work: {url, kind: 'example' (a short link to an unchanged gallery example) |
   * 'work'}. Throws a LinkError 'too-big' when the work is too big for a link any browser opens.
   */
  async function makeLink() {
    const s = store.get();
    const w = workOf(s);
    const base = `${location.origin}${location.pathname}`;
    if (s.exampleId && (await unchangedExample(s))) return { url: base + exampleHash(s.exampleId, w.settings), kind: 'example' };
    const code = await encodeWork(w);
    const url = `${base}#w=${code}`;
    if (url.length > MAX_URL_CHARS)
      throw new LinkError('too-big', `the link would be ${fmtBytes(url.length)} long, and browsers open links of at most ${fmtBytes(MAX_URL_CHARS)} (Chromium)`);
    return { url, kind: 'work' };
  }

  /**
   * Put the work in a link, in the address bar and the clipboard: {url, copied, kind, long}
   * (long: chat apps, mail and some browsers may cut it). Throws a LinkError 'too-big'.
   */
  async function shareLink() {
    const { url, kind } = await makeLink();
    history.replaceState(null, '', new URL(url).hash);
    let copied = false;
    try {
      await navigator.clipboard.writeText(url);
      copied = true;
    } catch {
      /* no clipboard permission: the address bar has the link */
    }
    return { url, copied, kind, long: url.length > LONG_URL_CHARS };
  }

  // ---------------------------------------------------------------- examples

  async function fetchText(url) {
    const r = await fetch(url);
    if (!r.ok) throw new Error(`cannot load ${url}: HTTP ${r.status}`);
    return r.text();
  }

  const exampleTexts = new Map(); // id → the promise of its [definition, input, mocks] texts

  /** A gallery example's [definition, input, mocks] texts (fetched once). */
  function exampleFiles(id) {
    if (!exampleTexts.has(id)) {
      const p = Promise.all(['definition', 'input', 'mocks'].map((f) => fetchText(`examples/${encodeURIComponent(id)}/${f}.json`)));
      exampleTexts.set(id, p);
      p.catch(() => exampleTexts.delete(id));
    }
    return exampleTexts.get(id);
  }

  async function loadExamples() {
    store.update({ examples: JSON.parse(await fetchText('examples/index.json')) });
  }

  // A work opened from an example is no longer that example once its definition's Comment is
  // not the example's (the user put a definition of their own in): the example's summary goes,
  // and the workspace's name follows the definition (workspaces.js).
  async function checkExample() {
    const { definition, exampleId: id } = store.get();
    const parsed = definition.parsed;
    if (!id || !parsed || definition.invalid) return;
    let comment;
    try {
      comment = JSON.parse((await exampleFiles(id))[0]).Comment;
    } catch {
      return; // the example's files did not load: nothing to tell
    }
    const s = store.get();
    if (s.exampleId === id && s.definition.parsed === parsed && !s.definition.invalid && parsed.Comment !== comment) store.update({ exampleId: null });
  }
  store.subscribe((s) => [s.definition.parsed, s.exampleId], checkExample);

  // A definition changed, the mocks not: were they another workflow's (replaced.js)? A run waits for it.
  let before = null;
  let replacing = null;
  store.subscribe(
    (s) => [s.definition.parsed, s.work.mocks],
    ([parsed, mocks], _, s) => {
      const last = before;
      if (!parsed || s.definition.invalid) return;
      before = { parsed, mocks, example: s.exampleId };
      if (last?.mocks !== mocks || last.parsed === parsed) return;
      const done = import('./replaced.js')
        .then((m) => m.replaced({ store, setTexts, complete, exampleFiles, last, parsed }))
        .catch((e) => toast(store, e.message, true))
        .finally(() => {
          if (replacing === done) replacing = null;
        });
      replacing = done;
    },
  );

  /** The edits so far taken in: a definition typed in the last 200 ms parsed now, and whether it is still the example's. */
  async function settle() {
    if (defTimer !== null) {
      clearTimeout(defTimer);
      defTimer = null;
      parseDefinition(store.get().work.definition);
    }
    await checkExample();
  }

  /** Does the work hold the example it was opened from, unchanged (texts and source bar)? */
  async function unchangedExample(s) {
    if (Object.keys(s.work.machines).length || s.work.source.machine !== null || Object.keys(s.work.source.overrides).length || Object.keys(s.work.source.files).length)
      return false;
    try {
      const [definition, input, mocks] = await exampleFiles(s.exampleId);
      return s.work.definition === asText(definition, '') && s.work.input === asText(input, '') && s.work.mocks === asText(mocks, '');
    } catch {
      return false;
    }
  }

  // ---------------------------------------------------------------- mocks tools

  /** The work's texts changed by a tool (not typed): one update, and the link no longer holds them. */
  function setTexts(patch) {
    store.update((s) => withWork(s, patch));
    if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  }

  /**
   * What a run was not given, derived by the engine from the definition (`parsed`, whose text
   * is `text`: the resolved one for a source) and written into the editors, marked as
   * generated (model/generated.js says what counts as not given). wantInput: false leaves the
   * input alone (the "Fill in" button). Resolves to {input: bool, mocks: [names]}: what was
   * written. Rejects when the engine could not derive; the texts are then left as they were.
   */
  async function complete({ parsed, text, wantInput = true, skip = [] }) {
    const before = store.get().work;
    const mocks = parsedOrNull(before.mocks);
    const hash = hashText(text);
    const ask = { definition: parsed, hash, inputText: before.input, mocks, wantInput, skip };
    const p = plan(before.generated, ask);
    if (!p.needed) {
      // Nothing to derive; the record forgets what the user edited since (it is theirs).
      const pruned = recordAfter(before.generated, p, { mocks: {} }, ask);
      if (JSON.stringify(pruned) !== JSON.stringify(before.generated)) store.update((s) => withWork(s, { generated: pruned }));
      return { input: false, mocks: [] };
    }
    const derived = await engine.derive(text, { input: p.input, mocked: p.mocked });
    const now = store.get().work;
    // Typed into meanwhile: the user's text wins, and the next run derives again.
    if (now.input !== before.input || now.mocks !== before.mocks) return { input: false, mocks: [] };
    const patch = { generated: recordAfter(before.generated, p, derived, ask) };
    const names = Object.keys(derived.mocks || {});
    if (names.length) patch.mocks = mocksText(before.mocks, mocks, derived.mocks, p.regenerate.length > 0);
    if (p.input && derived.input !== undefined) patch.input = `${JSON.stringify(derived.input, null, 2)}\n`;
    setTexts(patch);
    return { input: !!patch.input, mocks: names };
  }

  /** Mocks for the Task states that have none, derived from the definition and written into the mocks; resolves to their names. */
  async function fillMocks() {
    const s = store.get();
    const def = s.definition.parsed;
    if (!def || !parsedOrNull(s.work.mocks)) {
      toast(store, 'Fix the JSON of the definition and the mocks first.', true);
      return [];
    }
    let added;
    try {
      ({ mocks: added } = await complete({ parsed: def, text: s.definition.text, wantInput: false }));
    } catch (e) {
      toast(store, `statelab could not derive the mocks: ${e.message}`, true);
      return [];
    }
    if (added.length) toast(store, `Generated mocks for ${added.join(', ')} from the definition: edit them to make them yours.`);
    return added;
  }

  /** The work holds a replay position and no code that waits for consent: run it to show it. */
  const wantsReplay = () => store.get().pendingPlayhead !== null && Object.keys(functionsIn(parsedOrNull(store.get().work.mocks))).length === 0;

  // ---------------------------------------------------------------- diagnostics

  function tokenEnd(doc, from) {
    const text = doc.sliceString(from, Math.min(doc.length, from + 400));
    if (text[0] === '"') {
      for (let i = 1; i < text.length; i++) {
        if (text[i] === '\\') i++;
        else if (text[i] === '"') return from + i + 1;
      }
    }
    const m = /^[\w.+-]+/.exec(text);
    return from + (m ? m[0].length : 1);
  }

  const setDiagnostics = (which, list) => store.update((s) => ({ diagnostics: { ...s.diagnostics, [which]: list } }));

  /** The definition editor's linter: the engine's diagnostics, placed in the text. */
  async function lintDefinition(view) {
    const text = view.state.doc.toString();
    let diags;
    if (!isPlainDefinition(text)) {
      try {
        const report = await resolve(text);
        if (view.state.doc.toString() !== text) return [];
        applySource(text, report);
        diags = sourceDiagnostics(report);
      } catch (e) {
        diags = [{ line: 1, column: 1, message: `the source could not be read: ${e.message}`, location: '' }];
      }
      setDiagnostics('definition', diags);
      // (A DefinitionUri file's problems are marked in the source bar, in that file's text.)
      return placed(
        view,
        diags.filter((d) => !d.file),
      );
    }
    try {
      // Once more if the worker was restarted (a stopped runaway run) while this was pending.
      diags = await engine.validate(text, {}).catch(() => engine.validate(text, {}));
    } catch (e) {
      setDiagnostics('definition', [{ line: 1, column: 1, message: `validator unavailable: ${e.message}`, location: '' }]);
      return [];
    }
    if (view.state.doc.toString() !== text) return []; // stale: a newer lint follows
    setDiagnostics('definition', diags);
    const out = placed(view, diags);
    // "Did you mean" on a field or a state name (editor/lint.js), in the list too.
    if (diags.length && text.trimStart().startsWith('{')) {
      const said = (await import('./editor/lint.js')).withFixes(text, diags, out);
      if (view.state.doc.toString() === text) setDiagnostics('definition', said);
    }
    return out;
  }

  /** The engine's diagnostics as CodeMirror's, placed in the text. */
  function placed(view, diags) {
    return diags.map((d) => {
      const from = offsetOf(view.state.doc, d.line, d.column);
      return {
        from,
        to: Math.min(tokenEnd(view.state.doc, from), view.state.doc.length),
        severity: 'error',
        message: `${d.message}${d.location && d.location !== '/' ? ` (at ${d.location})` : ''}`,
        source: d.code,
      };
    });
  }

  // (editor/lint.js, loaded when first needed: the quick fixes, the mocks' check.)
  const stateList = () => {
    const parsed = store.get().definition.parsed;
    return parsed ? allStates(parsed).map((s) => ({ name: s.name, type: s.state?.Type })) : null;
  };
  const mockDiagnostics = async (text) => (await import('./editor/lint.js')).mockDiagnostics(text, stateList());
  /** What the engine would refuse in a mocks text (JSON): [{line, column, message}]. */
  const mockErrors = async (text) => (await import('./editor/lint.js')).mockErrors(text, stateList());

  /** The input's and the mocks' linter: JSON syntax, and for the mocks, what the engine would refuse and stray names. */
  function jsonLinter(which) {
    const base = jsonParseLinter();
    return async (view) => {
      const text = view.state.doc.toString();
      let out = base(view);
      // (The check is loaded once the mocks are shown or a run has ended: the first result
      // does not wait for it. editors.js lints them again then.)
      if (which === 'mocks' && out.length === 0 && (store.get().editorTab === 'mocks' || store.get().runsEnded > 0)) {
        out = await mockDiagnostics(text);
        if (view.state.doc.toString() !== text) return []; // stale: a newer lint follows
      }
      setDiagnostics(
        which,
        out.map((d) => {
          const line = view.state.doc.lineAt(d.from);
          return { line: line.number, column: d.from - line.from + 1, message: d.message, location: '', severity: d.severity };
        }),
      );
      return out;
    };
  }

  const linters = { definition: lintDefinition, input: jsonLinter('input'), mocks: jsonLinter('mocks') };

  return {
    setText,
    setSource,
    runnable,
    loadWork,
    settle,
    loadExamples,
    exampleFiles,
    wantsReplay,
    replacing: () => replacing,
    makeLink,
    shareLink,
    fillMocks,
    complete,
    linters,
    mockErrors,
  };
}
