// "Test this state" without the page (www/app/model/teststate.js), in Node: the state under a
// cursor in JSON, YAML and a template; the request made of the fields, each mistake at its
// field; the fields filled from a run; the answer's stages in order; and testState through
// the engine's worker (www/worker.js) answering as testState() does here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from './support/web-worker-shim.mjs';
import { createWorker, testState, simulate } from '../../www/statelab.js';
import { stateAt, readJson, readCount, buildRequest, newDraft, prefill, variablesAt, stagesOf, errorDetailsText, innerStates } from '../../www/app/model/teststate.js';

globalThis.Worker = Worker;

const MACHINE = {
  StartAt: 'Fan',
  States: {
    Fan: {
      Type: 'Parallel',
      Branches: [{ StartAt: 'Resize', States: { Resize: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { States: { x: 1 } }, End: true } } }],
      Next: 'States',
    },
    States: { Type: 'Pass', End: true },
  },
};

test('the state under the cursor: JSON, YAML and a SAM template; a key named States inside a state is the state’s own field', () => {
  const text = JSON.stringify(MACHINE, null, 2);
  const at = (needle, plus = 2) => stateAt(text, text.indexOf(needle) + plus);
  assert.equal(at('"StartAt": "Fan"'), null, 'a machine field is no state');
  assert.equal(at('"Type": "Parallel"'), 'Fan');
  assert.equal(at('"Resize": {'), 'Resize', 'on the state’s name');
  assert.equal(at('"x": 1'), 'Resize', 'inside Parameters, a key named States is not a machine');
  assert.equal(at('"StartAt": "Resize"'), 'Fan', 'a branch’s own fields are its Parallel’s');
  assert.equal(at('"Type": "Pass"'), 'States', 'a state may be named States');
  assert.equal(stateAt('{"StartAt": "A", "States": {"A": {"Type": "Pa', 30), 'A', 'half typed');

  const yaml = [
    'StartAt: Fan',
    'States:',
    '  Fan:',
    '    Type: Parallel',
    '    Branches:',
    '      - StartAt: Resize',
    '        States:',
    '          Resize:',
    '            Type: Task',
    '            Parameters:',
    '              FunctionName: x',
    '            End: true',
    '    End: true',
    '',
  ].join('\n');
  const y = (needle, plus = 3) => stateAt(yaml, yaml.indexOf(needle) + plus);
  assert.equal(y('Fan:'), 'Fan');
  assert.equal(y('Type: Parallel'), 'Fan');
  assert.equal(y('- StartAt'), 'Fan');
  assert.equal(y('Resize:\n'), 'Resize');
  assert.equal(y('FunctionName'), 'Resize');
  assert.equal(stateAt(yaml, yaml.lastIndexOf('End: true') + 2), 'Fan');
  assert.equal(y('StartAt: Fan', 1), null);

  const sam = [
    'Resources:',
    '  Machine:',
    '    Type: AWS::Serverless::StateMachine',
    '    Properties:',
    '      Definition:',
    '        StartAt: A',
    '        States:',
    '          A:',
    '            Type: Pass',
    '            End: true',
    '',
  ].join('\n');
  assert.equal(stateAt(sam, sam.indexOf('Type: Pass') + 2), 'A');
  assert.equal(stateAt(sam, sam.indexOf('Type: AWS')), null);
});

test('fields: JSON mistakes with their line and column, counts, and the request of a state of the top level or of a branch', () => {
  assert.deepEqual(readJson('{"a": 1}'), { ok: true, value: { a: 1 } });
  assert.equal(readJson('', { optional: true }).value, undefined);
  assert.match(readJson('').message, /^Empty/);
  const bad = readJson('{\n  "a": 1,\n}');
  assert.equal(bad.ok, false);
  assert.match(bad.message, /^Not JSON \(line 3, column 1\): /);
  assert.deepEqual(readCount(' 3 '), { ok: true, value: 3 });
  assert.equal(readCount('-1').ok, false);
  assert.equal(readCount('1.5').ok, false);

  const top = buildRequest(MACHINE, 'States', { ...newDraft('Pass'), input: '"text"', level: 'TRACE', variables: '{"v": 1}', context: '', roleArn: ' arn:aws:iam::1:role/r ' });
  assert.deepEqual(top.errors, {});
  assert.deepEqual(top.request, {
    stateName: 'States',
    input: '"text"', // a JSON string goes as JSON text: the API reads a string field as JSON
    inspectionLevel: 'TRACE',
    variables: { v: 1 },
    roleArn: 'arn:aws:iam::1:role/r',
    definition: MACHINE,
  });

  const lang = { QueryLanguage: 'JSONata', ...MACHINE };
  const nested = buildRequest(lang, 'Resize', { ...newDraft('Task'), mockMode: 'error', error: 'Boom', cause: '' });
  assert.equal(nested.request.stateName, undefined, 'TestState tests the top level: a branch’s state goes alone');
  assert.equal(nested.request.definition.QueryLanguage, 'JSONata', 'with the query language it inherits');
  assert.deepEqual(nested.request.mock, { errorOutput: { error: 'Boom' } });

  const wrong = buildRequest(MACHINE, 'Resize', { ...newDraft('Task'), input: '{x', variables: '[1]', result: '' });
  assert.equal(wrong.request, null);
  assert.deepEqual(Object.keys(wrong.errors).sort(), ['input', 'result', 'variables']);
  assert.match(buildRequest(MACHINE, 'Gone', newDraft('Pass')).errors.state, /no state 'Gone'/);
});

test('errorCausedByState, mapItemReaderData and revealSecrets go into the request only where they apply', () => {
  const machine = {
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'A', States: { A: { Type: 'Map', ItemProcessor: { StartAt: 'Deep', States: { Deep: { Type: 'Pass', End: true } } }, End: true } } },
          { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } },
        ],
        Next: 'Rows',
      },
      Rows: {
        Type: 'Map',
        ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'CSV' }, Parameters: { Bucket: 'b', Key: 'k.csv' } },
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
        Next: 'Call',
      },
      Call: { Type: 'Task', Resource: 'arn:aws:states:::http:invoke', Parameters: { ApiEndpoint: 'https://e.example', Method: 'GET' }, End: true },
    },
  };
  assert.deepEqual(innerStates(machine.States.Fan), ['A', 'Deep', 'B']);
  const draft = (type, patch) => ({ ...newDraft(type), errorCausedByState: 'Deep', mapItemReaderData: 'a\n1', revealSecrets: true, ...patch });
  // A mocked error on the Parallel: errorCausedByState; no reader data, no revealSecrets.
  const fan = buildRequest(machine, 'Fan', draft('Parallel', { mockMode: 'error', error: 'E' })).request;
  assert.deepEqual(fan.stateConfiguration, { errorCausedByState: 'Deep' });
  assert.equal(fan.revealSecrets, undefined);
  // A result: no errorCausedByState.
  assert.equal(buildRequest(machine, 'Fan', draft('Parallel', { result: '[{}, {}]' })).request.stateConfiguration, undefined);
  // The Map with an ItemReader: its data as typed.
  const rows = buildRequest(machine, 'Rows', draft('Map', {})).request;
  assert.deepEqual(rows.stateConfiguration, { mapItemReaderData: 'a\n1' });
  // The HTTP Task: revealSecrets at TRACE only.
  assert.equal(buildRequest(machine, 'Call', draft('Task', { level: 'TRACE' })).request.revealSecrets, true);
  assert.equal(buildRequest(machine, 'Call', draft('Task', { level: 'DEBUG' })).request.revealSecrets, undefined);
  // The reader's data from the mocks' Files, for a reader whose Bucket and Key are given.
  const p = prefill({ run: null, selection: {}, mocks: { Files: { b: { 'k.csv': 'id\n7' } } }, name: 'Rows', state: machine.States.Rows });
  assert.equal(p.mapItemReaderData, 'id\n7');
  assert.equal(p.from.reader, 's3://b/k.csv in the Files of the Mocks tab');
});

test('filled from a run: the visit’s input, the variables assigned before it in its lanes, its Task result; else the mock', async () => {
  const def = {
    StartAt: 'Init',
    States: {
      Init: { Type: 'Pass', Assign: { limit: 10, who: 'ada' }, Next: 'Each' },
      Each: {
        Type: 'Map',
        ItemProcessor: {
          StartAt: 'Mark',
          States: {
            Mark: { Type: 'Pass', Assign: { seen: true }, Next: 'Call' },
            Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true },
          },
        },
        Next: 'Done',
      },
      Done: { Type: 'Pass', Assign: { after: 1 }, End: true },
    },
  };
  const mocks = { Call: { result: { Payload: 7 } } };
  const result = await simulate(def, [1, 2], mocks, { recordSteps: true });
  assert.equal(result.status, 'SUCCEEDED');
  const run = { spans: result.spans, events: result.events, lanes: result.lanes };
  const p = prefill({ run, selection: { name: 'Call', pick: 1 }, mocks, name: 'Call', state: def.States.Each.ItemProcessor.States.Call });
  assert.deepEqual(JSON.parse(p.input), 2, 'the second visit, as the State tab shows it');
  assert.deepEqual(JSON.parse(p.variables), { limit: 10, who: 'ada', seen: true }, 'the Map’s outer variables and the iteration’s own, not later ones');
  assert.deepEqual(JSON.parse(p.result), { Payload: 7 });
  assert.match(p.from.input, /^the last run \(visit 2 of 2, Each\[1\]\)$/);
  // With the definition's state types, the lane is named as the timeline names it.
  const types = new Map([
    ['Each', 'Map'],
    ['Call', 'Task'],
  ]);
  const named = prefill({ run, selection: { name: 'Call', pick: 1 }, mocks, name: 'Call', state: def.States.Each.ItemProcessor.States.Call, types });
  assert.equal(named.from.input, 'the last run (visit 2 of 2, Each › item 1)');
  const first = result.spans.find((s) => s.state === 'Init' && s.kind === 'state');
  assert.equal(variablesAt(result.events, result.lanes, first), null, 'nothing assigned before the first state');
  // No run: the mock of the Mocks tab.
  const fromMocks = prefill({ run: null, selection: null, mocks: { Call: [{ error: 'Boom', cause: 'bad' }] }, name: 'Call', state: { Type: 'Task' } });
  assert.deepEqual([fromMocks.mockMode, fromMocks.error, fromMocks.cause, fromMocks.from.mock], ['error', 'Boom', 'bad', 'its mock in the Mocks tab']);
});

test('the answer’s stages in the order the data flows, what did not change said, and what retriers and catchers do in words', () => {
  const answer = {
    status: 'CAUGHT_ERROR',
    error: 'Boom',
    nextState: 'Handle',
    output: { e: 1 },
    inspectionData: { afterResultPath: 3, input: 1, afterInputPath: 1, afterParameters: 2, errorDetails: { retryIndex: 0, catchIndex: 1 }, somethingNew: 'x' },
  };
  const stages = stagesOf(answer);
  assert.deepEqual(
    stages.map((s) => s.key),
    ['input', 'afterInputPath', 'afterParameters', 'afterResultPath', 'output', 'somethingNew'],
  );
  assert.equal(stages[1].sameAs, 'Input');
  assert.equal(stages[2].sameAs, null);
  assert.equal(stages[4].title, 'Output (from the Catch)');
  const state = { Retry: [{ ErrorEquals: ['Throttled'] }], Catch: [{ ErrorEquals: ['A'] }, { ErrorEquals: ['States.ALL'] }] };
  assert.deepEqual(
    errorDetailsText(answer.inspectionData.errorDetails, state, answer).map((d) => d.text),
    ['Retrier 1 (Throttled) matches the error, but its attempts are used up', 'Catcher 2 (States.ALL) takes the error to Handle'],
  );
});

test('testState through the engine’s worker answers as testState() does here, refusals included', async () => {
  const engine = createWorker();
  try {
    const request = {
      definition: { Type: 'Pass', Parameters: { 'v.$': '$.a' }, Next: 'After' },
      input: { a: 5 },
      inspectionLevel: 'DEBUG',
    };
    const there = await engine.testState(request);
    assert.deepEqual(there, await testState(request));
    assert.deepEqual(there.inspectionData.afterParameters, { v: 5 });
    assert.equal(there.nextState, 'After');
    const refused = await engine.testState({ ...request, definition: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } });
    assert.equal(refused.Error.Code, 'ValidationException');
  } finally {
    engine.terminate();
  }
});
