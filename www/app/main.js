// statelab playground: wires the editors, the engine worker and the panels together.
import { makeEditor, offsetOf, jsonParseLinter } from './lib/editor.js';
import { Engine } from './engine.js';
import { drawGraph, paintGraph, paintEdges } from './panels/graph.js';
import { renderTimeline } from './panels/timeline.js';
import { renderHistory } from './panels/history.js';
import { renderInspector } from './panels/inspector.js';
import { splitMocks, missingMocks, fillMissing } from './model/mocks.js';
import { allStates } from './model/asl.js';
import { joinsOf, concurrencyOf } from './model/timing.js';
import { annotate } from './model/events.js';
import { encodeWork, decodeWork } from './lib/share.js';
import { fmtMs } from './lib/format.js';
import { textPre, h } from './lib/dom.js';

const $ = (sel) => document.querySelector(sel);
// Writes that change nothing are skipped: the page is drawn again on every update of a run,
// and a text set anew (even the same) is laid out anew.
const setText = (el, text) => {
  if (el.textContent !== text) el.textContent = text;
};
const setData = (el, key, value) => {
  if (el.dataset[key] !== value) el.dataset[key] = value;
};
const STORE_KEY = 'statelab.work.v1';
const DEFAULT_EXAMPLE = 'image-pipeline'; // what a first visit opens
const THEME_KEY = 'statelab.theme';
const isMac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

// ------------------------------------------------------------------ state

const engine = new Engine();
const app = {
  trusted: true, // may the mocks' JS functions run? false for code that arrived in a link
  definition: null, // last definition text that parsed as JSON
  parsed: null, // ...and its value
  stateTypes: new Map(),
  graph: null,
  run: null, // {spans, events, nowMs, result, status, paused, runId, error}
  selection: { name: null, pick: 0, lane: null, startMs: null, kind: 'state' },
  historyFilter: { text: '', group: 'all' },
  diagnostics: { definition: [], input: [], mocks: [] },
  examples: [],
  exampleId: null,
  runsEnded: 0, // runs that ended (done, failed to start, or engine error): for tests
  playhead: null, // replay: the virtual ms shown after a run ends (null: the end)
  pendingPlayhead: null, // a replay position from a shared link, applied when its run ends
  replaying: 0, // requestAnimationFrame id while a replay plays
};

// ------------------------------------------------------------------ replay

/** The spans as they stood at virtual time `t`: later ones not begun, unfinished ones running. */
function spansAt(spans, t) {
  const out = [];
  for (const s of spans) {
    if (s.startMs > t) continue;
    const done = s.endMs !== null && s.endMs !== undefined && s.endMs <= t;
    out.push(done ? s : { ...s, endMs: null, status: 'running', output: undefined });
  }
  return out;
}

function eventTimes() {
  return [...new Set((app.run?.events || []).map((e) => e.ms))].sort((a, b) => a - b);
}

function setPlayhead(t) {
  const total = app.run?.result?.durationMs;
  if (total === undefined) return;
  const ms = Math.max(0, Math.min(total, Math.round(t)));
  app.playhead = ms >= total ? null : ms;
  renderRun();
}

/** Replay the finished run from the playhead (or the start) at the speed chosen for runs. */
function toggleReplay() {
  if (app.replaying) {
    cancelAnimationFrame(app.replaying);
    app.replaying = 0;
    $('#replay-play').textContent = 'Replay';
    return;
  }
  const total = app.run?.result?.durationMs;
  if (total === undefined) return;
  const chosen = $('#speed').value;
  const speed = chosen === 'instant' ? 10 : Number(chosen) || 1;
  let t = app.playhead ?? 0;
  if (t >= total) t = 0;
  let last = performance.now();
  $('#replay-play').textContent = 'Pause replay';
  const tick = (now) => {
    t += (now - last) * speed;
    last = now;
    if (t >= total || !app.run?.result) {
      app.replaying = 0;
      $('#replay-play').textContent = 'Replay';
      setPlayhead(total);
      return;
    }
    setPlayhead(t);
    app.replaying = requestAnimationFrame(tick);
  };
  setPlayhead(t);
  app.replaying = requestAnimationFrame(tick);
}

function renderReplay() {
  const box = $('#replay');
  const total = app.run?.result?.durationMs;
  box.hidden = total === undefined || total === null;
  if (box.hidden) return;
  const scrub = $('#scrubber');
  const t = app.playhead ?? total;
  scrub.max = String(total);
  scrub.value = String(t);
  $('#replay-time').textContent = `${fmtMs(t)} of ${fmtMs(total)}`;
}

// ------------------------------------------------------------------ theme

function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  $('#theme').setAttribute('aria-label', theme === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme');
  $('#theme .theme-name').textContent = theme === 'dark' ? 'Light' : 'Dark';
}
function initialTheme() {
  const saved = localStorage.getItem(THEME_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

// ------------------------------------------------------------------ editors

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

async function lintDefinition(view) {
  const text = view.state.doc.toString();
  let diags;
  try {
    // Once more if the worker was restarted (a stopped runaway run) while this was pending.
    diags = await engine.validate(text, {}).catch(() => engine.validate(text, {}));
  } catch (e) {
    app.diagnostics.definition = [{ line: 1, column: 1, message: `validator unavailable: ${e.message}`, location: '' }];
    renderDiagnostics();
    return [];
  }
  if (view.state.doc.toString() !== text) return []; // stale: a newer lint follows
  app.diagnostics.definition = diags;
  renderDiagnostics();
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
  const mocks = parsedOrNull(view.state.doc.toString());
  if (!app.parsed || !mocks || typeof mocks !== 'object' || Array.isArray(mocks) || 'MockedResponses' in mocks || 'StateMachines' in mocks) return [];
  const tasks = new Set(
    allStates(app.parsed)
      .filter((s) => s.state.Type === 'Task')
      .map((s) => s.name),
  );
  const out = [];
  const text = view.state.doc.toString();
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

function jsonLinter(which) {
  const base = jsonParseLinter();
  return (view) => {
    let out = base(view);
    if (which === 'mocks' && out.length === 0) out = strayMocks(view);
    app.diagnostics[which] = out.map((d) => {
      const line = view.state.doc.lineAt(d.from);
      return { line: line.number, column: d.from - line.from + 1, message: d.message, location: '', severity: d.severity };
    });
    renderDiagnostics();
    return out;
  };
}

const pageKeys = [
  {
    key: 'Mod-Enter',
    run: () => {
      startRun().catch(() => {});
      return true;
    },
    preventDefault: true,
  },
];

const editors = {};
function makeEditors() {
  editors.definition = makeEditor($('#definition-editor'), { label: 'State machine definition (JSON)', lint: lintDefinition, extraKeys: pageKeys, onChange: onDefinitionChange });
  editors.input = makeEditor($('#input-editor'), {
    label: 'Execution input (JSON)',
    lint: jsonLinter('input'),
    extraKeys: pageKeys,
    onChange: onWorkChange,
    syntaxWhenShown: true,
  });
  editors.mocks = makeEditor($('#mocks-editor'), {
    label: 'Mocked Task responses (JSON)',
    lint: jsonLinter('mocks'),
    extraKeys: pageKeys,
    onChange: () => {
      onWorkChange();
      updateMockTools();
    },
    syntaxWhenShown: true,
  });
}

function renderDiagnostics() {
  const list = $('#diagnostics');
  const items = [];
  for (const which of ['definition', 'input', 'mocks']) {
    for (const d of app.diagnostics[which]) {
      items.push(
        h(
          'li',
          { class: d.severity === 'warning' ? 'warning' : 'error' },
          h(
            'button',
            {
              class: 'diag',
              onclick: () => {
                showEditor(which);
                editors[which].goto(d.line, d.column);
              },
            },
            h('span', { class: 'diag-where', text: `${which[0].toUpperCase()}${which.slice(1)} ${d.line}:${d.column}` }),
            h('span', { class: 'diag-msg', text: d.message }),
            d.location && d.location !== '/' ? h('code', { class: 'diag-loc', text: d.location }) : null,
          ),
        ),
      );
    }
    const tab = $(`#tab-${which}`);
    const n = app.diagnostics[which].filter((d) => d.severity !== 'warning').length;
    tab.querySelector('.count').textContent = n ? String(n) : '';
    tab.classList.toggle('has-errors', n > 0);
  }
  list.replaceChildren(...items);
  list.hidden = items.length === 0;
}

function showEditor(which) {
  for (const w of ['definition', 'input', 'mocks']) {
    const on = w === which;
    $(`#tab-${w}`).setAttribute('aria-selected', String(on));
    $(`#tab-${w}`).tabIndex = on ? 0 : -1;
    $(`#${w}-editor`).hidden = !on;
  }
  $('#mock-tools').hidden = which !== 'mocks';
  editors[which]?.shown();
  editors[which]?.view.requestMeasure();
}

// ------------------------------------------------------------------ work: load, save, share

function currentWork() {
  return {
    definition: editors.definition.text,
    input: editors.input.text,
    mocks: editors.mocks.text,
    settings: {
      speed: $('#speed').value,
      seed: Number($('#seed').value) || 0,
      sequential: $('#sequential').checked,
      // The replay position, when a finished run is being replayed.
      ...(app.playhead !== null && app.run?.result ? { playhead: app.playhead } : {}),
    },
  };
}

const asText = (v, fallback) => (v === undefined || v === null ? fallback : typeof v === 'string' ? v : JSON.stringify(v, null, 2));

function loadWork(work, { trusted = true, exampleId = null } = {}) {
  stopRun();
  app.trusted = trusted;
  app.exampleId = exampleId;
  editors.definition.text = asText(work.definition, '{\n  "StartAt": "Hello",\n  "States": {\n    "Hello": { "Type": "Pass", "End": true }\n  }\n}\n');
  editors.input.text = asText(work.input, '{}');
  editors.mocks.text = asText(work.mocks, '{}');
  if (work.settings) {
    if (work.settings.speed !== undefined && [...$('#speed').options].some((o) => o.value === String(work.settings.speed))) $('#speed').value = String(work.settings.speed);
    if (Number.isFinite(Number(work.settings.seed))) $('#seed').value = String(Number(work.settings.seed));
    $('#sequential').checked = work.settings.sequential === true;
  }
  // A link that holds a replay position shows the run at that instant once it has run.
  app.pendingPlayhead = Number.isFinite(work.settings?.playhead) ? work.settings.playhead : null;
  $('#examples').value = exampleId || '';
  $('#example-summary').textContent = (exampleId && app.examples.find((e) => e.id === exampleId)?.summary) || '';
  app.selection = { name: null, pick: 0 };
  app.run = null;
  onDefinitionChange(editors.definition.text, true);
  renderRun();
  updateMockTools();
  updateConsent();
  saveSoon();
}

let saveTimer = null;
function saveSoon() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => {
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify({ ...currentWork(), trusted: app.trusted, exampleId: app.exampleId }));
    } catch {
      /* storage full or disabled: the work stays in the page */
    }
  }, 300);
}

function onWorkChange() {
  saveSoon();
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  whatIfSoon();
}

// ------------------------------------------------------------------ what-if

let whatIfTimer = null;
/** In what-if mode, an edit after a finished run runs the workflow again, instantly. */
function whatIfSoon() {
  if (!$('#whatif')?.checked || !app.run?.result) return;
  clearTimeout(whatIfTimer);
  whatIfTimer = setTimeout(() => {
    const previous = app.run?.result;
    if (!previous) return;
    startRun({ speed: 'instant' })
      .then(() => {
        if (app.run?.result) {
          app.run.previous = { spans: previous.spans, lanes: previous.lanes, durationMs: previous.durationMs };
          renderRun();
        }
      })
      .catch(() => {});
  }, 400);
}

/**
 * A Task's attempt bar was dragged to a new length: write that latency into its mock (a single
 * response, or every response of a list) and, in what-if mode, run again.
 */
function dragLatency(state, seconds) {
  let mocks;
  try {
    mocks = JSON.parse(editors.mocks.text || '{}');
  } catch {
    toast('Fix the mocks JSON first: the latency could not be written', true);
    return;
  }
  const entry = mocks?.[state];
  if (!entry || typeof entry !== 'object' || mocks.MockedResponses) {
    toast(`Dragging sets the latency of a short-form mock; give ${state} one in the mocks editor`, true);
    renderRun();
    return;
  }
  for (const r of Array.isArray(entry) ? entry : [entry]) {
    if (r && typeof r === 'object') {
      delete r.LatencySeconds;
      r.latency = seconds;
    }
  }
  $('#whatif').checked = true;
  editors.mocks.text = JSON.stringify(mocks, null, 2);
  toast(`${state}: latency ${seconds} s`);
}

/** The new run against the previous one on one time axis, the previous drawn faintly. */
function whatIfFigure(run) {
  const before = run.previous;
  const after = run.result;
  const axis = Math.max(before.durationMs, after.durationMs);
  const delta = after.durationMs - before.durationMs;
  const fig = h('figure', { class: 'compare whatif', 'data-testid': 'whatif-result', 'data-before-ms': before.durationMs, 'data-after-ms': after.durationMs });
  fig.append(
    h('p', {
      class: 'speedup',
      text: `What-if: ${fmtMs(after.durationMs)} now, ${fmtMs(before.durationMs)} before (${delta === 0 ? 'no change' : `${delta > 0 ? '+' : '−'}${fmtMs(Math.abs(delta))}`})`,
    }),
  );
  for (const [label, r, cls] of [
    ['Now', after, ''],
    ['Before', before, ' previous'],
  ]) {
    const host = h('div', { class: `timeline compare-timeline${cls}` });
    renderTimeline(host, r.spans, { lanes: r.lanes, nowMs: r.durationMs, durationMs: axis, testIds: { bar: 'whatif-bar', join: 'whatif-join' } });
    fig.append(h('figcaption', {}, h('strong', { text: label }), ` ${fmtMs(r.durationMs)}`), host);
  }
  return fig;
}

let defTimer = null;
function onDefinitionChange(text, now = false) {
  onWorkChange();
  clearTimeout(defTimer);
  const apply = () => {
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch {
      $('#graph-note').textContent = 'The definition is not valid JSON: the graph shows the last version that was.';
      return;
    }
    $('#graph-note').textContent = '';
    if (text === app.definition) return;
    app.definition = text;
    app.parsed = parsed;
    app.stateTypes = new Map(allStates(parsed).map((s) => [s.name, s.state.Type]));
    app.graph = drawGraph($('#graph'), parsed, { onSelect: (name) => select({ name }) });
    if (app.run) {
      paintGraph(app.graph.nodes, app.run.spans);
      paintEdges(app.graph.edges, app.graph.nodes);
    }
    markSelectedNode();
    updateMockTools();
    editors.mocks?.relint();
  };
  if (now) apply();
  else defTimer = setTimeout(apply, 200);
}

async function shareLink() {
  const code = await encodeWork(currentWork());
  const url = `${location.origin}${location.pathname}#w=${code}`;
  history.replaceState(null, '', `#w=${code}`);
  let copied = false;
  try {
    await navigator.clipboard.writeText(url);
    copied = true;
  } catch {
    /* no clipboard permission: the address bar has the link */
  }
  toast(copied ? 'Link copied: it holds the definition, input, mocks and settings.' : 'The link is in the address bar: it holds the definition, input, mocks and settings.');
  return url;
}

// ------------------------------------------------------------------ mocks tools and consent

function parsedOrNull(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function updateMockTools() {
  const def = app.parsed;
  const mocks = parsedOrNull(editors.mocks.text);
  const missing = def && mocks && typeof mocks === 'object' ? missingMocks(def, mocks) : [];
  const btn = $('#fill-mocks');
  btn.disabled = missing.length === 0;
  btn.textContent = missing.length ? `Fill in ${missing.length} missing mock${missing.length > 1 ? 's' : ''}` : 'Every Task has a mock';
  btn.title = missing.length ? `Add realistic default responses for: ${missing.map((m) => m.name).join(', ')}` : '';
  $('#tab-mocks .count').textContent ||= '';
  $('#tab-mocks').classList.toggle('has-missing', missing.length > 0);
}

function fillMocks() {
  const def = app.parsed;
  const mocks = parsedOrNull(editors.mocks.text);
  if (!def || !mocks) {
    toast('Fix the JSON of the definition and the mocks first.', true);
    return [];
  }
  const { mocks: filled, added } = fillMissing(def, mocks);
  if (added.length) {
    editors.mocks.text = `${JSON.stringify(filled, null, 2)}\n`;
    toast(`Added default mocks for ${added.join(', ')}: edit them in Mocks.`);
  }
  return added;
}

function functionsIn(mocksText) {
  const m = parsedOrNull(mocksText);
  return m ? splitMocks(m).functions : {};
}

function updateConsent() {
  const fns = Object.keys(functionsIn(editors.mocks.text));
  const box = $('#consent');
  if (app.trusted || fns.length === 0) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  $('#consent-states').textContent = fns.join(', ');
}

// ------------------------------------------------------------------ running

function setRunButtons() {
  const running = !!(app.run && !app.run.result && !app.run.error);
  $('#run').disabled = false;
  $('#pause').disabled = !running;
  $('#step').disabled = false;
  const stepTitle = running ? 'Pause and move to the next moment something happens' : 'Start paused, then move one moment at a time';
  if ($('#step').title !== stepTitle) $('#step').title = stepTitle;
  $('#stop').disabled = !running;
  setText($('#pause .label'), running && app.run.paused ? 'Resume' : 'Pause');
  document.body.classList.toggle('is-running', running);
}

function fail(where, message) {
  app.runsEnded += 1;
  app.run = { spans: [], events: [], lanes: [], nowMs: 0, error: { message: `${where}: ${message}` } };
  renderRun();
}

/** Run the current work; resolves with the result (or rejects with a clear Error). */
async function startRun({ speed, paused = false } = {}) {
  stopRun();
  const work = currentWork();
  const parsed = {};
  for (const which of ['definition', 'input', 'mocks']) {
    try {
      parsed[which] = JSON.parse(work[which] || (which === 'definition' ? '' : '{}'));
    } catch (e) {
      showEditor(which);
      const d = app.diagnostics[which][0];
      const msg = `${which} is not valid JSON${d ? ` (line ${d.line}, column ${d.column}): ${d.message}` : `: ${e.message}`}`;
      fail('Cannot run', msg);
      throw new Error(msg);
    }
  }
  const diags = await engine.validate(work.definition, {});
  if (diags.length) {
    showEditor('definition');
    editors.definition.relint();
    const d = diags[0];
    const msg = `the definition has ${diags.length} error${diags.length > 1 ? 's' : ''}; line ${d.line}, column ${d.column}: ${d.message}`;
    fail('Cannot run', msg);
    throw new Error(msg);
  }
  if (missingMocks(parsed.definition, parsed.mocks).length) {
    fillMocks();
    work.mocks = editors.mocks.text;
    parsed.mocks = JSON.parse(work.mocks);
  }
  const { engineMocks, functions } = splitMocks(parsed.mocks);
  if (Object.keys(functions).length && !app.trusted) {
    updateConsent();
    $('#consent').scrollIntoView({ block: 'nearest' });
    const msg = `the mocks hold JavaScript for ${Object.keys(functions).join(', ')} from a shared link: allow it to run first`;
    fail('Not run', msg);
    throw new Error(msg);
  }
  const chosen = speed ?? work.settings.speed;
  const instant = chosen === 'instant';
  // (Instant without functions uses simulate below; with functions the worker steps the run.)
  const options = {
    seed: work.settings.seed,
    speed: instant ? 1 : Number(chosen),
    paused,
    recordSteps: true,
    criticalPath: true,
    sequential: work.settings.sequential,
    instant: instant && !paused,
  };
  app.playhead = null;
  if (app.replaying) toggleReplay();
  app.run = { spans: [], events: [], lanes: [], nowMs: 0, result: null, paused, startedAt: performance.now(), sequential: work.settings.sequential };
  app.selection.pick = 0;
  renderRun();
  return new Promise((resolve, reject) => {
    const run = app.run;
    const handlers = {
      onTick: (m) => {
        if (app.run !== run) return;
        run.events = m.allEvents;
        run.spans = m.spans;
        run.lanes = m.lanes;
        run.nowMs = m.nowMs;
        run.paused = m.paused;
        scheduleRender();
      },
      onControl: (m) => {
        if (app.run !== run) return;
        run.paused = m.paused;
        run.nowMs = Math.max(run.nowMs, m.nowMs);
        scheduleRender();
      },
      onDone: (result) => {
        if (app.run !== run) return;
        run.result = result;
        run.events = result.events;
        run.spans = result.spans;
        run.lanes = result.lanes || [];
        run.nowMs = result.durationMs;
        run.realMs = performance.now() - run.startedAt;
        app.runsEnded += 1;
        if (app.pendingPlayhead !== null) {
          app.playhead = Math.min(app.pendingPlayhead, result.durationMs);
          app.pendingPlayhead = null;
          if (app.playhead >= result.durationMs) app.playhead = null;
        }
        // Drawn in tasks of their own (a big run's last update is a big one); the sequential
        // twin is asked for once that is done (the engine's work for it would slow the drawing).
        scheduleRender();
        whenIdle(() => app.run === run && compareWithTwin(run, work, engineMocks, functions));
        resolve(result);
      },
      onError: (m) => {
        if (app.run !== run) return;
        run.error = { message: m.message, diagnostics: m.diagnostics };
        app.runsEnded += 1;
        renderRun();
        reject(new Error(m.message));
      },
    };
    if (instant && !paused && Object.keys(functions).length === 0) {
      // All at once on the virtual clock: one call, no live updates needed.
      engine
        .simulate(work.definition, work.input, engineMocks, { seed: options.seed, recordSteps: true, criticalPath: true, sequential: options.sequential })
        .then(handlers.onDone, (e) => handlers.onError({ message: e.message, diagnostics: e.diagnostics }));
    } else {
      engine.start(work.definition, work.input, engineMocks, options, functions, handlers);
    }
  });
}

/** After a run with Parallel or Map states: the same run as the sequential twin (or the concurrent one). */
function compareWithTwin(run, work, engineMocks, functions) {
  const hasConcurrency = [...app.stateTypes.values()].some((t) => t === 'Parallel' || t === 'Map');
  if (!hasConcurrency || Object.keys(functions).length || run.result.status !== 'SUCCEEDED') return;
  engine
    .simulate(work.definition, work.input, engineMocks, { seed: work.settings.seed, sequential: !run.sequential }, { timelineOnly: true })
    .then((twin) => {
      if (app.run !== run) return;
      run.twin = { durationMs: twin.durationMs, status: twin.status, sequential: !run.sequential, spans: twin.spans, lanes: twin.lanes };
      renderOutput();
    })
    .catch(() => {});
}

function stopRun() {
  if (app.run && !app.run.result && !app.run.error) engine.stop();
}

function togglePause() {
  if (!app.run || app.run.result || app.run.error) return;
  engine.control(app.run.paused ? 'resume' : 'pause');
  app.run.paused = !app.run.paused;
  setRunButtons();
}

function stepRun() {
  if (!app.run || app.run.result || app.run.error) {
    // Not running: start paused at the beginning, to go through the run one step at a time.
    startRun({ paused: true }).catch(() => {});
    return;
  }
  engine.control('step');
  app.run.paused = true;
  setRunButtons();
}

// ------------------------------------------------------------------ rendering a run

// Updates of a run are drawn at most once a frame, in tasks of their own, apart from the
// frame's own work (style, layout, paint): the timeline in one, the other panels in the next.
// The page stays responsive even on a busy machine, where every task takes longer.
let renderQueued = false;
function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() =>
    nextTask(() => {
      renderQueued = false;
      renderTimelinePane();
      nextTask(() => renderPanels());
    }),
  );
}

/** Run `f` when the page is idle (within a second). */
function whenIdle(f) {
  if (globalThis.requestIdleCallback) requestIdleCallback(() => f(), { timeout: 1000 });
  else setTimeout(f, 100);
}

const taskQueue = [];
const taskChannel = new MessageChannel();
taskChannel.port1.onmessage = () => taskQueue.shift()?.();
/** Run `f` in a task of its own, as soon as the page has nothing else to do. */
function nextTask(f) {
  taskQueue.push(f);
  taskChannel.port2.postMessage(null);
}

function renderStatus() {
  const el = $('#status');
  const run = app.run;
  let text = 'Not run yet';
  let status = 'IDLE';
  if (!run && app.engineError) {
    status = 'ERROR';
    text = app.engineError;
  } else if (run?.error) {
    status = 'ERROR';
    text = run.error.message.startsWith('Cannot run') || run.error.message.startsWith('Not run') ? run.error.message : `Engine error: ${run.error.message}`;
  } else if (run?.result) {
    status = run.result.status;
    const words = { SUCCEEDED: 'Succeeded', FAILED: 'Failed', TIMED_OUT: 'Timed out', ABORTED: 'Stopped (aborted)' };
    text = `${words[status] || status} in ${fmtMs(run.result.durationMs)} of workflow time · ${run.result.events.length} events${run.sequential ? ' · sequential twin' : ''}`;
  } else if (run) {
    status = run.paused ? 'PAUSED' : 'RUNNING';
    text = `${run.paused ? 'Paused' : 'Running'} · ${fmtMs(run.nowMs)}`;
  }
  setData(el, 'status', status);
  setText(el, text);
}

// What the Result panel shows of a finished run changes only with the run, its result and
// the what-if comparison (not with the playhead or the selection); its timing notes also
// with the sequential twin, and are drawn in a task of their own (with a Map of 1,000
// iterations: two timelines of 1,000 lanes side by side).
let outputShows = null; // [run, result, previous] shown
let timingShows = null; // [run, result, twin] shown, or being drawn
let timingSlot = null;
const sameList = (a, b) => !!a && !!b && a.length === b.length && a.every((x, i) => x === b[i]);

function renderOutput() {
  const host = $('#output');
  const run = app.run;
  if (!run?.result) outputShows = timingShows = null;
  if (!run) {
    host.replaceChildren(h('p', { class: 'empty', text: `Press Run (${isMac ? '⌘' : 'Ctrl'}+Enter) to execute the workflow on a virtual clock.` }));
    return;
  }
  if (run.error) {
    const parts = [h('h3', { class: 'bad', text: 'The workflow could not run' }), h('pre', { class: 'json bad', 'data-testid': 'output-error', text: run.error.message })];
    for (const d of run.error.diagnostics || []) parts.push(h('p', { class: 'diag-line', text: `line ${d.line}, column ${d.column}: ${d.message} (at ${d.location})` }));
    host.replaceChildren(...parts);
    return;
  }
  if (!run.result) {
    const last = run.events[run.events.length - 1];
    const text = `${run.paused ? 'Paused' : 'Running'} at ${fmtMs(run.nowMs)} of workflow time · ${run.events.length} events so far${last ? ` · last: ${last.type}` : ''}`;
    const p = host.firstElementChild;
    if (host.childElementCount === 1 && p.classList.contains('running-note')) setText(p, text);
    else host.replaceChildren(h('p', { class: 'empty running-note', text }));
    return;
  }
  const r = run.result;
  const shows = [run, r, run.previous];
  if (!sameList(shows, outputShows) || !timingSlot?.isConnected) {
    outputShows = shows;
    timingShows = null;
    timingSlot = h('div', { class: 'timing-slot' });
    const cost = costOf(r);
    const whatif = run.previous ? whatIfFigure(run) : null;
    if (r.status === 'SUCCEEDED') {
      host.replaceChildren(
        ...[whatif, h('h3', { class: 'good', text: 'Output' }), textPre(r.output, { class: 'json', 'data-testid': 'output-json' }), cost, timingSlot].filter(Boolean),
      );
    } else {
      host.replaceChildren(
        timingSlot,
        h('h3', { class: 'bad', text: r.status === 'ABORTED' ? 'Stopped' : 'Error' }),
        h(
          'dl',
          { class: 'facts' },
          h('dt', { text: 'Error' }),
          h('dd', {}, h('code', { 'data-testid': 'output-error', text: r.error || '(none)' })),
          h('dt', { text: 'Cause' }),
          h('dd', {}, h('pre', { class: 'json', 'data-testid': 'output-cause', text: r.cause || '(none)' })),
        ),
        cost,
      );
    }
  }
  const timing = [run, r, run.twin];
  if (!sameList(timing, timingShows)) {
    timingShows = timing;
    const slot = timingSlot;
    nextTask(() => {
      if (timingShows === timing && slot.isConnected) slot.replaceChildren(...[timingNotes(r.spans, run)].filter(Boolean));
    });
  }
}

/** Both runs, as written and as the sequential twin, on one time axis, with the speed-up. */
function sideBySide(run) {
  const written = run.twin.sequential
    ? { spans: run.result.spans, lanes: run.result.lanes, ms: run.result.durationMs }
    : { spans: run.twin.spans || [], lanes: run.twin.lanes, ms: run.twin.durationMs };
  const twin = run.twin.sequential
    ? { spans: run.twin.spans || [], lanes: run.twin.lanes, ms: run.twin.durationMs }
    : { spans: run.result.spans, lanes: run.result.lanes, ms: run.result.durationMs };
  const axis = Math.max(written.ms, twin.ms);
  const fig = h('figure', { class: 'compare', 'data-testid': 'compare', 'data-concurrent-ms': written.ms, 'data-sequential-ms': twin.ms });
  for (const [label, r, id] of [
    ['As written', written, 'compare-concurrent'],
    ['Sequential twin', twin, 'compare-sequential'],
  ]) {
    const host = h('div', { class: 'timeline compare-timeline', 'data-testid': id });
    // These bars are a comparison, not the run's timeline: they answer to their own test id.
    renderTimeline(host, r.spans, { lanes: r.lanes, nowMs: r.ms, durationMs: axis, testIds: { bar: 'compare-bar', join: 'compare-join' } });
    fig.append(h('figcaption', {}, h('strong', { text: label }), ` ${fmtMs(r.ms)}`), host);
  }
  const speedup = written.ms > 0 ? twin.ms / written.ms : 1;
  fig.append(
    h('p', {
      class: 'speedup',
      'data-testid': 'speedup',
      text: `${Number.isInteger(speedup) ? speedup : speedup.toFixed(1)}× faster with concurrency (${fmtMs(written.ms)} against ${fmtMs(twin.ms)})`,
    }),
  );
  return fig;
}

/**
 * Cost beside time: Step Functions bills state transitions, and the Tasks' own running time
 * (all attempts added up, whichever branch they ran in) is what the services bill.
 */
function costOf(result) {
  const transitions = result.spans.filter((s) => s.kind === 'state').length;
  const taskMs = result.spans.filter((s) => s.kind === 'attempt').reduce((sum, s) => sum + ((s.endMs ?? s.startMs) - s.startMs), 0);
  return h(
    'p',
    { class: 'cost', 'data-testid': 'cost', 'data-transitions': transitions, 'data-task-ms': taskMs },
    `${fmtMs(result.durationMs)} of wall time · ${transitions} state transition${transitions === 1 ? '' : 's'} · ${fmtMs(taskMs)} of task time in all`,
  );
}

/** Why the run took as long as it did: each Parallel/Map, its longest branch against the sum. */
function timingNotes(spans, run) {
  // Once per result (the twin arriving draws the notes again).
  if (run.concurrency?.spans !== spans) run.concurrency = { spans, notes: concurrencyOf(spans, app.stateTypes) };
  const notes = run.concurrency.notes;
  if (!notes.length) return null;
  const box = h('section', { class: 'timing', 'data-testid': 'timing' }, h('h3', { text: 'Where the time went' }));
  if (run?.twin) {
    const [conc, seq] = run.twin.sequential ? [run.result.durationMs, run.twin.durationMs] : [run.twin.durationMs, run.result.durationMs];
    box.append(
      h(
        'p',
        { class: 'twin', 'data-testid': 'twin' },
        run.twin.sequential
          ? `Run one branch and one iteration at a time (the sequential twin), this workflow takes ${fmtMs(seq)} instead of ${fmtMs(conc)}: concurrency saves ${fmtMs(seq - conc)}.`
          : `This is the sequential twin: ${fmtMs(seq)}. With its Parallel and Map states running concurrently it takes ${fmtMs(conc)}, ${fmtMs(seq - conc)} less.`,
      ),
    );
    box.append(sideBySide(run));
  }
  for (const n of notes.slice(0, 12)) {
    const parts = n.children.map((c) => fmtMs(c.ms));
    const list = `${parts.slice(0, 8).join(', ')}${parts.length > 8 ? ', …' : ''}`;
    let text;
    if (run?.sequential) {
      text = ` (${n.type}, sequential twin) took ${fmtMs(n.ms)}: its ${n.children.length} ${n.type === 'Parallel' ? 'branches' : 'iterations'} (${list}) ran one after another.`;
    } else if (n.status === 'failed' || n.status === 'caught') {
      const what = n.type === 'Parallel' ? 'branches' : 'iterations';
      text = ` (${n.type}) ended after ${fmtMs(n.ms)}, when ${n.failedState || `one of its ${what}`} failed: the other ${what} still running were cancelled${n.status === 'caught' ? ', and a Catch took over' : ''}.`;
    } else if (n.type === 'Parallel') {
      const longest = n.children.find((c) => c.ms === n.longest);
      text = ` (Parallel) took ${fmtMs(n.ms)}. Its ${n.children.length} branches (${list}) ran at the same time, so it takes as long as its longest branch${longest?.first ? `, ${longest.first}` : ''}: not their sum, ${fmtMs(n.sum)}.`;
    } else {
      const def = app.parsed ? allStates(app.parsed).find((x) => x.name === n.state)?.state : null;
      const max = def && Number.isInteger(def.MaxConcurrency) && def.MaxConcurrency > 0 ? def.MaxConcurrency : 0;
      text = ` (Map${max ? `, at most ${max} at a time` : ''}) took ${fmtMs(n.ms)} for ${n.children.length} iteration${n.children.length > 1 ? 's' : ''} (${list}); one after another they would take ${fmtMs(n.sum)}.`;
    }
    box.append(h('p', { 'data-state': n.state }, h('strong', { text: n.state }), text));
  }
  return box;
}

/** The spans shown: the run's, or those of the replay's instant. */
function shownSpans() {
  const run = app.run;
  const replaying = app.playhead !== null && run?.result;
  return replaying ? spansAt(run.spans || [], app.playhead) : run?.spans || [];
}

function renderRun() {
  const spans = shownSpans();
  // The timeline first: it reads where it is scrolled to, cheaply while nothing has changed yet.
  renderTimelinePane(spans);
  renderPanels(spans);
}

function renderTimelinePane(spans = shownSpans()) {
  const run = app.run;
  const replaying = app.playhead !== null && run?.result;
  renderTimeline($('#timeline'), spans, {
    lanes: run?.lanes,
    ghosts: !replaying && run?.previous ? run.previous.spans : [],
    ghostLanes: run?.previous?.lanes,
    onDragLatency: run?.result && !replaying ? dragLatency : undefined,
    nowMs: replaying ? app.playhead : run?.nowMs || 0,
    durationMs: run?.result ? run.result.durationMs : undefined,
    selected: app.selection.name ? { ...app.selection, state: app.selection.name } : null,
    onSelect: (s) => select({ name: s.state, lane: s.lane, startMs: s.startMs, kind: s.kind }),
    joins: joinsOf(spans, app.stateTypes),
  });
}

/** Everything but the timeline: status, buttons, result, replay, graph and the open tab. */
function renderPanels(spans = shownSpans()) {
  const run = app.run;
  renderStatus();
  setRunButtons();
  renderOutput();
  renderReplay();
  if (app.graph) {
    paintGraph(app.graph.nodes, spans);
    paintEdges(app.graph.edges, app.graph.nodes);
  }
  // The panels that are hidden are drawn when their tab is opened; the history is annotated
  // as the events come (a little at a time, not 9,000 events when the tab opens).
  if (!$('#panel-history').hidden) drawHistory();
  else if (run?.events?.length) nextTask(() => run === app.run && annotate(run.events));
  setText($('#history-count'), run?.events?.length ? String(run.events.length) : '');
  if (!$('#panel-inspector').hidden) renderInspectorPane();
}

function drawHistory() {
  renderHistory($('#history'), app.run?.events || [], app.historyFilter, (name, lane, ms) => select({ name, lane, ms }), app.run?.lanes);
}

// What the inspector shows changes with the selection and the run's spans and events, not
// with the playhead: it is drawn again only when one of those changed.
let inspectorShows = null;

function renderInspectorPane() {
  const run = app.run;
  const sel = app.selection;
  const spans = run?.spans || [];
  // (A span changes with an event, and at the end of a run with its result.)
  const shows = [run, sel.name, sel.pick, app.parsed, spans, spans.length, run?.events?.length, run?.result];
  if (sameList(shows, inspectorShows) && $('#inspector').isConnected) return;
  inspectorShows = shows;
  const stateDef = sel.name && app.parsed ? allStates(app.parsed).find((s) => s.name === sel.name)?.state : null;
  renderInspector($('#inspector'), {
    name: sel.name,
    stateDef,
    spans: run?.spans || [],
    events: run?.events || [],
    lanes: run?.lanes,
    pick: sel.pick,
    onPick: (i) => {
      const v = (app.run?.spans || []).filter((s) => s.state === sel.name && s.kind === 'state')[i];
      app.selection = { ...sel, pick: i, lane: v?.lane, startMs: v?.startMs, kind: 'state' };
      renderRun();
    },
  });
}

function markSelectedNode() {
  if (!app.graph) return;
  for (const [name, g] of app.graph.nodes) g.classList.toggle('selected', name === app.selection.name);
}

/** Select a state (from the graph, a bar, or the history), optionally one visit of it. */
function select({ name, lane, startMs, ms, kind }) {
  const visits = (app.run?.spans || []).filter((s) => s.state === name && s.kind === 'state');
  let pick = 0;
  if (lane !== undefined) {
    const t = startMs ?? ms;
    const i = visits.findIndex((v) => v.lane === lane && (t === undefined || (v.startMs <= t && (v.endMs === null || v.endMs === undefined || t <= v.endMs))));
    if (i >= 0) pick = i;
  }
  const v = visits[pick];
  app.selection = { name, pick, lane: v?.lane ?? lane, startMs: startMs ?? v?.startMs, kind: kind || 'state' };
  markSelectedNode();
  showResultTab('inspector', { draw: false });
  renderRun();
}

/** Show a tab of the run's details; `draw: false` when the caller draws the panels next. */
function showResultTab(which, { draw = true } = {}) {
  for (const w of ['output', 'inspector', 'history']) {
    const on = w === which;
    $(`#rtab-${w}`).setAttribute('aria-selected', String(on));
    $(`#rtab-${w}`).tabIndex = on ? 0 : -1;
    $(`#panel-${w}`).hidden = !on;
  }
  if (!draw) return;
  if (which === 'history') drawHistory();
  if (which === 'inspector') renderInspectorPane();
}

// ------------------------------------------------------------------ toasts

let toastTimer = null;
function toast(text, bad = false) {
  const t = $('#toast');
  t.textContent = text;
  t.classList.toggle('bad', bad);
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (t.hidden = true), 4500);
}

// ------------------------------------------------------------------ examples

async function fetchJSONText(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`cannot load ${url}: HTTP ${r.status}`);
  return r.text();
}

const exampleFiles = (id) => Promise.all(['definition', 'input', 'mocks'].map((f) => fetchJSONText(`examples/${id}/${f}.json`)));

async function loadExample(id, files) {
  const ex = app.examples.find((e) => e.id === id);
  if (!ex) throw new Error(`no example '${id}'`);
  const [definition, input, mocks] = await (files || exampleFiles(id));
  loadWork({ definition, input, mocks }, { exampleId: id });
  $('#example-summary').textContent = ex.summary;
}

async function initExamples() {
  app.examples = JSON.parse(await fetchJSONText('examples/index.json'));
  const sel = $('#examples');
  sel.replaceChildren(h('option', { value: '', text: 'Your workflow' }), ...app.examples.map((e) => h('option', { value: e.id, text: e.title })));
}

// ------------------------------------------------------------------ startup

function shortcutLabels() {
  const mod = isMac ? '⌘' : 'Ctrl';
  const alt = isMac ? '⌥' : 'Alt';
  $('#run kbd').textContent = `${mod}+↵`;
  $('#pause kbd').textContent = `${alt}+P`;
  $('#step kbd').textContent = `${alt}+S`;
  $('#stop kbd').textContent = `${alt}+X`;
}

function wire() {
  $('#run').addEventListener('click', () => startRun().catch(() => {}));
  $('#scrubber').addEventListener('input', (e) => setPlayhead(Number(e.target.value)));
  $('#replay-play').addEventListener('click', toggleReplay);
  $('#replay-next').addEventListener('click', () => {
    const t = app.playhead ?? app.run?.result?.durationMs ?? 0;
    const next = eventTimes().find((x) => x > t);
    setPlayhead(next ?? app.run?.result?.durationMs ?? 0);
  });
  $('#replay-prev').addEventListener('click', () => {
    const t = app.playhead ?? app.run?.result?.durationMs ?? 0;
    const prev = eventTimes()
      .filter((x) => x < t)
      .pop();
    setPlayhead(prev ?? 0);
  });
  $('#pause').addEventListener('click', togglePause);
  $('#step').addEventListener('click', stepRun);
  $('#stop').addEventListener('click', stopRun);
  $('#share').addEventListener('click', () => shareLink().catch((e) => toast(`Could not make a link: ${e.message}`, true)));
  $('#fill-mocks').addEventListener('click', fillMocks);
  $('#theme').addEventListener('click', () => {
    const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
    localStorage.setItem(THEME_KEY, next);
    applyTheme(next);
  });
  $('#examples').addEventListener('change', (e) => {
    if (e.target.value) loadExample(e.target.value).catch((err) => toast(err.message, true));
  });
  $('#speed').addEventListener('change', saveSoon);
  $('#seed').addEventListener('change', saveSoon);
  $('#sequential').addEventListener('change', saveSoon);
  for (const w of ['definition', 'input', 'mocks']) $(`#tab-${w}`).addEventListener('click', () => showEditor(w));
  for (const w of ['output', 'inspector', 'history']) $(`#rtab-${w}`).addEventListener('click', () => showResultTab(w));
  for (const list of document.querySelectorAll('[role=tablist]')) {
    list.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
      const tabs = [...list.querySelectorAll('[role=tab]')];
      const i = tabs.indexOf(document.activeElement);
      if (i < 0) return;
      const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
      next.click();
      next.focus();
    });
  }
  $('#history-filter').addEventListener('input', (e) => {
    app.historyFilter.text = e.target.value;
    drawHistory();
  });
  $('#history-group').addEventListener('change', (e) => {
    app.historyFilter.group = e.target.value;
    drawHistory();
  });
  $('#consent-allow').addEventListener('click', () => {
    app.trusted = true;
    updateConsent();
    saveSoon();
    startRun().catch(() => {});
  });
  $('#consent-show').addEventListener('click', () => {
    showEditor('mocks');
    editors.mocks.view.focus();
  });
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
      e.preventDefault();
      startRun().catch(() => {});
    } else if (e.altKey && !e.ctrlKey && !e.metaKey) {
      const action = e.code === 'KeyP' ? togglePause : e.code === 'KeyS' ? stepRun : e.code === 'KeyX' ? stopRun : null;
      if (action) {
        e.preventDefault();
        action();
      }
    }
  });
  window.addEventListener('hashchange', () => loadFromHash().catch((e) => toast(e.message, true)));
}

async function loadFromHash() {
  const m = /^#w=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (!m) return false;
  let work;
  try {
    work = await decodeWork(m[1]);
  } catch (e) {
    toast(`Could not open the shared link: ${e.message}`, true);
    return false;
  }
  const code = location.hash;
  loadWork(work, { trusted: false });
  history.replaceState(null, '', code); // loadWork's edits cleared it; the link stays shareable
  // A replay position in the link: run at once (instantly) to show it, unless the mocks hold
  // code that waits for the user's consent.
  if (app.pendingPlayhead !== null && Object.keys(functionsIn(editors.mocks.text)).length === 0) {
    startRun({ speed: 'instant' }).catch(() => {});
  }
  return true;
}

async function main() {
  performance.mark('statelab:main');
  const engineReady = engine.init(); // compile the wasm in the worker while the page sets up
  engineReady.then(
    () => performance.mark('statelab:engine'),
    () => {},
  );
  // A first visit opens the first example: fetch it while the editors are made.
  const saved = parsedOrNull(localStorage.getItem(STORE_KEY) || 'null');
  const firstVisit = !/^#w=/.test(location.hash) && !(saved && typeof saved.definition === 'string');
  const examplesLoaded = initExamples();
  const firstFiles = firstVisit ? exampleFiles(DEFAULT_EXAMPLE) : null;
  firstFiles?.catch(() => {});
  applyTheme(initialTheme());
  shortcutLabels();
  makeEditors();
  wire();
  showEditor('definition');
  showResultTab('output');
  renderRun();
  await examplesLoaded.catch((e) => toast(`The examples could not be loaded: ${e.message}`, true));
  if (!(await loadFromHash())) {
    if (saved && typeof saved.definition === 'string') loadWork(saved, { trusted: saved.trusted !== false, exampleId: saved.exampleId || null });
    else if (app.examples.some((e) => e.id === DEFAULT_EXAMPLE)) await loadExample(DEFAULT_EXAMPLE, firstFiles);
    else if (app.examples.length) await loadExample(app.examples[0].id);
    else loadWork({});
    if (app.exampleId) $('#example-summary').textContent = app.examples.find((e) => e.id === app.exampleId)?.summary || '';
  }
  performance.mark('statelab:work');
  engineReady.then(
    () => (app.engineError = null),
    (e) => {
      app.engineError = `Cannot run: the engine could not start (${e.message}); is www/pkg built? Run scripts/build-wasm.sh`;
      renderStatus();
    },
  );
  document.body.classList.add('ready');
}

// The page's API, for tests and for embedding.
window.statelab = {
  /** Replace the work: {definition, input, mocks, settings} as JSON text or values. */
  load(work, { trusted = true } = {}) {
    loadWork(work, { trusted });
  },
  loadExample,
  /** Run; resolves with {status, output?, error?, cause?, durationMs, events, spans}. options.speed: a number or 'instant'. */
  run: (options) => startRun(options),
  stop: stopRun,
  work: currentWork,
  share: shareLink,
  get result() {
    return app.run?.result ?? null;
  },
  /** How many runs have ended so far (succeeded, failed, or could not start). */
  get runsEnded() {
    return app.runsEnded;
  },
  ready: null,
};
window.statelab.ready = main();
