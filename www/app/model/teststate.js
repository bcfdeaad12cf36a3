// "Test this state" without the DOM: which state the definition editor's cursor is in, the
// request fields a state starts with (from the last run, else the mocks), the TestState request
// made of the fields (each field's mistake at that field), and the answer's stages in the order
// a state's data flows through them.
import { allStates } from './asl.js';
import { jsonValue } from '../lib/format.js';
import { laneName } from './lanes.js';

/** The inspection levels of the API, and the one a new request starts with. */
export const LEVELS = ['INFO', 'DEBUG', 'TRACE'];
export const DEFAULT_LEVEL = 'DEBUG';
/** mock.fieldValidationMode: how a mocked result is checked against the service's response shape. */
export const VALIDATION_MODES = ['STRICT', 'PRESENT', 'NONE'];

/** The state types that take a mock (a Task's call, or the whole of a Map or Parallel). */
export const takesMock = (type) => type === 'Task' || type === 'Map' || type === 'Parallel';
/** The state types a retrier or a Map's iteration failures apply to. */
export const retries = (state) => !!state && Array.isArray(state.Retry) && state.Retry.length > 0;
/** A Map that reads its items with an ItemReader (stateConfiguration.mapItemReaderData applies). */
export const readsItems = (state) => state?.Type === 'Map' && !!state.ItemReader && typeof state.ItemReader === 'object';
/** An HTTP Task (arn:aws:states:::http:invoke): TRACE shows its request and response, revealSecrets applies. */
export const isHttpTask = (state) => state?.Type === 'Task' && typeof state.Resource === 'string' && /^arn:[^:]+:states:::http:invoke$/.test(state.Resource);
/** A Map or Parallel: a mocked error may name the state inside that raised it (errorCausedByState). */
export const hasInnerStates = (state) => state?.Type === 'Map' || state?.Type === 'Parallel';

/**
 * The names of the states inside a Map or Parallel (its item processor, its branches, and the
 * ones inside those), in the definition's order: what errorCausedByState may name.
 */
export function innerStates(state) {
  const out = [];
  const machines = (s) => {
    if (!s || typeof s !== 'object') return [];
    if (s.Type === 'Parallel') return Array.isArray(s.Branches) ? s.Branches : [];
    if (s.Type === 'Map') return [s.ItemProcessor || s.Iterator].filter(Boolean);
    return [];
  };
  const walk = (s) => {
    for (const m of machines(s)) {
      if (!m || typeof m.States !== 'object' || !m.States) continue;
      for (const [name, inner] of Object.entries(m.States)) {
        if (!out.includes(name)) out.push(name);
        walk(inner);
      }
    }
  };
  walk(state);
  return out;
}

// The state under the cursor: model/stateat.js.
export { stateOfPath, jsonPathAt, yamlPathAt, stateAt } from './stateat.js';

// ------------------------------------------------------------------ fields

/** A 1-based line and column of an offset in a text. */
export function lineColumn(text, offset) {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/**
 * A JSON field's text read: {ok: true, value} (value undefined for an empty optional field)
 * or {ok: false, message, offset} (where in the text, for the field's mark).
 */
export function readJson(text, { optional = false } = {}) {
  if (!text.trim()) return optional ? { ok: true, value: undefined } : { ok: false, message: 'Empty: give a JSON value ({} for an empty object)', offset: 0 };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    // V8: "... at position 12 (line 2 column 3)"; an unexpected end is at the end.
    const at = /at position (\d+)/.exec(e.message);
    const offset = at ? Number(at[1]) : /end of (JSON )?input|Unterminated/i.test(e.message) ? text.trimEnd().length : 0;
    const { line, column } = lineColumn(text, offset);
    const why = e.message.replace(/\s*at position \d+.*$/, '').replace(/ in JSON$/, '');
    return { ok: false, message: `Not JSON (line ${line}, column ${column}): ${why}`, offset };
  }
}

/** A count field (retries, failed iterations): '' for none, else a whole number ≥ 0. */
export function readCount(text) {
  const t = String(text ?? '').trim();
  if (!t) return { ok: true, value: undefined };
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(Number(t))) return { ok: false, message: 'A whole number, 0 or more' };
  return { ok: true, value: Number(t) };
}

/** A value as the API takes it: JSON text for a string (the API reads a string field as JSON text), else the value. */
const apiJson = (v) => (typeof v === 'string' ? JSON.stringify(v) : v);

/**
 * The request's fields a state starts with: {input, variables, level, mockMode ('result' |
 * 'error' | 'none'), result, error, cause, validation, context, roleArn, retrierRetryCount,
 * mapIterationFailureCount, errorCausedByState, mapItemReaderData (text), revealSecrets, edited: {field: true} (what the user typed, which a new run no
 * longer fills), from: {input, variables, mock} (where the filled values came from, in words)}.
 */
export function newDraft(type) {
  return {
    input: '{}',
    variables: '',
    level: DEFAULT_LEVEL,
    mockMode: takesMock(type) ? 'result' : 'none',
    result: type === 'Map' ? '[]' : '{}',
    error: '',
    cause: '',
    validation: 'STRICT',
    context: '',
    roleArn: '',
    retrierRetryCount: '',
    mapIterationFailureCount: '',
    errorCausedByState: '',
    mapItemReaderData: '',
    revealSecrets: false,
    edited: {},
    from: { input: null, variables: null, mock: null, reader: null },
  };
}

/**
 * The state's visit in the last run that a test starts from: the one the State tab shows when
 * it shows this state, else its first. {span, index, count, ordinal} or null.
 */
export function visitOf(run, selection, name) {
  const visits = (run?.spans || []).filter((s) => s.state === name && s.kind === 'state');
  if (!visits.length) return null;
  const index = selection?.name === name ? Math.min(selection.pick || 0, visits.length - 1) : 0;
  const span = visits[index];
  // Which of the state's visits in that lane it is, for its events.
  const ordinal = visits.slice(0, index).filter((v) => v.lane === span.lane).length;
  return { span, index, count: visits.length, ordinal };
}

/**
 * The workflow variables a visit saw: what the states before it assigned (`assignedVariables`
 * of their StateExited events) in its lane and the lanes it is inside, in order, up to the
 * visit's own StateEntered event (its `ordinal`-th of that state in its lane); null when none
 * were assigned.
 */
export function variablesAt(events, lanes, span, ordinal = 0) {
  if (!span || !events?.length) return null;
  const chain = new Set([span.lane ?? 0, 0]);
  for (let id = span.lane; lanes?.[id] && lanes[id].parent !== null && lanes[id].parent !== undefined; id = lanes[id].parent) chain.add(lanes[id].parent);
  let out = null;
  let entered = 0;
  for (const e of events) {
    if (e.state === span.state && e.lane === span.lane && /StateEntered$/.test(e.type) && entered++ === ordinal) break;
    const assigned = e.stateExitedEventDetails?.assignedVariables;
    if (!assigned || typeof assigned !== 'object' || !chain.has(e.lane ?? 0)) continue;
    out ||= {};
    for (const [k, v] of Object.entries(assigned)) Object.defineProperty(out, k, { value: jsonValue(v), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** A state's entry in the page's mocks (short form): {result} or {error, cause}, or null. */
export function mockEntry(mocks, name) {
  if (!mocks || typeof mocks !== 'object' || Array.isArray(mocks) || 'StateMachines' in mocks) return null;
  let m = Object.hasOwn(mocks, name) ? mocks[name] : null;
  if (Array.isArray(m)) m = m[0];
  if (!m || typeof m !== 'object') return null;
  if ('result' in m) return { result: m.result };
  if ('error' in m) return { error: String(m.error ?? ''), cause: m.cause === undefined || m.cause === null ? '' : String(m.cause) };
  return null;
}

const pretty = (v) => JSON.stringify(v, null, 2);

/**
 * What a state's fields are filled with (the ones the user did not type): the input and the
 * variables the state saw in the last run, its Task result (or error) there, else its mock in
 * the Mocks tab. Returns the fields to set and where they came from.
 */
export function prefill({ run, selection, mocks, name, state, types }) {
  const out = { from: {} };
  const visit = visitOf(run, selection, name);
  let where = null;
  if (visit) {
    const lane = visit.span.lane ? laneName(run.lanes, visit.span.lane, types) : null;
    const which = [visit.count > 1 ? `visit ${visit.index + 1} of ${visit.count}` : null, lane].filter(Boolean).join(', ');
    where = `the last run${which ? ` (${which})` : ''}`;
  }
  if (visit && visit.span.input !== undefined) {
    out.input = pretty(visit.span.input);
    out.from.input = where;
  } else if (visit) {
    const entered = (run.events || []).find((e) => e.state === name && e.lane === visit.span.lane && e.ms === visit.span.startMs && /StateEntered$/.test(e.type));
    const input = entered?.stateEnteredEventDetails?.input;
    if (input !== undefined) {
      out.input = pretty(jsonValue(input));
      out.from.input = where;
    }
  }
  if (visit) {
    const vars = variablesAt(run.events, run.lanes, visit.span, visit.ordinal);
    if (vars) {
      out.variables = pretty(vars);
      out.from.variables = where;
    }
  }
  // A Map's ItemReader data: the object its literal Bucket and Key name in the mocks' Files.
  const reader = readsItems(state) ? state.ItemReader.Parameters || state.ItemReader.Arguments : null;
  const literal = (v) => (typeof v === 'string' && !/^\{%[\s\S]*%\}$/.test(v) ? v : null);
  const bucket = literal(reader?.Bucket);
  const key = literal(reader?.Key);
  const files = mocks && typeof mocks === 'object' && !Array.isArray(mocks) ? mocks.Files : null;
  const file = bucket && key && files && typeof files === 'object' ? files[bucket]?.[key] : undefined;
  if (file !== undefined && file !== null) {
    out.mapItemReaderData = typeof file === 'string' ? file : pretty(file);
    out.from.reader = `s3://${bucket}/${key} in the Files of the Mocks tab`;
  }
  if (!takesMock(state?.Type)) return out;
  const resultStep = visit?.span.steps?.find((s) => (s.step ?? s.name) === 'Result' && !s.elided);
  const entry = mockEntry(mocks, name);
  if (resultStep && state.Type === 'Task') {
    out.mockMode = 'result';
    out.result = pretty(resultStep.value);
    out.from.mock = `its result in ${where}`;
  } else if (visit?.span.error && state.Type === 'Task' && !visit.span.steps?.some((s) => (s.step ?? s.name) === 'Result')) {
    out.mockMode = 'error';
    out.error = visit.span.error;
    out.cause = visit.span.cause || '';
    out.from.mock = `its error in ${where}`;
  } else if (entry && 'result' in entry) {
    out.mockMode = 'result';
    out.result = pretty(entry.result);
    out.from.mock = 'its mock in the Mocks tab';
  } else if (entry) {
    out.mockMode = 'error';
    out.error = entry.error;
    out.cause = entry.cause;
    out.from.mock = 'its mock in the Mocks tab';
  } else if (state.Type === 'Parallel') {
    const n = Array.isArray(state.Branches) ? state.Branches.length : 0;
    out.result = pretty(Array.from({ length: n }, () => ({})));
  }
  return out;
}

/** Where a state is: {top: true} for a state of the top level, else {top: false, inside: [container names]}. */
export function placeOf(machine, name) {
  const found = allStates(machine).find((s) => s.name === name);
  if (!found) return null;
  return { top: found.path.length === 0, inside: found.path, state: found.state };
}

/**
 * The TestState request of a state's fields: {request, errors: {field: message}}. The whole
 * definition goes with stateName for a state of the top level (its Next and Catch targets are
 * the machine's); a state inside a Parallel or a Map (TestState tests the top level's) goes
 * alone, with the query language it inherits, and its targets stand in.
 */
export function buildRequest(machine, name, draft) {
  const errors = {};
  const place = placeOf(machine, name);
  if (!place) return { request: null, errors: { state: `There is no state '${name}' in the definition now` } };
  const state = place.state;
  const request = {};
  if (place.top) request.stateName = name;
  const input = readJson(draft.input);
  if (!input.ok) errors.input = input.message;
  else request.input = apiJson(input.value);
  request.inspectionLevel = LEVELS.includes(draft.level) ? draft.level : DEFAULT_LEVEL;
  const variables = readJson(draft.variables, { optional: true });
  if (!variables.ok) errors.variables = variables.message;
  else if (variables.value !== undefined) {
    if (!variables.value || typeof variables.value !== 'object' || Array.isArray(variables.value)) errors.variables = 'Variables are a JSON object: {"name": value, ...}';
    else request.variables = variables.value;
  }
  const context = readJson(draft.context, { optional: true });
  if (!context.ok) errors.context = context.message;
  else if (context.value !== undefined) {
    if (!context.value || typeof context.value !== 'object' || Array.isArray(context.value)) errors.context = 'The context object is a JSON object: {"Execution": {...}, ...}';
    else request.context = context.value;
  }
  if (draft.roleArn.trim()) request.roleArn = draft.roleArn.trim();
  if (takesMock(state.Type) && draft.mockMode === 'result') {
    const result = readJson(draft.result);
    if (!result.ok) errors.result = result.message;
    else request.mock = { result: apiJson(result.value), fieldValidationMode: VALIDATION_MODES.includes(draft.validation) ? draft.validation : 'STRICT' };
  } else if (takesMock(state.Type) && draft.mockMode === 'error') {
    const errorOutput = {};
    if (draft.error.trim()) errorOutput.error = draft.error.trim();
    if (draft.cause) errorOutput.cause = draft.cause;
    request.mock = { errorOutput };
  }
  const config = {};
  if (retries(state)) {
    const n = readCount(draft.retrierRetryCount);
    if (!n.ok) errors.retrierRetryCount = n.message;
    else if (n.value !== undefined) config.retrierRetryCount = n.value;
  }
  if (state.Type === 'Map') {
    const n = readCount(draft.mapIterationFailureCount);
    if (!n.ok) errors.mapIterationFailureCount = n.message;
    else if (n.value !== undefined) config.mapIterationFailureCount = n.value;
  }
  // The state inside a Map or Parallel whose failure the mocked error is.
  if (hasInnerStates(state) && request.mock?.errorOutput && draft.errorCausedByState?.trim()) config.errorCausedByState = draft.errorCausedByState.trim();
  // What the Map's ItemReader would read, as its source holds it (CSV, JSON, JSONL text): sent as typed.
  if (readsItems(state) && draft.mapItemReaderData?.trim()) config.mapItemReaderData = draft.mapItemReaderData;
  if (Object.keys(config).length) request.stateConfiguration = config;
  if (isHttpTask(state) && request.inspectionLevel === 'TRACE' && draft.revealSecrets) request.revealSecrets = true;
  if (place.top) request.definition = machine;
  else {
    const lang = state.QueryLanguage ?? machine.QueryLanguage;
    request.definition = lang === undefined ? state : { ...state, QueryLanguage: lang };
  }
  return { request: Object.keys(errors).length ? null : request, errors, place };
}

// ------------------------------------------------------------------ the answer

/** The inspection data's values in the order the state's data flows through them. */
export const STAGES = [
  ['input', 'Input'],
  ['afterInputPath', 'After InputPath'],
  ['afterItemsPath', 'After ItemsPath'],
  ['afterItemsPointer', 'After ItemsPointer'],
  ['afterParameters', 'After Parameters'],
  ['afterArguments', 'After Arguments'],
  ['request', 'HTTP request'],
  ['response', 'HTTP response'],
  ['afterItemSelector', 'After ItemSelector'],
  ['afterItemBatcher', 'After ItemBatcher'],
  ['result', 'Result'],
  ['afterResultSelector', 'After ResultSelector'],
  ['afterResultPath', 'After ResultPath'],
];
/** Inspection fields that are numbers about a Map, shown as facts. */
export const MAP_FACTS = [
  ['maxConcurrency', 'Max concurrency'],
  ['toleratedFailureCount', 'Tolerated failures'],
  ['toleratedFailurePercentage', 'Tolerated failure %'],
];

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The answer's values to show, in order: [{key, title, value, sameAs (the title of the stage
 * before it when the value did not change), final, caught}]: the inspection stages, the output, the
 * variables, and any inspection field this page does not know (never left out).
 */
export function stagesOf(answer) {
  const data = answer?.inspectionData && typeof answer.inspectionData === 'object' ? answer.inspectionData : {};
  const out = [];
  let last = null;
  for (const [key, title] of STAGES) {
    if (!Object.hasOwn(data, key)) continue;
    out.push({ key, title, value: data[key], sameAs: last && same(last.value, data[key]) ? last.title : null });
    last = { title, value: data[key] };
  }
  if (Object.hasOwn(answer || {}, 'output')) {
    const title = answer.status === 'CAUGHT_ERROR' ? 'Output (from the Catch)' : 'Output';
    const caught = answer.status === 'CAUGHT_ERROR';
    out.push({ key: 'output', title, value: answer.output, sameAs: last && !caught && same(last.value, answer.output) ? last.title : null, final: true, caught });
  }
  if (Object.hasOwn(data, 'variables')) out.push({ key: 'variables', title: 'Variables (after Assign)', value: data.variables, sameAs: null });
  const known = new Set([...STAGES.map(([k]) => k), ...MAP_FACTS.map(([k]) => k), 'variables', 'errorDetails']);
  for (const [key, value] of Object.entries(data)) if (!known.has(key)) out.push({ key, title: key, value, sameAs: null });
  return out;
}

/** errorDetails in words: what a retrier or a catcher of the state would do. [{label, text}] */
export function errorDetailsText(details, state, answer) {
  if (!details || typeof details !== 'object') return [];
  const out = [];
  const list = (rules, i) => {
    const r = Array.isArray(rules) ? rules[i] : null;
    return r && Array.isArray(r.ErrorEquals) ? ` (${r.ErrorEquals.join(', ')})` : '';
  };
  if (details.retryIndex !== undefined) {
    const wait = details.retryBackoffIntervalSeconds;
    const n = details.retryIndex;
    out.push({
      label: 'Retry',
      text: `Retrier ${n + 1}${list(state?.Retry, n)} matches the error${wait !== undefined ? `: the state would be tried again after ${wait} s` : ''}${answer?.status === 'RETRIABLE' ? '' : ', but its attempts are used up'}`,
    });
  }
  if (details.catchIndex !== undefined) {
    const n = details.catchIndex;
    out.push({ label: 'Catch', text: `Catcher ${n + 1}${list(state?.Catch, n)} takes the error${answer?.nextState ? ` to ${answer.nextState}` : ''}` });
  }
  for (const [k, v] of Object.entries(details)) {
    if (!['retryIndex', 'retryBackoffIntervalSeconds', 'catchIndex'].includes(k)) out.push({ label: k, text: typeof v === 'string' ? v : JSON.stringify(v) });
  }
  return out;
}

/** The states a test can pick, in the definition's order: [{name, type, depth, inside}]. */
export function testableStates(machine) {
  return allStates(machine).map((s) => ({ name: s.name, type: s.state.Type || 'State', depth: s.path.length, inside: s.path }));
}
