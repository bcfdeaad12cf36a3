// The page's model of the work's machines (www/app/model/machines.js): which Tasks start a
// machine by name, the run's plan (no derived mock for them, an untouched derived one left out,
// a user's kept), names, and the marks on the task spans that started child executions of a
// real run (www/statelab.js on the full engine), grandchildren included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../www/statelab.js';
import { machineNamed, startsOf, missingMachines, startsIn, withoutGenerated, markChildren, freshName, badName } from '../../www/app/model/machines.js';
import { canonical } from '../../www/app/model/generated.js';

const SM = 'arn:aws:states:us-east-1:123456789012:stateMachine:';
const start = (name, resource = 'arn:aws:states:::states:startExecution.sync:2', extra = {}) => ({
  Type: 'Task',
  Resource: resource,
  Parameters: { StateMachineArn: name, ...extra },
  End: true,
});

test('the machine a literal StateMachineArn names', () => {
  assert.equal(machineNamed(`${SM}Shipper`), 'Shipper');
  assert.equal(machineNamed('Shipper'), 'Shipper');
  assert.equal(machineNamed('arn:aws:lambda:us-east-1:1:function:f'), null);
  assert.equal(machineNamed('{% $states.input.arn %}'), null);
  assert.equal(machineNamed(''), null);
  assert.equal(machineNamed(7), null);
});

test('the Tasks that start a machine, in Parallel branches too; a path or another service is none', () => {
  const def = {
    StartAt: 'P',
    States: {
      P: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'A', States: { A: start(`${SM}Alpha`) } },
          { StartAt: 'B', States: { B: start(`${SM}Beta`, 'arn:aws:states:::aws-sdk:sfn:startExecution') } },
          { StartAt: 'C', States: { C: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution', Parameters: { 'StateMachineArn.$': '$.arn' }, End: true } } },
          { StartAt: 'D', States: { D: start(`${SM}Delta`, 'arn:aws:states:::lambda:invoke') } },
        ],
        End: true,
      },
    },
  };
  assert.deepEqual(startsOf(def), [
    { state: 'A', machine: 'Alpha' },
    { state: 'B', machine: 'Beta' },
  ]);
  assert.deepEqual(missingMachines(def, { Alpha: '{}' }), ['Beta']);
  assert.deepEqual(startsIn(def, { Beta: '{}' }), ['B']);
});

test('an untouched derived mock of a Task that starts a machine is left out of the run; an edited one stays', () => {
  const generated = { input: null, mocks: { A: canonical({ x: 1 }), B: canonical({ y: 1 }) }, mocksFor: 'h' };
  const mocks = { A: { x: 1 }, B: { y: 2 }, C: { z: 1 } };
  assert.deepEqual(withoutGenerated(mocks, ['A', 'B'], generated), { B: { y: 2 }, C: { z: 1 } });
  assert.equal(withoutGenerated(mocks, ['C'], generated), mocks);
});

test('names: a fresh one, and the ones refused', () => {
  assert.equal(freshName({}), 'Child');
  assert.equal(freshName({ Child: '', Child2: '' }), 'Child3');
  assert.equal(badName('Ship-it_2', {}), null);
  assert.match(badName('has space', {}), /1 to 80/);
  assert.match(badName('', {}), /1 to 80/);
  assert.match(badName('A', { A: '' }), /already/);
  assert.equal(badName('A', { A: '' }, 'A'), null);
});

test('the task spans that started a child and a grandchild are marked with them', async () => {
  const parent = { StartAt: 'Go', States: { Go: start(`${SM}Mid`, 'arn:aws:states:::states:startExecution.sync:2', { Name: 'm1' }) } };
  const mid = { StartAt: 'Deeper', States: { Deeper: start(`${SM}Leaf`, 'arn:aws:states:::states:startExecution.sync', { Name: 'l1' }) } };
  const leaf = { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } };
  const r = await simulate(parent, {}, {}, { machines: { Mid: mid, Leaf: leaf } });
  assert.equal(r.status, 'SUCCEEDED', r.cause);
  markChildren(r);
  const marked = (spans) => spans.filter((s) => s.child).map((s) => [s.state, s.kind, s.child.name, s.child.arn.split(':').slice(-2).join(':')]);
  assert.deepEqual(marked(r.spans), [['Go', 'attempt', 'Mid', 'Mid:m1']]);
  const m = r.children.find((c) => c.stateMachine === 'Mid');
  assert.deepEqual(marked(m.result.spans), [['Deeper', 'attempt', 'Leaf', 'Leaf:l1']]);
});
