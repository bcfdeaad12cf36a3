// What the page exports (www/app/model/export.js), in Node with the engine (www/statelab.js):
// the short-form mocks as a Step Functions Local mock configuration that runs the same
// execution (lists, the last response repeating, errors, latencies and their seeded ranges,
// the "*" entry, Files; JS functions left out and said), the events as GetExecutionHistory
// gives them, the names of files and state machines. And the engine's result after a failure
// at the history limit: no span left running (www/statelab.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../www/statelab.js';
import { LAST_INVOCATION, executionHistory, fileBase, machineName, toStepFunctionsLocal } from '../../www/app/model/export.js';

const task = (next) => ({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', ...(next ? { Next: next } : { End: true }) });

const DEFINITION = {
  StartAt: 'Flaky',
  States: {
    Flaky: { ...task('Ranged'), ResultPath: null, Retry: [{ ErrorEquals: ['Throttled'], IntervalSeconds: 1, MaxAttempts: 5 }] },
    Ranged: { ...task('Loop'), ResultPath: null },
    Loop: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'Each', States: { Each: task() } }, Next: 'Other' },
    Other: { ...task(), Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handled' }] },
    Handled: { Type: 'Pass', End: true },
  },
};
const INPUT = { items: [1, 2, 3, 4] };
const MOCKS = {
  Flaky: [{ error: 'Throttled', cause: 'slow down', latency: 0.5 }, { error: 'Throttled' }, { result: { ok: 1 }, latency: [0.2, 0.9] }],
  Ranged: { result: { StatusCode: 200, Payload: { n: 2 } }, latency: [1, 3] },
  Each: [{ result: 'first' }, { result: 'later', latency: 2 }],
  '*': { error: 'Boom', cause: 'from the wildcard', latency: 1 },
};

test('short-form mocks and their Step Functions Local export run the same execution', async () => {
  const { config, functions, missing } = toStepFunctionsLocal(MOCKS, DEFINITION, { machine: 'My machine!' });
  assert.deepEqual(functions, []);
  assert.deepEqual(missing, []);
  assert.deepEqual(Object.keys(config.StateMachines), ['My-machine']);
  assert.deepEqual(config.StateMachines['My-machine'].TestCases.statelab, { Flaky: 'Flaky', Ranged: 'Ranged', Each: 'Each', Other: 'Other' });
  assert.deepEqual(config.MockedResponses.Flaky, {
    0: { Throw: { Error: 'Throttled', Cause: 'slow down' }, LatencySeconds: 0.5 },
    1: { Throw: { Error: 'Throttled' } },
    [`2-${LAST_INVOCATION}`]: { Return: { ok: 1 }, LatencySeconds: [0.2, 0.9] },
  });
  assert.deepEqual(config.MockedResponses.Other, { [`0-${LAST_INVOCATION}`]: { Throw: { Error: 'Boom', Cause: 'from the wildcard' }, LatencySeconds: 1 } });
  for (const seed of [1, 7, 42]) {
    const short = await simulate(DEFINITION, INPUT, MOCKS, { seed });
    const local = await simulate(DEFINITION, INPUT, config, { seed });
    assert.equal(short.status, 'SUCCEEDED');
    assert.deepEqual(local.events, short.events, `seed ${seed}`);
    assert.equal(local.durationMs, short.durationMs);
  }
});

test('JS functions are left out and named; Tasks without a mock are named; Files stay; the SFN Local format is kept', () => {
  const mocks = { Flaky: { function: 'async () => 1' }, Ranged: { result: 1 }, Files: { bucket: { 'a.json': [1] } } };
  const { config, functions, missing } = toStepFunctionsLocal(mocks, DEFINITION);
  assert.deepEqual(functions, ['Flaky']);
  assert.deepEqual(missing, ['Each', 'Other']);
  assert.deepEqual(config.Files, mocks.Files);
  assert.deepEqual(Object.keys(config.MockedResponses), ['Ranged']);
  const local = { StateMachines: { M: { TestCases: { T: { A: 'R' } } } }, MockedResponses: { R: { 0: { Return: 1 } } } };
  assert.equal(toStepFunctionsLocal(local, DEFINITION).config, local);
  // A state named like Object's own properties is a state as any other.
  const proto = JSON.parse('{"__proto__": {"result": 1}}');
  const out = toStepFunctionsLocal(proto, {
    StartAt: '__proto__',
    States: JSON.parse('{"__proto__": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}'),
  });
  assert.deepEqual(Object.keys(out.config.MockedResponses), ['__proto__']);
  assert.deepEqual(out.missing, []);
});

test('the history as GetExecutionHistory gives it; the names of files and machines', async () => {
  const r = await simulate(DEFINITION, INPUT, MOCKS, { seed: 1 });
  const h = executionHistory(r.events);
  assert.deepEqual(Object.keys(h), ['events']);
  assert.equal(h.events.length, r.events.length);
  for (const e of h.events) {
    assert.ok(!('ms' in e) && !('lane' in e) && !('state' in e));
    assert.deepEqual(Object.keys(e).slice(0, 4), ['id', 'previousEventId', 'timestamp', 'type']);
  }
  assert.equal(fileBase('Order flow: v2/final'), 'Order-flow-v2-final');
  assert.equal(fileBase('  '), 'statelab');
  assert.equal(fileBase('../../etc'), 'etc');
  assert.equal(machineName('Image pipeline (Parallel)'), 'Image-pipeline-Parallel');
  assert.equal(machineName(''), 'StateMachine');
});

test('an execution that fails at the history limit leaves no span running', async () => {
  const loop = {
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Parallel',
        Branches: [
          {
            StartAt: 'Sleep',
            States: {
              Sleep: { Type: 'Wait', Seconds: 1, Next: 'Again' },
              Again: { Type: 'Choice', Choices: [{ Variable: '$.stop', IsPresent: true, Next: 'Done' }], Default: 'Sleep' },
              Done: { Type: 'Succeed' },
            },
          },
        ],
        End: true,
      },
    },
  };
  const r = await simulate(loop, {}, {});
  assert.equal(r.status, 'FAILED');
  assert.equal(r.events.length, 25000);
  assert.deepEqual(
    r.spans.filter((s) => s.endMs === null || s.status === 'running'),
    [],
  );
  const fan = r.spans.find((s) => s.state === 'Fan');
  assert.deepEqual([fan.status, fan.endMs], ['cancelled', r.durationMs]);
});
