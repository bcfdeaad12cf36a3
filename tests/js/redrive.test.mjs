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

test('run() redrives on real timers: its clock starts at the redrive, an aborted run is found where it was stopped', async () => {
  const { run } = await import('../../www/statelab.js');
  // A run of the core's kind (no `redrive` in its result) stopped at 1 s: branch A had answered, B not.
  const slow = { A: { result: { Payload: 'a' }, latency: 0.5 }, B: { result: { Payload: 'late' }, latency: 30 } };
  const stopped = { status: 'ABORTED', durationMs: 1000 };
  const ctl = run(MACHINE, { n: 1 }, FIXED, { instant: true, seed: 3, redrive: { previous: { result: stopped, mocks: slow }, afterMs: 0 } });
  const next = await ctl.done;
  assert.equal(next.status, 'SUCCEEDED');
  assert.deepEqual(next.output, ['a', 'b'], 'A is kept, B runs again with the new mock');
  assert.equal(next.events[0].type, 'ExecutionRedriven');
  assert.equal(next.events[0].ms, 500, 'the aborted run ended where its last deadline was handled (A at 0.5 s)');
  assert.ok(next.spans.every((s) => s.startMs >= 500));
  // A succeeded run is refused as AWS refuses it.
  const refused = run(MACHINE, {}, FIXED, { instant: true, redrive: { previous: { result: { status: 'SUCCEEDED' }, mocks: FIXED } } });
  await assert.rejects(refused.done, /ExecutionNotRedrivable: Execution is SUCCEEDED/);
});

test('the page joins a redriven attempt after the earlier ones (model/redrive.js)', async () => {
  const { attemptJoiner, whyNotRedrivable, redriveCountOf } = await import('../../www/app/model/redrive.js');
  const { latestVisits } = await import('../../www/app/model/lanes.js');
  const first = await simulate(MACHINE, {}, FAILING, { seed: 3 });
  const next = await redrive(MACHINE, {}, { result: first, mocks: FAILING }, FIXED, { seed: 3 });
  const join = attemptJoiner(first, 1);
  const all = join(next);
  assert.deepEqual(
    all.events.map((e) => e.id),
    all.events.map((_, i) => i + 1),
  );
  assert.equal(redriveCountOf(all.events), 1);
  assert.deepEqual(
    all.spans.map((s) => s.id),
    all.spans.map((_, i) => i),
  );
  assert.ok(all.spans.slice(0, first.spans.length).every((s) => s.earlier && s.attempt === 0));
  assert.ok(all.spans.slice(first.spans.length).every((s) => !s.earlier && s.attempt === 1 && (s.parent === null || s.parent >= first.spans.length)));
  // Branch B run again is in the same lane as before: no new lane.
  assert.equal(all.lanes.length, first.lanes.length);
  const b = all.spans.filter((s) => s.state === 'B' && s.kind === 'state');
  assert.equal(new Set(b.map((s) => s.lane)).size, 1);
  // The graph's view: B's failed visit gives way to its new one; A's kept visit stays.
  const latest = latestVisits(all.spans).filter((s) => s.kind === 'state');
  assert.ok(
    latest.every((s) => s.status === 'succeeded'),
    JSON.stringify(latest.map((s) => [s.state, s.status])),
  );
  assert.equal(latest.filter((s) => s.state === 'A').length, 1);
  assert.equal(latest.filter((s) => s.state === 'B').length, 1);
  assert.match(whyNotRedrivable({ result: { status: 'SUCCEEDED' }, ran: {} }, false), /succeeded/);
  assert.equal(whyNotRedrivable({ result: { status: 'FAILED' }, ran: {} }, false), null);
  assert.match(whyNotRedrivable(null, false), /run the workflow first/);
});

test('a redriven distributed Map: the children run again keep their own histories, joined to the earlier ones', async () => {
  const { attemptJoiner } = await import('../../www/app/model/redrive.js');
  const dist = {
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        End: true,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'Charge',
          States: { Charge: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } },
        },
      },
    },
  };
  const failing = { Charge: [{ result: 1 }, { error: 'Declined' }] };
  const first = await simulate(dist, { items: ['a', 'b'] }, failing);
  assert.equal(first.status, 'FAILED');
  assert.deepEqual(
    first.mapRunChildren.map((c) => [c.index, c.events.at(-1).type]),
    [
      [0, 'ExecutionSucceeded'],
      [1, 'ExecutionFailed'],
    ],
  );
  const next = await redrive(dist, { items: ['a', 'b'] }, { result: first, mocks: failing }, { Charge: { result: 2 } });
  assert.equal(next.status, 'SUCCEEDED');
  assert.deepEqual(
    next.mapRunChildren.map((c) => [c.index, c.events[0].type, c.events.at(-1).type]),
    [[1, 'ExecutionStarted', 'ExecutionSucceeded']],
    'only the failed child runs again',
  );
  const all = attemptJoiner({ ...first, result: first }, 1)({ ...next, mapRunChildren: next.mapRunChildren });
  assert.equal(all.mapRunChildren.length, 3);
  const again = all.mapRunChildren[2];
  const visit = all.spans[again.mapSpan];
  assert.equal(visit.state, 'Each');
  assert.equal(visit.attempt, 1, 'the redriven child belongs to the Map visit of the redrive');
  // The page's worker keeps the histories (an index entry, no events): the join gives the entry
  // the lanes' renumbering, which childEvents applies to the history fetched later.
  const { childEvents } = await import('../../www/app/model/maprun.js');
  const indexed = next.mapRunChildren.map(({ events, ...c }) => ({ ...c, eventCount: events.length, kept: 7, at: 0 }));
  const joined = attemptJoiner({ ...first, result: first }, 1)({ ...next, mapRunChildren: indexed });
  const entry = joined.mapRunChildren[2];
  assert.equal(entry.events, undefined);
  assert.equal(entry.mapSpan, again.mapSpan);
  const fetched = await childEvents(entry, (e) => (e.kept === 7 && e.at === 0 ? next.mapRunChildren[0].events : null));
  assert.deepEqual(fetched, again.events);
});
