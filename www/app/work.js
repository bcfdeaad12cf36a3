// The work: the definition, input and mocks texts and the run settings (state.js: work). Loading
// it (a saved session, a shared link, the example gallery), saving it to localStorage,
// sharing it in a link, the definition as parsed, each editor's diagnostics, and the mocks'
// tools (defaults for missing mocks, the consent JS functions from a link wait for).
import { encodeWork, decodeWork } from './lib/share.js';
import { offsetOf, jsonParseLinter } from './lib/editor.js';
import { parsedOrNull } from './lib/format.js';
import { allStates, stateTypesOf } from './model/asl.js';
import { fillMissing, functionsIn } from './model/mocks.js';
import { SPEEDS, workOf, withWork, toast } from './state.js';

const SAVE_KEY = 'statelab.work.v1';
const EMPTY_DEFINITION = '{\n  "StartAt": "Hello",\n  "States": {\n    "Hello": { "Type": "Pass", "End": true }\n  }\n}\n';

// As the editors hold it: a value as JSON text, and one kind of line end.
const asText = (v, fallback) => (v === undefined || v === null ? fallback : typeof v === 'string' ? v : JSON.stringify(v, null, 2)).replace(/\r\n?/g, '\n');

/** The JS functions of mocks text that wait for consent, or null. */
function consentFor(trusted, mocksText) {
  const states = Object.keys(functionsIn(parsedOrNull(mocksText)));
  return trusted || states.length === 0 ? null : { states };
}

/** The work saved by the last visit, if any: {definition, input, mocks, settings, trusted, exampleId}. */
export function savedWork() {
  const saved = parsedOrNull(localStorage.getItem(SAVE_KEY) || 'null');
  return saved && typeof saved.definition === 'string' ? saved : null;
}

/** stopRun(): stops the run that goes, before other work replaces it (run.js). */
export function createWork({ store, engine, stopRun }) {
  let defTimer = null;
  let saveTimer = null;

  /** An edit of one of the work's texts (typed, or written by a tool): the link no longer holds it. */
  function setText(which, text) {
    if (store.get().work[which] === text) return;
    store.update((s) => withWork(s, { [which]: text }));
    if (location.hash) history.replaceState(null, '', location.pathname + location.search);
    if (which === 'definition') {
      clearTimeout(defTimer);
      defTimer = setTimeout(() => parseDefinition(text), 200);
    }
  }

  /** The definition's text parsed, for the graph and the run's notes; the last valid one stays. */
  function parseDefinition(text) {
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

  function loadWork(work, { trusted = true, exampleId = null } = {}) {
    stopRun();
    clearTimeout(defTimer);
    const texts = {
      definition: asText(work.definition, EMPTY_DEFINITION),
      input: asText(work.input, '{}'),
      mocks: asText(work.mocks, '{}'),
    };
    const s = store.get();
    const settings = { ...s.work.settings };
    const given = work.settings;
    if (given) {
      if (given.speed !== undefined && SPEEDS.includes(String(given.speed))) settings.speed = String(given.speed);
      if (Number.isFinite(Number(given.seed))) settings.seed = Number(given.seed);
      settings.sequential = given.sequential === true;
    }
    store.update({
      work: { ...texts, settings },
      trusted,
      exampleId,
      consent: consentFor(trusted, texts.mocks),
      // A link that holds a replay position shows the run at that instant once it has run.
      pendingPlayhead: Number.isFinite(given?.playhead) ? given.playhead : null,
      playhead: null,
      selection: { name: null, pick: 0, lane: null, startMs: null, kind: 'state' },
      run: null,
    });
    if (location.hash) history.replaceState(null, '', location.pathname + location.search);
    parseDefinition(texts.definition);
  }

  // Saved 300 ms after the last change (not at the start: nothing was loaded yet).
  store.subscribe(
    (s) => [s.work, s.trusted, s.exampleId],
    (_, before) => {
      if (!before) return;
      clearTimeout(saveTimer);
      saveTimer = setTimeout(() => {
        const s = store.get();
        try {
          localStorage.setItem(SAVE_KEY, JSON.stringify({ ...workOf(s), trusted: s.trusted, exampleId: s.exampleId }));
        } catch {
          /* storage full or disabled: the work stays in the page */
        }
      }, 300);
    },
  );

  async function shareLink() {
    const code = await encodeWork(workOf(store.get()));
    const url = `${location.origin}${location.pathname}#w=${code}`;
    history.replaceState(null, '', `#w=${code}`);
    let copied = false;
    try {
      await navigator.clipboard.writeText(url);
      copied = true;
    } catch {
      /* no clipboard permission: the address bar has the link */
    }
    toast(
      store,
      copied ? 'Link copied: it holds the definition, input, mocks and settings.' : 'The link is in the address bar: it holds the definition, input, mocks and settings.',
    );
    return url;
  }

  /**
   * Open the work of a shared link (#w=...), if the address has one: true when it did. It
   * arrives untrusted: its JS functions wait for consent.
   */
  async function loadFromHash() {
    const m = /^#w=([A-Za-z0-9_-]+)$/.exec(location.hash);
    if (!m) return false;
    let work;
    try {
      work = await decodeWork(m[1]);
    } catch (e) {
      toast(store, `Could not open the shared link: ${e.message}`, true);
      return false;
    }
    const code = location.hash;
    loadWork(work, { trusted: false });
    history.replaceState(null, '', code); // loadWork cleared it; the link stays shareable
    return true;
  }

  // ---------------------------------------------------------------- examples

  async function fetchText(url) {
    const r = await fetch(url);
    if (!r.ok) throw new Error(`cannot load ${url}: HTTP ${r.status}`);
    return r.text();
  }

  const exampleFiles = (id) => Promise.all(['definition', 'input', 'mocks'].map((f) => fetchText(`examples/${id}/${f}.json`)));

  async function loadExamples() {
    store.update({ examples: JSON.parse(await fetchText('examples/index.json')) });
  }

  let loadingExamples = 0; // example loads in flight (their files are being fetched)

  /** Load a gallery example; files: its [definition, input, mocks] texts, when fetched already. */
  async function loadExample(id, files) {
    if (!store.get().examples.some((e) => e.id === id)) throw new Error(`no example '${id}'`);
    loadingExamples += 1;
    try {
      const [definition, input, mocks] = await (files || exampleFiles(id));
      loadWork({ definition, input, mocks }, { exampleId: id });
    } finally {
      loadingExamples -= 1;
    }
  }

  // ---------------------------------------------------------------- mocks tools, consent

  /** Default mocks for the Task states that have none, written into the mocks; returns their names. */
  function fillMocks() {
    const s = store.get();
    const def = s.definition.parsed;
    const mocks = parsedOrNull(s.work.mocks);
    if (!def || !mocks) {
      toast(store, 'Fix the JSON of the definition and the mocks first.', true);
      return [];
    }
    const { mocks: filled, added } = fillMissing(def, mocks);
    if (added.length) {
      setText('mocks', `${JSON.stringify(filled, null, 2)}\n`);
      toast(store, `Added default mocks for ${added.join(', ')}: edit them in Mocks.`);
    }
    return added;
  }

  /** The user allows the JS functions of a link's mocks to run. */
  function allowFunctions() {
    store.update({ trusted: true, consent: null });
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
    try {
      // Once more if the worker was restarted (a stopped runaway run) while this was pending.
      diags = await engine.validate(text, {}).catch(() => engine.validate(text, {}));
    } catch (e) {
      setDiagnostics('definition', [{ line: 1, column: 1, message: `validator unavailable: ${e.message}`, location: '' }]);
      return [];
    }
    if (view.state.doc.toString() !== text) return []; // stale: a newer lint follows
    setDiagnostics('definition', diags);
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

  /** Mocks keyed by a name that is no Task state of the definition: a warning (a typo, usually). */
  function strayMocks(view) {
    const parsed = store.get().definition.parsed;
    const text = view.state.doc.toString();
    const mocks = parsedOrNull(text);
    if (!parsed || !mocks || typeof mocks !== 'object' || Array.isArray(mocks) || 'MockedResponses' in mocks || 'StateMachines' in mocks) return [];
    const tasks = new Set(
      allStates(parsed)
        .filter((s) => s.state.Type === 'Task')
        .map((s) => s.name),
    );
    const out = [];
    for (const name of Object.keys(mocks)) {
      if (tasks.has(name)) continue;
      const at = text.indexOf(JSON.stringify(name));
      const from = Math.max(0, at);
      out.push({
        from,
        to: from + JSON.stringify(name).length,
        severity: 'warning',
        message: `No Task state is named '${name}': this mock is never used${tasks.size ? ` (Task states: ${[...tasks].join(', ')})` : ''}`,
      });
    }
    return out;
  }

  /** The input's and the mocks' linter: JSON syntax, and for the mocks, stray names. */
  function jsonLinter(which) {
    const base = jsonParseLinter();
    return (view) => {
      let out = base(view);
      if (which === 'mocks' && out.length === 0) out = strayMocks(view);
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
    loadWork,
    loadExamples,
    exampleFiles,
    loadExample,
    loading: () => loadingExamples,
    loadFromHash,
    wantsReplay,
    shareLink,
    fillMocks,
    allowFunctions,
    linters,
  };
}
