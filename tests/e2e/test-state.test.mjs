// End-to-end tests of "Test this state" (issue #17) in Chromium: a state tested from the graph
// and from the definition editor, with the request's fields of AWS's TestState API (input,
// inspection level, mock, variables, state configuration), the answer's status, next state and
// data flow stage by stage, refusals, mistakes said at their field, the fields kept per state,
// the input filled from the last run, and the same answer as `statelab test-state FILE --json`
// (the CLI built at target/release/statelab, or $STATELAB_CLI). Screenshots go to
// $STATELAB_SHOTS (default: the system's temporary directory, statelab-e2e/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { setup, openPage, runAndWait, CLI, shotsDir } from './page.mjs';

const SHOTS = shotsDir();

setup();

// A workflow with a Pass, a Task (ResultSelector, ResultPath, Retry, Catch), a Choice and ends.
const ORDER = {
  Comment: 'An order',
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Parameters: { 'orderId.$': '$.id', 'total.$': '$.amount' }, Next: 'Charge' },
    Charge: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'charge', 'Payload.$': '$' },
      ResultSelector: { 'status.$': '$.Payload.status' },
      ResultPath: '$.charge',
      Retry: [{ ErrorEquals: ['Throttled'], MaxAttempts: 2 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Failed' }],
      Next: 'Check',
    },
    Check: { Type: 'Choice', Choices: [{ Variable: '$.charge.status', StringEquals: 'OK', Next: 'Done' }], Default: 'Failed' },
    Done: { Type: 'Succeed' },
    Failed: { Type: 'Fail', Error: 'PaymentFailed' },
  },
};
const ORDER_INPUT = { id: 'o-1', amount: 42 };
const ORDER_MOCKS = { Charge: { result: { StatusCode: 200, Payload: { status: 'OK' } } } };

async function load(page, definition, input = {}, mocks = {}) {
  await page.evaluate(
    ([d, i, m]) => window.statelab.load({ definition: d, input: i, mocks: m }),
    [typeof definition === 'string' ? definition : JSON.stringify(definition, null, 2), JSON.stringify(input), JSON.stringify(mocks)],
  );
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=graph] .node').length > 0);
}

/** Select a state in the graph and press the graph's Test button. */
async function testFromGraph(page, name) {
  await page.click(`[data-testid=graph] .node[data-state="${name}"]`);
  assert.equal(await page.textContent('[data-testid=graph-test-state]'), `Test ${name}`);
  await page.click('[data-testid=graph-test-state]');
  await page.waitForFunction((n) => document.querySelector('[data-testid=ts-title]')?.textContent === n, name);
}

/** Replace the text of one of the request's JSON fields, as typing does. */
async function fill(page, field, text) {
  await page.click(`[data-testid=${field}] .cm-content`);
  await page.keyboard.press('Control+a');
  if (text) await page.keyboard.insertText(text);
  else await page.keyboard.press('Delete');
}

/** The text of one of the request's JSON fields (short: every line is drawn). */
const fieldText = (page, field) => page.$$eval(`[data-testid=${field}] .cm-line`, (lines) => lines.map((l) => l.textContent).join('\n'));

/** Press Test and wait for the answer. */
async function runTest(page) {
  const done = await page.$eval('[data-testid=ts-answer]', (e) => Number(e.dataset.done || 0));
  await page.click('[data-testid=ts-run]');
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=ts-answer]').dataset.done || 0) > n, done, { timeout: 30000 });
}

const raw = async (page) => JSON.parse(await page.$eval('[data-testid=ts-raw]', (e) => e.textContent));
const stage = async (page, key) => JSON.parse(await page.$eval(`[data-testid=ts-stage-${key}] pre`, (e) => e.textContent));
const text = (page, testid) => page.$eval(`[data-testid=${testid}]`, (e) => e.textContent);

test('a Pass state with Parameters, tested from the graph: the full engine loads, afterParameters shows what Parameters made', async () => {
  const { page, context, problems, requests } = await openPage({ permissions: ['clipboard-read', 'clipboard-write'] });
  await load(page, {
    StartAt: 'Shape',
    States: { Shape: { Type: 'Pass', Parameters: { 'name.$': '$.user.name', kind: 'vip' }, Next: 'Done' }, Done: { Type: 'Succeed' } },
  });
  // What the live region says, as it says it.
  // (The tab is loaded when it is first opened: its live region is watched from its host.)
  await page.evaluate(() => {
    window.__said = [];
    const host = document.querySelector('[data-testid=teststate]');
    let last = '';
    new MutationObserver(() => {
      const text = host.querySelector('[data-testid=ts-live]')?.textContent || '';
      if (text && text !== last) window.__said.push(text);
      last = text;
    }).observe(host, { childList: true, characterData: true, subtree: true });
  });
  assert.equal(await page.$eval('[data-testid=graph-test-state]', (b) => b.disabled), true, 'nothing selected: nothing to test');
  await testFromGraph(page, 'Shape');
  assert.equal(await page.getAttribute('#rtab-teststate', 'aria-selected'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'ts-title', 'the tab takes the focus');
  assert.equal(await fieldText(page, 'ts-input'), '{}', 'no run yet: the input starts empty');
  assert.equal(await page.isVisible('[data-testid=ts-mock-result]'), false, 'a Pass state takes no mock');
  await fill(page, 'ts-input', '{"user": {"name": "Ada", "age": 36}}');
  await runTest(page);
  assert.equal(await text(page, 'ts-status'), 'SUCCEEDED');
  assert.equal(await text(page, 'ts-next'), 'Done');
  assert.deepEqual(await stage(page, 'afterParameters'), { name: 'Ada', kind: 'vip' });
  assert.deepEqual(await stage(page, 'input'), { user: { name: 'Ada', age: 36 } });
  const said = await page.evaluate(() => window.__said);
  assert.ok(
    said.some((t) => /Loading the full engine/.test(t)),
    `the first test says the full engine loads: ${said}`,
  );
  assert.match(said.at(-1), /^Shape: SUCCEEDED, next state Done\.$/);
  assert.ok(
    requests.some((u) => u.endsWith('/pkg/full/statelab_bg.wasm')),
    'TestState runs on the full engine',
  );
  assert.deepEqual(problems, []);
  await context.close();
});

test('a Task with a mocked result: input and mock from the last run, opened from the editor, the stages in order, the same answer as the CLI', async () => {
  const { page, context, problems } = await openPage({ permissions: ['clipboard-read', 'clipboard-write'] });
  await load(page, ORDER, ORDER_INPUT, ORDER_MOCKS);
  const result = await runAndWait(page);
  assert.equal(result.status, 'SUCCEEDED');
  const chargeSpan = result.spans.find((s) => s.state === 'Charge' && s.kind === 'state');

  // The cursor in the Charge state of the definition: the editor offers to test it.
  await page.click('#tab-definition');
  await page.click('[data-testid=definition-editor] .cm-line:has-text("ResultSelector")');
  await page.waitForSelector('[data-testid=editor-test-state]:not([hidden])');
  assert.match(await text(page, 'editor-test-state'), /^Test Charge/);
  await page.keyboard.press('Control+Shift+Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=ts-title]')?.textContent === 'Charge');
  assert.equal(await page.evaluate(() => window.statelab.runsEnded), 1, 'Ctrl+Shift+Enter tests the state: it does not run the workflow');

  // Filled from the last run: the state's input there, and its Task result.
  assert.deepEqual(JSON.parse(await fieldText(page, 'ts-input')), chargeSpan.input);
  assert.match(await text(page, 'ts-input-from'), /From the last run/);
  assert.deepEqual(JSON.parse(await fieldText(page, 'ts-result')), ORDER_MOCKS.Charge.result);
  assert.match(await text(page, 'ts-mock-from'), /its result in the last run/);

  const mock = { StatusCode: 200, Payload: { status: 'OK', chargeId: 'c-9' } };
  await fill(page, 'ts-result', JSON.stringify(mock));
  await runTest(page);
  assert.equal(await text(page, 'ts-status'), 'SUCCEEDED');
  assert.equal(await text(page, 'ts-next'), 'Check');
  const keys = await page.$$eval('[data-testid=ts-stages] .ts-stage', (l) => l.map((e) => e.dataset.key));
  assert.deepEqual(keys, ['input', 'afterInputPath', 'afterParameters', 'result', 'afterResultSelector', 'afterResultPath', 'output'], 'the stages in the order the data flows');
  assert.deepEqual(await stage(page, 'afterParameters'), { FunctionName: 'charge', Payload: chargeSpan.input });
  assert.deepEqual(await stage(page, 'result'), mock);
  assert.deepEqual(await stage(page, 'afterResultSelector'), { status: 'OK' });
  assert.deepEqual(await stage(page, 'afterResultPath'), { ...chargeSpan.input, charge: { status: 'OK' } });
  assert.deepEqual(await stage(page, 'output'), { ...chargeSpan.input, charge: { status: 'OK' } });
  // A step that changed nothing starts folded, and opens.
  assert.equal(await page.isVisible('[data-testid=ts-stage-afterInputPath] pre'), false);
  assert.match(await text(page, 'ts-stage-afterInputPath'), /same as Input/);
  await page.click('[data-testid=ts-stage-afterInputPath] .ts-toggle');
  assert.equal(await page.isVisible('[data-testid=ts-stage-afterInputPath] pre'), true);
  assert.equal(await page.getAttribute('[data-testid=ts-stage-afterInputPath] .ts-toggle', 'aria-expanded'), 'true');
  // A stage copies.
  await page.click('[data-testid=ts-stage-afterResultSelector] .ts-copy');
  assert.deepEqual(JSON.parse(await page.evaluate(() => navigator.clipboard.readText())), { status: 'OK' });
  await page.screenshot({ path: join(SHOTS, 'test-state-task-light.png') });

  // The request as the CLI takes it, and the CLI's answer: the page's.
  await page.click('[data-testid=ts-copy-request]');
  const request = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
  assert.equal(request.stateName, 'Charge');
  assert.equal(request.inspectionLevel, 'DEBUG');
  assert.deepEqual(request.definition, ORDER, 'the whole definition goes, with stateName');
  assert.deepEqual(request.mock, { result: mock, fieldValidationMode: 'STRICT' });
  assert.ok(CLI, 'the CLI is built (cargo build --release; scripts/test-e2e.sh does it)');
  const file = join(SHOTS, 'test-state-request.json');
  writeFileSync(file, JSON.stringify(request, null, 2));
  const cli = JSON.parse(execFileSync(CLI, ['test-state', file, '--json'], { encoding: 'utf8' }));
  assert.deepEqual(await raw(page), cli, 'the page and `statelab test-state --json` give the same answer');

  // The same in the dark theme.
  await page.click('[data-testid=theme]');
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
  await page.screenshot({ path: join(SHOTS, 'test-state-task-dark.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a Task failing with a mocked error: a Catch takes it (CAUGHT_ERROR, next state), a Retry would try again (RETRIABLE) until its attempts are used up', async () => {
  const { page, context, problems } = await openPage({ permissions: ['clipboard-read', 'clipboard-write'] });
  await load(page, ORDER, ORDER_INPUT, ORDER_MOCKS);
  await testFromGraph(page, 'Charge');
  await fill(page, 'ts-input', '{"orderId": "o-1", "total": 42}');
  await page.click('[data-testid=ts-mock-error]');
  assert.equal(await page.isVisible('[data-testid=ts-result]'), false);
  await page.fill('[data-testid=ts-error]', 'CardDeclined');
  await page.fill('[data-testid=ts-cause]', 'insufficient funds');
  await runTest(page);
  assert.equal(await text(page, 'ts-status'), 'CAUGHT_ERROR');
  assert.equal(await text(page, 'ts-next'), 'Failed');
  assert.equal(await text(page, 'ts-error-name'), 'CardDeclined');
  assert.equal(await text(page, 'ts-cause-text'), 'insufficient funds');
  assert.match(await text(page, 'ts-detail-catch'), /Catcher 1 \(States\.ALL\) takes the error to Failed/);
  assert.deepEqual(await stage(page, 'output'), { orderId: 'o-1', total: 42, error: { Error: 'CardDeclined', Cause: 'insufficient funds' } });
  assert.equal((await raw(page)).inspectionData.errorDetails.catchIndex, 0);
  await page.screenshot({ path: join(SHOTS, 'test-state-caught-light.png') });

  // An error a retrier matches: the state would be tried again...
  await page.fill('[data-testid=ts-error]', 'Throttled');
  await runTest(page);
  assert.equal(await text(page, 'ts-status'), 'RETRIABLE');
  assert.match(await text(page, 'ts-detail-retry'), /Retrier 1 \(Throttled\) matches the error: the state would be tried again after 1 s/);
  // ...unless it retried as often as it may: then the Catch has it.
  await page.click('[data-testid=ts-more] summary');
  await page.fill('[data-testid=ts-retry-count]', '2');
  await runTest(page);
  assert.equal(await text(page, 'ts-status'), 'CAUGHT_ERROR');
  assert.equal((await raw(page)).inspectionData.errorDetails.retryIndex, 0);
  // A count that is no count is said at its field, and nothing is sent.
  await page.fill('[data-testid=ts-retry-count]', 'two');
  assert.equal(await text(page, 'ts-retry-count-error'), 'A whole number, 0 or more');
  assert.equal(await page.getAttribute('[data-testid=ts-retry-count]', 'aria-invalid'), 'true');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a Choice state: its next state follows the input', async () => {
  const { page, context, problems } = await openPage({ permissions: ['clipboard-read', 'clipboard-write'] });
  await load(page, ORDER, ORDER_INPUT, ORDER_MOCKS);
  await testFromGraph(page, 'Check');
  assert.equal(await page.isVisible('[data-testid=ts-mock]'), false, 'a Choice takes no mock');
  await fill(page, 'ts-input', '{"charge": {"status": "OK"}}');
  await runTest(page);
  assert.equal(await text(page, 'ts-status'), 'SUCCEEDED');
  assert.equal(await text(page, 'ts-next'), 'Done');
  await fill(page, 'ts-input', '{"charge": {"status": "DECLINED"}}');
  assert.equal(await page.isVisible('[data-testid=ts-stale]'), true, 'the answer says the request changed since');
  await runTest(page);
  assert.equal(await text(page, 'ts-next'), 'Failed', 'no rule matches: the Default');
  assert.equal(await page.isVisible('[data-testid=ts-stale]'), false);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a request the API refuses shows its code and message: a Task without a mock', async () => {
  const { page, context, problems } = await openPage({ permissions: ['clipboard-read', 'clipboard-write'] });
  await load(page, ORDER, ORDER_INPUT, ORDER_MOCKS);
  await testFromGraph(page, 'Charge');
  await page.click('[data-testid=ts-mock-none]');
  await runTest(page);
  assert.equal(await text(page, 'ts-refusal-code'), 'ValidationException');
  assert.equal(await text(page, 'ts-refusal-message'), 'A mock (result or errorOutput) is required to test a Task (statelab calls no AWS service)');
  assert.match(await text(page, 'ts-live'), /^Charge: refused, ValidationException: A mock/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('bad JSON in a field is said at the field and not sent; each state keeps its fields as typed', async () => {
  const { page, context, problems } = await openPage({ permissions: ['clipboard-read', 'clipboard-write'] });
  await load(page, ORDER, ORDER_INPUT, ORDER_MOCKS);
  await testFromGraph(page, 'Charge');
  const typed = '{"orderId": "o-1",\n  "total": 42,\n}';
  await fill(page, 'ts-input', typed);
  await fill(page, 'ts-result', '{"Payload": {"status": "OK"}}');
  const done = await page.$eval('[data-testid=ts-answer]', (e) => e.dataset.done || '0');
  await page.click('[data-testid=ts-run]');
  await page.waitForFunction(() => !document.querySelector('[data-testid=ts-input-error]').hidden);
  assert.match(await text(page, 'ts-input-error'), /^Not JSON \(line 3, column 1\): /);
  assert.equal(await page.$eval('[data-testid=ts-input] .cm-content', (e) => e.getAttribute('aria-invalid')), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.closest('[data-testid]')?.dataset.testid), 'ts-input', 'the field with the mistake takes the focus');
  await page.waitForFunction(() => /Cannot test: Input: Not JSON/.test(document.querySelector('[data-testid=ts-live]').textContent));
  assert.equal(await page.$eval('[data-testid=ts-answer]', (e) => e.dataset.done || '0'), done, 'nothing was sent');

  // Another state, and back: what was typed is there, and so is what is wrong with it.
  await page.selectOption('[data-testid=ts-state]', 'Check');
  await page.waitForFunction(() => document.querySelector('[data-testid=ts-title]').textContent === 'Check');
  await fill(page, 'ts-input', '{"charge": {"status": "OK"}}');
  await page.click('[data-testid=graph] .node[data-state=Charge]');
  await page.waitForFunction(() => document.querySelector('[data-testid=ts-title]').textContent === 'Charge');
  assert.equal(await page.getAttribute('#rtab-teststate', 'aria-selected'), 'true', 'a state clicked in the graph while testing is tested');
  assert.equal(await fieldText(page, 'ts-input'), typed);
  assert.deepEqual(JSON.parse(await fieldText(page, 'ts-result')), { Payload: { status: 'OK' } });
  assert.match(await text(page, 'ts-input-error'), /^Not JSON \(line 3, column 1\)/);
  await page.selectOption('[data-testid=ts-state]', 'Check');
  assert.equal(await fieldText(page, 'ts-input'), '{"charge": {"status": "OK"}}');
  // A run does not write over what was typed; the fields not typed in follow it.
  await runAndWait(page);
  await page.click('#rtab-teststate');
  assert.equal(await fieldText(page, 'ts-input'), '{"charge": {"status": "OK"}}');
  await page.selectOption('[data-testid=ts-state]', 'Prepare');
  assert.deepEqual(JSON.parse(await fieldText(page, 'ts-input')), ORDER_INPUT, 'Prepare: its input in the run');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a state inside a Parallel of a YAML definition, from the editor: sent alone, as the resolved definition says it', async () => {
  const { page, context, problems } = await openPage({ permissions: ['clipboard-read', 'clipboard-write'] });
  const yaml = [
    'QueryLanguage: JSONata',
    'StartAt: Fan',
    'States:',
    '  Fan:',
    '    Type: Parallel',
    '    Branches:',
    '      - StartAt: Inner',
    '        States:',
    '          Inner:',
    '            Type: Pass',
    '            Output:',
    '              doubled: "{% $states.input.n * 2 %}"',
    '            End: true',
    '    End: true',
    '',
  ].join('\n');
  await load(page, yaml, { n: 21 });
  await page.click('[data-testid=definition-editor] .cm-line:has-text("doubled")');
  await page.waitForSelector('[data-testid=editor-test-state]:not([hidden])');
  await page.click('[data-testid=editor-test-state]');
  await page.waitForFunction(() => document.querySelector('[data-testid=ts-title]')?.textContent === 'Inner');
  assert.match(await text(page, 'ts-place'), /Inside Fan: TestState tests a state of the top level, so this one is sent alone/);
  await fill(page, 'ts-input', '{"n": 21}');
  await runTest(page);
  assert.equal(await text(page, 'ts-status'), 'SUCCEEDED');
  assert.deepEqual(await stage(page, 'output'), { doubled: 42 }, 'JSONata, as the machine says');
  await page.click('[data-testid=ts-copy-request]');
  const request = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
  assert.equal(request.stateName, undefined);
  assert.deepEqual(request.definition, { Type: 'Pass', Output: { doubled: '{% $states.input.n * 2 %}' }, End: true, QueryLanguage: 'JSONata' });
  assert.deepEqual(problems, []);
  await context.close();
});

/** Copy the request as the CLI takes it, and read it back. */
async function copiedRequest(page) {
  await page.click('[data-testid=ts-copy-request]');
  return JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
}

test('errorCausedByState: a Parallel’s mocked error raised by a state inside, picked from its states; only with an error mock on a Map or Parallel', async () => {
  const { page, context, problems } = await openPage({ permissions: ['clipboard-read', 'clipboard-write'] });
  await load(page, {
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'Left', States: { Left: { Type: 'Pass', End: true } } },
          { StartAt: 'Right', States: { Right: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'f' }, End: true } } },
        ],
        Catch: [{ ErrorEquals: ['Boom'], ResultPath: '$.error', Next: 'Handle' }],
        Next: 'Done',
      },
      Handle: { Type: 'Pass', End: true },
      Done: { Type: 'Succeed' },
    },
  });
  await testFromGraph(page, 'Fan');
  // A mocked result: no errorCausedByState, nor an item reader's data (no ItemReader).
  assert.equal(await page.isVisible('[data-testid=ts-caused-by]'), false);
  assert.equal(await page.isVisible('[data-testid=ts-reader-data]'), false);
  await page.click('[data-testid=ts-mock-error]');
  assert.equal(await page.isVisible('[data-testid=ts-caused-by]'), true);
  const options = await page.$$eval('[data-testid=ts-caused-by] option', (os) => os.map((o) => o.value));
  assert.deepEqual(options, ['', 'Left', 'Right']);
  await page.fill('[data-testid=ts-error]', 'Boom');
  await page.fill('[data-testid=ts-cause]', 'the call failed');
  await page.selectOption('[data-testid=ts-caused-by]', 'Right');
  await page.screenshot({ path: join(SHOTS, 'test-state-caused-by.png') });
  await fill(page, 'ts-input', '{"k": 1}');
  await runTest(page);
  assert.equal(await text(page, 'ts-status'), 'CAUGHT_ERROR');
  assert.equal(await text(page, 'ts-next'), 'Handle');
  assert.deepEqual(await stage(page, 'output'), { k: 1, error: { Error: 'Boom', Cause: 'the call failed' } });
  const request = await copiedRequest(page);
  assert.deepEqual(request.stateConfiguration, { errorCausedByState: 'Right' });
  assert.deepEqual(request.mock, { errorOutput: { error: 'Boom', cause: 'the call failed' } });
  // Back to a result: the field is not sent.
  await page.click('[data-testid=ts-mock-result]');
  assert.equal(await page.isVisible('[data-testid=ts-caused-by]'), false);
  assert.equal((await copiedRequest(page)).stateConfiguration, undefined);
  // A Task has no states inside.
  await testFromGraph(page, 'Handle');
  assert.equal(await page.isVisible('[data-testid=ts-caused-by]'), false);
  assert.deepEqual(problems, []);
  await context.close();
});

test('mapItemReaderData: a distributed Map with an ItemReader reads the CSV typed in its editor; the stages of its items, selector and batcher; the same answer as the CLI', async () => {
  const { page, context, problems } = await openPage({ permissions: ['clipboard-read', 'clipboard-write'] });
  await load(
    page,
    {
      StartAt: 'Rows',
      States: {
        Rows: {
          Type: 'Map',
          ItemReader: {
            Resource: 'arn:aws:states:::s3:getObject',
            ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' },
            Parameters: { Bucket: 'data', Key: 'rows.csv' },
          },
          ItemSelector: { 'id.$': '$$.Map.Item.Value.id', 'index.$': '$$.Map.Item.Index' },
          ItemBatcher: { MaxItemsPerBatch: 2 },
          ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Work', States: { Work: { Type: 'Pass', End: true } } },
          End: true,
        },
      },
    },
    {},
    { Files: { data: { 'rows.csv': 'id,qty\nx,0' } } },
  );
  // (The Map's node holds its processor's: the tab's picker picks the Map.)
  await testFromGraph(page, 'Work');
  assert.equal(await page.isVisible('[data-testid=ts-reader-data]'), false, 'a Pass has no ItemReader');
  await page.selectOption('[data-testid=ts-state]', 'Rows');
  await page.waitForFunction(() => document.querySelector('[data-testid=ts-title]')?.textContent === 'Rows');
  assert.equal(await page.isVisible('[data-testid=ts-reader-data]'), true);
  // Filled from the object the reader names in the mocks' Files; typed over, it is the user's.
  assert.equal(await fieldText(page, 'ts-reader-data'), 'id,qty\nx,0');
  assert.equal(await text(page, 'ts-reader-data-from'), 'From s3://data/rows.csv in the Files of the Mocks tab');
  await fill(page, 'ts-input', '{}');
  await fill(page, 'ts-result', '[{"ok": 1}, {"ok": 2}]');
  await fill(page, 'ts-reader-data', 'id,qty\na,1\nb,2\nc,3');
  await runTest(page);
  assert.equal(await text(page, 'ts-status'), 'SUCCEEDED');
  assert.deepEqual(await stage(page, 'afterItemSelector'), [
    { id: 'a', index: 0 },
    { id: 'b', index: 1 },
    { id: 'c', index: 2 },
  ]);
  await page.screenshot({ path: join(SHOTS, 'test-state-reader-data.png') });
  assert.deepEqual(await stage(page, 'afterItemBatcher'), [
    {
      Items: [
        { id: 'a', index: 0 },
        { id: 'b', index: 1 },
      ],
    },
    { Items: [{ id: 'c', index: 2 }] },
  ]);
  const request = await copiedRequest(page);
  assert.deepEqual(request.stateConfiguration, { mapItemReaderData: 'id,qty\na,1\nb,2\nc,3' });
  assert.ok(CLI, 'the CLI is built (cargo build --release; scripts/test-e2e.sh does it)');
  const file = join(SHOTS, 'test-state-reader-request.json');
  writeFileSync(file, JSON.stringify(request));
  const cli = JSON.parse(execFileSync(CLI, ['test-state', file, '--json'], { encoding: 'utf8' }));
  assert.deepEqual(cli, await raw(page));
  // Without the data, the answer says where to give it.
  await fill(page, 'ts-reader-data', '');
  assert.equal((await copiedRequest(page)).stateConfiguration, undefined);
  await runTest(page);
  assert.equal(await text(page, 'ts-status'), 'FAILED');
  assert.match(await text(page, 'ts-cause-text'), /mapItemReaderData/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('revealSecrets: an HTTP Task at TRACE shows its request and response, and the checkbox (only there) goes into the request', async () => {
  const { page, context, problems } = await openPage({ permissions: ['clipboard-read', 'clipboard-write'] });
  await load(page, {
    StartAt: 'Call',
    States: {
      Call: {
        Type: 'Task',
        Resource: 'arn:aws:states:::http:invoke',
        Parameters: {
          ApiEndpoint: 'https://api.example.com/orders',
          Method: 'POST',
          Authentication: { ConnectionArn: 'arn:aws:events:us-east-1:123456789012:connection/Orders/1' },
          Headers: { 'x-request': 'r1' },
          'RequestBody.$': '$',
        },
        End: true,
      },
    },
  });
  await testFromGraph(page, 'Call');
  assert.equal(await page.isVisible('[data-testid=ts-reveal-secrets]'), false, 'not at DEBUG');
  await page.click('[data-testid=ts-level-TRACE]');
  assert.equal(await page.isVisible('[data-testid=ts-reveal-secrets]'), true);
  await page.check('[data-testid=ts-reveal-secrets]');
  await fill(page, 'ts-input', '{"id": 7}');
  await page.click('[data-testid=ts-mock-result]');
  await fill(page, 'ts-result', '{"StatusCode": 201, "StatusText": "Created", "Headers": {"content-type": "application/json"}, "ResponseBody": {"ok": true}}');
  await runTest(page);
  assert.equal(await text(page, 'ts-status'), 'SUCCEEDED');
  assert.deepEqual(await stage(page, 'request'), {
    protocol: 'https',
    method: 'POST',
    url: 'https://api.example.com/orders',
    headers: '[x-request: r1, User-Agent: Amazon|StepFunctions|HttpInvoke|us-east-1]',
    body: '{"id":7}',
  });
  assert.deepEqual(await stage(page, 'response'), {
    protocol: 'https',
    statusCode: '201',
    statusMessage: 'Created',
    headers: '[content-type: application/json]',
    body: '{"ok":true}',
  });
  await page.screenshot({ path: join(SHOTS, 'test-state-http-trace.png') });
  const request = await copiedRequest(page);
  assert.equal(request.revealSecrets, true);
  assert.equal(request.inspectionLevel, 'TRACE');
  // At DEBUG the checkbox goes, and the field with it.
  await page.click('[data-testid=ts-level-DEBUG]');
  assert.equal(await page.isVisible('[data-testid=ts-reveal-secrets]'), false);
  assert.equal((await copiedRequest(page)).revealSecrets, undefined);
  assert.deepEqual(problems, []);
  await context.close();
});

test('keyboard: T on a state of the graph tests it; on a phone (390 px) the tab fits, light and dark', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { page, context, problems } = await openPage({ viewport: { width: 390, height: 844 }, colorScheme, permissions: ['clipboard-read', 'clipboard-write'] });
    await load(page, ORDER, ORDER_INPUT, ORDER_MOCKS);
    await runAndWait(page);
    await page.focus('[data-testid=graph] .node[data-state=Charge]');
    await page.keyboard.press('t');
    await page.waitForFunction(() => document.querySelector('[data-testid=ts-title]')?.textContent === 'Charge');
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'ts-title');
    await page.click('[data-testid=ts-mock-error]');
    await page.fill('[data-testid=ts-error]', 'CardDeclined');
    await runTest(page);
    assert.equal(await text(page, 'ts-status'), 'CAUGHT_ERROR');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `nothing is wider than the phone (${overflow} px over)`);
    const pane = await page.$('.results-pane');
    await pane.screenshot({ path: join(SHOTS, `test-state-phone-${colorScheme}.png`) });
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('the tab and the editor’s way in load when first wanted, not with the page; a tab that cannot load says so, and Try again loads it', async () => {
  const { page, context, problems, requests } = await openPage({ permissions: ['clipboard-read', 'clipboard-write'] });
  const lazy = ['/app/panels/teststate.js', '/app/model/teststate.js', '/teststate.css', '/app/panels/teststate-wayin.js', '/app/model/stateat.js'];
  const fetched = () => lazy.filter((f) => requests.some((u) => new URL(u).pathname === f));
  assert.deepEqual(fetched(), [], 'none of it is loaded with the page');
  // The first time the network says no.
  await page.route('**/app/model/teststate.js', (r) => r.abort());
  await page.click('#rtab-teststate');
  await page.waitForSelector('[data-testid=ts-load-error]');
  assert.match(await page.textContent('[data-testid=ts-load-error]'), /The Test state tab could not be loaded \(.+\)\. Your fields are kept\./);
  await page.unroute('**/app/model/teststate.js');
  await page.click('[data-testid=ts-load-again]');
  await page.waitForSelector('[data-testid=ts-title]');
  // (model/teststate.js re-exports model/stateat.js.)
  assert.deepEqual(fetched().sort(), ['/app/model/stateat.js', '/app/model/teststate.js', '/app/panels/teststate.js', '/teststate.css'], 'the tab, and only it');
  // Its style sheet applies (a rule of teststate.css).
  assert.equal(await page.$eval('[data-testid=ts-title]', (e) => getComputedStyle(e).fontSize), '15px');
  // The editor's way in: when the definition editor gets the focus.
  await page.click('[data-testid=definition-editor] .cm-content');
  await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/app/panels/teststate-wayin.js')));
  // (The aborted request's console error is the test's doing; nothing else.)
  assert.deepEqual(
    problems.filter((p) => p !== 'console.error: Failed to load resource: net::ERR_FAILED'),
    [],
  );
  await context.close();
});

test("the graph's Test button shows 'Test' and the start of a long state's name in a narrow graph pane (1280 px)", async () => {
  const { page, context, problems } = await openPage({ viewport: { width: 1280, height: 900 } });
  await page.evaluate(() => window.statelab.loadExample('ecommerce-order'));
  await page.waitForFunction(() => window.statelab.loading === 0 && document.querySelectorAll('[data-testid=graph] .node[data-state=ChargePayment]').length === 1);
  await page.click('[data-testid=graph] .node[data-state=ChargePayment]');
  assert.equal(await page.textContent('[data-testid=graph-test-state]'), 'Test ChargePayment');
  const parts = await page.$eval('[data-testid=graph-test-state]', (b) => {
    // The width of "Test " and three letters, in the button's font.
    const ctx = document.createElement('canvas').getContext('2d');
    ctx.font = getComputedStyle(b).font;
    const need = ctx.measureText('Test Cha…').width;
    const pad = Number.parseFloat(getComputedStyle(b).paddingLeft) + Number.parseFloat(getComputedStyle(b).paddingRight);
    return { room: b.clientWidth - pad, need, title: b.title };
  });
  assert.ok(parts.room >= parts.need, `"Test" and the start of the name fit: ${Math.round(parts.room)} px for ${Math.round(parts.need)}`);
  assert.match(parts.title, /^Test ChargePayment alone/);
  assert.deepEqual(problems, []);
  await context.close();
});
