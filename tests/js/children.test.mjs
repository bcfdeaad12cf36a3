// Child executions through the JS API (www/statelab.js): options.machines hands the engine a
// workspace of named state machines; a startExecution Task runs one of them on the full
// engine, and the result lists the children, each linked to the task that started it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate, run } from '../../www/statelab.js';

const SM = 'arn:aws:states:us-east-1:123456789012:stateMachine:';
const parent = {
  StartAt: 'Run',
  States: {
    Run: {
      Type: 'Task',
      Resource: 'arn:aws:states:::states:startExecution.sync:2',
      Parameters: { StateMachineArn: `${SM}Child`, 'Input.$': '$', Name: 'c1' },
      OutputPath: '$.Output',
      End: true,
    },
  },
};
const child = JSON.stringify({
  StartAt: 'Work',
  States: { Work: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', OutputPath: '$.Payload', End: true } },
});
const mocks = JSON.stringify({ Work: { result: { Payload: { done: true } }, latency: 2 } });

test('simulate runs a workspace machine as a child execution and links it to the parent task', async () => {
  const r = await simulate(parent, { n: 1 }, mocks, { machines: { Child: child } });
  assert.equal(r.status, 'SUCCEEDED');
  assert.deepEqual(r.output, { done: true });
  assert.equal(r.durationMs, 2000);
  assert.equal(r.children.length, 1);
  const [c] = r.children;
  assert.equal(c.executionArn, 'arn:aws:states:us-east-1:123456789012:execution:Child:c1');
  assert.equal(c.stateMachine, 'Child');
  assert.equal(c.startMs, 0);
  assert.equal(c.parent.state, 'Run');
  // The parent's span of the task attempt (structure, not a label).
  const span = r.spans[c.parent.span];
  assert.equal(span.state, 'Run');
  assert.equal(span.kind, 'attempt');
  assert.equal(c.result.status, 'SUCCEEDED');
  assert.deepEqual(c.result.output, { done: true });
  assert.deepEqual(
    c.result.events.map((e) => e.type),
    ['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded'],
  );
});

test('without machines the task is a Task like any other (mocks), and a bad machine is said', async () => {
  await assert.rejects(simulate(parent, {}, mocks), /Run/);
  const r = await simulate(parent, {}, JSON.stringify({ Run: { result: { Output: 1 } } }));
  assert.equal(r.output, 1);
  assert.equal(r.children, undefined);
  await assert.rejects(simulate(parent, {}, mocks, { machines: { Child: '{"StartAt": "Nope", "States": {}}' } }), /options\.machines\.Child/);
});

test('run (the stepping driver) waits for the child and hands back its result', async () => {
  const ctl = run(parent, {}, mocks, { instant: true, machines: { Child: child } });
  const r = await ctl.done;
  assert.equal(r.status, 'SUCCEEDED');
  assert.equal(r.children.length, 1);
  assert.equal(r.children[0].result.status, 'SUCCEEDED');
});

test('a failed parent is redriven with the machines it ran with: its task runs the child again', async () => {
  const { redrive } = await import('../../www/statelab.js');
  const machines = { Child: child };
  const failing = JSON.stringify({ Work: { error: 'Down', cause: 'try later', latency: 1 } });
  const first = await simulate(parent, { n: 1 }, failing, { machines, seed: 5 });
  assert.equal(first.status, 'FAILED');
  assert.equal(first.error, 'States.TaskFailed');
  assert.equal(first.children[0].result.status, 'FAILED');
  const next = await redrive(parent, { n: 1 }, { result: first, mocks: failing }, mocks, { machines, seed: 5 });
  assert.equal(next.status, 'SUCCEEDED');
  assert.deepEqual(next.output, { done: true });
  assert.equal(next.children.length, 1, 'the redriven task started the child again');
  assert.equal(next.children[0].result.status, 'SUCCEEDED');
});
