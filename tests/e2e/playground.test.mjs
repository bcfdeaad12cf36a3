// End-to-end tests of the playground page (www/) in Debian's Chromium, driven by playwright-core.
// Run by scripts/test-e2e.sh (node --test tests/e2e/). The page is served by tests/e2e/server.mjs
// on 127.0.0.1 with a free port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { setup, server, browser, openPage, pickExample, runAndWait, CLI } from './page.mjs';

const ROOT = new URL('../../', import.meta.url);
const EXPECTED = JSON.parse(readFileSync(new URL('tests/e2e/expected.json', ROOT)));
const EXAMPLES = JSON.parse(readFileSync(new URL('www/examples/index.json', ROOT)));

setup();

async function bars(page) {
  return page.$$eval('[data-testid=timeline-bar]', (els) =>
    els.map((e) => ({
      state: e.dataset.state,
      lane: e.dataset.lane,
      kind: e.dataset.kind,
      status: e.dataset.status,
      start: Number(e.dataset.startMs),
      end: e.dataset.endMs === '' ? null : Number(e.dataset.endMs),
    })),
  );
}

const outputShown = (page) => page.$eval('[data-testid=output] [data-testid=output-json]', (e) => JSON.parse(e.textContent));

test('the page loads without console errors, only from 127.0.0.1, with the engine and CodeMirror', async () => {
  const { page, context, problems, requests } = await openPage();
  await page.waitForSelector('[data-testid=definition-editor] .cm-content');
  await page.waitForSelector('[data-testid=graph] svg .node');
  const result = await runAndWait(page);
  assert.equal(result.status, 'SUCCEEDED');
  assert.ok(
    requests.some((u) => u.endsWith('/pkg/statelab_bg.wasm')),
    'the wasm engine was loaded',
  );
  assert.ok(
    requests.some((u) => u.endsWith('/vendor/codemirror.js')),
    'the CodeMirror bundle was loaded',
  );
  const foreign = requests.filter((u) => !u.startsWith(server.url) && !u.startsWith('data:') && !u.startsWith('blob:'));
  assert.deepEqual(foreign, [], 'no request leaves the page origin');
  assert.deepEqual(problems, []);
  await context.close();
});

for (const ex of EXAMPLES) {
  test(`gallery example '${ex.id}' runs as the CLI says`, async () => {
    const { page, context, problems } = await openPage();
    await pickExample(page, ex.id);
    const result = await runAndWait(page);
    const want = EXPECTED[ex.id];
    assert.equal(result.status, want.status);
    assert.equal(result.durationMs, want.durationMs);
    assert.equal(result.events.length, want.events);
    const status = await page.$eval('[data-testid=status]', (e) => ({ s: e.dataset.status, text: e.textContent }));
    assert.equal(status.s, want.status);
    assert.match(status.text, new RegExp(`${want.events} events`));
    if (want.status === 'SUCCEEDED') assert.deepEqual(await outputShown(page), want.output);
    // One bar per span, at the span's virtual times.
    const shown = await bars(page);
    assert.equal(shown.length, result.spans.length);
    for (const s of result.spans)
      assert.ok(
        shown.some((b) => b.state === s.state && b.lane === result.lanes[s.lane].label && b.kind === s.kind && b.start === s.startMs && b.end === s.endMs),
        `a bar for ${s.state} in lane '${result.lanes[s.lane].label}'`,
      );
    // Every bar knows whether it is on the critical path; the last state to end is.
    const crit = await page.$$eval('[data-testid=timeline-bar]', (els) => els.map((e) => e.dataset.critical));
    assert.ok(
      crit.every((c) => c === 'true' || c === 'false'),
      'critical path computed',
    );
    assert.ok(crit.includes('true'));
    // The graph has a node per state, coloured by how it ended.
    const nodes = await page.$$eval('[data-testid=graph] .node', (els) => Object.fromEntries(els.map((e) => [e.dataset.state, e.dataset.status])));
    for (const s of result.spans.filter((s) => s.kind === 'state')) assert.notEqual(nodes[s.state], 'idle', `graph node ${s.state} painted`);
    // The history lists every event.
    await page.click('#rtab-history');
    assert.equal(await page.$$eval('[data-testid=history] tbody tr', (r) => r.length), want.events);
    if (CLI) {
      const dir = new URL(`www/examples/${ex.id}/`, ROOT).pathname;
      const cli = JSON.parse(execFileSync(CLI, ['run', `${dir}definition.json`, '--input', `${dir}input.json`, '--mock-config', `${dir}mocks.json`, '--seed', '1', '--json']));
      assert.deepEqual(
        result.events.map((e) => e.type),
        cli.events.map((e) => e.type),
        'the page and the CLI give the same history',
      );
      assert.deepEqual(result.output, cli.output);
    }
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('the three-branch Parallel ends at 3 s with three overlapping lanes; its sequential twin at 6 s', async () => {
  const { page, context } = await openPage();
  await pickExample(page, 'image-pipeline');
  await runAndWait(page);
  let b = await bars(page);
  const fan = b.find((x) => x.state === 'Fan' && x.kind === 'state');
  assert.deepEqual([fan.lane, fan.start, fan.end, fan.status], ['', 0, 3000, 'succeeded']);
  const att = (state) => b.find((x) => x.state === state && x.kind === 'attempt');
  assert.deepEqual(
    ['Resize', 'Thumbnail', 'Metadata'].map((s) => [att(s).lane, att(s).start, att(s).end]),
    [
      ['Fan/0', 0, 3000],
      ['Fan/1', 0, 2000],
      ['Fan/2', 0, 1000],
    ],
  );
  const lanes = await page.$$eval('[data-testid=timeline] .tl-lane', (els) => els.map((e) => e.dataset.lane));
  assert.deepEqual(lanes, ['', 'Fan/0', 'Fan/1', 'Fan/2']);
  const join = await page.$eval('[data-testid=join]', (e) => ({ state: e.dataset.state, ms: Number(e.dataset.ms) }));
  assert.deepEqual(join, { state: 'Fan', ms: 3000 });
  assert.match(await page.textContent('[data-testid=status]'), /Succeeded in 3 s/);
  assert.equal(
    await page.textContent('[data-testid=timing] p[data-state=Fan]'),
    'Fan (Parallel) took 3 s. Its 3 branches (3 s, 2 s, 1 s) ran at the same time, so it takes as long as its longest branch, Resize: not their sum, 6 s.',
  );

  // The sequential twin of the same definition takes the sum, 6 s; the page says so after the run.
  await page.click('#rtab-output');
  await page.waitForSelector('[data-testid=twin]');
  assert.equal(
    await page.textContent('[data-testid=twin]'),
    'Run one branch and one iteration at a time (the sequential twin), this workflow takes 6 s instead of 3 s: concurrency saves 3 s.',
  );
  await page.check('[data-testid=sequential]');
  const twin = await runAndWait(page);
  assert.equal(twin.durationMs, 6000);
  b = await bars(page);
  assert.deepEqual(
    ['Resize', 'Thumbnail', 'Metadata'].map((s) => [att(s).lane, att(s).start, att(s).end]),
    [
      ['Fan/0', 0, 3000],
      ['Fan/1', 3000, 5000],
      ['Fan/2', 5000, 6000],
    ],
  );
  assert.match(await page.textContent('[data-testid=status]'), /sequential twin/);
  await page.uncheck('[data-testid=sequential]');

  await pickExample(page, 'image-pipeline-sequential');
  await runAndWait(page);
  b = await bars(page);
  assert.deepEqual(
    ['Resize', 'Thumbnail', 'Metadata'].map((s) => [att(s).lane, att(s).start, att(s).end]),
    [
      ['', 0, 3000],
      ['', 3000, 5000],
      ['', 5000, 6000],
    ],
  );
  assert.match(await page.textContent('[data-testid=status]'), /Succeeded in 6 s/);
  await context.close();
});

test('states named like lane paths (P/1, a/b, x[0]) get their own lanes, critical path and history', async () => {
  const { page, context, problems } = await openPage();
  const task = { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f', End: true };
  const branch = (name) => ({ StartAt: name, States: { [name]: task } });
  await page.evaluate(
    (definition) => window.statelab.load({ definition, input: {}, mocks: { 'a/b': { result: 1, latency: 1 }, 'x[0]': { result: 2, latency: 3 }, Q: { result: 3, latency: 2 } } }),
    {
      StartAt: 'P/1',
      States: {
        'P/1': { Type: 'Parallel', Branches: [branch('a/b'), branch('x[0]')], Next: 'P' },
        // Branch 1 of P has a state named 0: its lane's label, P/1, is the label of no lane above.
        P: { Type: 'Parallel', Branches: [{ StartAt: 'Z', States: { Z: { Type: 'Pass', End: true } } }, branch('Q')], End: true },
      },
    },
  );
  const result = await runAndWait(page);
  assert.equal(result.status, 'SUCCEEDED');
  assert.equal(result.durationMs, 5000);
  // One row per lane, each with its label, in the order they started: P/1's branches (from 0 s)
  // before P's (from 3 s).
  assert.deepEqual(await page.$$eval('[data-testid=timeline] .tl-lane', (els) => els.map((e) => e.dataset.lane)), ['', 'P/1/0', 'P/1/1', 'P/0', 'P/1']);
  const shown = await bars(page);
  const bar = (state, kind = 'state') => shown.find((b) => b.state === state && b.kind === kind);
  assert.deepEqual([bar('a/b').lane, bar('x[0]').lane, bar('Q').lane, bar('Z').lane], ['P/1/0', 'P/1/1', 'P/1', 'P/0']);
  // The critical path runs through x[0] (3 s) and Q (2 s), not a/b.
  const critical = await page.$$eval('[data-testid=timeline-bar][data-kind=state]', (els) => Object.fromEntries(els.map((e) => [e.dataset.state, e.dataset.critical])));
  assert.deepEqual(critical, { 'P/1': 'true', 'a/b': 'false', 'x[0]': 'true', P: 'true', Z: 'false', Q: 'true' });
  // The row labels read as the structure: the Parallel, the branch and its first state.
  const names = await page.$$eval('[data-testid=timeline] .tl-lane .tl-label', (els) => els.map((e) => e.textContent));
  assert.deepEqual(names, ['main', 'P/1 › branch 1 (a/b)', 'P/1 › branch 2 (x[0])', 'P › branch 1 (Z)', 'P › branch 2 (Q)']);
  // The history names each event's state and lane.
  await page.click('#rtab-history');
  const rows = await page.$$eval('[data-testid=history] tbody tr[data-event-type]', (r) =>
    r.map((e) => [e.dataset.eventType, ...[...e.children].slice(2, 4).map((c) => c.textContent)]),
  );
  const scheduled = rows.filter((r) => r[0] === 'LambdaFunctionScheduled').map((r) => r.slice(1));
  assert.deepEqual(scheduled, [
    ['a/b', 'P/1 › branch 1'],
    ['x[0]', 'P/1 › branch 2'],
    ['Q', 'P › branch 2'],
  ]);
  assert.deepEqual(problems, []);
  await context.close();
});

test('Map with MaxConcurrency 2 never runs more than two iterations at once', async () => {
  const { page, context } = await openPage();
  await pickExample(page, 'map-concurrency');
  await runAndWait(page);
  const b = (await bars(page)).filter((x) => x.kind === 'attempt');
  assert.equal(new Set(b.map((x) => x.lane)).size, 5);
  for (const x of b) {
    const overlapping = b.filter((y) => y.start <= x.start && x.start < y.end);
    assert.ok(overlapping.length <= 2, `at ${x.start} ms ${overlapping.length} iterations run`);
  }
  await context.close();
});

test('retry attempts and back-offs are separate bars; the Catch example shows failed, cancelled and caught', async () => {
  const { page, context } = await openPage();
  await pickExample(page, 'retry-backoff');
  await runAndWait(page);
  let b = await bars(page);
  assert.deepEqual(
    b.filter((x) => x.kind === 'attempt').map((x) => [x.start, x.end, x.status]),
    [
      [0, 500, 'failed'],
      [1500, 2000, 'failed'],
      [4000, 4800, 'succeeded'],
    ],
  );
  assert.deepEqual(
    b.filter((x) => x.kind === 'backoff').map((x) => [x.start, x.end]),
    [
      [500, 1500],
      [2000, 4000],
    ],
  );
  assert.equal(await page.$eval('[data-testid=graph] .node[data-state=CallPartnerApi] .badge', (e) => e.textContent), '↻ 3 attempts');
  // The history filter keeps only the failures.
  await page.click('#rtab-history');
  await page.selectOption('[data-testid=history-group]', 'errors');
  assert.deepEqual(await page.$$eval('[data-testid=history] tbody tr td:nth-child(2)', (t) => t.map((e) => e.textContent)), ['TaskFailed', 'TaskFailed']);

  await pickExample(page, 'catch-handler');
  await runAndWait(page);
  b = await bars(page);
  const st = (s) => b.find((x) => x.state === s && x.kind === 'state').status;
  assert.deepEqual([st('Checks'), st('FraudCheck'), st('CreditCheck'), st('HandleFailure')], ['caught', 'cancelled', 'failed', 'succeeded']);
  const node = (s) => page.$eval(`[data-testid=graph] .node[data-state=${s}]`, (e) => e.dataset.status);
  assert.equal(await node('Checks'), 'caught');
  assert.equal(await node('Approve'), 'idle');
  assert.deepEqual(await outputShown(page), { status: 'REJECTED', reason: 'the credit bureau timed out' });
  await context.close();
});

test('clicking a bar shows the state input, task parameters, result and output', async () => {
  const { page, context } = await openPage();
  await pickExample(page, 'image-pipeline');
  await runAndWait(page);
  await page.click('[data-testid=timeline-bar][data-state=Resize][data-kind=state]');
  // (The State tab's panel loads when it is first shown.)
  await page.waitForSelector('[data-testid=inspector] h3');
  const text = await page.textContent('[data-testid=inspector]');
  assert.match(text, /Resize/);
  assert.match(text, /Input[\s\S]*"key": "cat.png"/);
  // Each data-flow step, in order, as the engine recorded it.
  const steps = await page.$$eval('[data-testid=inspector] .flow-step h4', (e) => e.map((x) => x.textContent));
  assert.deepEqual(steps.slice(0, 3), ['Input', 'After InputPath', 'After Parameters']);
  assert.match(text, /After Parameters[\s\S]*"FunctionName": "resize"/);
  assert.match(text, /Result[\s\S]*"StatusCode": 200/);
  assert.match(text, /Output[\s\S]*"url": "s3:\/\/photos\/cat-1024.png"/);
  assert.match(text, /Critical pathyes/);
  // Resize (3 s) is on the critical path; Metadata (1 s) has 2 s of slack.
  assert.equal(await page.$eval('[data-testid=timeline-bar][data-state=Resize][data-kind=attempt]', (e) => e.dataset.critical), 'true');
  assert.equal(await page.$eval('[data-testid=timeline-bar][data-state=Metadata][data-kind=attempt]', (e) => e.dataset.critical), 'false');
  assert.equal(await page.$eval('[data-testid=timeline-bar][data-state=Thumbnail][data-kind=attempt]', (e) => e.dataset.critical), 'false');
  assert.match(await page.$eval('[data-testid=timeline-bar][data-state=Metadata][data-kind=attempt]', (e) => e.title), /slack: 2 s/);
  // The graph node selects the state too.
  await page.click('[data-testid=graph] .node[data-state=Metadata]');
  assert.match(await page.textContent('[data-testid=inspector] h3'), /Metadata/);
  await context.close();
});

test('a real-time run colours states as they go, and can be paused, stepped and stopped', async () => {
  const { page, context, problems } = await openPage();
  await pickExample(page, 'image-pipeline');
  await page.selectOption('[data-testid=speed]', '2');
  const t0 = Date.now();
  await page.click('[data-testid=run]');
  await page.waitForFunction(() => document.querySelector('[data-testid=graph] .node[data-state=Metadata]').dataset.status === 'succeeded');
  assert.equal(await page.$eval('[data-testid=status]', (e) => e.dataset.status), 'RUNNING');
  assert.equal(await page.$eval('[data-testid=graph] .node[data-state=Resize]', (e) => e.dataset.status), 'running');
  await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.status === 'SUCCEEDED');
  const took = Date.now() - t0;
  assert.ok(took >= 1300, `3 s of workflow time at 2× took ${took} ms of real time`);
  // The live run and the instant one (simulate) agree.
  const live = await page.evaluate(() => window.statelab.result);
  const instant = await runAndWait(page, 'instant');
  assert.deepEqual(instant.spans, live.spans);
  assert.deepEqual(instant.lanes, live.lanes);
  assert.deepEqual(
    instant.events.map((e) => [e.type, e.ms, e.lane, e.state]),
    live.events.map((e) => [e.type, e.ms, e.lane, e.state]),
  );

  // Pause, step, stop.
  await page.selectOption('[data-testid=speed]', '1');
  await page.click('[data-testid=run]');
  await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.status === 'RUNNING');
  await page.click('[data-testid=pause]');
  await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.status === 'PAUSED');
  const before = await bars(page);
  assert.ok(!before.some((b) => b.state === 'Metadata' && b.kind === 'attempt' && b.end !== null), 'Metadata has not finished after pausing at once');
  await page.click('[data-testid=step]');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=timeline-bar][data-state=Metadata][data-kind=attempt]')].some((b) => b.dataset.endMs === '1000'));
  assert.equal(await page.$eval('[data-testid=status]', (e) => e.dataset.status), 'PAUSED');
  await page.click('[data-testid=stop]');
  await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.status === 'ABORTED');
  assert.equal(await page.$eval('[data-testid=timeline-bar][data-state=Resize][data-kind=state]', (e) => e.dataset.status), 'cancelled');
  // A Parallel stopped with the run did not join its branches: no join drawn, and the note says so.
  await page.waitForSelector('[data-testid=timing] p[data-state=Fan]');
  assert.match(
    await page.textContent('[data-testid=timing] p[data-state=Fan]'),
    /^Fan \(Parallel\) was stopped after 1 s, with the run: its branches still running were cancelled before they joined\.$/,
  );
  assert.equal(await page.$('[data-testid=join]'), null);

  // Step after the run ended says so (the stopped run stays shown); Step again starts a new run
  // from the start, paused, and each step moves to the next moment.
  await page.click('[data-testid=step]');
  await page.waitForFunction(() => /^The run has ended: stopped/.test(document.querySelector('#toast .toast-text').textContent));
  assert.equal(await page.$eval('[data-testid=status]', (e) => e.dataset.status), 'ABORTED');
  await page.click('[data-testid=step]');
  await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.status === 'PAUSED');
  const moments = [];
  for (let i = 0; i < 3; i++) {
    await page.click('[data-testid=step]');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=timeline-bar][data-kind=attempt]:not([data-end-ms=""])').length === n, i + 1);
    moments.push(
      await page.$$eval('[data-testid=timeline-bar][data-kind=attempt]:not([data-end-ms=""])', (b) =>
        b
          .map((x) => x.dataset.state)
          .sort()
          .join(),
      ),
    );
  }
  assert.deepEqual(moments, ['Metadata', 'Metadata,Thumbnail', 'Metadata,Resize,Thumbnail']);
  await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.status === 'SUCCEEDED');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a broken definition shows its diagnostic with line and column, and keeps the text', async () => {
  const { page, context } = await openPage();
  await pickExample(page, 'image-pipeline');
  const work = await page.evaluate(() => window.statelab.work());
  const broken = work.definition.replace('"Type": "Parallel"', '"Type": "Paralel"');
  const line = broken.split('\n').findIndex((l) => l.includes('Paralel')) + 1;
  const column = broken.split('\n')[line - 1].indexOf('"Paralel"') + 1;
  // Type the change as a user would: select the word and type over it.
  await page.click('[data-testid=definition-editor] .cm-content');
  await page.keyboard.press('Control+a');
  await page.keyboard.insertText(broken);
  // (The mocks' lint may say first that the example's mocks name no Task state of this definition.)
  await page.waitForFunction(() => /^Definition/.test(document.querySelector('[data-testid=diagnostics] .diag-where')?.textContent || ''));
  const diag = await page.$('[data-testid=diagnostics] .diag');
  assert.equal(await diag.$eval('.diag-where', (e) => e.textContent), `Definition ${line}:${column}`);
  assert.match(await diag.textContent(), /Paralel/);
  await page.waitForSelector('[data-testid=definition-editor] .cm-lintRange-error');
  await page.click('[data-testid=run]');
  await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.status === 'ERROR');
  assert.match(await page.textContent('[data-testid=status]'), new RegExp(`line ${line}, column ${column}`));

  // Bad JSON: the diagnostic names the place, and the text survives a reload (the tab's workspace).
  const badJson = broken.replace('"StartAt": "Fan",', '"StartAt": "Fan"');
  await page.click('[data-testid=definition-editor] .cm-content');
  await page.keyboard.press('Control+a');
  await page.keyboard.insertText(badJson);
  await page.waitForFunction(
    () =>
      /^Definition \d+:\d+$/.test(document.querySelector('[data-testid=diagnostics] .diag-where')?.textContent || '') &&
      document.querySelector('[data-testid=diagnostics]').textContent.includes('xpected'),
  );
  await page.waitForTimeout(500); // the page saves 300 ms after the last edit
  await page.reload();
  await page.evaluate(() => window.statelab.ready);
  assert.equal((await page.evaluate(() => window.statelab.work())).definition, badJson);
  assert.match(await page.textContent('#graph-note'), /not valid JSON/);
  await context.close();
});

test('a shared link restores the same work and gives the same run', async () => {
  const a = await openPage();
  await pickExample(a.page, 'map-concurrency');
  await a.page.fill('[data-testid=seed]', '7');
  await a.page.dispatchEvent('[data-testid=seed]', 'change');
  await a.page.click('#tab-input');
  await a.page.click('[data-testid=input-editor] .cm-content');
  await a.page.keyboard.press('Control+a');
  await a.page.keyboard.insertText('{"files": ["a.mov", "b.mov", "c.mov"]}');
  const first = await runAndWait(a.page);
  const url = await a.page.evaluate(() => window.statelab.share());
  assert.match(url, /#w=[A-Za-z0-9_-]+$/);
  const work = await a.page.evaluate(() => window.statelab.work());
  await a.context.close();

  const b = await openPage({ path: url.slice(server.url.length) });
  const restored = await b.page.evaluate(() => window.statelab.work());
  assert.deepEqual(restored, work);
  const second = await runAndWait(b.page);
  assert.deepEqual(second.output, first.output);
  assert.equal(second.durationMs, first.durationMs);
  assert.deepEqual(second.spans, first.spans);
  assert.deepEqual(b.problems, []);
  await b.context.close();
});

test('JS function mocks from a shared link run only after the user allows them', async () => {
  const a = await openPage();
  await a.page.evaluate(() =>
    window.statelab.load({
      definition: { StartAt: 'Greet', States: { Greet: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', OutputPath: '$.Payload', End: true } } },
      input: { name: 'Ada' },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the page is given the function's source text, template literal and all
      mocks: { Greet: { function: 'async (input) => ({ StatusCode: 200, Payload: { greeting: `Hello, ${input.name}!` } })' } },
    }),
  );
  const local = await runAndWait(a.page);
  assert.deepEqual(local.output, { greeting: 'Hello, Ada!' }, 'the user’s own function runs');
  assert.equal(local.durationMs, 0, 'workflow time stands still while a local function runs, even at instant speed');
  // At 1x the run starts on real time (a few ms pass before the call); the call adds none.
  const live = await runAndWait(a.page, '1');
  assert.ok(live.durationMs < 50, `a live run with a local function took ${live.durationMs} ms of workflow time`);
  const url = await a.page.evaluate(() => window.statelab.share());
  // Beside mocked latencies, at instant speed: the run takes exactly the mocks' time.
  await a.page.evaluate(() =>
    window.statelab.load({
      definition: {
        StartAt: 'Both',
        States: {
          Both: {
            Type: 'Parallel',
            End: true,
            Branches: [
              { StartAt: 'Greet', States: { Greet: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', OutputPath: '$.Payload', End: true } } },
              {
                StartAt: 'Slow',
                States: { Slow: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Retry: [{ ErrorEquals: ['Busy'], IntervalSeconds: 1 }], End: true } },
              },
            ],
          },
        },
      },
      input: { name: 'Ada' },
      mocks: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the page is given the function's source text, template literal and all
        Greet: { function: 'async (input) => ({ Payload: { greeting: `Hello, ${input.name}!` } })' },
        Slow: [
          { error: 'Busy', latency: 0.5 },
          { result: { ok: true }, latency: 2 },
        ],
      },
    }),
  );
  const mixed = await runAndWait(a.page, 'instant');
  assert.equal(mixed.status, 'SUCCEEDED');
  assert.equal(mixed.durationMs, 3500);
  assert.deepEqual(mixed.output[0], { greeting: 'Hello, Ada!' });
  await a.context.close();

  const b = await openPage({ path: url.slice(server.url.length) });
  await b.page.waitForSelector('#consent:not([hidden])');
  await b.page.click('[data-testid=run]');
  await b.page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.status === 'ERROR');
  assert.match(await b.page.textContent('[data-testid=status]'), /you did not write here .*allow it to run/);
  await b.page.click('[data-testid=consent-allow]');
  await b.page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.status === 'SUCCEEDED');
  assert.deepEqual(await outputShown(b.page), { greeting: 'Hello, Ada!' });
  assert.equal(await b.page.isVisible('#consent'), false);
  await b.context.close();
});

test('a runaway mock function never freezes the page: Stop ends the run at once', async () => {
  const { page, context } = await openPage();
  await page.evaluate(() =>
    window.statelab.load({
      definition: { StartAt: 'Spin', States: { Spin: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } } },
      input: {},
      mocks: { Spin: { function: 'async () => { for (;;) {} }' } },
    }),
  );
  await page.selectOption('[data-testid=speed]', '1');
  await page.click('[data-testid=run]');
  await page.waitForTimeout(300);
  // The page still answers while the function spins in its sandbox.
  const t0 = Date.now();
  assert.equal(await page.evaluate(() => 1 + 1), 2);
  assert.ok(Date.now() - t0 < 1000);
  await page.click('[data-testid=stop]');
  await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.status === 'ABORTED');
  // The next workflow runs.
  await pickExample(page, 'jsonata');
  const r = await runAndWait(page);
  assert.equal(r.status, 'SUCCEEDED');
  await context.close();
});

test("missing mocks get their service's response (the engine's derive), written into the mocks editor", async () => {
  const { page, context, problems } = await openPage();
  await page.evaluate(() =>
    window.statelab.load({
      definition: {
        StartAt: 'Queue',
        States: {
          Queue: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: { QueueUrl: 'q', MessageBody: 'hi' }, ResultPath: '$.sqs', Next: 'Notify' },
          Notify: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', Parameters: { TopicArn: 't', Message: 'hi' }, ResultPath: '$.sns', Next: 'Emit' },
          Emit: { Type: 'Task', Resource: 'arn:aws:states:::events:putEvents', Parameters: { Entries: [] }, ResultPath: '$.events', Next: 'Call' },
          Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'f' }, ResultPath: '$.lambda', End: true },
        },
      },
      input: {},
      mocks: {},
    }),
  );
  await page.click('#tab-mocks');
  assert.equal(await page.textContent('[data-testid=fill-mocks]'), 'Fill in 4 missing mocks');
  await page.click('[data-testid=fill-mocks]');
  await page.waitForFunction(() => document.querySelector('[data-testid=fill-mocks]').textContent === 'Every Task has a mock');
  const mocks = JSON.parse((await page.evaluate(() => window.statelab.work())).mocks);
  assert.deepEqual(Object.keys(mocks), ['Queue', 'Notify', 'Emit', 'Call']);
  for (const k of ['MessageId', 'MD5OfMessageBody']) assert.ok(k in mocks.Queue.result, k);
  assert.deepEqual(Object.keys(mocks.Emit.result), ['Entries', 'FailedEntryCount']);
  assert.equal(mocks.Call.result.StatusCode, 200);
  const r = await runAndWait(page);
  assert.equal(r.status, 'SUCCEEDED');
  assert.match(r.output.sqs.MessageId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('themes switch and persist; the phone layout does not overflow sideways', async () => {
  const { page, context } = await openPage({ colorScheme: 'light' });
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
  await page.click('[data-testid=theme]');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.reload();
  await page.evaluate(() => window.statelab.ready);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), bg);
  await context.close();

  const phone = await openPage({ viewport: { width: 390, height: 844 } });
  await runAndWait(phone.page);
  const widths = await phone.page.evaluate(() => ({ doc: document.documentElement.scrollWidth, win: window.innerWidth }));
  assert.ok(widths.doc <= widths.win, `page is ${widths.doc}px wide in a ${widths.win}px window`);
  assert.ok(await phone.page.isVisible('[data-testid=run]'));
  await phone.context.close();
});

test('an unhandled failure shows its error and cause; bad mocks get a clear message; Ctrl+Enter runs', async () => {
  const { page, context, problems } = await openPage();
  await page.evaluate(() =>
    window.statelab.load({
      definition: { StartAt: 'Charge', States: { Charge: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } } },
      input: { amount: 5 },
      mocks: { Charge: { error: 'CardDeclined', cause: 'insufficient funds', latency: 0.25 } },
      settings: { speed: 'instant', seed: 1 },
    }),
  );
  await page.click('[data-testid=definition-editor] .cm-content');
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.status === 'FAILED');
  assert.equal(await page.textContent('[data-testid=output-error]'), 'CardDeclined');
  assert.equal(await page.textContent('[data-testid=output-cause]'), 'insufficient funds');
  assert.equal(await page.$eval('[data-testid=graph] .node[data-state=Charge]', (e) => e.dataset.status), 'failed');
  assert.equal(await page.$eval('[data-testid=timeline-bar][data-kind=attempt]', (e) => e.dataset.endMs), '250');

  await page.evaluate(() => window.statelab.load({ definition: window.statelab.work().definition, input: '{}', mocks: { Charge: { result: 1, latency: 'soon' } } }));
  await page.selectOption('[data-testid=speed]', 'instant');
  await page.click('[data-testid=run]');
  await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.status === 'ERROR');
  assert.match(await page.textContent('[data-testid=output]'), /Charge/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a run whose history passes 32 MiB of data says so, and shows what it did not keep', async () => {
  // 300 iterations, each making a new 120 KB text: 36 MB of history data, the last ones not kept.
  const { page, context, problems } = await openPage();
  await page.evaluate(() =>
    window.statelab.load({
      definition: {
        QueryLanguage: 'JSONata',
        StartAt: 'Init',
        States: {
          Init: { Type: 'Pass', Output: "{% {'base': $pad('', 120000, 'b'), 'i': 0} %}", Next: 'Grow' },
          Grow: { Type: 'Pass', Output: "{% {'base': $states.input.base, 'i': $states.input.i + 1, 'text': $string($states.input.i) & $states.input.base} %}", Next: 'Check' },
          Check: { Type: 'Choice', Choices: [{ Condition: '{% $states.input.i >= 300 %}', Next: 'Done' }], Default: 'Grow' },
          Done: { Type: 'Succeed', Output: '{% $states.input.i %}' },
        },
      },
      input: {},
      mocks: {},
      settings: { speed: 'instant', seed: 1 },
    }),
  );
  const result = await runAndWait(page);
  assert.equal(result.status, 'SUCCEEDED');
  assert.equal(result.output, 300);
  assert.equal(result.historyTruncated, true);
  await page.click('#rtab-output');
  assert.match(await page.textContent('[data-testid=history-truncated]'), /History truncated: this run passed 32 MiB/);
  // The last Grow's output is not kept: its details say so in words.
  const last = result.events.findLast((e) => e.type === 'PassStateExited');
  assert.deepEqual(last.stateExitedEventDetails, { name: 'Grow', outputDetails: { truncated: true } });
  await page.click('#rtab-history');
  assert.match(await page.textContent('[data-testid=history-truncated-events]'), /History truncated: this run passed 32 MiB/);
  await page.fill('[data-testid=history-filter]', 'PassStateExited');
  await page.waitForSelector('[data-testid=history] tbody tr[data-event-type]');
  await page.$eval('#history', (h) => {
    for (let a = h; a; a = a.parentElement) a.scrollTop = a.scrollHeight;
  });
  await page.click(`[data-testid=history] tr[data-event-id="${last.id}"] td:first-child`);
  assert.match(await page.textContent('[data-testid=history] [data-testid=not-kept]'), /^output: Not kept: this run's history passed 32 MiB of data/);
  // Grow's last visit in the inspector: its input and output not kept.
  await page.click(`[data-testid=history] tr[data-event-id="${last.id}"] button`);
  await page.click('#rtab-inspector');
  await page.waitForSelector('[data-testid=inspector] input.visit-number');
  await page.$eval('[data-testid=inspector] input.visit-number', (e) => {
    e.value = '300';
    e.dispatchEvent(new Event('change'));
  });
  await page.waitForSelector('[data-testid=inspector] [data-testid=not-kept]');
  const notKept = await page.$$eval('[data-testid=inspector] [data-testid=not-kept]', (els) => els.map((e) => e.textContent));
  assert.ok(notKept.includes("InputNot kept: this run's history passed 32 MiB of data."), notKept.join(' / '));
  assert.ok(notKept.includes("OutputNot kept: this run's history passed 32 MiB of data."), notKept.join(' / '));
  assert.deepEqual(problems, []);
  await context.close();
});

test('a mock for a state that does not exist gets a warning in the mocks editor', async () => {
  const { page, context } = await openPage();
  await pickExample(page, 'image-pipeline');
  await page.click('#tab-mocks');
  const mocks = JSON.parse((await page.evaluate(() => window.statelab.work())).mocks);
  mocks.Resise = mocks.Resize;
  await page.click('[data-testid=mocks-editor] .cm-content');
  await page.keyboard.press('Control+a');
  await page.keyboard.insertText(JSON.stringify(mocks, null, 2));
  const warn = await page.waitForSelector('[data-testid=diagnostics] li.warning');
  assert.match(await warn.textContent(), /^Mocks \d+:\d+No Task state is named 'Resise'/);
  // A warning does not stop a run.
  const r = await runAndWait(page);
  assert.equal(r.status, 'SUCCEEDED');
  await context.close();
});

test('a damaged shared link says so and leaves a working page', async () => {
  const { page, context, problems } = await openPage({ path: '#w=AAAAbroken-link' });
  await page.waitForSelector('#toast:not([hidden])');
  assert.match(await page.textContent('#toast'), /Could not open the shared link: it is damaged: its data does not decompress\./);
  const r = await runAndWait(page);
  assert.equal(r.status, 'SUCCEEDED');
  assert.deepEqual(problems, []);
  await context.close();
});

test('replay: scrubbing to 1.5 s shows two branches running and one done; the arrows step through events; cost beside time', async () => {
  const { page, context, problems } = await openPage();
  await pickExample(page, 'image-pipeline');
  await runAndWait(page);
  // Cost beside time: 4 state transitions (Fan and its three Tasks), 6 s of task time in 3 s.
  assert.equal(await page.$eval('[data-testid=cost]', (e) => e.dataset.transitions), '4');
  assert.equal(await page.$eval('[data-testid=cost]', (e) => e.dataset.taskMs), '6000');
  const scrubber = '[data-testid=scrubber]';
  assert.equal(await page.$eval(scrubber, (e) => e.max), '3000');
  await page.$eval(scrubber, (e) => {
    e.value = '1500';
    e.dispatchEvent(new Event('input', { bubbles: true }));
  });
  const status = (name) => page.$eval(`[data-testid=graph] .node[data-state="${name}"]`, (e) => e.dataset.status);
  assert.equal(await status('Resize'), 'running');
  assert.equal(await status('Thumbnail'), 'running');
  assert.equal(await status('Metadata'), 'succeeded');
  const at = await bars(page);
  assert.equal(at.find((b) => b.state === 'Metadata' && b.kind === 'attempt').end, 1000);
  assert.equal(at.find((b) => b.state === 'Resize' && b.kind === 'attempt').end, null, 'Resize is still running at 1.5 s');
  assert.match(await page.textContent('[data-testid=replay-time]'), /1\.5 s of 3 s/);
  // The next event after 1.5 s is Thumbnail finishing at 2 s; the one before is Metadata's at 1 s.
  await page.click('#replay-next');
  assert.equal(await page.$eval(scrubber, (e) => e.value), '2000');
  assert.equal(await status('Thumbnail'), 'succeeded');
  await page.click('#replay-prev');
  await page.click('#replay-prev');
  assert.equal(await page.$eval(scrubber, (e) => e.value), '0');
  // Back at the end, everything is as the run left it.
  await page.$eval(scrubber, (e) => {
    e.value = e.max;
    e.dispatchEvent(new Event('input', { bubbles: true }));
  });
  assert.equal(await status('Resize'), 'succeeded');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the replay position travels in a shared link, and Replay plays to the end', async () => {
  const a = await openPage();
  await pickExample(a.page, 'image-pipeline');
  await runAndWait(a.page);
  await a.page.$eval('[data-testid=scrubber]', (e) => {
    e.value = '1500';
    e.dispatchEvent(new Event('input', { bubbles: true }));
  });
  const url = await a.page.evaluate(() => window.statelab.share());
  await a.context.close();
  const b = await openPage({ path: new URL(url).hash });
  await b.page.waitForFunction(() => document.querySelector('[data-testid=scrubber]')?.value === '1500', null, { timeout: 20000 });
  const status = (name) => b.page.$eval(`[data-testid=graph] .node[data-state="${name}"]`, (e) => e.dataset.status);
  assert.equal(await status('Resize'), 'running');
  assert.equal(await status('Metadata'), 'succeeded');
  await b.page.selectOption('[data-testid=speed]', '100');
  await b.page.click('#replay-play');
  await b.page.waitForFunction(() => document.querySelector('[data-testid=scrubber]').value === '3000', null, { timeout: 10000 });
  assert.equal(await status('Resize'), 'succeeded');
  assert.deepEqual(b.problems, []);
  await b.context.close();
});

test('the documentation page embeds three live examples; without scripts it shows their JSON', async () => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${server.url}docs.html`);
  const status = (id) => page.evaluate((id) => document.querySelector(`[data-testid=${id}]`)?.shadowRoot?.querySelector('[data-testid=embed-status]')?.textContent, id);
  for (const id of ['embed-parallel', 'embed-map', 'embed-retry']) {
    await page.locator(`[data-testid=${id}]`).scrollIntoViewIfNeeded();
    await page.waitForFunction((id) => document.querySelector(`[data-testid=${id}]`)?.shadowRoot?.querySelector('[data-testid=embed-status]')?.dataset.status === 'SUCCEEDED', id, {
      timeout: 20000,
    });
  }
  assert.equal(await status('embed-parallel'), 'Succeeded in 3 s');
  assert.equal(await status('embed-retry'), 'Succeeded in 4.8 s');
  // Three overlapping lanes in the Parallel's timeline, and a link into the playground.
  const lanes = await page.evaluate(() =>
    [...document.querySelector('[data-testid=embed-parallel]').shadowRoot.querySelectorAll('[data-testid=timeline-bar][data-kind=attempt]')].map((b) => b.dataset.lane),
  );
  assert.deepEqual(lanes.sort(), ['Fan/0', 'Fan/1', 'Fan/2']);
  const open = await page.evaluate(() => document.querySelector('[data-testid=embed-parallel]').shadowRoot.querySelector('[data-testid=embed-open]').href);
  assert.match(open, /index\.html#w=/);
  assert.deepEqual(problems, []);
  await context.close();

  const plain = await browser.newContext({ javaScriptEnabled: false });
  const p2 = await plain.newPage();
  await p2.goto(`${server.url}docs.html`);
  const shown = await p2.$$eval('asl-playground pre[data-part=definition]', (els) => els.map((e) => e.offsetHeight > 0 && JSON.parse(e.textContent).StartAt));
  assert.deepEqual(shown.length, 3);
  assert.ok(shown.every(Boolean), 'each definition is shown as JSON');
  await plain.close();
});

test('side by side: the image pipeline as written (3 s) and its sequential twin (6 s) on one axis, 2x faster', async () => {
  const { page, context, problems } = await openPage();
  await pickExample(page, 'image-pipeline');
  await runAndWait(page);
  await page.waitForSelector('[data-testid=compare]', { timeout: 20000 });
  assert.equal(await page.$eval('[data-testid=compare]', (e) => e.dataset.concurrentMs), '3000');
  assert.equal(await page.$eval('[data-testid=compare]', (e) => e.dataset.sequentialMs), '6000');
  assert.match(await page.textContent('[data-testid=speedup]'), /^2× faster/);
  // The twin's branches run one after another: Thumbnail starts when Resize ends.
  const twinBars = await page.$$eval('[data-testid=compare-sequential] [data-testid=compare-bar][data-kind=attempt]', (els) =>
    els.map((e) => [e.dataset.state, Number(e.dataset.startMs), Number(e.dataset.endMs)]),
  );
  assert.deepEqual(twinBars.sort(), [
    ['Metadata', 5000, 6000],
    ['Resize', 0, 3000],
    ['Thumbnail', 3000, 5000],
  ]);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the iframe form takes its settings from the query string and answers a versioned, origin-checked postMessage protocol', async () => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  // The host page is served as localhost and the frame as 127.0.0.1: two origins, and the
  // frame allows the host's. (A page of its own: the site's pages allow no frames of other
  // origins.)
  const hostUrl = server.url.replace('127.0.0.1', 'localhost');
  server.pages.set('/host.html', '<!doctype html><title>host</title><body></body>');
  await page.goto(`${hostUrl}host.html`);
  const origin = new URL(hostUrl).origin;
  const def = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Result: { from: 'query' }, End: true } } });
  const src = `${server.url}frame.html?definition=${encodeURIComponent(def)}&view=timeline&origin=${encodeURIComponent(origin)}`;
  const replies = await page.evaluate(async (src) => {
    const got = [];
    window.addEventListener('message', (e) => got.push(e.data));
    const frame = document.createElement('iframe');
    frame.src = src;
    frame.style.width = '900px';
    frame.style.height = '400px';
    document.body.prepend(frame);
    const wait = (pred) =>
      new Promise((res) => {
        const t = setInterval(() => {
          if (got.some(pred)) {
            clearInterval(t);
            res();
          }
        }, 20);
      });
    await wait((m) => m.type === 'ready');
    // Wrong version: ignored. Then a load and a run.
    frame.contentWindow.postMessage({ statelab: 99, type: 'run' }, '*');
    frame.contentWindow.postMessage({ statelab: 1, type: 'load', definition: { StartAt: 'B', States: { B: { Type: 'Pass', Result: { from: 'host' }, End: true } } } }, '*');
    await wait((m) => m.type === 'loaded');
    frame.contentWindow.postMessage({ statelab: 1, type: 'run' }, '*');
    await wait((m) => m.type === 'done');
    return got;
  }, src);
  const done = replies.filter((m) => m.type === 'done');
  assert.equal(done.length, 1, 'one run: the version-99 message was ignored');
  assert.equal(done[0].statelab, 1);
  assert.deepEqual(done[0].result.output, { from: 'host' });
  // A frame that does not list this origin ignores it.
  const silent = await page.evaluate(
    async (src) => {
      const got = [];
      window.addEventListener('message', (e) => e.data?.type === 'loaded' && got.push(e.data));
      const frame = document.createElement('iframe');
      frame.src = src;
      document.body.prepend(frame);
      await new Promise((r) => frame.addEventListener('load', r));
      await new Promise((r) => setTimeout(r, 300));
      frame.contentWindow.postMessage({ statelab: 1, type: 'load', definition: { StartAt: 'C', States: { C: { Type: 'Succeed' } } } }, '*');
      await new Promise((r) => setTimeout(r, 500));
      return got.length;
    },
    src.replace(/&origin=[^&]*/, '&origin=https%3A%2F%2Fexample.org'),
  );
  assert.equal(silent, 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('what-if: editing a latency after a run runs again at once and shows the new total beside the old one', async () => {
  const { page, context, problems } = await openPage();
  await pickExample(page, 'image-pipeline');
  await runAndWait(page);
  await page.check('[data-testid=whatif]');
  const work = await page.evaluate(() => window.statelab.work());
  const mocks = JSON.parse(work.mocks);
  // Resize, the longest branch, from 3 s to 1.5 s: Thumbnail (2 s) becomes the longest.
  const resize = Object.keys(mocks).find((k) => k === 'Resize');
  assert.ok(resize, 'the example mocks Resize');
  mocks.Resize.latency = 1.5;
  const before = await page.evaluate(() => window.statelab.runsEnded);
  // Type it as a user would: the Mocks tab, select all, new text.
  await page.click('#tab-mocks');
  await page.click('[data-testid=mocks-editor] .cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(JSON.stringify(mocks, null, 2));
  await page.waitForFunction((n) => window.statelab.runsEnded > n, before, { timeout: 20000 });
  await page.waitForSelector('[data-testid=whatif-result]', { timeout: 20000 });
  assert.equal(await page.$eval('[data-testid=whatif-result]', (e) => e.dataset.beforeMs), '3000');
  assert.equal(await page.$eval('[data-testid=whatif-result]', (e) => e.dataset.afterMs), '2000');
  assert.deepEqual(problems, []);
  await context.close();
});

test('what-if by dragging: shortening Resize to 1.5 s runs again, ends at 2 s, and leaves the 3 s run faintly behind', async () => {
  const { page, context, problems } = await openPage();
  await pickExample(page, 'image-pipeline');
  await runAndWait(page);
  const grip = page.locator('[data-testid=timeline-bar][data-state=Resize][data-kind=attempt] [data-testid=latency-grip]');
  const track = await page.locator('[data-testid=timeline-bar][data-state=Resize][data-kind=attempt]').evaluate((b) => {
    const r = b.parentElement.getBoundingClientRect();
    return { left: r.left, width: r.width, y: b.getBoundingClientRect().top + 4 };
  });
  const box = await grip.boundingBox();
  const before = await page.evaluate(() => window.statelab.runsEnded);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  // The axis runs to 3 s: half the track is 1.5 s.
  await page.mouse.move(track.left + track.width * 0.5, track.y, { steps: 8 });
  await page.mouse.up();
  await page.waitForFunction((n) => window.statelab.runsEnded > n, before, { timeout: 20000 });
  await page.waitForSelector('[data-testid=whatif-result]', { timeout: 20000 });
  assert.equal(await page.$eval('[data-testid=whatif-result]', (e) => e.dataset.afterMs), '2000');
  assert.equal(JSON.parse((await page.evaluate(() => window.statelab.work())).mocks).Resize.latency, 1.5);
  // The 3 s run stays in the timeline, faint, behind the new bars.
  const ghostEnd = await page.$eval('#timeline [data-testid=ghost-bar][data-state=Resize].kind-attempt', (e) => e.dataset.endMs);
  assert.equal(ghostEnd, '3000');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the page stays responsive while a Map of 1,000 iterations plays back: no main-thread task over 100 ms, nor when its 9,006 events are opened', async () => {
  const { page, context, problems } = await openPage();
  // 1,000 iterations of a 1 s Task, 100 at a time: ten waves, 10 s of workflow time, played
  // back at 5x. Long tasks are counted from the click on Run until the finished run is drawn.
  await page.evaluate(() =>
    window.statelab.load({
      definition: {
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            ItemsPath: '$.items',
            MaxConcurrency: 100,
            ItemProcessor: {
              StartAt: 'Work',
              States: {
                Work: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:work', Next: 'Tag' },
                Tag: { Type: 'Pass', Parameters: { 'done.$': '$' }, End: true },
              },
            },
            End: true,
          },
        },
      },
      input: { items: Array.from({ length: 1000 }, (_, i) => i) },
      mocks: { Work: { result: { ok: true }, latency: 1 } },
    }),
  );
  // Playwright compiles its own helper scripts in the page on first use (selectOption, click,
  // waitForFunction): 10-20 ms of the harness's work, longer on a busy machine. Done here,
  // before measuring, so that the long tasks counted are the page's.
  await page.isVisible('[data-testid=run]');
  await page.waitForFunction(() => true);
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ at: e.startTime, ms: Math.round(e.duration) });
    }).observe({ type: 'longtask' });
  });
  const settle = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 300)))));
  const clickAt = await page.evaluate(() => performance.now());
  const result = await runAndWait(page, '5');
  assert.equal(result.status, 'SUCCEEDED');
  assert.equal(result.output.length, 1000);
  // Let the last frames render (and the sequential twin arrive).
  await settle();
  // The timeline draws the lanes in view (and a few more), not 1,000 lanes and 3,000 bars;
  // scrolled to the middle, it draws the lanes there.
  const drawn = await page.$$eval('#timeline [data-testid=timeline-bar]', (b) => b.length);
  assert.ok(drawn > 0 && drawn < 200, `${drawn} bars in the page`);
  await page.$eval('#timeline', (t) => (t.scrollTop = t.scrollHeight / 2));
  await page.waitForSelector('#timeline [data-testid=timeline-bar][data-lane="Each/499"]');
  // Opening the Events tab on the run's 9,006 events is no long task either.
  const tabAt = await page.evaluate(() => performance.now());
  await page.click('#rtab-history');
  await page.waitForSelector('[data-testid=history] tbody tr[data-event-type]');
  await settle();
  const rows = await page.$$eval('[data-testid=history] tbody tr[data-event-type]', (r) => r.length);
  assert.ok(rows > 0 && rows < 200, `${rows} history rows in the page`);
  const longTasks = await page.evaluate(() => window.__longTasks);
  const during = longTasks.filter((t) => t.at < tabAt).map((t) => t.ms);
  const tab = longTasks.filter((t) => t.at >= tabAt).map((t) => t.ms);
  const when = longTasks.map((t) => `${t.ms} ms at +${Math.round(t.at - clickAt)} ms`).join(', ');
  console.log(
    `# Map of 1,000 iterations at 5x: long tasks ${JSON.stringify(during)}, then opening the Events tab ${JSON.stringify(tab)}; worst: ${Math.max(0, ...during, ...tab) || 'none over 50'} ms${when ? ` (${when}, from the click on Run)` : ''}`,
  );
  // The goal is no task over 50 ms (the browser's long task), and the line above prints any;
  // the test fails at twice that, where a busy two-core machine (a 53 ms task seen under a
  // load of 6) no longer explains it and the page really blocks.
  const blocking = (ms) => ms > 100;
  assert.deepEqual(during.filter(blocking), [], `main-thread tasks over 100 ms (ms): ${during.join(', ')}`);
  assert.deepEqual(tab.filter(blocking), [], `main-thread tasks over 100 ms opening the Events tab (ms): ${tab.join(', ')}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a workflow with an unmocked Task runs in the playground, in <asl-playground> and in the iframe form, with the same derived mocks', async () => {
  // Two Tasks with no mock: each gets the response the engine's derive makes for its service (a Lambda: 1 s, SQS: 0.1 s).
  const definition = {
    Comment: 'Nothing mocked',
    StartAt: 'Both',
    States: {
      Both: {
        Type: 'Parallel',
        End: true,
        Branches: [
          { StartAt: 'Resize', States: { Resize: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'resize' }, End: true } } },
          { StartAt: 'Notify', States: { Notify: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: { QueueUrl: 'q', MessageBody: 'hi' }, End: true } } },
        ],
      },
    },
  };
  const { page, context, problems } = await openPage();
  await page.evaluate((definition) => window.statelab.load({ definition, input: {}, mocks: {} }), definition);
  const inPlayground = await runAndWait(page);
  assert.equal(inPlayground.status, 'SUCCEEDED');
  assert.equal(inPlayground.durationMs, 1000);
  assert.deepEqual(Object.keys(JSON.parse((await page.evaluate(() => window.statelab.work())).mocks)), ['Resize', 'Notify'], 'the derived mocks are written into the mocks editor');
  assert.deepEqual(problems, []);

  // The custom element, on the documentation page, and the iframe form: the same run.
  const summary = ({ status, output, durationMs }) => ({ status, output, durationMs });
  const embedRun = async (p, selector) =>
    p.evaluate(async (selector) => {
      const el = document.querySelector(selector);
      const result = await el.run();
      const root = el.shadowRoot;
      return {
        result: result && { status: result.status, output: result.output, durationMs: result.durationMs },
        status: root.querySelector('[data-testid=embed-status]').textContent,
        lanes: [...root.querySelectorAll('[data-testid=timeline-bar][data-kind=attempt]')].map((b) => [b.dataset.state, b.dataset.lane]),
      };
    }, selector);
  await page.goto(`${server.url}docs.html`);
  await page.evaluate((definition) => {
    const el = document.createElement('asl-playground');
    el.id = 'unmocked';
    el.setAttribute('view', 'both');
    el.setAttribute('speed', '100');
    el.setAttribute('definition', JSON.stringify(definition));
    el.setAttribute('mocks', '{}');
    document.body.prepend(el);
  }, definition);
  const inElement = await embedRun(page, '#unmocked');
  assert.deepEqual(inElement.result, summary(inPlayground));
  assert.equal(inElement.status, 'Succeeded in 1 s');
  assert.deepEqual(inElement.lanes.sort(), [
    ['Notify', 'Both/1'],
    ['Resize', 'Both/0'],
  ]);

  await page.goto(`${server.url}frame.html?definition=${encodeURIComponent(JSON.stringify(definition))}&speed=100&view=timeline`);
  await page.waitForFunction(() => document.querySelector('asl-playground')?.shadowRoot);
  const inFrame = await embedRun(page, 'asl-playground');
  assert.deepEqual(inFrame.result, summary(inPlayground));
  assert.equal(inFrame.status, 'Succeeded in 1 s');
  // A mock that is a JS function waits for the reader's consent, as a link's code does in the
  // playground (tests/e2e/embed.test.mjs runs it once allowed).
  await page.evaluate(() => document.querySelector('asl-playground').setAttribute('mocks', JSON.stringify({ Resize: { function: 'async () => ({})' } })));
  const withCode = await embedRun(page, 'asl-playground');
  assert.equal(withCode.result, null);
  assert.match(withCode.status, /^Not run: the mocks hold JavaScript \(for Resize\); read it below, then allow it to run$/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a workflow that hashes and formats with a picture runs in the page, instantly and live: the full engine loads when first needed', async () => {
  const { page, context, problems, requests } = await openPage();
  const full = () => requests.filter((u) => u.endsWith('/pkg/full/statelab_bg.wasm')).length;
  assert.equal(full(), 0, 'an ordinary page does not load the full engine');
  await page.evaluate(() =>
    window.statelab.load({
      definition: {
        QueryLanguage: 'JSONata',
        StartAt: 'Stamp',
        States: {
          Stamp: {
            Type: 'Pass',
            Output: "{% {'day': $fromMillis(0, '[D01]/[M01]/[Y0001]'), 'total': $formatNumber(1234.5, '#,##0.00'), 'md5': $hash('abc', 'MD5')} %}",
            End: true,
          },
        },
      },
      input: {},
    }),
  );
  const want = { day: '01/01/1970', total: '1,234.50', md5: '900150983cd24fb0d6963f7d28e17f72' };
  for (const speed of ['instant', '1']) {
    const result = await runAndWait(page, speed);
    assert.equal(result.status, 'SUCCEEDED', speed);
    assert.deepEqual(result.output, want, speed);
  }
  assert.ok(full() >= 1, 'the full engine was fetched');
  assert.deepEqual(problems, []);
  await context.close();
});
