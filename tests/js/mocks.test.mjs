// The page's mock model (www/app/model/mocks.js) and its record of what statelab generated
// (www/app/model/generated.js), in Node, with the engine's derive (www/statelab.js, the
// full engine in www/pkg/full/): states named like Object's own properties (__proto__,
// constructor, toString) are mocked as any other; what was generated stays generated until
// the user edits it, and the user's parts are never asked for again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { derive } from '../../www/statelab.js';
import { missingMocks, withMocks, memberSpans, splitMocks } from '../../www/app/model/mocks.js';
import { NO_GENERATED, canonical, hashText, plan, recordAfter, untouchedMocks, inputUntouched, generatedOf, inputIsBlank } from '../../www/app/model/generated.js';

const PROTO = '__proto__';

// (An object literal cannot hold a "__proto__" key: build the states from JSON, as the page does.)
const parsed = JSON.parse(
  JSON.stringify({ StartAt: 'constructor', States: {} }).replace(
    '"States":{}',
    '"States":{"constructor":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Next":"__proto__"},"__proto__":{"Type":"Task","Resource":"arn:aws:states:::sns:publish","Next":"toString"},"toString":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}',
  ),
);

test('states named __proto__, constructor or toString get derived mocks of their own', async () => {
  assert.deepEqual(
    missingMocks(parsed, {}).map((t) => t.name),
    ['constructor', '__proto__', 'toString'],
  );
  const derived = await derive(parsed, { mocked: [] });
  assert.deepEqual(Object.keys(derived.mocks), ['constructor', '__proto__', 'toString']);
  const mocks = withMocks({}, derived.mocks);
  const { engineMocks } = splitMocks(mocks);
  for (const name of ['constructor', '__proto__', 'toString']) {
    assert.ok(Object.hasOwn(mocks, name), `${name} is an own key`);
    assert.ok(Object.hasOwn(engineMocks, name), `${name} reaches the engine`);
  }
  // As JSON (what the engine is given), each has its service's response.
  const sent = JSON.parse(JSON.stringify(engineMocks));
  assert.equal(sent.constructor.result.StatusCode, 200);
  assert.ok(Object.hasOwn(sent[PROTO].result, 'MessageId'));
  assert.equal(Object.getPrototypeOf(mocks), Object.prototype, 'the prototype is left alone');
});

test('a mock the user gave for such a state is kept: derive is not asked for it', async () => {
  const given = JSON.parse('{"__proto__": {"result": {"mine": true}}}');
  const p = plan(NO_GENERATED, { definition: parsed, hash: 'h', inputText: '{"x": 1}', mocks: given });
  assert.deepEqual(p.missing, ['constructor', 'toString']);
  assert.deepEqual(p.mocked, [PROTO]);
  assert.equal(p.input, false, 'an input the user wrote is kept');
  const derived = await derive(parsed, { mocked: p.mocked });
  assert.deepEqual(Object.keys(derived.mocks), ['constructor', 'toString']);
  const mocks = withMocks(given, derived.mocks);
  assert.deepEqual(mocks[PROTO], { result: { mine: true } });
});

test('memberSpans finds each top-level member of a JSON object text', () => {
  const text = '{\n  "A": {"result": {"x": "}"}, "latency": 1},\n  "B": [1, {"c": 2}],\n  "C": "s\\"",\n  "D": 3\n}\n';
  const spans = memberSpans(text);
  assert.deepEqual(
    spans.map((m) => m.key),
    ['A', 'B', 'C', 'D'],
  );
  assert.deepEqual(
    spans.map((m) => text.slice(m.from, m.to)),
    ['"A": {"result": {"x": "}"}, "latency": 1}', '"B": [1, {"c": 2}]', '"C": "s\\""', '"D": 3'],
  );
  assert.deepEqual(memberSpans('[1, 2]'), []);
  // Text being typed: no exception, the members read so far.
  assert.deepEqual(
    memberSpans('{"A": 1, "B').map((m) => m.key),
    ['A'],
  );
});

test("the generated record: untouched parts follow the definition, edited ones are the user's", async () => {
  const def = JSON.parse(
    '{"StartAt": "Get", "States": {"Get": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"Payload": {"order.$": "$.orderId"}}, "Next": "Ok"}, "Ok": {"Type": "Choice", "Choices": [{"Variable": "$.Payload.paid", "BooleanEquals": true, "Next": "Done"}], "Default": "Done"}, "Done": {"Type": "Succeed"}}}',
  );
  const hash = hashText(JSON.stringify(def));
  // A blank input and no mocks: both are derived.
  assert.ok(inputIsBlank('') && inputIsBlank(' {} \n') && !inputIsBlank('{"a": 1}'));
  let ask = { definition: def, hash, inputText: '{}', mocks: {} };
  let p = plan(NO_GENERATED, ask);
  assert.deepEqual([p.input, p.missing, p.needed], [true, ['Get'], true]);
  const derived = await derive(def, { input: p.input, mocked: p.mocked });
  assert.equal(typeof derived.input.orderId, 'string', JSON.stringify(derived));
  assert.equal(derived.mocks.Get.result.Payload.paid, true, JSON.stringify(derived));
  let g = recordAfter(NO_GENERATED, p, derived, ask);
  const inputText = JSON.stringify(derived.input, null, 2);
  const mocks = withMocks({}, derived.mocks);
  assert.ok(inputUntouched(g, inputText), 'the input as written is untouched');
  assert.ok(inputUntouched(g, JSON.stringify(derived.input)), 'reformatting is no edit');
  assert.deepEqual(untouchedMocks(g, mocks), ['Get']);
  // Nothing changed: nothing to ask for (no engine call, no full engine).
  ask = { definition: def, hash, inputText, mocks };
  assert.equal(plan(g, ask).needed, false);
  // A derived {} (a workflow that reads nothing of its input) is not asked for again.
  const empty = recordAfter(NO_GENERATED, { input: true }, { input: {}, mocks: {} }, { hash, inputText: '', mocks: {} });
  assert.equal(plan(empty, { definition: def, hash, inputText: '{}\n', mocks }).input, false);
  // The definition changed: the untouched parts are derived again.
  p = plan(g, { ...ask, hash: 'other' });
  assert.deepEqual([p.input, p.regenerate, p.mocked], [true, ['Get'], []]);
  // Edited: the user's, kept whatever the definition.
  const edited = withMocks(mocks, { Get: { result: { Payload: { mine: true } } } });
  p = plan(g, { definition: def, hash: 'other', inputText: '{"orderId": "mine"}', mocks: edited });
  assert.deepEqual([p.input, p.regenerate, p.mocked, p.needed], [false, [], ['Get'], false]);
  g = recordAfter(g, p, { mocks: {} }, { hash: 'other', inputText: '{"orderId": "mine"}', mocks: edited });
  assert.deepEqual([g.input, g.mocks], [null, {}], 'the record forgets what the user edited');
  // Mocks that are no object are left alone (the engine says what is wrong), blank ones are filled.
  assert.equal(plan(NO_GENERATED, { definition: def, hash, inputText: '{"a": 1}', mocks: [1] }).needed, false);
  assert.deepEqual(plan(NO_GENERATED, { definition: def, hash, inputText: '{"a": 1}', mocks: null }).missing, ['Get']);
  // A Step Functions Local mock file is left alone.
  assert.equal(plan(NO_GENERATED, { definition: def, hash, inputText: '{"a": 1}', mocks: { StateMachines: {} } }).needed, false);
});

test("an example's input goes with its definition", () => {
  const def = { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } };
  const g = generatedOf({ input: { hash: canonical({ bucket: 'photos' }), from: 'example', for: 'example-hash' } });
  const ask = { definition: def, inputText: '{\n  "bucket": "photos"\n}', mocks: {} };
  assert.equal(plan(g, { ...ask, hash: 'example-hash' }).input, false, 'the example as it came: its input');
  assert.equal(plan(g, { ...ask, hash: 'pasted' }).input, true, 'its definition replaced: derived');
  assert.equal(plan(g, { ...ask, hash: 'pasted', inputText: '{"bucket": "mine"}' }).input, false, "edited: the user's");
  assert.equal(plan(g, { ...ask, hash: 'pasted', wantInput: false }).input, false, 'the Fill button leaves the input alone');
  // Records from links are checked.
  assert.deepEqual(generatedOf({ input: 3, mocks: { A: 1, B: '{}' } }), { input: null, mocks: { B: '{}' }, mocksFor: null });
});

test('a "*" entry answers every Task it does not name: none is missing', () => {
  assert.deepEqual(missingMocks(parsed, { '*': { result: {} } }), []);
  assert.deepEqual(
    missingMocks(parsed, { toString: { result: {} } }).map((t) => t.name),
    ['constructor', '__proto__'],
  );
});
