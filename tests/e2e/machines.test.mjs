// The work's several state machines and the child executions a run starts (issue #19), in
// Chromium: "+ machine" adds a tab over the definition editor, the child's definition is typed
// there, a parent whose Task starts it with states:startExecution.sync succeeds with the
// child's output; the timeline marks the task that started it and opens its own history and
// timeline (with Back); a reload and a share link keep the machines. Screenshots (light and
// dark) go to $STATELAB_SHOTS (default: the system's temporary directory, statelab-e2e/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setup, openPage, runAndWait, shotsDir } from './page.mjs';

const SHOTS = shotsDir();
setup();

const PARENT = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Result: { order: 7 }, Next: 'Ship' },
    Ship: {
      Type: 'Task',
      Resource: 'arn:aws:states:::states:startExecution.sync:2',
      Parameters: { StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:Shipper', 'Input.$': '$' },
      OutputPath: '$.Output',
      End: true,
    },
  },
};
const CHILD = {
  StartAt: 'Pack',
  States: {
    Pack: { Type: 'Wait', Seconds: 2, Next: 'Label' },
    Label: { Type: 'Pass', Parameters: { 'shipped.$': '$.order' }, End: true },
  },
};

const work = (page) => page.evaluate(() => window.statelab.work());

async function typeInto(page, selector, text) {
  await page.click(`${selector} .cm-content`);
  await page.keyboard.press('Control+a');
  await page.keyboard.insertText(text);
}

for (const theme of ['light', 'dark']) {
  test(`a second machine runs as a child execution, opens on its own history, and stays with the work (${theme})`, async () => {
    const { page, context, problems } = await openPage({ colorScheme: theme });
    await page.evaluate((d) => window.statelab.load({ definition: d, input: {}, mocks: {} }), JSON.stringify(PARENT, null, 2));
    // The definition starts Shipper, which the work does not have: a hint offers to add it.
    await page.waitForSelector('[data-testid=machine-hint]');
    assert.match(await page.textContent('[data-testid=machine-hint]'), /Shipper/);
    await page.screenshot({ path: join(SHOTS, `machines-hint-${theme}.png`) });

    // The "+" adds one (named Child), renamed Shipper through its tab.
    await page.click('[data-testid=add-machine]');
    await page.waitForSelector('[data-testid=machine-tab][data-machine=Child]');
    await page.click('[data-testid=machine-rename]');
    await page.fill('[data-testid=machine-rename-input]', 'Shipper');
    await page.press('[data-testid=machine-rename-input]', 'Enter');
    await page.waitForSelector('[data-testid=machine-tab][data-machine=Shipper][aria-pressed=true]');
    assert.equal(await page.isHidden('[data-testid=machine-hint]'), true);
    assert.equal(await page.isVisible('[data-testid=machine-editor]'), true);
    assert.equal(await page.isHidden('[data-testid=definition-editor]'), true);
    const childText = JSON.stringify(CHILD, null, 2);
    await typeInto(page, '[data-testid=machine-editor]', childText);
    await page.waitForFunction((t) => window.statelab.work().machines?.Shipper === t, childText);
    // The main machine's tab shows the definition editor again, unchanged.
    await page.click('[data-testid=machine-tab][data-machine=""]');
    assert.equal(await page.isVisible('[data-testid=definition-editor]'), true);
    assert.equal(await page.isHidden('[data-testid=machine-editor]'), true);

    for (const speed of ['instant', '100']) {
      await page.selectOption('[data-testid=speed]', speed);
      const before = await page.evaluate(() => window.statelab.runsEnded);
      await page.click('[data-testid=run]');
      await page.waitForFunction((n) => window.statelab.runsEnded > n, before, { timeout: 30000 });
      const result = await page.evaluate(() => window.statelab.result);
      assert.equal(result.status, 'SUCCEEDED', `${speed}: ${result.cause}`);
      assert.deepEqual(result.output, { shipped: 7 }, speed);
      assert.equal(result.children.length, 1, speed);
      assert.equal(result.children[0].stateMachine, 'Shipper');
    }
    // No mock was made up for the task that starts a machine of the work.
    assert.equal(Object.hasOwn(JSON.parse((await work(page)).mocks), 'Ship'), false);

    // The task's bar is marked; a click opens the child's own execution.
    const bar = '[data-testid=timeline-bar][data-state=Ship][data-child=Shipper]';
    await page.waitForSelector(bar);
    assert.match(await page.getAttribute(bar, 'title'), /started execution Shipper/);
    await page.click(bar);
    await page.waitForSelector('[data-testid=child-history] tr.row');
    const events = await page.$$eval('[data-testid=child-history] tr.row', (rs) => rs.map((r) => r.dataset.eventType));
    assert.equal(events[0], 'ExecutionStarted');
    assert.equal(events.at(-1), 'ExecutionSucceeded');
    assert.equal(events.includes('TaskStateEntered'), false, 'the parent’s events are not the child’s');
    const bars = await page.$$eval('[data-testid=child-bar][data-kind=state]', (bs) => bs.map((b) => [b.dataset.state, Number(b.dataset.startMs), Number(b.dataset.endMs)]));
    assert.deepEqual(bars, [
      ['Pack', 0, 2000],
      ['Label', 2000, 2000],
    ]);
    assert.equal(await page.textContent('[data-testid=child-status]'), 'SUCCEEDED');
    assert.match(await page.textContent('[data-testid=child-arn]'), /:execution:Shipper:/);
    await page.screenshot({ path: join(SHOTS, `machines-child-${theme}.png`) });
    // Back: the list of child executions.
    await page.click('[data-testid=child-back]');
    await page.waitForSelector('[data-testid=child-row][data-machine=Shipper][data-status=SUCCEEDED]');
    // The parent's history: TaskSubmitted and TaskSucceeded hold the child's ARN.
    await page.click('#rtab-history');
    await page.click('[data-testid=history] tr.row[data-event-type=TaskSucceeded]');
    assert.match(await page.textContent('[data-testid=history]'), /execution:Shipper:/);

    // The machines are saved with the work (a reload) and carried by a share link.
    await page.click('[data-testid=machine-tab][data-machine=Shipper]');
    await page.screenshot({ path: join(SHOTS, `machines-tabs-${theme}.png`) });
    assert.equal(await page.evaluate(() => window.statelab.save()), true);
    await page.reload();
    await page.evaluate(() => window.statelab.ready);
    assert.deepEqual((await work(page)).machines, { Shipper: childText });
    await page.waitForSelector('[data-testid=machine-tab][data-machine=Shipper]');
    const url = await page.evaluate(() => window.statelab.share());
    const other = await openPage({ url, colorScheme: theme });
    assert.deepEqual((await work(other.page)).machines, { Shipper: childText });
    assert.deepEqual(other.problems, []);
    await other.context.close();

    // Remove takes it out; Undo in the toast brings it back.
    await page.click('[data-testid=machine-tab][data-machine=Shipper]');
    await page.click('[data-testid=machine-remove]');
    await page.waitForFunction(() => !window.statelab.work().machines);
    await page.click('.toast button:has-text("Undo")');
    await page.waitForFunction((t) => window.statelab.work().machines?.Shipper === t, childText);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('a work without machines loads as before, and the page API loads machines', async () => {
  const { page, context, problems } = await openPage();
  assert.equal(Object.hasOwn(await work(page), 'machines'), false);
  assert.equal(await page.isHidden('[data-testid=machine-tabs]'), true);
  await page.evaluate(([d, c]) => window.statelab.load({ definition: d, machines: { Shipper: c } }), [JSON.stringify(PARENT), CHILD]);
  assert.deepEqual((await work(page)).machines, { Shipper: JSON.stringify(CHILD, null, 2) });
  await page.waitForSelector('[data-testid=machine-tab][data-machine=Shipper]');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a machine tab’s type menu makes it EXPRESS (the run starts an Express child); renaming it rewrites the ARNs that name it, with Undo', async () => {
  const { page, context, problems } = await openPage();
  const childText = JSON.stringify(CHILD, null, 2);
  await page.evaluate(([d, c]) => window.statelab.load({ definition: d, input: {}, mocks: {}, machines: { Shipper: c } }), [JSON.stringify(PARENT, null, 2), childText]);
  await page.click('[data-testid=machine-tab][data-machine=Shipper]');
  assert.equal(await page.inputValue('[data-testid=machine-tab-type]'), 'STANDARD');
  await page.selectOption('[data-testid=machine-tab-type]', 'EXPRESS');
  await page.waitForFunction(() => window.statelab.work().machineTypes?.Shipper === 'EXPRESS');
  const result = await runAndWait(page);
  assert.equal(result.status, 'SUCCEEDED', result.cause);
  assert.deepEqual(result.output, { shipped: 7 });
  assert.match(result.children[0].executionArn, /:express:Shipper:/);

  // Renamed Courier: the parent's StateMachineArn names Courier, the type goes with it, and
  // the run still starts it.
  const definition0 = (await work(page)).definition;
  await page.click('[data-testid=machine-tab][data-machine=Shipper]');
  await page.click('[data-testid=machine-rename]');
  await page.fill('[data-testid=machine-rename-input]', 'Courier');
  await page.press('[data-testid=machine-rename-input]', 'Enter');
  await page.waitForSelector('[data-testid=machine-tab][data-machine=Courier][aria-pressed=true]');
  const renamed = await work(page);
  assert.equal(renamed.definition, definition0.replace('stateMachine:Shipper', 'stateMachine:Courier'));
  assert.deepEqual(renamed.machineTypes, { Courier: 'EXPRESS' });
  assert.match(await page.textContent('[data-testid=toast] .toast-text'), /Renamed Shipper to Courier, and the StateMachineArn that named it/);
  // (Once the definition is parsed again, 200 ms after the edit: no machine is missing.)
  await page.waitForSelector('[data-testid=machine-hint]', { state: 'hidden' });
  const again = await runAndWait(page);
  assert.equal(again.status, 'SUCCEEDED', again.cause);
  assert.match(again.children[0].executionArn, /:express:Courier:/);
  // Undo puts the name, the type and the definition back.
  await page.click('.toast button:has-text("Undo")');
  await page.waitForFunction((d) => window.statelab.work().definition === d && window.statelab.work().machines?.Shipper, definition0);
  assert.deepEqual((await work(page)).machineTypes, { Shipper: 'EXPRESS' });
  // The type is saved with the work.
  assert.equal(await page.evaluate(() => window.statelab.save()), true);
  await page.reload();
  await page.evaluate(() => window.statelab.ready);
  assert.deepEqual((await work(page)).machineTypes, { Shipper: 'EXPRESS' });
  assert.deepEqual(problems, []);
  await context.close();
});
