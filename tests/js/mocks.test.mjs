// The page's mock model (www/app/model/mocks.js), in Node: states named like Object's own
// properties (__proto__, constructor, toString) are mocked as any other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { missingMocks, prepareMocks } from '../../www/app/model/mocks.js';

const PROTO = '__proto__';

// (An object literal cannot hold a "__proto__" key: build the states from JSON, as the page does.)
const parsed = JSON.parse(
  JSON.stringify({ StartAt: 'constructor', States: {} }).replace(
    '"States":{}',
    '"States":{"constructor":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Next":"__proto__"},"__proto__":{"Type":"Task","Resource":"arn:aws:states:::sns:publish","Next":"toString"},"toString":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}',
  ),
);

test('states named __proto__, constructor or toString get default mocks of their own', () => {
  assert.deepEqual(
    missingMocks(parsed, {}).map((t) => t.name),
    ['constructor', '__proto__', 'toString'],
  );
  const { mocks, added, engineMocks } = prepareMocks(parsed, {});
  assert.deepEqual(added, ['constructor', '__proto__', 'toString']);
  for (const name of added) {
    assert.ok(Object.hasOwn(mocks, name), `${name} is an own key`);
    assert.ok(Object.hasOwn(engineMocks, name), `${name} reaches the engine`);
  }
  // As JSON (what the engine is given), each has its service's response.
  const sent = JSON.parse(JSON.stringify(engineMocks));
  assert.equal(sent.constructor.result.StatusCode, 200);
  assert.ok(Object.hasOwn(sent[PROTO].result, 'MessageId'));
  assert.equal(Object.getPrototypeOf(mocks), Object.prototype, 'the prototype is left alone');
});

test('a mock the user gave for such a state is kept', () => {
  const given = JSON.parse('{"__proto__": {"result": {"mine": true}}}');
  const { mocks, added } = prepareMocks(parsed, given);
  assert.deepEqual(added, ['constructor', 'toString']);
  assert.deepEqual(mocks[PROTO], { result: { mine: true } });
});
