// End-to-end tests of the page's files (issue #19) in Chromium: a CSV dropped on the Files tab
// goes where the distributed Map's ItemReader reads, is written into the mocks' Files section
// (the one source of truth), drives the run, and the objects the ResultWriter wrote are listed
// as written by the run (read-only until kept); the files survive a reload and go through a
// share link. Screenshots (light and dark) go to $STATELAB_SHOTS (default: the system's
// temporary directory, statelab-e2e/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setup, newContext, openPage, runAndWait, shotsDir } from './page.mjs';

const SHOTS = shotsDir();

const DEFINITION = {
  Comment: 'Orders from a CSV, the results exported',
  StartAt: 'Orders',
  States: {
    Orders: {
      Type: 'Map',
      ItemReader: {
        Resource: 'arn:aws:states:::s3:getObject',
        ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' },
        Parameters: { Bucket: 'data-bucket', Key: 'orders.csv' },
      },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'Total',
        States: { Total: { Type: 'Pass', Parameters: { 'id.$': '$.id', 'total.$': 'States.StringToJson($.total)' }, End: true } },
      },
      ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'results-bucket', Prefix: 'runs' } },
      End: true,
    },
  },
};
const CSV = 'id,total\n1,10\n2,20\n3,30\n4,40\n';

setup();

/** Drop files ([{name, text}]) on the Files tab, as a drag from the desktop does. */
async function drop(page, files) {
  await page.$eval(
    '[data-testid=files-panel]',
    (el, files) => {
      const dt = new DataTransfer();
      for (const f of files) dt.items.add(new File([f.text], f.name, { type: 'text/csv' }));
      el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    files,
  );
}

const counters = (page) => page.$$eval('[data-testid=maprun] [data-counter]', (ds) => Object.fromEntries(ds.map((d) => [d.dataset.counter, d.querySelector('dd').textContent])));
const rows = (page, testid = 'file-row') =>
  page.$$eval(`[data-testid=${testid}]`, (ls) => ls.map((l) => ({ bucket: l.dataset.bucket, key: l.dataset.key, origin: l.dataset.origin })));

test('a CSV dropped on Files drives the distributed Map; the ResultWriter’s files are listed; reload and share keep the files', async () => {
  const context = await newContext();
  const { page, problems } = await openPage({ context });
  await page.evaluate((d) => window.statelab.load({ definition: JSON.stringify(d, null, 2), input: '{}', mocks: '{}' }), DEFINITION);
  await page.click('[data-testid=tab-files]');
  await page.waitForSelector('[data-testid=files-panel]');
  assert.equal(await page.textContent('[data-testid=files-panel]').then((t) => t.includes('No files yet')), true);

  await drop(page, [{ name: 'orders.csv', text: CSV }]);
  await page.waitForSelector('[data-testid=file-row]');
  assert.deepEqual(await rows(page), [{ bucket: 'data-bucket', key: 'orders.csv', origin: 'user' }]);
  // The one source of truth: the mocks' Files section.
  const mocks = JSON.parse((await page.evaluate(() => window.statelab.work())).mocks);
  assert.deepEqual(mocks.Files, { 'data-bucket': { 'orders.csv': CSV } });
  // The editor shows it.
  assert.equal(await page.inputValue('[data-testid=file-text]'), CSV);

  // The results bucket: a new file renamed there, then deleted (the bucket stays only while it
  // has an object: the writer's bucket must exist, so a placeholder stays in it).
  await page.click('[data-testid=files-new]');
  await page.fill('[data-testid=file-bucket]', 'results-bucket');
  await page.press('[data-testid=file-bucket]', 'Enter');
  await page.fill('[data-testid=file-key]', 'README.txt');
  await page.press('[data-testid=file-key]', 'Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=file-row][data-key="README.txt"]'));
  await page.fill('[data-testid=file-text]', 'results go under runs/');
  await page.click('[data-testid=files-panel] h3'); // blur: saved
  await page.waitForFunction(() => JSON.parse(window.statelab.work().mocks).Files['results-bucket']?.['README.txt'] === 'results go under runs/');

  const result = await runAndWait(page, 'instant', { timeout: 60000 });
  assert.equal(result.status, 'SUCCEEDED', result.cause);
  await page.waitForSelector('[data-testid=written-file]');
  const written = await rows(page, 'written-file');
  assert.deepEqual(written.map((f) => `${f.bucket}/${f.key.replace(/^runs\/[^/]+\//, 'runs/ID/')}`).sort(), [
    'results-bucket/runs/ID/SUCCEEDED_0.json',
    'results-bucket/runs/ID/manifest.json',
  ]);
  assert.ok(written.every((f) => f.origin === 'written'));
  const succeeded = JSON.parse(result.files['results-bucket'][written.find((f) => f.key.endsWith('SUCCEEDED_0.json')).key]);
  assert.deepEqual(
    succeeded.map((r) => JSON.parse(r.Output)),
    [1, 2, 3, 4].map((n) => ({ id: String(n), total: n * 10 })),
  );
  // The Map Run: its counters as the console's Map Run page shows them.
  await page.click('[data-testid=tab-mapruns]');
  await page.waitForSelector('[data-testid=maprun]');
  assert.deepEqual(await counters(page), { pending: '0', running: '0', succeeded: '4', failed: '0', timedOut: '0', aborted: '0', total: '4' });
  assert.equal(await page.getAttribute('[data-testid=maprun]', 'data-status'), 'SUCCEEDED');
  assert.equal(await page.$$eval('[data-testid=maprun-child]', (rs) => rs.length), 4);
  await page.screenshot({ path: join(SHOTS, 's3page-maprun-light.png') });
  // A written file is read-only; Download offers it.
  await page.click('[data-testid=written-file][data-key$="manifest.json"] .file-open');
  assert.equal(await page.$eval('[data-testid=file-text]', (t) => t.readOnly), true);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=written-file][data-key$="manifest.json"] [data-testid=file-download]')]);
  assert.equal(download.suggestedFilename(), 'manifest.json');
  await page.screenshot({ path: join(SHOTS, 's3page-files-light.png') });
  await page.click('[data-testid=theme]');
  await page.screenshot({ path: join(SHOTS, 's3page-files-dark.png') });
  await page.click('[data-testid=theme]');

  // Keep: copied into the files, the user's from then on.
  await page.click('[data-testid=written-file][data-key$="manifest.json"] [data-testid=file-keep]');
  await page.waitForFunction(() => Object.keys(JSON.parse(window.statelab.work().mocks).Files['results-bucket']).some((k) => k.endsWith('manifest.json')));
  assert.equal((await rows(page)).length, 3);
  // Delete it again.
  await page.click('[data-testid=file-row][data-key$="manifest.json"] [data-testid=file-delete]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=file-row]').length === 2);

  // A reload: the workspace keeps the files.
  assert.equal(await page.evaluate(() => window.statelab.save()), true);
  await page.reload();
  await page.evaluate(() => window.statelab.ready);
  await page.waitForFunction(() => window.statelab.loading === 0);
  await page.click('[data-testid=tab-files]');
  await page.waitForSelector('[data-testid=file-row]');
  assert.deepEqual(
    (await rows(page)).map((f) => `${f.bucket}/${f.key}`),
    ['data-bucket/orders.csv', 'results-bucket/README.txt'],
  );

  // A share link carries them to another browser.
  const url = await page.evaluate(() => window.statelab.share());
  const other = await newContext({ colorScheme: 'dark' });
  const { page: page2, problems: problems2 } = await openPage({ context: other, url });
  await page2.click('[data-testid=tab-files]');
  await page2.waitForSelector('[data-testid=file-row]');
  assert.deepEqual(
    (await rows(page2)).map((f) => `${f.bucket}/${f.key}`),
    ['data-bucket/orders.csv', 'results-bucket/README.txt'],
  );
  const again = await runAndWait(page2, 'instant', { timeout: 60000 });
  assert.equal(again.status, 'SUCCEEDED', again.cause);
  assert.equal(Object.keys(again.files['results-bucket']).length, 2);
  await page2.screenshot({ path: join(SHOTS, 's3page-shared-dark.png') });
  await other.close();
  assert.deepEqual([...problems, ...problems2], []);
  await context.close();
});

test('a file pasted on the Files tab, and files a definition’s derive generated, marked so', async () => {
  const context = await newContext();
  const { page, problems } = await openPage({ context });
  await page.evaluate((d) => window.statelab.load({ definition: JSON.stringify(d, null, 2), input: '{}', mocks: '{}' }), DEFINITION);
  // A run without files: derive makes the ItemReader's file, marked generated.
  const result = await runAndWait(page, 'instant', { timeout: 60000 });
  assert.equal(result.status, 'SUCCEEDED', result.cause);
  await page.click('[data-testid=tab-files]');
  await page.waitForSelector('[data-testid=file-row]');
  const generated = await rows(page);
  assert.ok(
    generated.some((f) => f.bucket === 'data-bucket' && f.key === 'orders.csv' && f.origin === 'generated'),
    JSON.stringify(generated),
  );
  await page.waitForSelector('[data-testid=files-generated]');
  // A paste of CSV text: a new file beside it, and the generated ones are the user's now.
  await page.focus('[data-testid=files-panel]');
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.setData('text/plain', 'a,b\n1,2\n');
    document.querySelector('[data-testid=files-panel]').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  });
  await page.waitForFunction(() => document.querySelector('[data-testid=file-row][data-key="pasted.csv"]'));
  assert.ok((await rows(page)).every((f) => f.origin === 'user'));
  assert.equal(JSON.parse((await page.evaluate(() => window.statelab.work())).mocks).Files['data-bucket']['pasted.csv'], 'a,b\n1,2\n');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the Map Runs tab counts the children live during a real-time run, and opens a child on its own history and timeline', async () => {
  const context = await newContext({ colorScheme: 'dark' });
  const { page, problems } = await openPage({ context });
  const def = {
    StartAt: 'Orders',
    States: {
      Orders: {
        Type: 'Map',
        ToleratedFailureCount: 1,
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' },
          Parameters: { Bucket: 'data-bucket', Key: 'orders.csv' },
        },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'Check',
          States: {
            Check: { Type: 'Choice', Choices: [{ Variable: '$.id', StringEquals: '3', Next: 'Bad' }], Default: 'Slow' },
            Bad: { Type: 'Fail', Error: 'BadOrder', Cause: 'order 3' },
            Slow: { Type: 'Wait', Seconds: 2, End: true },
          },
        },
        End: true,
      },
    },
  };
  await page.evaluate(
    (d) => window.statelab.load({ definition: JSON.stringify(d, null, 2), input: '{}', mocks: JSON.stringify({ Files: { 'data-bucket': { 'orders.csv': 'id\n1\n2\n3\n4\n' } } }) }),
    def,
  );
  await page.click('[data-testid=tab-mapruns]');
  await page.selectOption('[data-testid=speed]', '2');
  const before = await page.evaluate(() => window.statelab.runsEnded);
  await page.click('[data-testid=run]');
  // While the children wait: three running, one failed (tolerated).
  await page.waitForFunction(() => document.querySelector('[data-testid=maprun-running]')?.textContent === '3', null, { timeout: 20000 });
  assert.equal(await page.getAttribute('[data-testid=maprun]', 'data-status'), 'RUNNING');
  assert.deepEqual(await counters(page), { pending: '0', running: '3', succeeded: '0', failed: '1', timedOut: '0', aborted: '0', total: '4' });
  await page.screenshot({ path: join(SHOTS, 's3page-maprun-live-dark.png') });
  await page.waitForFunction((n) => window.statelab.runsEnded > n, before, { timeout: 30000 });
  await page.waitForFunction(() => document.querySelector('[data-testid=maprun]')?.dataset.status === 'SUCCEEDED');
  assert.deepEqual(await counters(page), { pending: '0', running: '0', succeeded: '3', failed: '1', timedOut: '0', aborted: '0', total: '4' });
  assert.match(await page.textContent('[data-testid=maprun-tolerated]'), /count 1 · failures so far: 1$/);
  // The failed child opens on its own execution: its history, from ExecutionStarted with its
  // item as input to ExecutionFailed, and its timeline, from its start.
  await page.click('[data-testid=maprun-child][data-status=FAILED] [data-testid=maprun-child-open]');
  await page.waitForSelector('[data-testid=maprun-child-history] tr.row');
  const events = await page.$$eval('[data-testid=maprun-child-history] tr.row', (rs) => rs.map((r) => [Number(r.dataset.eventId), r.dataset.eventType]));
  assert.deepEqual(events, [
    [1, 'ExecutionStarted'],
    [2, 'ChoiceStateEntered'],
    [3, 'ChoiceStateExited'],
    [4, 'FailStateEntered'],
    [5, 'ExecutionFailed'],
  ]);
  await page.click('[data-testid=maprun-child-history] tr.row[data-event-id="1"]');
  assert.match(await page.textContent('[data-testid=maprun-child-history]'), /"id": "3"/);
  await page.click('[data-testid=maprun-child-history] tr.row[data-event-id="5"]');
  assert.match(await page.textContent('[data-testid=maprun-child-history]'), /BadOrder/);
  const bars = await page.$$eval('[data-testid=maprun-child-bar][data-kind=state]', (bs) => bs.map((b) => [b.dataset.state, Number(b.dataset.startMs)]));
  assert.deepEqual(bars, [
    ['Check', 0],
    ['Bad', 0],
  ]);
  assert.equal(await page.textContent('[data-testid=maprun-child-status]'), 'Failed');
  await page.screenshot({ path: join(SHOTS, 's3page-maprun-child-dark.png') });
  await page.click('[data-testid=maprun-child-back]');
  assert.equal(await page.$$eval('[data-testid=maprun-child]', (rs) => rs.length), 4);
  assert.deepEqual(problems, []);
  await context.close();
});

const CALLBACK_DEFINITION = {
  StartAt: 'Approve',
  States: {
    Approve: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/approvals', MessageBody: { 'order.$': '$.order', 'token.$': '$$.Task.Token' } },
      HeartbeatSeconds: 2,
      TimeoutSeconds: 60,
      Next: 'Done',
    },
    Done: { Type: 'Pass', End: true },
  },
};

async function startCallbackRun(page) {
  await page.evaluate((d) => window.statelab.load({ definition: JSON.stringify(d, null, 2), input: '{"order": 7}', mocks: '{}' }), CALLBACK_DEFINITION);
  await page.selectOption('[data-testid=speed]', '1');
  const before = await page.evaluate(() => window.statelab.runsEnded);
  await page.click('[data-testid=run]');
  // The first callback opens the tab.
  await page.waitForSelector('[data-testid=callback][data-status=waiting]', { timeout: 20000 });
  return before;
}

test('a callback answered from the Callbacks tab while its heartbeats keep it alive', async () => {
  const context = await newContext();
  const { page, problems } = await openPage({ context });
  const before = await startCallbackRun(page);
  const token = await page.textContent('[data-testid=callback-token]');
  assert.deepEqual(JSON.parse(await page.textContent('[data-testid=callback-payload]')).MessageBody, { order: 7, token });
  // No mock was made for it: it waits for the user.
  assert.equal('Approve' in JSON.parse((await page.evaluate(() => window.statelab.work())).mocks), false);
  // Heartbeats every ~0.75 s of workflow time, past the 2 s heartbeat. (At 1x: every call for a
  // definition with a task that waits goes to the full engine, which is then warm when the run
  // starts, so workflow time counts from the click; at 2x the first heartbeat came too late on a
  // loaded machine.)
  for (let i = 1; i <= 3; i++) {
    await page.waitForTimeout(700);
    await page.click('[data-testid=callback-heartbeat-send]');
    await page.waitForFunction((n) => document.querySelector('[data-testid=callback-heartbeat]')?.textContent.includes(`(${n} sent)`), i);
  }
  assert.equal(await page.getAttribute('[data-testid=callback]', 'data-status'), 'waiting');
  await page.screenshot({ path: join(SHOTS, 's3page-callback-light.png') });
  await page.fill('[data-testid=callback-output]', '{"approved": true}');
  await page.click('[data-testid=callback-success]');
  await page.waitForFunction((n) => window.statelab.runsEnded > n, before, { timeout: 20000 });
  const result = await page.evaluate(() => window.statelab.result);
  assert.equal(result.status, 'SUCCEEDED', result.cause);
  assert.deepEqual(result.output, { approved: true });
  assert.ok(result.durationMs > 2000, `${result.durationMs}`);
  const types = result.events.map((e) => e.type);
  assert.ok(types.includes('TaskSucceeded'), types.join());
  // AWS writes TaskSubmitted (SendMessage's response) right after TaskStarted; the State tab shows it.
  const submitted = types.indexOf('TaskSubmitted');
  assert.equal(types[submitted - 1], 'TaskStarted', types.join());
  const sent = result.events[submitted].taskSubmittedEventDetails;
  assert.equal(sent.resource, 'sendMessage.waitForTaskToken');
  assert.match(sent.output.MD5OfMessageBody, /^[0-9a-f]{32}$/);
  await page.waitForSelector('[data-testid=callback][data-status=succeeded]');
  await page.click('[data-testid=timeline-bar][data-state=Approve][data-kind=state]');
  await page.waitForSelector('[data-testid=inspector] [data-step^=Submitted]');
  assert.match(await page.textContent('[data-testid=inspector] [data-step^=Submitted]'), /"MessageId": "[0-9a-f-]{36}"/);
  await page.screenshot({ path: join(SHOTS, 's3page-callback-submitted.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a missed heartbeat times the callback out', async () => {
  const context = await newContext({ colorScheme: 'dark' });
  const { page, problems } = await openPage({ context });
  const before = await startCallbackRun(page);
  await page.waitForFunction((n) => window.statelab.runsEnded > n, before, { timeout: 20000 });
  const result = await page.evaluate(() => window.statelab.result);
  assert.equal(result.status, 'FAILED');
  const timedOut = result.events.find((e) => e.type === 'TaskTimedOut');
  assert.ok(timedOut, result.events.map((e) => e.type).join());
  assert.equal(timedOut.ms, 2000);
  await page.waitForSelector('[data-testid=callback][data-status=timed-out]');
  await page.screenshot({ path: join(SHOTS, 's3page-callback-timedout-dark.png') });
  assert.deepEqual(problems, []);
  await context.close();
});
