// A Map Run's child execution opens on its own execution (issue #19), in Chromium, as the AWS
// console's Map Run page links each child to its execution page: its own history from the
// engine (ExecutionStarted with its item as input, its states' events, its end, ids from 1)
// and its own timeline from its start, none of the parent's states in them. Screenshots
// (light and dark) go to $STATELAB_SHOTS (default: the system's temporary directory,
// statelab-e2e/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setup, openPage, runAndWait } from './page.mjs';

const SHOTS = process.env.STATELAB_SHOTS || join(tmpdir(), 'statelab-e2e');
mkdirSync(SHOTS, { recursive: true });
setup();

// Items given inline (no ItemReader); each child charges its order, then ships it.
const DEFINITION = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Next: 'Orders' },
    Orders: {
      Type: 'Map',
      ItemsPath: '$.orders',
      ToleratedFailureCount: 1,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'Charge',
        States: {
          Charge: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', ResultPath: '$.charge', Next: 'Ship' },
          Ship: { Type: 'Wait', Seconds: 2, End: true },
        },
      },
      End: true,
    },
  },
};
const INPUT = { orders: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] };
// The second invocation (order b) is declined; the others are charged in 1 s.
const MOCKS = {
  Charge: [
    { result: { ok: true }, latency: 1 },
    { error: 'Card.Declined', cause: 'insufficient funds', latency: 1 },
    { result: { ok: true }, latency: 1 },
  ],
};

for (const theme of ['light', 'dark']) {
  test(`a child execution opens on its own history and timeline (${theme})`, async () => {
    const { page, context, problems } = await openPage({ colorScheme: theme });
    await page.evaluate(
      ([d, i, m]) => window.statelab.load({ definition: d, input: i, mocks: m }),
      [JSON.stringify(DEFINITION, null, 2), JSON.stringify(INPUT), JSON.stringify(MOCKS)],
    );
    const result = await runAndWait(page);
    assert.equal(result.status, 'SUCCEEDED', result.cause);
    // The children's events are not in the parent's history.
    assert.equal(result.events.filter((e) => e.type === 'TaskScheduled').length, 0);
    // Nor in the result the page has: an index of the children, whose histories the engine's
    // worker keeps until one is asked for (the page API's mapRunChild too).
    assert.deepEqual(
      result.mapRunChildren.map((c) => [c.index, c.status, c.eventCount, c.events]),
      [
        [0, 'SUCCEEDED', 9, undefined],
        [1, 'FAILED', 6, undefined],
        [2, 'SUCCEEDED', 9, undefined],
      ],
    );
    const asked = await page.evaluate((span) => window.statelab.mapRunChild(span, 1), result.mapRunChildren[0].mapSpan);
    assert.equal(asked.complete, true);
    assert.deepEqual(
      asked.events.map((e) => [e.id, e.type]),
      [
        [1, 'ExecutionStarted'],
        [2, 'TaskStateEntered'],
        [3, 'TaskScheduled'],
        [4, 'TaskStarted'],
        [5, 'TaskFailed'],
        [6, 'ExecutionFailed'],
      ],
    );

    await page.click('[data-testid=tab-mapruns]');
    await page.waitForSelector('[data-testid=maprun-child]');
    assert.equal(await page.$$eval('[data-testid=maprun-child]', (rs) => rs.length), 3);
    await page.click('[data-testid=maprun-child][data-index="0"] [data-testid=maprun-child-open]');
    await page.waitForSelector('[data-testid=maprun-child-history] tr.row');
    const events = await page.$$eval('[data-testid=maprun-child-history] tr.row', (rs) => rs.map((r) => [Number(r.dataset.eventId), r.dataset.eventType]));
    assert.deepEqual(events, [
      [1, 'ExecutionStarted'],
      [2, 'TaskStateEntered'],
      [3, 'TaskScheduled'],
      [4, 'TaskStarted'],
      [5, 'TaskSucceeded'],
      [6, 'TaskStateExited'],
      [7, 'WaitStateEntered'],
      [8, 'WaitStateExited'],
      [9, 'ExecutionSucceeded'],
    ]);
    // ExecutionStarted's input is the item; times are from the child's start.
    await page.click('[data-testid=maprun-child-history] tr.row[data-event-id="1"]');
    assert.match(await page.textContent('[data-testid=maprun-child-history]'), /"id": "a"/);
    const times = await page.$$eval('[data-testid=maprun-child-history] tr.row td:last-child', (tds) => tds.map((t) => t.textContent));
    assert.equal(times[0], '0 ms');
    assert.equal(times.at(-1), '3 s');
    // Its timeline: its own states only (not Prepare, not the Map), from 0.
    const bars = await page.$$eval('[data-testid=maprun-child-bar][data-kind=state]', (bs) => bs.map((b) => [b.dataset.state, Number(b.dataset.startMs), Number(b.dataset.endMs)]));
    assert.deepEqual(bars, [
      ['Charge', 0, 1000],
      ['Ship', 1000, 3000],
    ]);
    assert.equal(await page.textContent('[data-testid=maprun-child-status]'), 'Succeeded');
    await page.screenshot({ path: join(SHOTS, `mapchild-${theme}.png`) });

    // The failed child: its history ends with ExecutionFailed and the Task's error.
    await page.click('[data-testid=maprun-child-back]');
    await page.click('[data-testid=maprun-child][data-index="1"] [data-testid=maprun-child-open]');
    await page.waitForSelector('[data-testid=maprun-child-history] tr.row[data-event-type=ExecutionFailed]');
    await page.click('[data-testid=maprun-child-history] tr.row[data-event-type=ExecutionFailed]');
    assert.match(await page.textContent('[data-testid=maprun-child-history]'), /Card\.Declined/);
    assert.equal(await page.textContent('[data-testid=maprun-child-status]'), 'Failed');
    assert.deepEqual(problems, []);
    await context.close();
  });
}
