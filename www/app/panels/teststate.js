// The Test state tab: one state run alone, as AWS's TestState API runs it, on the full engine
// (testState() of statelab.js, in the engine's worker, loaded the first time). Its request's
// fields (model/teststate.js) are kept per state in the store while the page lives, filled from
// the last run where the user has not typed; the answer shows the status, the next state, the
// error and cause, and the state's data flow stage by stage. Loaded when the tab is first
// opened (panels/teststate-door.js, which also holds the definition editor's way in).
import { makeEditor } from '../lib/editor.js';
import { h, setText, isMac } from '../lib/dom.js';
import { pretty, parsedOrNull } from '../lib/format.js';
import { openTestState, toast } from '../state.js';
import { stateNamed } from '../model/asl.js';
import {
  LEVELS,
  VALIDATION_MODES,
  takesMock,
  retries,
  readsItems,
  isHttpTask,
  hasInnerStates,
  innerStates,
  readJson,
  readCount,
  newDraft,
  prefill,
  placeOf,
  buildRequest,
  stagesOf,
  MAP_FACTS,
  errorDetailsText,
  testableStates,
} from '../model/teststate.js';

const MOD = isMac ? '⌘' : 'Ctrl';
const STATUS_WORDS = {
  SUCCEEDED: 'Succeeded',
  FAILED: 'Failed',
  RETRIABLE: 'Retriable: a retrier would try it again',
  CAUGHT_ERROR: 'Caught: a catcher takes the error',
};

/** Copy a text; resolves true when the browser let it. */
async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

let nextId = 0;
const uid = (what) => `ts-${what}-${++nextId}`;

/** A labelled field: {box, error (the element of its mistake's message, errorId its id), from (where its value came from)}. */
function fieldBox(label, control, { hint = null, testid } = {}) {
  const errorId = uid('error');
  const error = h('p', { class: 'ts-error', id: errorId, 'data-testid': testid ? `${testid}-error` : undefined, hidden: true });
  const from = h('span', { class: 'ts-from', 'data-testid': testid ? `${testid}-from` : undefined });
  const head = h('div', { class: 'ts-label-row' }, label, from);
  const box = h('div', { class: 'ts-field' }, head, hint ? h('p', { class: 'ts-hint', text: hint }) : null, control, error);
  return { box, error, from, errorId };
}

/**
 * Mount the Test state tab in `host`, and the definition editor's way in. engine: engine.js
 * (testState, fullLoaded); work: work.js (runnable: the definition as the run resolves it).
 */
export function mountTestState(store, { host, engine, work }) {
  const ts = () => store.get().testState;
  let shown = null; // the state whose fields the DOM shows
  let finished = 0; // tests answered (the answer's data-done, for tests)
  let applying = false; // the fields are being set from a draft (not the user's typing)

  /** Change the draft of `name`: patch, and the groups the user edited (no longer filled from runs). */
  function saveDraft(name, patch, edited = null) {
    store.update((s) => {
      const d = s.testState.drafts.get(name);
      if (!d) return null;
      const next = { ...d, ...patch, edited: edited ? { ...d.edited, [edited]: true } : d.edited };
      return { testState: { ...s.testState, drafts: new Map(s.testState.drafts).set(name, next) } };
    });
  }

  // ------------------------------------------------------------------ the fields
  const errors = new Map(); // field → {error element, control element(s) to mark}
  function setError(field, message) {
    const f = errors.get(field);
    if (!f) return;
    f.error.hidden = !message;
    setText(f.error, message || '');
    for (const el of f.marks()) {
      if (message) {
        el.setAttribute('aria-invalid', 'true');
        el.setAttribute('aria-describedby', f.errorId);
      } else {
        el.removeAttribute('aria-invalid');
        el.removeAttribute('aria-describedby');
      }
    }
  }

  /** A JSON field's editor: its text goes to the draft; a mistake is marked in it and said under it. */
  function jsonField(field, label, { optional = false, group = null, hint = null, testid }) {
    const mount = h('div', { class: `ts-editor${optional ? ' small' : ''}`, 'data-testid': testid });
    const labelEl = h('span', { class: 'ts-label', text: label });
    const f = fieldBox(labelEl, mount, { hint, testid });
    const editor = makeEditor(mount, {
      doc: '',
      label: `${label} (JSON${optional ? ', optional' : ''})`,
      extraKeys: [],
      lint: (view) => {
        const text = view.state.doc.toString();
        const r = readJson(text, { optional });
        setError(field, r.ok ? null : r.message);
        if (r.ok) return [];
        const at = Math.min(r.offset, text.length);
        return [{ from: at, to: Math.min(text.length, at + 1), severity: 'error', message: r.message }];
      },
      onChange: (text) => {
        if (applying || !shown) return;
        saveDraft(shown, { [field]: text }, group);
      },
    });
    labelEl.addEventListener('click', () => editor.view.focus());
    errors.set(field, { error: f.error, errorId: f.errorId, marks: () => [editor.view.contentDOM] });
    return {
      ...f,
      editor,
      set: (text) => {
        if (editor.text !== text) editor.text = text;
      },
      focus: () => editor.view.focus(),
    };
  }

  /** A one-line text or number input. */
  function inputField(field, label, { type = 'text', group = null, placeholder, testid, hint, validate }) {
    const id = uid(field);
    const count = type === 'count';
    const input = h('input', {
      id,
      type: count ? 'text' : type,
      class: 'ts-input',
      placeholder,
      'data-testid': testid,
      autocomplete: 'off',
      spellcheck: 'false',
      inputmode: count ? 'numeric' : undefined,
    });
    const f = fieldBox(h('label', { class: 'ts-label', for: id, text: label }), input, { hint, testid });
    input.addEventListener('input', () => {
      if (validate) setError(field, validate(input.value));
      if (shown) saveDraft(shown, { [field]: input.value }, group);
    });
    errors.set(field, { error: f.error, errorId: f.errorId, marks: () => [input] });
    return {
      ...f,
      input,
      set: (v) => {
        if (input.value !== v) input.value = v;
      },
      focus: () => input.focus(),
    };
  }

  /** Radio buttons in a fieldset: {box, set(value), inputs}. */
  function radios(name, legend, options, onPick, testid) {
    const group = uid(name);
    const inputs = options.map(([value, text, title]) => {
      const input = h('input', { type: 'radio', name: group, value, 'data-testid': `${testid}-${value}` });
      input.addEventListener('change', () => input.checked && onPick(value));
      return { value, input, label: h('label', { class: 'ts-radio', title }, input, h('span', { text })) };
    });
    const box = h('fieldset', { class: 'ts-radios', 'data-testid': testid }, h('legend', { class: 'ts-label', text: legend }), ...inputs.map((i) => i.label));
    return {
      box,
      set: (v) => {
        for (const i of inputs) i.input.checked = i.value === v;
      },
    };
  }

  // The head: which state, and how to pick another.
  const title = h('h3', { class: 'ts-title', tabindex: -1, 'data-testid': 'ts-title' });
  const typePill = h('span', { class: 'pill' });
  const picker = h('select', { class: 'ts-picker', 'data-testid': 'ts-state', 'aria-label': 'The state to test' });
  picker.addEventListener('change', () => picker.value && openTestState(store, picker.value));
  const place = h('p', { class: 'ts-place', 'data-testid': 'ts-place' });
  const problem = h('p', { class: 'ts-problem', 'data-testid': 'ts-problem', role: 'alert', hidden: true });

  const input = jsonField('input', 'Input', { group: 'input', testid: 'ts-input' });
  const level = radios(
    'level',
    'Inspection level',
    LEVELS.map((l) => [
      l,
      l,
      { INFO: 'The status, output, error and next state', DEBUG: 'Also the data flow, step by step', TRACE: 'As DEBUG, and an HTTP Task’s request and response' }[l],
    ]),
    (v) => {
      if (!shown) return;
      saveDraft(shown, { level: v });
      showReveal(stateNamed(store.get().definition.parsed, shown), v);
    },
    'ts-level',
  );
  // revealSecrets: an HTTP Task at TRACE.
  const revealId = uid('reveal');
  const reveal = h('input', { id: revealId, type: 'checkbox', 'data-testid': 'ts-reveal-secrets' });
  reveal.addEventListener('change', () => shown && saveDraft(shown, { revealSecrets: reveal.checked }));
  const revealBox = h(
    'div',
    { class: 'ts-field ts-inline', 'data-testid': 'ts-reveal-box' },
    h('label', { class: 'ts-radio', for: revealId }, reveal, h('span', { text: 'Reveal secrets (revealSecrets)' })),
    h('span', {
      class: 'ts-hint',
      text: 'AWS then shows what the EventBridge connection adds to the request (its authorization, headers, query and body); statelab holds no connection, so its request shows what the definition gives either way',
    }),
  );
  function showReveal(state, lvl) {
    revealBox.hidden = !(isHttpTask(state) && lvl === 'TRACE');
  }

  // The mock (Task, Map, Parallel).
  const mockMode = radios(
    'mock',
    'Mock',
    [
      ['result', 'Result', 'The service answers with this result'],
      ['error', 'Error', 'The service fails with this error and cause'],
      ['none', 'No mock', 'Send no mock (statelab calls no service, so a Task is refused without one)'],
    ],
    (v) => {
      if (!shown) return;
      saveDraft(shown, { mockMode: v }, 'mock');
      showMockMode(v);
    },
    'ts-mock',
  );
  const result = jsonField('result', 'Result', { group: 'mock', testid: 'ts-result' });
  const validationId = uid('validation');
  const validation = h(
    'select',
    { id: validationId, class: 'ts-validation', 'data-testid': 'ts-validation' },
    ...VALIDATION_MODES.map((m) => h('option', { value: m, text: { STRICT: 'Strict', PRESENT: 'Present', NONE: 'None' }[m] })),
  );
  validation.addEventListener('change', () => shown && saveDraft(shown, { validation: validation.value }));
  const validationBox = h(
    'div',
    { class: 'ts-field ts-inline' },
    h('label', { class: 'ts-label', for: validationId, text: 'Field validation' }),
    validation,
    h('span', { class: 'ts-hint', text: 'Strict: the result must have the service response’s fields and types; Present: only the fields it has are checked; None: not checked' }),
  );
  const mockError = inputField('error', 'Error', { group: 'mock', placeholder: 'States.TaskFailed', testid: 'ts-error' });
  const mockCause = inputField('cause', 'Cause', { group: 'mock', placeholder: 'Why it failed', testid: 'ts-cause' });
  const causedById = uid('caused-by');
  const causedBy = h('select', { id: causedById, class: 'ts-input', 'data-testid': 'ts-caused-by' });
  causedBy.addEventListener('change', () => shown && saveDraft(shown, { errorCausedByState: causedBy.value }));
  const causedByBox = h(
    'div',
    { class: 'ts-field', 'data-testid': 'ts-caused-by-box' },
    h('label', { class: 'ts-label', for: causedById, text: 'Raised by' }),
    h('p', { class: 'ts-hint', text: 'stateConfiguration.errorCausedByState: the state inside whose failure this error is (not given: the state’s own)' }),
    causedBy,
  );
  const resultPart = h('div', { class: 'ts-mock-part' }, result.box, validationBox);
  const errorPart = h('div', { class: 'ts-mock-part' }, h('div', { class: 'ts-mock-part ts-pair' }, mockError.box, mockCause.box), causedByBox);
  const mockFrom = h('p', { class: 'ts-from ts-mock-from', 'data-testid': 'ts-mock-from' });
  const mockBox = h(
    'fieldset',
    { class: 'ts-group ts-mock' },
    h('legend', { class: 'ts-group-title', text: 'Mocked service response' }),
    mockMode.box,
    mockFrom,
    resultPart,
    errorPart,
  );
  function showMockMode(v) {
    resultPart.hidden = v !== 'result';
    errorPart.hidden = v !== 'error';
  }

  // mapItemReaderData: what a Map's ItemReader would read (CSV, JSON or JSONL text, as the source holds it).
  const readerMount = h('div', { class: 'ts-editor small', 'data-testid': 'ts-reader-data' });
  const readerLabel = h('span', { class: 'ts-label', text: 'Item reader data' });
  const readerData = fieldBox(readerLabel, readerMount, {
    testid: 'ts-reader-data',
    hint: 'stateConfiguration.mapItemReaderData: the data the ItemReader would read, as its source holds it (the object’s CSV, JSON or JSONL text; for a listing, a JSON array of the listed objects). statelab reads no S3 object, so the Map needs it',
  });
  const readerEditor = makeEditor(readerMount, {
    doc: '',
    label: 'Item reader data (CSV, JSON or JSONL text)',
    extraKeys: [],
    // Any text: the ItemReader's ReaderConfig says how it is read.
    lint: () => [],
    onChange: (text) => {
      if (applying || !shown) return;
      saveDraft(shown, { mapItemReaderData: text }, 'reader');
    },
  });
  readerLabel.addEventListener('click', () => readerEditor.view.focus());

  // Variables, context, role and state configuration.
  const variables = jsonField('variables', 'Variables', {
    optional: true,
    group: 'variables',
    testid: 'ts-variables',
    hint: 'A JSON object of workflow variables the state sees (empty: none)',
  });
  const context = jsonField('context', 'Context object', {
    optional: true,
    testid: 'ts-context',
    hint: 'What $$ (or $states.context) holds; empty: statelab makes one up, as AWS does',
  });
  const roleArn = inputField('roleArn', 'Role ARN', {
    placeholder: 'arn:aws:iam::123456789012:role/…',
    testid: 'ts-role',
    hint: 'Shown in the context object as Execution.RoleArn',
  });
  const retryCount = inputField('retrierRetryCount', 'Retries already made', {
    type: 'count',
    testid: 'ts-retry-count',
    hint: 'stateConfiguration.retrierRetryCount: how many times the matching retrier has retried; past its MaxAttempts the error goes on to Catch',
    validate: (v) => (readCount(v).ok ? null : readCount(v).message),
  });
  const mapFailures = inputField('mapIterationFailureCount', 'Failed iterations', {
    type: 'count',
    testid: 'ts-map-failures',
    hint: 'stateConfiguration.mapIterationFailureCount: how many of the Map’s iterations fail; more than it tolerates fails the Map',
    validate: (v) => (readCount(v).ok ? null : readCount(v).message),
  });
  const moreSummary = h('summary', { text: 'Variables, context and state configuration' });
  const more = h('details', { class: 'ts-group ts-more', 'data-testid': 'ts-more' }, moreSummary, variables.box, context.box, roleArn.box, retryCount.box, mapFailures.box);

  // The actions.
  const testButton = h(
    'button',
    { type: 'submit', class: 'btn primary', 'data-testid': 'ts-run', title: `Test the state (${MOD}+Enter in these fields)` },
    h('span', { class: 'label', text: 'Test' }),
    h('kbd', { text: `${MOD}+↵` }),
  );
  const copyButton = h('button', {
    type: 'button',
    class: 'btn',
    'data-testid': 'ts-copy-request',
    title: 'The request as JSON, for statelab test-state REQUEST --json',
    text: 'Copy as CLI request',
  });
  const resetButton = h('button', {
    type: 'button',
    class: 'btn',
    'data-testid': 'ts-reset',
    title: 'Start again from the last run and the mocks: what you typed here goes',
    text: 'Reset fields',
  });
  const requestText = h('pre', { class: 'json ts-request-text', 'data-testid': 'ts-request-text', tabindex: 0 });
  const requestBox = h('details', { class: 'ts-request', hidden: true }, h('summary', { text: 'The request (select it and copy)' }), requestText);
  const form = h(
    'form',
    { class: 'ts-form', novalidate: true, 'aria-label': 'TestState request' },
    input.box,
    level.box,
    revealBox,
    mockBox,
    readerData.box,
    more,
    h('div', { class: 'ts-actions' }, testButton, copyButton, resetButton),
    requestBox,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    test();
  });
  // Mod-Enter in the request tests the state (not the workflow: the page's Run is Mod-Enter elsewhere).
  form.addEventListener(
    'keydown',
    (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
        e.preventDefault();
        e.stopPropagation();
        test();
      }
    },
    true,
  );

  const live = h('p', { class: 'ts-live', role: 'status', 'aria-live': 'polite', 'data-testid': 'ts-live' });
  const stale = h('p', { class: 'ts-stale', 'data-testid': 'ts-stale', hidden: true, text: 'The request changed since this test: press Test again to see its answer.' });
  const answerContent = h('div', { class: 'ts-answer-content' });
  const answerBox = h('section', { class: 'ts-answer', 'aria-label': 'TestState response', 'data-testid': 'ts-answer' }, stale, answerContent);
  const empty = h(
    'div',
    { class: 'ts-empty' },
    h('p', {
      class: 'empty',
      text: `Test one state as AWS's TestState API does: pick it here, select it in the graph and press Test (or T on it, or right-click it), or put the cursor in it in the definition and press ${MOD}+Shift+Enter.`,
    }),
  );
  const body = h('div', { class: 'ts-body' }, form, live, answerBox);
  const head = h('header', { class: 'ts-head' }, title, typePill, h('label', { class: 'ts-pick' }, h('span', { class: 'ts-pick-label', text: 'State' }), picker));
  host.replaceChildren(head, place, problem, empty, body);
  const announce = (text) => {
    // The same words again are said again.
    live.textContent = '';
    requestAnimationFrame(() => setText(live, text));
  };

  // ------------------------------------------------------------------ drafts and the DOM

  /** The draft of `name`, filled from the last run where the user did not type. */
  function filled(s, name, base) {
    const state = stateNamed(s.definition.parsed, name);
    const fresh = newDraft(state?.Type);
    const d = base || fresh;
    const p = prefill({ run: s.run, selection: s.selection, mocks: parsedOrNull(s.work.mocks), name, state, types: s.definition.stateTypes });
    const next = { ...d, from: { ...d.from } };
    if (!d.edited.input) {
      next.input = p.input ?? fresh.input;
      next.from.input = p.from.input ?? null;
    }
    if (!d.edited.variables) {
      next.variables = p.variables ?? fresh.variables;
      next.from.variables = p.from.variables ?? null;
    }
    if (!d.edited.reader) {
      next.mapItemReaderData = p.mapItemReaderData ?? fresh.mapItemReaderData;
      next.from.reader = p.from.reader ?? null;
    }
    if (!d.edited.mock) {
      next.mockMode = p.mockMode ?? fresh.mockMode;
      next.result = p.result ?? fresh.result;
      next.error = p.error ?? fresh.error;
      next.cause = p.cause ?? fresh.cause;
      next.from.mock = p.from.mock ?? null;
    }
    return next;
  }

  /** Fill the draft of the state shown from the last run (its untouched fields), keep it, and show it. */
  function refresh({ reset = false } = {}) {
    const s = store.get();
    const name = s.testState.name;
    if (!name) return;
    const before = reset ? null : s.testState.drafts.get(name);
    const draft = filled(s, name, before);
    if (JSON.stringify(draft) !== JSON.stringify(before)) {
      store.update((st) => ({ testState: { ...st.testState, drafts: new Map(st.testState.drafts).set(name, draft) } }));
    }
    draw(store.get(), name, draft);
  }

  const fromText = (where, what = 'From') => (where ? `${what} ${where}` : '');

  function draw(s, name, draft) {
    const state = stateNamed(s.definition.parsed, name);
    const type = state?.Type || 'State';
    const switched = shown !== name;
    shown = name;
    setText(title, name);
    setText(typePill, type);
    const where = placeOf(s.definition.parsed, name);
    place.hidden = !where || where.top;
    if (where && !where.top)
      setText(place, `Inside ${where.inside.join(' › ')}: TestState tests a state of the top level, so this one is sent alone, its Next and Catch targets standing in.`);
    problem.hidden = !!state;
    if (!state) setText(problem, `There is no state '${name}' in the definition now (renamed or removed?): its fields are kept here.`);
    applying = true;
    try {
      input.set(draft.input);
      setText(input.from, fromText(draft.from.input));
      level.set(draft.level);
      mockBox.hidden = !takesMock(type);
      mockMode.set(draft.mockMode);
      showMockMode(draft.mockMode);
      setText(mockFrom, fromText(draft.from.mock, 'Filled from'));
      result.set(draft.result);
      validation.value = draft.validation;
      mockError.set(draft.error);
      mockCause.set(draft.cause);
      variables.set(draft.variables);
      setText(variables.from, fromText(draft.from.variables, 'Assigned before this state in'));
      context.set(draft.context);
      roleArn.set(draft.roleArn);
      retryCount.box.hidden = !retries(state);
      retryCount.set(draft.retrierRetryCount);
      mapFailures.box.hidden = type !== 'Map';
      mapFailures.set(draft.mapIterationFailureCount);
      causedByBox.hidden = !hasInnerStates(state);
      const inner = hasInnerStates(state) ? innerStates(state) : [];
      const pick = draft.errorCausedByState || '';
      const names = pick && !inner.includes(pick) ? [...inner, pick] : inner;
      causedBy.replaceChildren(
        h('option', { value: '', text: `(${type} itself)` }),
        ...names.map((n) => h('option', { value: n, text: inner.includes(n) ? n : `${n} (not inside it now)` })),
      );
      causedBy.value = pick;
      readerData.box.hidden = !readsItems(state);
      if (readerEditor.text !== (draft.mapItemReaderData || '')) readerEditor.text = draft.mapItemReaderData || '';
      setText(readerData.from, fromText(draft.from.reader));
      reveal.checked = !!draft.revealSecrets;
      showReveal(state, draft.level);
    } finally {
      applying = false;
    }
    // What was typed and is not right is said at its field (after a switch, too).
    const { errors: found } = s.definition.parsed ? buildRequest(s.definition.parsed, name, draft) : { errors: {} };
    for (const f of errors.keys()) setError(f, found[f] || null);
    if (switched) more.open = !!(draft.variables.trim() || draft.context.trim() || draft.roleArn.trim() || draft.retrierRetryCount || draft.mapIterationFailureCount);
    if (found.variables || found.context || found.retrierRetryCount || found.mapIterationFailureCount) more.open = true;
    drawAnswer(store.get());
  }

  // The states to pick from.
  store.subscribe(
    (s) => [s.definition.parsed, s.testState.name],
    ([parsed, name]) => {
      const list = parsed ? testableStates(parsed) : [];
      const options = [h('option', { value: '', text: list.length ? 'Choose a state…' : 'No states' })];
      for (const st of list) options.push(h('option', { value: st.name, text: `${'\u2003'.repeat(st.depth)}${st.name} (${st.type})` }));
      if (name && !list.some((st) => st.name === name)) options.push(h('option', { value: name, text: `${name} (not in the definition now)` }));
      picker.replaceChildren(...options);
      picker.value = name || '';
    },
  );

  // The state shown, and its fields as the last run fills them.
  store.subscribe(
    (s) => {
      const name = s.testState.name;
      return [s.resultTab === 'teststate', name, s.definition.parsed, s.run?.id, s.run?.result, s.selection.name === name ? s.selection.pick : -1, s.work.mocks];
    },
    ([open, name]) => {
      empty.hidden = !!name;
      body.hidden = !name;
      head.classList.toggle('ts-head-empty', !name);
      if (!name) {
        shown = null;
        setText(title, 'Test state');
        setText(typePill, '');
        typePill.hidden = true;
        place.hidden = true;
        problem.hidden = true;
        return;
      }
      typePill.hidden = false;
      if (open) refresh();
    },
  );

  // Asked to go to the tab: its heading takes the focus.
  function focusHeading() {
    store.flush();
    title.focus();
    title.scrollIntoView({ block: 'nearest' });
  }
  store.subscribe(
    (s) => s.testState.focus,
    (n, before) => {
      if (before === undefined || !n) return;
      focusHeading();
    },
  );

  resetButton.addEventListener('click', () => {
    refresh({ reset: true });
    announce(`The fields of ${shown} are filled again from the last run.`);
  });

  // ------------------------------------------------------------------ testing

  /**
   * The request of the state shown, from the definition as a run resolves it; mistakes said
   * at their fields. Resolves {request, name} or null.
   */
  async function currentRequest(what) {
    const name = shown;
    if (!name) return null;
    let resolved;
    try {
      resolved = await work.runnable();
    } catch (e) {
      problem.hidden = false;
      setText(problem, `Cannot ${what}: ${e.message}`);
      announce(`Cannot ${what}: ${e.message}`);
      return null;
    }
    let machine;
    try {
      machine = JSON.parse(resolved.text);
    } catch (e) {
      const d = store.get().diagnostics.definition[0];
      const why = `the definition is not valid JSON${d ? ` (line ${d.line}, column ${d.column}: ${d.message})` : `: ${e.message}`}; fix it in the definition editor`;
      problem.hidden = false;
      setText(problem, `Cannot ${what}: ${why}`);
      announce(`Cannot ${what}: ${why}`);
      return null;
    }
    const draft = ts().drafts.get(name);
    const { request, errors: found } = buildRequest(machine, name, draft);
    if (found.state) {
      problem.hidden = false;
      setText(problem, `Cannot ${what}: ${found.state}`);
      announce(`Cannot ${what}: ${found.state}`);
      return null;
    }
    problem.hidden = true;
    for (const f of errors.keys()) setError(f, found[f] || null);
    const bad = Object.keys(found);
    if (bad.length) {
      if (bad.some((f) => ['variables', 'context', 'retrierRetryCount', 'mapIterationFailureCount'].includes(f))) more.open = true;
      const first = { input, result, variables, context, retrierRetryCount: retryCount, mapIterationFailureCount: mapFailures }[bad[0]];
      const names = {
        input: 'Input',
        result: 'Result',
        variables: 'Variables',
        context: 'Context object',
        retrierRetryCount: 'Retries already made',
        mapIterationFailureCount: 'Failed iterations',
      };
      announce(`Cannot ${what}: ${bad.map((f) => `${names[f]}: ${found[f]}`).join('; ')}`);
      first?.focus();
      return null;
    }
    return { request, name };
  }

  async function test() {
    if (shown && ts().answers.get(shown)?.running) return; // one test of a state at a time
    const got = await currentRequest('test');
    if (!got) return;
    const { request, name } = got;
    const key = JSON.stringify(request);
    const loading = !engine.fullLoaded;
    const setAnswer = (patch) =>
      store.update((s) => {
        const answers = new Map(s.testState.answers);
        answers.set(name, { ...answers.get(name), ...patch });
        return { testState: { ...s.testState, answers } };
      });
    setAnswer({ running: true, loading, request, key });
    announce(loading ? `Loading the full engine to test ${name}…` : `Testing ${name}…`);
    const started = performance.now();
    let patch;
    try {
      const answer = await engine.testState(request);
      patch = { answer, error: null };
    } catch (e) {
      patch = { answer: null, error: e.message };
    }
    const now = ts().answers.get(name);
    if (now?.key !== key || !now.running) return; // a newer test of this state took its place
    setAnswer({ ...patch, running: false, loading: false, ms: performance.now() - started });
    announce(summary(name, patch));
    finished += 1;
    answerBox.dataset.done = String(finished);
    if (shown === name) {
      store.flush();
      answerBox.scrollIntoView({ block: 'nearest' });
    }
  }

  function summary(name, { answer, error }) {
    if (error) return `${name}: the engine could not test it: ${error}`;
    if (answer?.Error) return `${name}: refused, ${answer.Error.Code}: ${answer.Error.Message}`;
    const parts = [`${name}: ${answer.status}`];
    if (answer.nextState) parts.push(`next state ${answer.nextState}`);
    if (answer.error) parts.push(`error ${answer.error}`);
    return `${parts.join(', ')}.`;
  }

  copyButton.addEventListener('click', async () => {
    const got = await currentRequest('copy the request');
    if (!got) return;
    const text = `${JSON.stringify(got.request, null, 2)}\n`;
    setText(requestText, text);
    if (await copyText(text)) {
      requestBox.hidden = true;
      toast(store, 'Copied the request: save it as request.json, then run statelab test-state request.json --json');
      announce('Copied the request as JSON.');
    } else {
      // The browser did not let the page copy: the text is shown, selected, to copy by hand.
      requestBox.hidden = false;
      requestBox.open = true;
      const range = document.createRange();
      range.selectNodeContents(requestText);
      getSelection()?.removeAllRanges();
      getSelection()?.addRange(range);
      requestText.focus();
      announce('The browser did not let the page copy: the request is shown under the buttons, selected.');
    }
  });

  // ------------------------------------------------------------------ the answer

  function stageBlock(stage, index) {
    const id = uid('stage');
    // A step that changed nothing starts folded; the output never does.
    const collapsed = !!stage.sameAs && !stage.final;
    const pre = h('pre', { class: 'json', id, hidden: collapsed, text: pretty(stage.value) });
    const toggle = h(
      'button',
      { type: 'button', class: 'ts-toggle', 'aria-expanded': String(!collapsed), 'aria-controls': id },
      h('span', { class: 'ts-caret', 'aria-hidden': 'true' }),
      h('span', { class: 'ts-stage-title', text: stage.title }),
    );
    toggle.addEventListener('click', () => {
      const open = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', String(open));
      pre.hidden = !open;
    });
    const copy = h('button', { type: 'button', class: 'ts-copy linkish', 'aria-label': `Copy ${stage.title}`, text: 'Copy' });
    copy.addEventListener('click', async () => {
      const ok = await copyText(pretty(stage.value));
      toast(store, ok ? `Copied ${stage.title}` : `The browser did not let the page copy ${stage.title}: select it in the box`, !ok);
      if (!ok) {
        toggle.setAttribute('aria-expanded', 'true');
        pre.hidden = false;
      }
    });
    return h(
      'section',
      {
        class: `ts-stage${stage.final ? ' final' : ''}${stage.caught ? ' caught' : ''}${index === 0 ? ' first' : ''}`,
        'data-key': stage.key,
        'data-testid': `ts-stage-${stage.key}`,
      },
      h('div', { class: 'ts-stage-head' }, toggle, stage.sameAs ? h('span', { class: 'ts-same', text: `same as ${stage.sameAs}` }) : null, copy),
      pre,
    );
  }

  let drawn = null; // [name, answer record] as last drawn: drawn again only when they change
  function drawAnswer(s) {
    const name = shown;
    const rec = name ? s.testState.answers.get(name) : null;
    drawStale(s);
    if (drawn && drawn[0] === name && drawn[1] === rec) return;
    drawn = [name, rec];
    answerBox.setAttribute('aria-busy', String(!!rec?.running));
    testButton.disabled = !!rec?.running;
    if (!rec) {
      answerContent.replaceChildren(h('p', { class: 'empty', text: 'Not tested yet: press Test to see what the state does with this input.' }));
      return;
    }
    const parts = [];
    if (rec.running) {
      parts.push(h('p', { class: 'ts-running', 'data-testid': 'ts-running' }, rec.loading ? 'Loading the full engine (the first test only), then testing…' : 'Testing…'));
    }
    const state = stateNamed(s.definition.parsed, name);
    if (rec.error) {
      parts.push(h('div', { class: 'ts-refusal', 'data-testid': 'ts-engine-error' }, h('strong', { text: 'The engine could not test the state' }), h('p', { text: rec.error })));
    } else if (rec.answer?.Error) {
      const { Code, Message } = rec.answer.Error;
      parts.push(
        h(
          'div',
          { class: 'ts-refusal', 'data-testid': 'ts-refusal' },
          h(
            'div',
            { class: 'ts-status-row' },
            h('span', { class: 'ts-status', 'data-status': 'REFUSED', text: 'Refused' }),
            h('code', { class: 'ts-code', 'data-testid': 'ts-refusal-code', text: Code }),
          ),
          h('p', { class: 'ts-message', 'data-testid': 'ts-refusal-message', text: Message }),
        ),
      );
    } else if (rec.answer) {
      parts.push(...answerParts(rec.answer, state, rec));
    }
    answerContent.replaceChildren(...parts);
  }

  /** Say so when the fields (or the definition) changed since the answer shown. */
  function drawStale(s) {
    const name = shown;
    const rec = name ? s.testState.answers.get(name) : null;
    const draft = name ? s.testState.drafts.get(name) : null;
    let changed = false;
    if (rec && !rec.running && rec.key && draft && s.definition.parsed) {
      const now = buildRequest(s.definition.parsed, name, draft).request;
      changed = !!now && JSON.stringify(now) !== rec.key;
    }
    stale.hidden = !changed;
  }

  function answerParts(answer, state, rec) {
    const out = [];
    out.push(
      h(
        'div',
        { class: 'ts-status-row' },
        h('span', { class: 'ts-status', 'data-status': answer.status, 'data-testid': 'ts-status', title: STATUS_WORDS[answer.status] || '', text: answer.status }),
        answer.nextState ? h('span', { class: 'ts-next' }, 'next state ', h('strong', { 'data-testid': 'ts-next', text: answer.nextState })) : null,
        rec.ms !== undefined ? h('span', { class: 'ts-ms', text: `${Math.max(1, Math.round(rec.ms))} ms` }) : null,
      ),
    );
    const facts = [];
    const fact = (dt, dd, testid) => facts.push(h('dt', { text: dt }), h('dd', { 'data-testid': testid }, dd));
    if (answer.error !== undefined) fact('Error', h('code', { text: answer.error }), 'ts-error-name');
    if (answer.cause !== undefined) fact('Cause', answer.cause, 'ts-cause-text');
    const data = answer.inspectionData || {};
    for (const d of errorDetailsText(data.errorDetails, state, answer)) fact(d.label, d.text, `ts-detail-${d.label.toLowerCase()}`);
    for (const [k, label] of MAP_FACTS) if (data[k] !== undefined) fact(label, String(data[k]), `ts-${k}`);
    if (facts.length) out.push(h('dl', { class: 'facts ts-facts' }, ...facts));
    const stages = stagesOf(answer);
    if (stages.length) out.push(h('div', { class: 'ts-stages', 'data-testid': 'ts-stages' }, ...stages.map(stageBlock)));
    if (!answer.inspectionData) out.push(h('p', { class: 'ts-hint', text: 'INFO shows no data flow: choose DEBUG or TRACE to see each step.' }));
    const raw = h('pre', { class: 'json', 'data-testid': 'ts-raw', text: pretty(answer) });
    const copy = h('button', { type: 'button', class: 'linkish', text: 'Copy the response' });
    copy.addEventListener('click', async () => {
      const ok = await copyText(pretty(answer));
      toast(store, ok ? 'Copied the response' : 'The browser did not let the page copy: select the response in its box', !ok);
    });
    out.push(h('details', { class: 'ts-raw' }, h('summary', { text: 'The response as JSON' }), h('p', { class: 'ts-raw-tools' }, copy), raw));
    return out;
  }

  store.subscribe(
    (s) => {
      const name = s.testState.name;
      return [s.resultTab === 'teststate', name, name ? s.testState.answers.get(name) : null, name ? s.testState.drafts.get(name) : null, s.definition.parsed];
    },
    ([open, name]) => {
      if (open && name && shown === name) drawAnswer(store.get());
    },
  );

  return { focusHeading };
}
