// Stop and redrive through statelab.js (the full engine): a failed Parallel redriven with new
// mocks, from a run's result or by simulating the previous run again; refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redrive, simulate } from '../../www/statelab.js';

const MACHINE = {
  StartAt: 'Fan',
  States: {
    Fan: {
      Type: 'Parallel',
      End: true,
      Branches: [
        { StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', OutputPath: '$.Payload', End: true } } },
        { StartAt: 'B', States: { B: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', OutputPath: '$.Payload', End: true } } },
      ],
    },
  },
};
const FAILING = { A: { result: { Payload: 'a' } }, B: { error: 'Down', cause: 'try later', latency: 2 } };
const FIXED = { B: { result: { Payload: 'b' } } };

test('a failed Parallel is redriven: only the failed branch runs again, the ids go on', async () => {
  const first = await simulate(MACHINE, { n: 1 }, FAILING, { seed: 3 });
  assert.equal(first.status, 'FAILED');
  for (const previous of [{ result: first, mocks: FAILING }, { mocks: FAILING }]) {
    const next = await redrive(MACHINE, { n: 1 }, previous, FIXED, { seed: 3, afterMs: 5000 });
    assert.equal(next.status, 'SUCCEEDED');
    assert.deepEqual(next.output, ['a', 'b']);
    assert.equal(next.redrive, undefined, 'a succeeded execution has nothing to redrive');
    assert.equal(next.events[0].type, 'ExecutionRedriven');
    assert.equal(next.events[0].id, first.events.length + 1);
    assert.deepEqual(next.events[0].executionRedrivenEventDetails, { redriveCount: 1 });
    assert.equal(next.events.filter((e) => e.type === 'TaskScheduled').length, 1, 'branch A is not run again');
  }
});

test('a redrive that fails again carries what the next one needs', async () => {
  const first = await simulate(MACHINE, {}, FAILING);
  const again = await redrive(MACHINE, {}, { result: first, mocks: FAILING }, { B: { error: 'StillDown' } });
  assert.equal(again.status, 'FAILED');
  assert.equal(again.redrive.redriveCount, 1);
  const last = await redrive(MACHINE, {}, { result: again }, FIXED);
  assert.equal(last.status, 'SUCCEEDED');
  assert.deepEqual(last.events[0].executionRedrivenEventDetails, { redriveCount: 2 });
  assert.equal(last.events[0].id, first.events.length + again.events.length + 1);
  await assert.rejects(redrive(MACHINE, {}, { result: first }, FIXED), /previous needs the result of a full-engine run/);
});

test('redrives are refused as AWS refuses them', async () => {
  const ok = await simulate(MACHINE, {}, { A: { result: { Payload: 1 } }, B: { result: { Payload: 2 } } });
  await assert.rejects(redrive(MACHINE, {}, { result: ok }, FIXED), /ExecutionNotRedrivable: Execution is SUCCEEDED/);
  const failed = await simulate(MACHINE, {}, FAILING);
  await assert.rejects(
    redrive(MACHINE, {}, { result: failed, mocks: FAILING }, FIXED, { afterMs: 15 * 86400 * 1000 }),
    /ExecutionNotRedrivable: Execution redrivable period exceeded/,
  );
  await assert.rejects(redrive(MACHINE, {}, { mocks: FAILING }, FIXED, { type: 'EXPRESS' }), /ExecutionNotRedrivable: Executions of EXPRESS/);
});
