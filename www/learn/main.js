// The guided tour (learn.html): lessons from one state after another to Parallel, Map,
// data flow, JSONata and cost. One lesson at a time; each has a workflow the user edits
// (three editors, as in the playground), runs on the engine (statelab.js, with real timers
// at a chosen speed, or instantly) and watches on the playground's graph and timeline; and
// an exercise that the engine's runs are checked against (lessons.js, measure.js). Progress,
// each lesson's edits and the hints shown are kept in localStorage (progress.js).
import { run, simulate, validate } from '../statelab.js';
import { makeEditor, jsonParseLinter, offsetOf } from '../app/lib/editor.js';
import { renderTimeline } from '../app/panels/timeline.js';
import { drawGraph, paintGraph, paintEdges } from '../app/panels/graph.js';
import { joinsOf } from '../app/model/timing.js';
import { stateTypesOf } from '../app/model/asl.js';
import { splitMocks } from '../app/model/mocks.js';
import { resultStatus } from '../app/model/status.js';
import { h, isMac } from '../app/lib/dom.js';
import { LESSONS, judge, lessonById, scenarioMocks } from './lessons.js';
import { Run, same, secs } from './measure.js';
import { KEY, mergeChanges, noChanges, readProgress, saveProgress } from './progress.js';

const $ = (id) => document.getElementById(id);
const PARTS = ['definition', 'input', 'mocks'];
const THEME_KEY = 'statelab.theme';
const SAVE_MS = 250;
const SPEEDS = [
  ['1', '1×'],
  ['2', '2×'],
  ['4', '4×'],
  ['10', '10×'],
  ['instant', 'Instant'],
];
const DEFAULT_SPEED = '4';

const pretty = (v) => JSON.stringify(v, null, 2);
/** A lesson's starting texts. */
const startOf = (lesson) => ({ definition: pretty(lesson.start.definition), input: pretty(lesson.start.input), mocks: pretty(lesson.start.mocks) });

/** Text with `code` spans, as nodes. */
function rich(text) {
  return text.split(/`([^`]*)`/).map((part, i) => (i % 2 ? h('code', { text: part }) : part));
}

// ------------------------------------------------------------------ state

let storage = null;
try {
  storage = globalThis.localStorage;
} catch {
  storage = null;
}
const read = readProgress(storage);
const progress = read.progress;
let changes = noChanges(); // what this tab changed since it last saved
let lesson = null; // the lesson shown
let ctl = null; // the run going, if any
let runId = 0; // the latest run asked for (an older one that ends is ignored)
let saveTimer = null;
let loading = false; // editors being filled by the page (not the user's edits)
let lastUndo = null; // {lessonId, texts}: what Reset or the solution replaced

function notice(problem) {
  const el = $('notice');
  el.hidden = !problem;
  el.textContent = problem ? `Your progress is not kept: ${problem}. The tour still works; what you do is lost when the page closes.` : '';
}

/**
 * Save: what is stored, with this tab's changes put in (another tab's edits of other lessons
 * stay), and take in what the other tabs saved.
 */
function persist() {
  clearTimeout(saveTimer);
  saveTimer = null;
  if (!storage) return;
  const stored = readProgress(storage);
  const next = stored.problem ? { ...progress } : mergeChanges(stored.progress, progress, changes);
  const problem = saveProgress(storage, next);
  notice(problem);
  if (problem) return;
  changes = noChanges();
  Object.assign(progress, next);
}

function persistSoon() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(persist, SAVE_MS);
}

// ------------------------------------------------------------------ editors

const editors = {};
const texts = () => Object.fromEntries(PARTS.map((p) => [p, editors[p].text]));

/** The definition editor's lint: JSON first, then the engine's diagnostics at their line and column. */
const jsonLint = jsonParseLinter();
async function lintDefinition(view) {
  const syntax = jsonLint(view);
  if (syntax.length) return syntax;
  const text = view.state.doc.toString();
  let diags;
  try {
    diags = await validate(text);
  } catch {
    return [];
  }
  if (view.state.doc.toString() !== text) return [];
  return diags.map((d) => {
    const from = offsetOf(view.state.doc, d.line, d.column);
    return { from, to: Math.min(view.state.doc.length, from + 1), severity: d.severity === 'WARNING' ? 'warning' : 'error', message: d.message };
  });
}

let graphTimer = null;

function edited(part) {
  if (loading || !lesson) return;
  // The graph follows the definition as it is typed (between runs; a run draws its own).
  if (part === 'definition' && !ctl) {
    clearTimeout(graphTimer);
    graphTimer = setTimeout(() => !ctl && drawGraphOf(editors.definition.text), 400);
  }
  const now = texts();
  const start = startOf(lesson);
  if (PARTS.every((p) => now[p] === start[p])) delete progress.work[lesson.id];
  else progress.work[lesson.id] = now;
  changes.work.add(lesson.id);
  persistSoon();
}

function makeEditors() {
  const keys = [
    {
      key: 'Mod-Enter',
      run: () => {
        check();
        return true;
      },
    },
  ];
  for (const part of PARTS) {
    editors[part] = makeEditor($(`ed-${part}`), {
      label: `${part[0].toUpperCase()}${part.slice(1)} (JSON)`,
      lint: part === 'definition' ? lintDefinition : undefined,
      onChange: () => edited(part),
      extraKeys: keys,
    });
  }
}

/** Put texts in the editors: each a step of its editor's undo history. */
function fill(t) {
  loading = true;
  try {
    for (const p of PARTS) if (editors[p].text !== t[p]) editors[p].text = t[p];
  } finally {
    loading = false;
  }
}

// ------------------------------------------------------------------ tabs

function showTab(part, focus = false) {
  for (const p of PARTS) {
    const tab = $(`tab-${p}`);
    const on = p === part;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    $(`ed-${p}`).hidden = !on;
  }
  if (focus) $(`tab-${part}`).focus();
}

function mountTabs() {
  for (const p of PARTS) {
    $(`tab-${p}`).addEventListener('click', () => showTab(p));
    $(`tab-${p}`).addEventListener('keydown', (e) => {
      const i = PARTS.indexOf(p);
      const next = e.key === 'ArrowRight' ? PARTS[(i + 1) % 3] : e.key === 'ArrowLeft' ? PARTS[(i + 2) % 3] : e.key === 'Home' ? PARTS[0] : e.key === 'End' ? PARTS[2] : null;
      if (next) {
        e.preventDefault();
        showTab(next, true);
      }
    });
  }
  showTab('definition');
}

// ------------------------------------------------------------------ the lesson list

function drawNav() {
  const list = $('lesson-list');
  list.replaceChildren(
    ...LESSONS.map((l, i) => {
      const done = !!progress.done[l.id];
      const current = lesson?.id === l.id;
      return h(
        'li',
        { class: `${done ? 'done' : ''} ${current ? 'current' : ''}`.trim() },
        h(
          'a',
          { href: `#${l.id}`, 'aria-current': current ? 'page' : undefined, 'data-testid': 'lesson-link', 'data-lesson': l.id, 'data-done': String(done) },
          h('span', { class: 'mark', 'aria-hidden': 'true', text: done ? '✓' : String(i + 1) }),
          h('span', { class: 'lesson-name', text: l.title }),
          done ? h('span', { class: 'visually-hidden', text: ' (done)' }) : null,
        ),
      );
    }),
  );
  const n = LESSONS.filter((l) => progress.done[l.id]).length;
  $('progress').textContent = `${n} of ${LESSONS.length} lessons done`;
  $('progress').dataset.done = String(n);
  $('progress-fill').style.width = `${(100 * n) / LESSONS.length}%`;
  $('progress-short').textContent = `${n}/${LESSONS.length}`;
}

function setNavOpen(open, { focus = false } = {}) {
  $('lessons-toggle').setAttribute('aria-expanded', String(open));
  document.body.classList.toggle('nav-open', open);
  if (open && focus) $('lesson-list').querySelector('[aria-current=page]')?.focus();
}

const navOpen = () => document.body.classList.contains('nav-open');

function mountNav() {
  // On a narrow screen the list is a panel over the lesson, behind the Lessons button: it
  // opens with the focus on the lesson shown, and Escape (or a click outside) closes it.
  $('lessons-toggle').addEventListener('click', () => setNavOpen(!navOpen(), { focus: true }));
  $('lesson-nav').addEventListener('click', (e) => {
    if (e.target.closest('a')) setNavOpen(false);
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && navOpen()) {
      setNavOpen(false);
      $('lessons-toggle').focus();
    }
  });
  document.addEventListener('click', (e) => {
    if (navOpen() && !e.target.closest('#lesson-nav, #lessons-toggle')) setNavOpen(false);
  });
  $('reset-progress').addEventListener('click', () => {
    $('reset-confirm').hidden = false;
    $('reset-progress').hidden = true;
    $('reset-yes').focus();
  });
  const closeConfirm = () => {
    $('reset-confirm').hidden = true;
    $('reset-progress').hidden = false;
    $('reset-progress').focus();
  };
  $('reset-no').addEventListener('click', closeConfirm);
  $('reset-yes').addEventListener('click', () => {
    progress.done = {};
    progress.hints = {};
    changes.reset = true;
    persist();
    drawNav();
    if (lesson) drawLessonState();
    closeConfirm();
  });
}

// ------------------------------------------------------------------ a lesson

function clearRun() {
  runId += 1;
  ctl?.stop();
  ctl = null;
  setRunning(false);
  $('run-status').textContent = 'Not run yet. Run it to watch the timeline, or check your answer.';
  $('run-status').dataset.status = 'IDLE';
  $('verdict').hidden = true;
  $('verdict').dataset.pass = '';
  $('output-box').hidden = true;
  $('diagnostics').replaceChildren();
  drawViews(null);
}

function drawLessonState() {
  const done = !!progress.done[lesson.id];
  $('lesson-done').hidden = !done;
  const shown = Math.min(progress.hints[lesson.id] || 0, lesson.hints.length);
  $('hint-list').replaceChildren(...lesson.hints.slice(0, shown).map((t, i) => h('li', { 'data-testid': 'hint' }, h('strong', { text: `Hint ${i + 1}. ` }), ...rich(t))));
  $('hint-btn').hidden = shown >= lesson.hints.length;
  $('hint-btn').textContent = shown ? `Another hint (${shown + 1} of ${lesson.hints.length})` : `Show a hint (1 of ${lesson.hints.length})`;
}

function showLesson(id, { focus = false } = {}) {
  const next = lessonById(id) || LESSONS[0];
  if (lesson?.id === next.id) return;
  if (saveTimer) persist();
  const from = lesson?.id ?? null;
  lesson = next;
  progress.current = lesson.id;
  persistSoon();
  const i = LESSONS.indexOf(lesson);
  document.title = `${lesson.title} · Learn Step Functions · statelab`;
  $('lesson').dataset.lesson = lesson.id;
  $('lesson-count').textContent = `Lesson ${i + 1} of ${LESSONS.length}`;
  $('lesson-title').textContent = lesson.title;
  $('lesson-text').replaceChildren(...lesson.text.map((t) => h('p', {}, ...rich(t))));
  $('exercise-text').replaceChildren(...rich(lesson.exercise));
  $('solution').hidden = true;
  $('solution-btn').setAttribute('aria-expanded', 'false');
  $('solution-btn').textContent = 'Show a solution';
  $('solution-text').textContent = pretty(lesson.solution.definition);
  $('undo-note').hidden = true;
  lastUndo = null;
  const prev = LESSONS[i - 1];
  const nxt = LESSONS[i + 1];
  $('prev').hidden = !prev;
  $('next').hidden = !nxt;
  if (prev) {
    $('prev').href = `#${prev.id}`;
    $('prev-title').textContent = prev.title;
  }
  if (nxt) {
    $('next').href = `#${nxt.id}`;
    $('next-title').textContent = nxt.title;
  }
  // The editors: this lesson's kept edits, else its start. Each lesson keeps its editors'
  // undo history while the page is open; Ctrl-Z never brings back another lesson's text.
  const t = progress.work[lesson.id] || startOf(lesson);
  loading = true;
  try {
    for (const p of PARTS) editors[p].switchDoc(from, lesson.id, t[p]);
  } finally {
    loading = false;
  }
  showTab('definition');
  drawNav();
  drawLessonState();
  clearRun();
  if (focus) {
    $('lesson-title').focus();
    window.scrollTo(0, 0);
  }
}

function lessonFromHash() {
  const id = decodeURIComponent(location.hash.slice(1));
  return lessonById(id) ? id : null;
}

// ------------------------------------------------------------------ running and checking

function setRunning(on) {
  const b = $('run');
  b.dataset.running = String(on);
  b.querySelector('.label').textContent = on ? 'Stop' : 'Run';
  b.setAttribute('aria-label', on ? 'Stop the run' : 'Run the workflow');
}

let graph = null;
let graphFor = null;
let types = new Map();

/** Draw the graph of a definition's text (once per text), unpainted. */
function drawGraphOf(defText) {
  if (graphFor !== defText) {
    graphFor = defText;
    graph = null;
    types = new Map();
    try {
      const def = JSON.parse(defText);
      types = stateTypesOf(def);
      // (The view takes the drawing's height: the host has none of its own.)
      graph = drawGraph($('graph'), def, { autoHeight: true });
      paintGraph(graph.nodes, []);
      paintEdges(graph.edges, graph.nodes);
    } catch {
      $('graph').replaceChildren(h('p', { class: 'empty', text: 'The graph shows once the definition reads.' }));
    }
  }
}

/**
 * The graph and the timeline: for a run's spans (of the definition text it ran), or empty
 * (the editor's definition's graph, if it reads).
 */
function drawViews(view, defText = editors.definition.text) {
  drawGraphOf(defText);
  const spans = view?.spans || [];
  if (graph) {
    paintGraph(graph.nodes, spans);
    paintEdges(graph.edges, graph.nodes);
  }
  renderTimeline($('timeline'), spans, { lanes: view?.lanes, nowMs: view?.nowMs ?? 0, durationMs: view?.durationMs, joins: joinsOf(spans, types) });
}

/** Why these texts cannot run as a lesson's mocks (JS functions), or null; mocks: parsed or null. */
function mocksProblem(mocks) {
  const names = Object.keys(splitMocks(mocks).functions);
  return names.length ? `Not run: the mocks of ${names.join(', ')} are JavaScript functions; the tour runs JSON mocks only (the playground runs functions).` : null;
}

function parsedOrNull(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Show why a run could not start: the engine's message, and its diagnostics as links to their place. */
function showError(e) {
  $('run-status').dataset.status = 'ERROR';
  $('run-status').textContent = e.diagnostics?.length ? 'Not run: the definition has problems.' : `Not run: ${e.message}`;
  const list = (e.diagnostics || []).slice(0, 8).map((d) =>
    h(
      'li',
      {},
      h('button', {
        class: 'linkish',
        type: 'button',
        text: `${d.line}:${d.column}`,
        'aria-label': `Go to line ${d.line}, column ${d.column} of the definition`,
        onclick: () => {
          showTab('definition');
          editors.definition.goto(d.line, d.column);
        },
      }),
      ` ${d.message}`,
    ),
  );
  $('diagnostics').replaceChildren(...list);
  $('verdict').hidden = true;
}

/** The status line of a finished run. */
function showResult(result) {
  const { status, text } = resultStatus(result);
  const r = new Run(result);
  $('run-status').dataset.status = status;
  $('run-status').textContent = `${text} · ${r.transitions} state transition${r.transitions === 1 ? '' : 's'} · ${result.events.length} events`;
  const out = result.status === 'SUCCEEDED' ? result.output : { Error: result.error ?? null, Cause: result.cause ?? null };
  $('output-label').textContent = result.status === 'SUCCEEDED' ? 'Output' : 'Error and cause';
  $('output').textContent = pretty(out);
  $('output-box').hidden = false;
}

/** Judge the finished run (and the lesson's scenarios, run at once) and show the verdict. */
/**
 * The mocks a check runs with: the lesson's, and the user's for the states the lesson has none
 * for (a Task the user added).
 */
function checkMocks(own, mocks) {
  const added = {};
  if (mocks && typeof mocks === 'object' && !Array.isArray(mocks)) for (const [k, v] of Object.entries(mocks)) if (!Object.hasOwn(own, k)) added[k] = v;
  return scenarioMocks(added, { mocks: own });
}

/**
 * Judge the finished run and show the verdict. The check is of the definition: it is run with
 * the lesson's own input and mocks (the run shown, when the editors hold them; else once more,
 * at once), and with each of the lesson's scenarios (those mocks with some replaced). Edited
 * input and mocks are for trying things out and cannot make a check pass; a mock for a state
 * the lesson has none for is used.
 */
async function finish(id, result, t, mocks) {
  const own = lesson.start;
  const base = checkMocks(own.mocks, mocks);
  const asGiven = same(parsedOrNull(t.input), own.input) && same(mocks, base);
  const results = [];
  try {
    results.push(asGiven ? result : await simulate(t.definition, own.input, base, { seed: 1 }));
    for (const s of lesson.scenarios || []) results.push(await simulate(t.definition, own.input, scenarioMocks(base, s), { seed: 1 }));
  } catch (e) {
    if (id === runId) showError(e);
    return;
  }
  if (id !== runId) return;
  const { pass, lines } = judge(lesson, results);
  const v = $('verdict');
  v.hidden = false;
  v.dataset.pass = String(pass);
  $('verdict-title').textContent = pass ? 'Well done: every goal is met.' : 'Not yet: the check measured this.';
  $('verdict-list').replaceChildren(
    ...lines.map((l) =>
      h(
        'li',
        { class: l.ok ? 'ok' : 'no', 'data-ok': String(l.ok) },
        h('span', { class: 'icon', 'aria-hidden': 'true', text: l.ok ? '✓' : '✗' }),
        h('span', { class: 'visually-hidden', text: l.ok ? 'Met: ' : 'Not met: ' }),
        l.text,
      ),
    ),
  );
  if (!asGiven)
    $('verdict-list').append(
      h('li', {
        class: 'scenario-note',
        'data-testid': 'own-mocks-note',
        text: "Checked with the lesson's own input and mocks: yours are edited (Run and the timeline use yours; Reset this lesson puts the lesson's back).",
      }),
    );
  if (lesson.scenarios?.length) $('verdict-list').append(h('li', { class: 'scenario-note', text: `Also run with ${lesson.scenarios.map((s) => s.label).join('; ')}.` }));
  const after = LESSONS[LESSONS.indexOf(lesson) + 1];
  $('verdict-next').replaceChildren(
    ...(pass
      ? after
        ? [h('a', { href: `#${after.id}`, 'data-testid': 'verdict-next' }, `Next lesson: ${after.title} →`)]
        : [h('span', { text: 'That was the last lesson. ' }), h('a', { href: 'index.html', text: 'On to the playground →' })]
      : []),
  );
  if (pass && !progress.done[lesson.id]) {
    progress.done[lesson.id] = new Date().toISOString();
    changes.done.add(lesson.id);
    persist();
    drawNav();
    drawLessonState();
  }
}

/** Start a run: at the chosen speed with real timers, or all at once (Check, and Instant). */
async function start({ instant }) {
  const id = ++runId;
  ctl?.stop();
  ctl = null;
  setRunning(false);
  const t = texts();
  const mocks = parsedOrNull(t.mocks);
  $('diagnostics').replaceChildren();
  $('verdict').hidden = true;
  $('verdict').dataset.pass = '';
  $('output-box').hidden = true;
  const problem = mocks && mocksProblem(mocks);
  if (problem) {
    showError(new Error(problem.replace(/^Not run: /, '')));
    return;
  }
  const speed = $('speed').value;
  if (instant || speed === 'instant') {
    $('run-status').dataset.status = 'RUNNING';
    $('run-status').textContent = 'Running…';
    let result;
    try {
      result = await simulate(t.definition, t.input, t.mocks, { seed: 1, criticalPath: true });
    } catch (e) {
      if (id === runId) {
        showError(e);
        drawViews(null);
      }
      return;
    }
    if (id !== runId) return;
    drawViews(result, t.definition);
    showResult(result);
    await finish(id, result, t, mocks);
    return;
  }
  let c;
  try {
    c = run(t.definition, t.input, t.mocks, {
      speed: Number(speed),
      seed: 1,
      criticalPath: true,
      onUpdate: ({ nowMs, spans, lanes }) => {
        if (id !== runId) return;
        drawViews({ spans, lanes, nowMs }, t.definition);
        $('run-status').textContent = `Running · ${secs(nowMs)} of workflow time`;
      },
    });
  } catch (e) {
    showError(e);
    return;
  }
  ctl = c;
  setRunning(true);
  $('run-status').dataset.status = 'RUNNING';
  $('run-status').textContent = 'Running…';
  let result;
  try {
    result = await c.done;
  } catch (e) {
    if (id === runId) {
      ctl = null;
      setRunning(false);
      showError(e);
      drawViews(null);
    }
    return;
  }
  if (id !== runId) return;
  ctl = null;
  setRunning(false);
  drawViews(result, t.definition);
  showResult(result);
  await finish(id, result, t, mocks);
}

function check() {
  start({ instant: true });
}

function toggleRun() {
  if (ctl) {
    runId += 1;
    ctl.stop();
    ctl = null;
    setRunning(false);
    $('run-status').dataset.status = 'IDLE';
    $('run-status').textContent = 'Stopped.';
    return;
  }
  start({ instant: false });
}

// ------------------------------------------------------------------ hints, solution, reset

/** Replace the editors' texts, with a way back (the note's Undo, and each editor's Ctrl-Z). */
function replaceWork(t, what) {
  lastUndo = { lessonId: lesson.id, texts: texts() };
  fill(t);
  edited('definition');
  $('undo-text').textContent = what;
  $('undo-note').hidden = false;
  clearRun();
}

function mountLessonControls() {
  $('hint-btn').addEventListener('click', () => {
    progress.hints[lesson.id] = Math.min((progress.hints[lesson.id] || 0) + 1, lesson.hints.length);
    changes.hints.add(lesson.id);
    persistSoon();
    drawLessonState();
    const hints = $('hint-list').querySelectorAll('li');
    hints[hints.length - 1]?.setAttribute('tabindex', '-1');
    if ($('hint-btn').hidden) hints[hints.length - 1]?.focus();
  });
  $('solution-btn').addEventListener('click', () => {
    const open = $('solution').hidden;
    $('solution').hidden = !open;
    $('solution-btn').setAttribute('aria-expanded', String(open));
    $('solution-btn').textContent = open ? 'Hide the solution' : 'Show a solution';
  });
  $('use-solution').addEventListener('click', () => {
    const t = texts();
    replaceWork({ ...t, definition: pretty(lesson.solution.definition) }, 'The solution is in the definition editor.');
    showTab('definition');
  });
  $('reset-lesson').addEventListener('click', () => replaceWork(startOf(lesson), 'This lesson is back to its starting workflow.'));
  $('undo').addEventListener('click', () => {
    if (!lastUndo || lastUndo.lessonId !== lesson.id) return;
    const back = lastUndo.texts;
    lastUndo = null;
    fill(back);
    edited('definition');
    $('undo-note').hidden = true;
    clearRun();
  });
  $('run').addEventListener('click', toggleRun);
  $('check').addEventListener('click', check);
  const speed = $('speed');
  speed.replaceChildren(...SPEEDS.map(([v, label]) => h('option', { value: v, text: label })));
  speed.value = SPEEDS.some(([v]) => v === progress.speed) ? progress.speed : DEFAULT_SPEED;
  speed.addEventListener('change', () => {
    progress.speed = speed.value;
    persistSoon();
  });
  $('check-keys').textContent = `${isMac ? '⌘' : 'Ctrl'}+Enter`;
}

// ------------------------------------------------------------------ theme

function mountTheme() {
  const b = $('theme');
  const show = () => {
    const dark = document.documentElement.dataset.theme === 'dark';
    b.setAttribute('aria-label', dark ? 'Switch to the light theme' : 'Switch to the dark theme');
    b.querySelector('.theme-name').textContent = dark ? 'Light' : 'Dark';
  };
  b.addEventListener('click', () => {
    const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
    document.documentElement.dataset.theme = next;
    try {
      localStorage.setItem(THEME_KEY, next);
    } catch {
      // (The theme is only not remembered.)
    }
    show();
  });
  show();
}

// ------------------------------------------------------------------ start

makeEditors();
mountTabs();
mountNav();
mountLessonControls();
mountTheme();
notice(storage ? read.problem : 'this browser does not let the page keep anything (storage is turned off)');
showLesson(lessonFromHash() || progress.current || LESSONS[0].id);
if (!lessonFromHash()) history.replaceState(null, '', `#${lesson.id}`);
document.addEventListener('keydown', (e) => {
  if ((e.ctrlKey || e.metaKey) && e.key === 'Enter' && !e.defaultPrevented) {
    e.preventDefault();
    check();
  }
});
window.addEventListener('hashchange', () => {
  const id = lessonFromHash();
  if (id) showLesson(id, { focus: true });
});
// Another tab of the tour saved: its done marks, hints and edits of lessons this tab has not
// changed come in (the editors keep what they show).
window.addEventListener('storage', (e) => {
  if (e.key !== KEY || !storage) return;
  const stored = readProgress(storage);
  if (stored.problem) return;
  Object.assign(progress, mergeChanges(stored.progress, progress, changes));
  drawNav();
  drawLessonState();
});
// What was typed in the last moments is kept when the page goes away.
window.addEventListener('pagehide', () => saveTimer && persist());
document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && saveTimer && persist());
document.body.dataset.ready = 'true';
