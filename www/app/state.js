// The playground's state: its one declared shape, held by the store (store.js), and the
// selectors and small actions more than one module uses. Everything the page shows is drawn
// from this; the panels keep only their own DOM.
import { spansAt } from './model/timing.js';

// The speeds the page offers (index.html's #speed): a loaded work's other speeds are ignored.
export const SPEEDS = ['0.5', '1', '2', '5', '20', '100', '1000', 'instant'];
/** A new work's run settings. */
export const DEFAULT_SETTINGS = Object.freeze({ speed: '1', seed: 1, sequential: false, type: 'STANDARD' });

export function initialState() {
  return {
    // The work: what the three editors hold (text, as typed) and the run settings: the tab's
    // workspace's. Saved with it (workspaces.js), put in share links; the editors follow it.
    //   settings: {speed: one of SPEEDS, seed: number, sequential: boolean, type: 'STANDARD' |
    //     'EXPRESS' (the machine's type when the source does not give one)}
    //   source: {machine, overrides: {NAME: value}, files: {uri: text}}: the source bar's
    //     settings for a definition that is not plain JSON (the state machine picked, the
    //     substitutions set, the DefinitionUri files given)
    //   generated: what of the input and the mocks statelab derived from the definition (or
    //     the input an example came with) and the user has not edited: {input: null |
    //     {value, from: 'statelab'|'example', for}, mocks: {State: JSON}, mocksFor}
    //     (model/generated.js)
    //   machines: {Name: definition text} (panels/machines.js)
    //   machineTypes: {Name: 'EXPRESS'}: the machines that are not STANDARD (panels/machines.js)
    work: {
      definition: '',
      input: '{}',
      mocks: '{}',
      settings: { ...DEFAULT_SETTINGS },
      source: { machine: null, overrides: {}, files: {} },
      generated: { input: null, mocks: {}, mocksFor: null },
      machines: {},
      machineTypes: {},
    },
    machineTab: null, // the machine edited: null (the main one) or a name of work.machines
    childShown: null, // the ARN of the child execution shown (panels/children.js)
    // The mocks' JS functions whose code the user has not approved (consent.js): {states:
    // [names], hashes: [SHA-256 of each one's code]}, shown in the consent box; or null.
    consent: null,
    exampleId: null, // the gallery example the work was loaded from
    examples: [], // the gallery: [{id, title, summary}]

    // Workspaces (workspaces.js). The tab's workspace, null until one is open:
    //   {id, name, autoName (the name follows the definition), pristine (an example not
    //    changed since it was opened), exampleId, created, changed (ms), bytes}
    workspace: null,
    // The Workspaces menu's list, the last changed first, or null while it is closed:
    //   [{...metadata, elsewhere: open in another tab}]
    workspaceList: null,
    storageKind: null, // where workspaces are kept: 'indexeddb' | 'localstorage' | 'memory'
    // Why the work is not saved, until a save succeeds again: {kind: 'size' | 'quota' |
    // 'error' (that save failed) | 'memory' (no storage at all) | 'refused' (no IndexedDB:
    // saved in localStorage), text}. Shown in a notice that stays.
    saveProblem: null,

    // The definition as last parsed: the graph and the run's notes read it. text: the text
    // that parsed; parsed: its value; stateTypes: Map(state name → Type), nested states
    // included; invalid: the editor's text is not JSON now (the graph shows `parsed`).
    definition: { text: null, parsed: null, stateTypes: new Map(), invalid: false },
    // The definition's text read by loadSource when it is not plain JSON (YAML, a template,
    // ${Name} placeholders), else null: {ok, label ('SAM template (YAML)'), names (its state
    // machines), machine (the one shown), type, substitutions: [{name, value, generated}],
    // definitionUri, needsFile, problem (the first diagnostic, or null)}. definition above is
    // then the picked machine's resolved definition.
    source: null,
    // Each editor's problems: [{line, column, message, location, severity?, code?}].
    diagnostics: { definition: [], input: [], mocks: [] },
    engineError: null, // why the engine could not start, if it could not

    // The current run, or null:
    //   {id, rev, events, spans, lanes, nowMs, paused, sequential, startedAt,
    //    result: null | the engine's result, realMs (when it ended),
    //    error: null | {message, diagnostics?},
    //    twin: null | {durationMs, status, sequential, spans, lanes} (the sequential twin, or
    //          the concurrent one when this run is the twin),
    //    previous: null | {spans, lanes, durationMs} (what-if: the run before the edit)}
    // The object is replaced on every update, and rev counts the updates of its progress
    // (events, spans, clock, pause, end): a panel that draws the progress selects [id, rev].
    // During a run, `events` and `spans` are the engine connection's own lists, which grow
    // (and whose open spans are replaced) in place: 9,000 events are not copied on every
    // update. They are the result's once it ends.
    run: null,
    runsEnded: 0, // runs that ended (done, failed to start, or engine error): for tests

    // The state selected in the graph, the timeline or the history, and which of its visits
    // (pick), in which lane, from when, of which kind of span.
    selection: { name: null, pick: 0, lane: null, startMs: null, kind: 'state' },
    // Replay: the virtual ms shown after a run ended (null: the end); a replay position from
    // a shared link, applied when its run ends; whether a replay is playing.
    playhead: null,
    pendingPlayhead: null,
    replaying: false,
    historyFilter: { text: '', group: 'all' },
    // "Test this state" (panels/teststate.js, model/teststate.js): the state in the Test tab
    // (null: none chosen yet); for each state tested while the page lives, its request's fields
    // as typed (drafts: Map(name → model/teststate.js newDraft())) and its last test (answers:
    // Map(name → {running, loading, request, key, answer?, error?, ms})); focus counts the
    // times the tab was opened by the user, who is taken to it.
    testState: { name: null, drafts: new Map(), answers: new Map(), focus: 0 },

    // The page's own UI: the tabs open, what-if mode, the theme, the last toast.
    editorTab: 'definition', // 'definition' | 'input' | 'mocks' | 'files' (panels/files.js)
    resultTab: 'output', // 'output' | 'inspector' | 'history' | 'mapruns' (panels/maprun.js) | 'children' | 'callbacks' (panels/callbacks.js) | 'teststate'
    whatIf: false,
    theme: 'light',
    toast: null, // {text, bad, actions: [{label, run}], sticky, n}: n counts them, so that the same text again shows anew
  };
}

/** The work as the page's API, workspaces and links give it: texts, settings and the replay position. */
export function workOf(s) {
  const { work } = s;
  return {
    definition: work.definition,
    input: work.input,
    mocks: work.mocks,
    // Only when it says something (a work without it loads the same).
    ...(work.source && (work.source.machine !== null || Object.keys(work.source.overrides).length || Object.keys(work.source.files).length) ? { source: work.source } : {}),
    ...(work.generated && (work.generated.input || Object.keys(work.generated.mocks).length) ? { generated: work.generated } : {}),
    ...(Object.keys(work.machines).length ? { machines: work.machines } : {}),
    ...(Object.keys(work.machineTypes).length ? { machineTypes: work.machineTypes } : {}),
    settings: {
      ...work.settings,
      // The replay position, when a finished run is being replayed.
      ...(s.playhead !== null && s.run?.result ? { playhead: s.playhead } : {}),
    },
  };
}

/** A change of one of the work's texts or settings. */
export function withWork(s, patch) {
  return { work: { ...s.work, ...patch } };
}

// The spans of a replay's instant, by the run's spans: every panel shows the same list.
const shownAt = new WeakMap(); // spans → {at, list}

/** The spans shown: the run's, or those of the replay's instant. */
export function shownSpans(s) {
  const run = s.run;
  if (!run) return [];
  const spans = run.spans || [];
  if (s.playhead === null || !run.result) return spans;
  let memo = shownAt.get(spans);
  if (memo?.at !== s.playhead) {
    memo = { at: s.playhead, list: spansAt(spans, s.playhead) };
    shownAt.set(spans, memo);
  }
  return memo.list;
}

/** Is a replay position shown (rather than the run as it is)? */
export function replaying(s) {
  return s.playhead !== null && !!s.run?.result;
}

/**
 * Show a short message; bad: it is an error. A plain message goes after a few seconds; one with
 * actions (buttons: [{label, run()}]) or `sticky` stays until it is closed or another replaces it.
 */
export function toast(store, text, bad = false, { actions = [], sticky = false } = {}) {
  store.update((s) => ({ toast: { text, bad, actions, sticky: sticky || actions.length > 0, n: (s.toast?.n || 0) + 1 } }));
}

/**
 * Select a state (from the graph, a bar, or the history), optionally one visit of it: the one
 * in `lane` at `startMs` (or at the instant `ms`). The State tab shows it; while the Test tab
 * is open, that tab tests it instead.
 */
export function select(store, { name, lane, startMs, ms, kind }) {
  store.update((s) => {
    const visits = (s.run?.spans || []).filter((x) => x.state === name && x.kind === 'state');
    let pick = 0;
    if (lane !== undefined) {
      const t = startMs ?? ms;
      const i = visits.findIndex((v) => v.lane === lane && (t === undefined || (v.startMs <= t && (v.endMs === null || v.endMs === undefined || t <= v.endMs))));
      if (i >= 0) pick = i;
    }
    const v = visits[pick];
    const selection = { name, pick, lane: v?.lane ?? lane, startMs: startMs ?? v?.startMs, kind: kind || 'state' };
    if (s.resultTab === 'teststate') return { selection, testState: { ...s.testState, name } };
    return { selection, resultTab: 'inspector' };
  });
}

/**
 * Test a state (panels/teststate.js): the Test tab shows it, and the graph selects it. focus:
 * the user asked (a button, a key), and is taken to the tab.
 */
export function openTestState(store, name, { focus = false } = {}) {
  if (store.get().selection.name !== name) select(store, { name });
  store.update((s) => ({ resultTab: 'teststate', testState: { ...s.testState, name, focus: s.testState.focus + (focus ? 1 : 0) } }));
}
