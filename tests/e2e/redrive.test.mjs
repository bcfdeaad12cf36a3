// Redrive in the page (issue #19), in Chromium: a run that failed in a Map's iteration is
// redriven after its mock is fixed and succeeds, with only the failed iteration run again
// (ExecutionRedriven in the history, the redriven iteration's events after it, the others'
// results kept, $$.Execution.RedriveCount in the output, the earlier attempt's bars kept and
// marked on the same time axis); a redriven run can be stopped, and redriven again; what
// cannot be redriven says why (a run that succeeded; AWS's ExecutionNotRedrivable for an
// Express workflow). Screenshots (light and dark) go to $STATELAB_SHOTS (default: the
// system's temporary directory, statelab-e2e/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setup, openPage, paste, shotsDir } from './page.mjs';

const SHOTS = shotsDir();
setup();

// Four orders charged at once; each iteration says which attempt of the execution ran it.
const DEFINITION = {
  StartAt: 'Orders',
  States: {
    Orders: {
      Type: 'Map',
      ItemsPath: '$.orders',
      ItemProcessor: {
        StartAt: 'Charge',
        States: {
          Charge: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', ResultPath: '$.charge', Next: 'Done' },
          Done: { Type: 'Pass', Parameters: { 'order.$': '$.id', 'ok.$': '$.charge.ok', 'redriveCount.$': '$$.Execution.RedriveCount' }, End: true },
        },
      },
      End: true,
    },
  },
};
const INPUT = { orders: [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }] };
// Invocations in the order the iterations start: the second (order b) is declined after 2 s,
// while the others are charged in 1 s (the last entry repeats).
const FAILING = {
  Charge: [
    { result: { ok: true }, latency: 1 },
    { error: 'Card.Declined', cause: 'insufficient funds', latency: 2 },
    { result: { ok: true }, latency: 1 },
  ],
};
const FIXED = { Charge: { result: { ok: true }, latency: 1 } };

async function open(colorScheme = 'light') {
  const opened = await openPage({ colorScheme });
  await opened.page.evaluate(
    ([definition, input, mocks]) => window.statelab.load({ definition, input, mocks }),
    [JSON.stringify(DEFINITION, null, 2), JSON.stringify(INPUT, null, 2), JSON.stringify(FAILING, null, 2)],
  );
  return opened;
}

/** Press `button` (run or redrive) and wait for the run it starts to end: its result. */
async function pressAndWait(page, button) {
  const before = await page.evaluate(() => window.statelab.runsEnded);
  await page.click(`[data-testid=${button}]`);
  await page.waitForFunction((n) => window.statelab.runsEnded > n, before, { timeout: 30000 });
  await page.waitForFunction(() => !['IDLE', 'RUNNING', 'PAUSED'].includes(document.querySelector('[data-testid=status]').dataset.status));
  return page.evaluate(() => window.statelab.result);
}

const redriveButton = (page) => page.$eval('[data-testid=redrive]', (b) => ({ disabled: b.getAttribute('aria-disabled') === 'true', title: b.title }));
const toastText = (page) => page.$eval('#toast', (t) => (t.hidden ? '' : t.querySelector('.toast-text').textContent));

test('a failed run is redriven after fixing a mock and succeeds, with only the failed iterations run again', async () => {
  const { page, context, problems } = await open();
  // Before a run it cannot be used: pressed, it says why.
  assert.equal((await redriveButton(page)).disabled, true);
  // (aria-disabled: focusable and pressable, which Playwright's actionability checks refuse.)
  await page.click('[data-testid=redrive]', { force: true });
  await page.waitForFunction(() => !document.querySelector('#toast').hidden);
  assert.match(await toastText(page), /run the workflow first/);
  await page.selectOption('[data-testid=speed]', 'instant');
  const failed = await pressAndWait(page, 'run');
  assert.equal(failed.status, 'FAILED');
  assert.equal(failed.error, 'Card.Declined');
  const firstEvents = failed.events.length;
  const ready = await redriveButton(page);
  assert.equal(ready.disabled, false);
  assert.match(ready.title, /goes on from where it stopped, with the mocks as they are now/);

  await paste(page, 'mocks', JSON.stringify(FIXED, null, 2));
  const result = await pressAndWait(page, 'redrive');
  assert.equal(result.status, 'SUCCEEDED', `${result.error}: ${result.cause}`);

  // The history: the first attempt's events, then ExecutionRedriven (redriveCount 1), ids going on.
  const events = result.events;
  assert.deepEqual(
    events.map((e) => e.id),
    events.map((_, i) => i + 1),
  );
  const at = events.findIndex((e) => e.type === 'ExecutionRedriven');
  assert.equal(at, firstEvents, 'ExecutionRedriven follows the first attempt’s last event');
  assert.equal(events[at].executionRedrivenEventDetails.redriveCount, 1);
  assert.equal(events.at(-1).type, 'ExecutionSucceeded');
  // Only order b's iteration (index 1) has new events: the others' results are kept.
  const iterations = (from, to) =>
    events
      .slice(from, to)
      .filter((e) => e.type === 'MapIterationStarted')
      .map((e) => e.mapIterationStartedEventDetails.index);
  assert.deepEqual(iterations(0, at).sort(), [0, 1, 2, 3]);
  assert.deepEqual(iterations(at), [1]);
  const charged = events.slice(at).filter((e) => e.type === 'TaskScheduled');
  assert.equal(charged.length, 1, 'one Task runs again');
  assert.deepEqual(result.output, [
    { order: 'a', ok: true, redriveCount: 0 },
    { order: 'b', ok: true, redriveCount: 1 },
    { order: 'c', ok: true, redriveCount: 0 },
    { order: 'd', ok: true, redriveCount: 0 },
  ]);
  // The redrive is at the first attempt's end: its one iteration takes 1 s more.
  assert.equal(result.durationMs, failed.durationMs + 1000);

  // The status line says the redrive count; the history lists ExecutionRedriven.
  assert.match(await page.textContent('[data-testid=status]'), /Succeeded .* · redriveCount 1/);
  await page.click('#rtab-history');
  await page.waitForSelector('[data-testid=history] >> text=ExecutionRedriven');

  // The timeline: the first attempt's bars kept and marked, the redriven one's after them.
  const bars = await page.$$eval('[data-testid=timeline-bar]', (els) =>
    els.map((b) => ({
      state: b.dataset.state,
      kind: b.dataset.kind,
      attempt: b.dataset.attempt,
      earlier: b.classList.contains('earlier'),
      start: Number(b.dataset.startMs),
      status: b.dataset.status,
      title: b.title,
    })),
  );
  const earlier = bars.filter((b) => b.earlier);
  const later = bars.filter((b) => b.attempt === '1');
  assert.ok(
    earlier.some((b) => b.state === 'Charge' && b.status === 'failed'),
    'the failed Charge stays on the timeline',
  );
  assert.ok(
    earlier.every((b) => b.attempt === '0' && /^Earlier attempt/.test(b.title)),
    'earlier bars say so',
  );
  assert.ok(later.length > 0 && later.every((b) => !b.earlier && b.start >= failed.durationMs), 'the redriven attempt is after the first on the same axis');
  assert.equal(later.filter((b) => b.state === 'Charge' && b.kind === 'state').length, 1);
  assert.equal(await page.textContent('.tl-legend .l-earlier'), 'earlier attempt (before the redrive)');
  // The graph shows how the execution stands: the Map and the Charge that ran again succeeded.
  assert.equal(await page.$eval('[data-testid=graph] .node[data-state=Orders]', (n) => n.dataset.status), 'succeeded');
  assert.equal(await page.$eval('[data-testid=graph] .node[data-state=Charge]', (n) => n.dataset.status), 'succeeded');

  for (const theme of ['light', 'dark']) {
    await page.evaluate((t) => {
      document.documentElement.dataset.theme = t;
    }, theme);
    await page.screenshot({ path: join(SHOTS, `redrive-${theme}.png`) });
  }
  // After a run that succeeded there is nothing to redrive.
  assert.equal((await redriveButton(page)).disabled, true);
  const ended = await page.evaluate(() => window.statelab.runsEnded);
  await page.click('[data-testid=redrive]', { force: true });
  await page.waitForFunction(() => /succeeded/.test(document.querySelector('#toast .toast-text').textContent));
  assert.match(await toastText(page), /The run succeeded: AWS redrives only executions that failed, timed out or were aborted/);
  assert.equal(await page.evaluate(() => window.statelab.runsEnded), ended, 'nothing ran');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a redriven run can be stopped (ABORTED), and then redriven again', async () => {
  const { page, context, problems } = await open();
  await page.selectOption('[data-testid=speed]', 'instant');
  const failed = await pressAndWait(page, 'run');
  assert.equal(failed.status, 'FAILED');
  // The fix takes long: stopped in real time while it runs.
  await paste(page, 'mocks', JSON.stringify({ Charge: { result: { ok: true }, latency: 600 } }, null, 2));
  await page.selectOption('[data-testid=speed]', '1');
  const before = await page.evaluate(() => window.statelab.runsEnded);
  await page.click('[data-testid=redrive]');
  await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.status === 'RUNNING');
  assert.match(await page.textContent('[data-testid=status]'), /Redrive 1 running/);
  await page.waitForSelector('[data-testid=timeline-bar][data-attempt="1"][data-state=Charge]');
  await page.click('[data-testid=stop]');
  await page.waitForFunction((n) => window.statelab.runsEnded > n, before, { timeout: 20000 });
  const aborted = await page.evaluate(() => window.statelab.result);
  assert.equal(aborted.status, 'ABORTED');
  assert.equal(aborted.events.at(-1).type, 'ExecutionAborted');
  assert.equal(aborted.events.filter((e) => e.type === 'ExecutionRedriven').length, 1);

  // Redriven again (redriveCount 2), with a quick mock: the aborted iteration runs again.
  await paste(page, 'mocks', JSON.stringify(FIXED, null, 2));
  await page.selectOption('[data-testid=speed]', 'instant');
  const result = await pressAndWait(page, 'redrive');
  assert.equal(result.status, 'SUCCEEDED');
  const redriven = result.events.filter((e) => e.type === 'ExecutionRedriven').map((e) => e.executionRedrivenEventDetails.redriveCount);
  assert.deepEqual(redriven, [1, 2]);
  assert.deepEqual(
    result.output.map((o) => o.redriveCount),
    [0, 2, 0, 0],
  );
  assert.match(await page.textContent('[data-testid=status]'), /redriveCount 2/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('AWS’s refusal is said: an Express workflow is not redriven (ExecutionNotRedrivable), and the run stays shown', async () => {
  const { page, context, problems } = await open();
  await page.selectOption('[data-testid=machine-type]', 'EXPRESS');
  await page.selectOption('[data-testid=speed]', 'instant');
  const failed = await pressAndWait(page, 'run');
  assert.equal(failed.status, 'FAILED');
  await paste(page, 'mocks', JSON.stringify(FIXED, null, 2));
  const ended = await page.evaluate(() => window.statelab.runsEnded);
  await page.click('[data-testid=redrive]', { force: true });
  await page.waitForFunction((n) => window.statelab.runsEnded > n, ended, { timeout: 20000 });
  await page.waitForFunction(() => !document.querySelector('#toast').hidden);
  assert.match(await toastText(page), /^Not redriven: ExecutionNotRedrivable: Executions of EXPRESS state machines cannot be redriven\.$/);
  assert.equal(await page.$eval('#toast', (t) => t.getAttribute('role')), 'alert');
  const shown = await page.evaluate(() => window.statelab.result);
  assert.equal(shown.status, 'FAILED');
  assert.equal(shown.events.length, failed.events.length);
  await page.screenshot({ path: join(SHOTS, 'redrive-refused-light.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a parent whose .sync child failed is redriven after fixing the child’s mock: the task starts the child again and the parent succeeds', async () => {
  const { page, problems } = await openPage();
  // .sync (the child's Output as JSON text), read back by the ResultSelector.
  const ship = { StateMachineArn: 'Shipper', 'Input.$': '$' };
  const parent = {
    StartAt: 'Ship',
    States: {
      Ship: {
        Type: 'Task',
        Resource: 'arn:aws:states:::states:startExecution.sync',
        Parameters: ship,
        ResultSelector: { 'packed.$': 'States.StringToJson($.Output)' },
        OutputPath: '$.packed',
        End: true,
      },
    },
  };
  const child = {
    StartAt: 'Pack',
    States: { Pack: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', OutputPath: '$.Payload', End: true } },
  };
  await page.evaluate(
    ([definition, shipper, mocks]) => window.statelab.load({ definition, input: { order: 7 }, mocks, machines: { Shipper: shipper } }),
    [JSON.stringify(parent, null, 2), JSON.stringify(child, null, 2), JSON.stringify({ Pack: { error: 'Pack.Jammed', cause: 'the belt stopped' } }, null, 2)],
  );
  await page.waitForFunction(() => window.statelab.loading === 0);
  await page.selectOption('[data-testid=speed]', 'instant');
  const failed = await pressAndWait(page, 'run');
  assert.equal(failed.status, 'FAILED');
  assert.equal(failed.error, 'States.TaskFailed');
  assert.match(failed.cause, /"Error":"Pack.Jammed"/);
  assert.deepEqual(
    failed.children.map((c) => [c.stateMachine, c.result.status]),
    [['Shipper', 'FAILED']],
  );
  assert.equal((await redriveButton(page)).disabled, false);

  // The child's Task answers from the run's mocks: fixed there, the redrive runs the child again.
  await paste(page, 'mocks', JSON.stringify({ Pack: { result: { Payload: { packed: 7 } } } }, null, 2));
  const result = await pressAndWait(page, 'redrive');
  assert.equal(result.status, 'SUCCEEDED', `${result.error}: ${result.cause}`);
  assert.deepEqual(result.output, { packed: 7 });
  const types = result.events.map((e) => e.type);
  assert.equal(types.filter((t) => t === 'ExecutionRedriven').length, 1);
  assert.equal(types.at(-1), 'ExecutionSucceeded');
  // The redriven task started a new child, which succeeded.
  assert.deepEqual(
    result.children.map((c) => [c.stateMachine, c.result.status]),
    [['Shipper', 'SUCCEEDED']],
  );
  assert.match(await page.textContent('[data-testid=status]'), /redriveCount 1/);
  assert.deepEqual(problems, []);
});
