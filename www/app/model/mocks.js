// Mocks as the page handles them: the JSON the user edits, split into what the engine takes
// (result / error / latency, or the Step Functions Local format) and local "Lambda"
// functions ({"State": {"function": "async (input) => ..."}}) that run in the worker.
// Also: realistic default responses for each service, to fill in missing mocks.
import { allStates } from './asl.js';

/** Set an own property, whatever its name: `__proto__` and `constructor` are state names too. */
function setOwn(obj, key, value) {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Split parsed mocks into {engineMocks, functions: {State: source}}. */
export function splitMocks(mocks) {
  const engineMocks = {};
  const functions = {};
  if (!mocks || typeof mocks !== 'object' || Array.isArray(mocks)) return { engineMocks: mocks, functions };
  if ('MockedResponses' in mocks || 'StateMachines' in mocks) return { engineMocks: mocks, functions };
  for (const [state, spec] of Object.entries(mocks)) {
    if (spec && typeof spec === 'object' && !Array.isArray(spec) && typeof spec.function === 'string') setOwn(functions, state, spec.function);
    else setOwn(engineMocks, state, spec);
  }
  return { engineMocks, functions };
}

/** The Task states of a definition: [{name, resource}]. */
export function taskStates(definition) {
  return allStates(definition)
    .filter((s) => s.state.Type === 'Task')
    .map((s) => ({ name: s.name, resource: typeof s.state.Resource === 'string' ? s.state.Resource : '' }));
}

/** Task states that have no mock (short form only; the SFN Local format is left alone). */
export function missingMocks(definition, mocks) {
  if (mocks && typeof mocks === 'object' && ('MockedResponses' in mocks || 'StateMachines' in mocks)) return [];
  const have = mocks && typeof mocks === 'object' ? mocks : {};
  return taskStates(definition).filter((t) => !Object.hasOwn(have, t.name));
}

// Deterministic ids, so the same definition always gets the same default mocks.
function hash32(s, seed) {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
function hex(s, n) {
  let out = '';
  for (let i = 0; out.length < n; i++) out += hash32(s, i).toString(16).padStart(8, '0');
  return out.slice(0, n);
}
function uuid(s) {
  const h = hex(s, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A realistic default response for a Task's resource: {result, latency}. */
export function defaultMock(name, resource) {
  const r = resource.replace(/\.(sync(:2)?|waitForTaskToken)$/, '');
  const id = uuid(`${name}:${resource}`);
  if (r === 'arn:aws:states:::lambda:invoke') {
    return { result: { ExecutedVersion: '$LATEST', Payload: { ok: true, state: name }, StatusCode: 200 }, latency: 1 };
  }
  if (/^arn:aws:lambda:/.test(r)) return { result: { ok: true, state: name }, latency: 1 };
  if (r === 'arn:aws:states:::sqs:sendMessage') return { result: { MessageId: id, MD5OfMessageBody: hex(`${name}:md5`, 32) }, latency: 0.1 };
  if (r === 'arn:aws:states:::sns:publish') return { result: { MessageId: id }, latency: 0.1 };
  if (r === 'arn:aws:states:::events:putEvents') return { result: { Entries: [{ EventId: id }], FailedEntryCount: 0 }, latency: 0.1 };
  if (r.startsWith('arn:aws:states:::dynamodb:')) {
    const op = r.slice('arn:aws:states:::dynamodb:'.length);
    if (op === 'getItem') return { result: { Item: { id: { S: name.toLowerCase() } } }, latency: 0.05 };
    if (op === 'query' || op === 'scan') return { result: { Count: 0, Items: [], ScannedCount: 0 }, latency: 0.05 };
    if (op === 'updateItem') return { result: { Attributes: {} }, latency: 0.05 };
    return { result: {}, latency: 0.05 };
  }
  if (r === 'arn:aws:states:::bedrock:invokeModel') {
    return {
      result: {
        Body: {
          id: `msg_${hex(name, 24)}`,
          type: 'message',
          role: 'assistant',
          model: 'anthropic.claude-3-haiku-20240307-v1:0',
          content: [{ type: 'text', text: `A mocked answer for ${name}.` }],
          stop_reason: 'end_turn',
          usage: { input_tokens: 120, output_tokens: 24 },
        },
        ContentType: 'application/json',
      },
      latency: 2,
    };
  }
  if (r === 'arn:aws:states:::states:startExecution') {
    return { result: { ExecutionArn: `arn:aws:states:us-east-1:123456789012:execution:Child:${id}`, StartDate: '2026-01-01T00:00:00.000Z' }, latency: 0.2 };
  }
  if (r === 'arn:aws:states:::http:invoke')
    return { result: { StatusCode: 200, StatusText: 'OK', Headers: { 'content-type': ['application/json'] }, ResponseBody: {} }, latency: 0.5 };
  if (r === 'arn:aws:states:::ecs:runTask')
    return { result: { Tasks: [{ TaskArn: `arn:aws:ecs:us-east-1:123456789012:task/default/${hex(name, 32)}`, LastStatus: 'STOPPED' }], Failures: [] }, latency: 5 };
  if (r === 'arn:aws:states:::glue:startJobRun') return { result: { JobRunId: `jr_${hex(name, 64)}` }, latency: 5 };
  return { result: {}, latency: 0.5 };
}

/** Add default mocks for the Task states that have none: returns {mocks, added: [names]}. */
export function fillMissing(definition, mocks) {
  const missing = missingMocks(definition, mocks);
  const out = { ...(mocks && typeof mocks === 'object' && !Array.isArray(mocks) ? mocks : {}) };
  for (const t of missing) setOwn(out, t.name, defaultMock(t.name, t.resource));
  return { mocks: out, added: missing.map((t) => t.name) };
}

/** The states whose mocks are JS functions, in parsed mocks: {State: source}. */
export function functionsIn(mocks) {
  return mocks ? splitMocks(mocks).functions : {};
}

/**
 * Mocks ready for a run, as the playground and the embed both run them: every Task without a
 * mock gets its service's default (short form only), then the JS functions are split off.
 * {mocks (with the defaults), added: [names], engineMocks, functions: {State: source}}
 */
export function prepareMocks(definition, mocks) {
  const { mocks: filled, added } = missingMocks(definition, mocks).length ? fillMissing(definition, mocks) : { mocks, added: [] };
  return { mocks: filled, added, ...splitMocks(filled) };
}
