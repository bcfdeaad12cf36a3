// The page's Map Run model (www/app/model/maprun.js) over the engine's runs (www/statelab.js,
// the full engine in www/pkg/full/): a distributed Map's child executions and their counters,
// at the end and midway (the spans of an instant, as the page has them during a run), and the
// tolerated-failure state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../www/statelab.js';
import { mapRuns, hasDistributedMap, toleratedOf } from '../../www/app/model/maprun.js';
import { spansAt } from '../../www/app/model/timing.js';

const definition = (extra = {}) => ({
  StartAt: 'M',
  States: {
    M: {
      Type: 'Map',
      ItemsPath: '$.items',
      ...extra,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'C',
        States: {
          C: { Type: 'Choice', Choices: [{ Variable: '$', NumericEquals: 2, Next: 'F' }], Default: 'W' },
          F: { Type: 'Fail', Error: 'Two', Cause: 'no 2' },
          W: { Type: 'Wait', Seconds: 1, End: true },
        },
      },
      End: true,
    },
  },
});

test('a distributed Map with a tolerated failure: its counters, children and threshold', async () => {
  const def = definition({ ToleratedFailureCount: 1 });
  assert.equal(hasDistributedMap(def), true);
  assert.equal(hasDistributedMap({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }), false);
  const r = await simulate(def, { items: [1, 2, 3] }, '{}');
  assert.equal(r.status, 'SUCCEEDED');
  const [run, ...more] = mapRuns(r, def);
  assert.equal(more.length, 0);
  assert.equal(run.state, 'M');
  assert.equal(run.status, 'SUCCEEDED');
  assert.match(run.arn, /:mapRun:/);
  assert.deepEqual(run.counts, { pending: 0, running: 0, succeeded: 2, failed: 1, timedOut: 0, aborted: 0, total: 3 });
  assert.deepEqual(run.tolerated, { count: 1, percentage: null, fromPath: false, failures: 1, exceeded: false });
  assert.deepEqual(
    run.children.map((c) => [c.index, c.status, c.error ?? null, c.states.map((s) => s.state)]),
    [
      [0, 'SUCCEEDED', null, ['C', 'W']],
      [1, 'FAILED', 'Two', ['C', 'F']],
      [2, 'SUCCEEDED', null, ['C', 'W']],
    ],
  );
  assert.equal(run.children[0].endMs - run.children[0].startMs, 1000);

  // Midway (500 ms), as the page sees the run while it goes: two running, one failed.
  const mid = mapRuns({ events: r.events.filter((e) => e.ms <= 500), spans: spansAt(r.spans, 500) }, def)[0];
  assert.equal(mid.status, 'RUNNING');
  assert.deepEqual(mid.counts, { pending: 0, running: 2, succeeded: 0, failed: 1, timedOut: 0, aborted: 0, total: 3 });
});

test('no failure tolerated: the Map Run fails and says the threshold is exceeded', async () => {
  const def = definition({ MaxConcurrency: 1 });
  const r = await simulate(def, { items: [1, 2, 3, 4] }, '{}');
  assert.equal(r.status, 'FAILED');
  const [run] = mapRuns(r, def);
  assert.equal(run.status, 'FAILED');
  assert.equal(run.counts.total, 4);
  assert.equal(run.counts.failed, 1);
  assert.equal(run.counts.succeeded + run.counts.aborted + run.counts.pending + run.counts.failed, 4, JSON.stringify(run.counts));
  assert.equal(run.tolerated.exceeded, true);
  assert.deepEqual(toleratedOf({ ToleratedFailurePercentage: 10, ToleratedFailureCountPath: '$.n' }), { count: null, percentage: 10, fromPath: true });
});
