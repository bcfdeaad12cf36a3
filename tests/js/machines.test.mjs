// The page's model of the work's machines (www/app/model/machines.js): which Tasks start a
// machine by name, the run's plan (no derived mock for them, an untouched derived one left out,
// a user's kept), names, and the marks on the task spans that started child executions of a
// real run (www/statelab.js on the full engine), grandchildren included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../www/statelab.js';
import { machineNamed, startsOf, missingMachines, startsIn, withoutGenerated, markChildren, freshName, badName, renameStarts, forRun } from '../../www/app/model/machines.js';
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

test('renaming a machine rewrites the StateMachineArn values that name it, at every depth, and nothing else of the text', () => {
  const def = {
    Comment: `starts ${SM}Old`,
    StartAt: 'P',
    States: {
      P: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'A', States: { A: start(`${SM}Old`) } },
          { StartAt: 'B', States: { B: start('Old', 'arn:aws:states:::aws-sdk:sfn:startExecution') } },
          { StartAt: 'C', States: { C: start(`${SM}Other`) } },
        ],
        Next: 'M',
      },
      M: {
        Type: 'Map',
        ItemProcessor: {
          StartAt: 'D',
          States: { D: { ...start(`${SM}Old`, 'arn:aws:states:::states:startExecution'), Parameters: undefined, Arguments: { StateMachineArn: `${SM}Old` } } },
        },
        End: true,
      },
      L: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { StateMachineArn: `${SM}Old` }, End: true },
    },
  };
  const text = JSON.stringify(def, null, 3);
  const { text: out, count } = renameStarts(text, 'Old', 'New');
  assert.equal(count, 3);
  const after = JSON.parse(out);
  assert.equal(after.States.P.Branches[0].States.A.Parameters.StateMachineArn, `${SM}New`);
  assert.equal(after.States.P.Branches[1].States.B.Parameters.StateMachineArn, 'New');
  assert.equal(after.States.P.Branches[2].States.C.Parameters.StateMachineArn, `${SM}Other`);
  assert.equal(after.States.M.ItemProcessor.States.D.Arguments.StateMachineArn, `${SM}New`);
  // Not a Task that starts an execution, and not a StateMachineArn: left as they were.
  assert.equal(after.States.L.Parameters.StateMachineArn, `${SM}Old`);
  assert.equal(after.Comment, `starts ${SM}Old`);
  // The layout of the text is kept: only the three values changed.
  const lines = text.split('\n');
  const changed = out.split('\n').filter((line, i) => line !== lines[i]);
  assert.deepEqual(
    changed.map((l) => l.trim()),
    [`"StateMachineArn": "${SM}New"`, '"StateMachineArn": "New"', `"StateMachineArn": "${SM}New"`],
  );
  // A text that is not JSON (YAML) is left as it is.
  assert.deepEqual(renameStarts('StartAt: A', 'Old', 'New'), { text: 'StartAt: A', count: 0 });
});

test('an EXPRESS machine of the work runs as an Express child: its ARN, and a .sync start of it waits for its output', async () => {
  assert.deepEqual(forRun({ A: 'a', B: 'b' }, { B: 'EXPRESS' }), { A: 'a', B: { definition: 'b', type: 'EXPRESS' } });
  const parent = { StartAt: 'Go', States: { Go: start(`${SM}Quick`, 'arn:aws:states:::states:startExecution.sync:2', { Name: 'q1', Input: { n: 1 } }) } };
  const quick = JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', Result: { quick: true }, End: true } } });
  const r = await simulate(parent, {}, {}, { machines: forRun({ Quick: quick }, { Quick: 'EXPRESS' }) });
  assert.equal(r.status, 'SUCCEEDED', r.cause);
  assert.deepEqual(r.output.Output, { quick: true });
  assert.match(r.children[0].executionArn, /:express:Quick:q1:/);
  // A STANDARD one's ARN is an execution's.
  const s = await simulate(parent, {}, {}, { machines: forRun({ Quick: quick }, {}) });
  assert.equal(s.children[0].executionArn, 'arn:aws:states:us-east-1:123456789012:execution:Quick:q1');
  // An EXPRESS machine is checked as one: .sync inside it is refused, said for the machine.
  const inner = JSON.stringify({ StartAt: 'S', States: { S: start(`${SM}Quick`, 'arn:aws:states:::states:startExecution.sync') } });
  await assert.rejects(simulate(parent, {}, {}, { machines: { Quick: { definition: inner, type: 'EXPRESS' } } }), /options\.machines\.Quick/);
});
