// The mocks check the editor runs as the user types (www/app/model/mockcheck.js) against the
// engine's own reading of mocks (src/mock.rs, src/files/mod.rs, through www/statelab.js's
// simulate): for each mocks value below, the engine refuses it exactly when the check finds a
// problem, and the engine's message and JSON Pointer are the check's first problem's. So the
// check cannot drift from what a run accepts. Also: the located JSON (pointer → offsets), the
// formatter that keeps key order, and "did you mean" for a mock's state name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../www/statelab.js';
import { mockProblems, strayNames, nearest } from '../../www/app/model/mockcheck.js';
import { locateJson, formatJson } from '../../www/app/model/jsontext.js';

const DEF = {
  StartAt: 'ChargeCard',
  States: {
    ChargeCard: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Next: 'Ship' },
    Ship: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
};

const ok = { result: 1 };
const CASES = [
  // accepted
  { ChargeCard: ok },
  { ChargeCard: { Return: { a: 1 }, LatencySeconds: 2 }, Ship: { error: 'E', cause: 'c' } },
  { ChargeCard: [{ error: 'Flaky' }, { result: 1, latency: [0.5, 2] }], Ship: { Throw: { Error: 'E', Cause: 'c' } } },
  { '*': ok },
  { ChargeCard: { result: null } },
  { ChargeCard: ok, Files: { 'my-bucket': { 'a.json': [1, 2], 'b.csv': 'x,y' } } },
  { ChargeCard: { function: 'async (i) => i' }, Ship: ok },
  { StateMachines: { M: { TestCases: { Happy: { ChargeCard: 'R', Ship: 'R' } } } }, MockedResponses: { R: { 0: ok, '1-2': { Return: 7 } } } },
  // refused
  [],
  'text',
  { ChargeCard: 5 },
  { ChargeCard: {} },
  { ChargeCard: { reslt: 1 } },
  { ChargeCard: [] },
  { ChargeCard: [ok, { latency: 1 }] },
  { ChargeCard: { result: 1, latency: -1 } },
  { ChargeCard: { result: 1, latency: 'soon' } },
  { ChargeCard: { result: 1, latency: [2, 1] } },
  { ChargeCard: { result: 1, latency: [1, 2, 3] } },
  { ChargeCard: { result: 1, LatencySeconds: 1, latency: 'ignored' } },
  { ChargeCard: { result: 1, LatencySeconds: 'x' } },
  { ChargeCard: { Throw: 'boom' } },
  { ChargeCard: { function: 5 } },
  { Ship: ok, '*': { nope: 1 } },
  { ChargeCard: ok, Files: [] },
  { ChargeCard: ok, Files: { Bad_Bucket: {} } },
  { ChargeCard: ok, Files: { ab: {} } },
  { ChargeCard: ok, Files: { '-ab': {} } },
  { ChargeCard: ok, Files: { 'my-bucket': 'x' } },
  { ChargeCard: ok, Files: { 'my-bucket': { '': 'x' } } },
  { ChargeCard: { nope: 1 }, Files: { 'my-bucket': 'x' } },
  { MockedResponses: {} },
  { StateMachines: {}, MockedResponses: {} },
  { StateMachines: { M: { TestCases: { A: {}, B: {} } } }, MockedResponses: {} },
  { StateMachines: { M: { TestCases: { A: 'x' } } }, MockedResponses: {} },
  { StateMachines: { M: { TestCases: { A: { ChargeCard: 5 } } } }, MockedResponses: {} },
  { StateMachines: { M: { TestCases: { A: { ChargeCard: 'R' } } } }, MockedResponses: {} },
  { StateMachines: { M: { TestCases: { A: { ChargeCard: 'R' } } } }, MockedResponses: { R: { x: ok } } },
  { StateMachines: { M: { TestCases: { A: { ChargeCard: 'R' } } } }, MockedResponses: { R: { '2-1': ok } } },
  { StateMachines: { M: { TestCases: { A: { ChargeCard: 'R' } } } }, MockedResponses: { R: { 0: { Return: 1, LatencySeconds: -2 } } } },
  { StateMachines: { M: { TestCases: { A: { ChargeCard: 'R' } } } }, MockedResponses: { R: { 0: { Throw: 1 } } } },
];

/** The engine's verdict on mocks (what splitMocks hands it): null, or its message about them. */
async function engineVerdict(mocks) {
  let engineMocks = mocks;
  if (mocks && typeof mocks === 'object' && !Array.isArray(mocks) && !('MockedResponses' in mocks) && !('StateMachines' in mocks))
    engineMocks = Object.fromEntries(Object.entries(mocks).filter(([, v]) => !(v && typeof v === 'object' && typeof v.function === 'string')));
  try {
    await simulate(DEF, {}, JSON.stringify(engineMocks));
    return null;
  } catch (e) {
    // (A Task with no mock at all fails the run later: not the mocks' shape.)
    return e.message.startsWith('mocks:') ? e.message : null;
  }
}

test('the editor refuses exactly the mocks the engine refuses, first with the engine words and place', async () => {
  let refused = 0;
  for (const mocks of CASES) {
    const engine = await engineVerdict(mocks);
    const mine = mockProblems(mocks);
    const label = JSON.stringify(mocks);
    if (engine === null) assert.deepEqual(mine, [], `accepted by the engine: ${label}`);
    else {
      refused++;
      assert.ok(mine.length > 0, `refused by the engine (${engine}), not by the check: ${label}`);
      const p = mine[0];
      assert.equal(`mocks: ${p.message}${p.pointer ? ` (at ${p.pointer})` : ''}`, engine, label);
    }
  }
  assert.ok(refused >= 30);
});

test('every problem, not only the first, is listed', () => {
  const all = mockProblems({ A: {}, B: { result: 1, latency: -1 }, C: ok });
  assert.deepEqual(
    all.map((p) => p.pointer),
    ['/A', '/B/latency'],
  );
});

test('each pointer is found in the text, key and value', () => {
  const text = '{\n  "A": {"x": [1, {"y": "a/b"}]},\n  "a/b~": true\n}';
  const spans = locateJson(text);
  const at = (p) => text.slice(spans.get(p).from, spans.get(p).to);
  assert.equal(at(''), text);
  assert.equal(at('/A/x/1/y'), '"a/b"');
  assert.equal(at('/A/x'), '[1, {"y": "a/b"}]');
  const s = spans.get('/a~1b~0');
  assert.equal(text.slice(s.keyFrom, s.keyTo), '"a/b~"');
  assert.equal(at('/a~1b~0'), 'true');
});

test('format keeps the key order, numbers and escapes as written, and refuses what is not JSON', () => {
  const text = '{"b":1.0,"1-2":{"Return":"a\\u0041"},"0":[],"a":{} ,"l":[1,[2, {"x":null}]]}';
  assert.equal(
    formatJson(text),
    '{\n  "b": 1.0,\n  "1-2": {\n    "Return": "a\\u0041"\n  },\n  "0": [],\n  "a": {},\n  "l": [\n    1,\n    [\n      2,\n      {\n        "x": null\n      }\n    ]\n  ]\n}\n',
  );
  assert.deepEqual(JSON.parse(formatJson(text)), JSON.parse(text));
  assert.throws(() => formatJson('{"a": 1,}'), SyntaxError);
});

test('a mock named after no Task state: did you mean the nearest one', () => {
  const states = [
    { name: 'ChargeCard', type: 'Task' },
    { name: 'Ship', type: 'Task' },
    { name: 'Done', type: 'Succeed' },
  ];
  const out = strayNames({ ChargeCrd: ok, Done: ok, '*': ok, Files: {}, Zebra: ok, Ship: ok }, states);
  assert.deepEqual(
    out.map((s) => [s.name, s.suggestion]),
    [
      ['ChargeCrd', 'ChargeCard'],
      ['Done', null],
      ['Zebra', null],
    ],
  );
  assert.match(out[0].message, /did you mean 'ChargeCard'\?/);
  assert.match(out[1].message, /Succeed state, not a Task/);
  assert.equal(nearest('chargecard', ['ChargeCard']), 'ChargeCard');
  assert.equal(nearest('Completely', ['ChargeCard', 'Ship']), null);
});

test('format edits only the space between tokens, and nothing when formatted already', async () => {
  const { formatChanges } = await import('../../www/app/model/jsontext.js');
  const text = '{"a":  "x y" ,"b":[ ]}';
  const changes = formatChanges(text);
  let out = text;
  for (const c of [...changes].reverse()) out = out.slice(0, c.from) + c.insert + out.slice(c.to);
  assert.equal(out, formatJson(text));
  for (const c of changes) assert.match(text.slice(c.from, c.to), /^\s*$/);
  assert.deepEqual(formatChanges(formatJson(text)), []);
});
