// End-to-end tests of "paste and run" (issue #16) in Chromium: a workflow without an input
// or mocks runs, with what the engine's derive makes from the definition written into the
// input and mocks editors, marked as generated; the user's edits win over it; and the page
// gives the same events as `statelab run FILE --auto --json` with the same seed (the CLI
// built at target/release/statelab, or $STATELAB_CLI). Screenshots go to $STATELAB_SHOTS
// (default: the system's temporary directory, statelab-e2e/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './server.mjs';
import { launch } from './browser.mjs';

const fixturePath = (name) => fileURLToPath(new URL(`fixtures/derive/${name}`, import.meta.url));
const fixture = (name) => readFileSync(fixturePath(name), 'utf8');
const SHOTS = process.env.STATELAB_SHOTS || join(tmpdir(), 'statelab-e2e');
mkdirSync(SHOTS, { recursive: true });
// The CLI scripts/test-e2e.sh builds (as tests/e2e/playground.test.mjs finds it).
const CLI = [
  process.env.STATELAB_CLI,
  process.env.STATELAB_BIN,
  `${process.env.CARGO_TARGET_DIR || fileURLToPath(new URL('../../target', import.meta.url))}/release/statelab`,
].find((p) => p && existsSync(p));

let server;
let browser;

before(async () => {
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function openPage() {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console.error: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  context.on('request', (r) => requests.push(r.url()));
  await page.goto(server.url);
  await page.evaluate(() => window.statelab.ready);
  await page.waitForFunction(() => window.statelab.loading === 0);
  return { page, context, problems, requests };
}

/** Replace an editor's text as a paste does. */
async function paste(page, which, text) {
  await page.click(`#tab-${which}`);
  await page.click(`[data-testid=${which}-editor] .cm-content`);
  await page.keyboard.press('Control+a');
  await page.keyboard.insertText(text);
}

async function runAndWait(page) {
  await page.selectOption('[data-testid=speed]', 'instant');
  const before = await page.evaluate(() => window.statelab.runsEnded);
  await page.click('[data-testid=run]');
  await page.waitForFunction((n) => window.statelab.runsEnded > n, before, { timeout: 30000 });
  return page.evaluate(() => window.statelab.result);
}

const work = (page) => page.evaluate(() => window.statelab.work());
const note = (page) => page.$eval('[data-testid=generated-note]', (e) => (e.hidden ? '' : e.textContent));
/** The text of the lines marked as generated in an editor. */
const markedLines = (page, which) => page.$$eval(`[data-testid=${which}-editor] .cm-line.cm-generated`, (ls) => ls.map((l) => l.textContent));

/** The CLI's events for a definition with --auto: what it derives, run with the seed. */
function cliRun(file, seed) {
  const out = execFileSync(CLI, ['run', file, '--auto', '--json', '--seed', String(seed)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out);
}

/** Events as the CLI prints them: without the fields the page's shape adds (ms, lane, state). */
const cliShape = (events) => events.map(({ ms, lane, state, ...rest }) => rest);

test('a workflow pasted over the example runs: the derived input and mocks are in the editors, marked as generated', async () => {
  const { page, context, problems, requests } = await openPage();
  assert.equal((await work(page)).mocks.includes('Resize'), true, 'the first example is loaded, with its mocks');
  const definition = fixture('lambda-choice.asl.json');
  await paste(page, 'definition', definition);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=graph] .node[data-state=CheckOrder]').length === 1);
  const result = await runAndWait(page);
  assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result.error ?? result.cause));
  assert.ok(
    requests.some((u) => u.endsWith('/pkg/full/statelab_bg.wasm')),
    'derive runs on the full engine',
  );

  // The input: the example's went with the example's definition; the derived one holds what
  // the workflow reads, and the graph's run used it.
  const w = await work(page);
  const input = JSON.parse(w.input);
  assert.equal(typeof input.orderId, 'string');
  assert.equal(typeof input.customer?.email, 'string');
  assert.deepEqual(result.output.orderId, input.orderId);
  // The mocks: the example's stay (they are the user's), the two Tasks got theirs, in AWS's shape.
  const mocks = JSON.parse(w.mocks);
  assert.ok(mocks.Resize, 'the mocks already there are kept');
  assert.equal(mocks.CheckOrder.result.Payload.status, 'APPROVED');
  assert.equal(mocks.CheckOrder.result.StatusCode, 200);
  assert.equal(typeof mocks.Ship.result.MessageId, 'string');
  // Kept with the work (and so in links): which parts were generated.
  assert.deepEqual(Object.keys(w.generated.mocks).sort(), ['CheckOrder', 'Ship']);
  assert.equal(w.generated.input.from, 'statelab');

  // Marked: the note over the editor, and the generated lines.
  await page.click('#tab-input');
  assert.match(await note(page), /Generated by statelab from the definition: this input — edit it to make it yours/);
  const inputLines = await markedLines(page, 'input');
  assert.equal(inputLines.length, w.input.trimEnd().split('\n').length, 'every line of the input is marked');
  await page.screenshot({ path: join(SHOTS, 'derive-input.png') });
  await page.click('#tab-mocks');
  assert.match(await note(page), /the mocks of CheckOrder, Ship — edit one to make it yours/);
  const mockLines = (await markedLines(page, 'mocks')).join('\n');
  assert.match(mockLines, /"CheckOrder"/);
  assert.doesNotMatch(mockLines, /"Resize"/, 'the mocks the user had are not marked');
  // (The generated mocks come after the example's: shown for the screenshot.)
  await page.$eval('[data-testid=mocks-editor] .cm-line.cm-generated', (l) => {
    l.closest('.cm-scroller').scrollTop = l.offsetTop - 40;
  });
  await page.screenshot({ path: join(SHOTS, 'derive-mocks.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test("an edited generated mock is the user's: the next runs keep it, the untouched ones follow the definition", async () => {
  const { page, context } = await openPage();
  await page.evaluate((definition) => window.statelab.load({ definition }), fixture('lambda-choice.asl.json'));
  const first = await runAndWait(page);
  assert.equal(first.status, 'SUCCEEDED');
  // The user makes the check reject the order.
  const mocks = (await work(page)).mocks;
  assert.match(mocks, /"APPROVED"/);
  await paste(page, 'mocks', mocks.replace('"APPROVED"', '"REJECTED"'));
  await page.waitForFunction(() => !/CheckOrder/.test(document.querySelector('[data-testid=generated-note]').textContent));
  assert.match(await note(page), /the mock of Ship — edit it/);
  const second = await runAndWait(page);
  assert.equal(second.status, 'FAILED');
  assert.equal(second.error, 'OrderRejected');
  let w = await work(page);
  assert.equal(JSON.parse(w.mocks).CheckOrder.result.Payload.status, 'REJECTED', 'the run did not write over the edit');
  assert.deepEqual(Object.keys(w.generated.mocks), ['Ship']);
  // The definition changes (Ship reads another field of its response, and of the check): the
  // untouched mock of Ship is derived again, the user's mock of CheckOrder stays as it is.
  const changed = fixture('lambda-choice.asl.json')
    .replace('"carrier.$": "$.check.Payload.carrier"', '"carrier.$": "$.check.Payload.carrier", "eta.$": "$.check.Payload.eta"')
    .replace('"messageId.$": "$.MessageId"', '"messageId.$": "$.MessageId", "sequence.$": "$.SequenceNumber"');
  assert.equal(JSON.parse((await work(page)).mocks).Ship.result.SequenceNumber, undefined);
  await paste(page, 'definition', changed);
  await page.waitForFunction((t) => window.statelab.work().definition === t, changed);
  const third = await runAndWait(page);
  assert.equal(third.status, 'FAILED');
  w = await work(page);
  const after = JSON.parse(w.mocks);
  assert.equal(after.CheckOrder.result.Payload.status, 'REJECTED');
  assert.equal('eta' in after.CheckOrder.result.Payload, false, "the user's mock is not completed behind their back");
  assert.ok('SequenceNumber' in after.Ship.result, JSON.stringify(after.Ship));
  assert.deepEqual(Object.keys(w.generated.mocks), ['Ship']);
  // The input the user typed is theirs too.
  await paste(page, 'input', '{"orderId": "mine", "customer": {"email": "me@example.com"}}');
  await runAndWait(page);
  assert.equal((await work(page)).input, '{"orderId": "mine", "customer": {"email": "me@example.com"}}');
  assert.equal((await work(page)).generated?.input ?? null, null);
  await context.close();
});

test('"Fill in N missing mocks" uses the same derive, and leaves the input alone', async () => {
  const { page, context } = await openPage();
  await page.evaluate((definition) => window.statelab.load({ definition }), fixture('map-items.asl.json'));
  await page.click('#tab-mocks');
  await page.waitForFunction(() => document.querySelector('[data-testid=fill-mocks]').textContent === 'Fill in 2 missing mocks');
  await page.click('[data-testid=fill-mocks]');
  await page.waitForFunction(() => document.querySelector('[data-testid=fill-mocks]').textContent === 'Every Task has a mock');
  const w = await work(page);
  assert.deepEqual(Object.keys(JSON.parse(w.mocks)), ['Resize', 'Notify']);
  assert.equal(w.input, '{}', 'the button fills mocks only');
  assert.match(await note(page), /the mocks of Resize, Notify/);
  await context.close();
});

test('the page gives the events of `statelab run --auto` with the same seed', async () => {
  assert.ok(CLI, 'the CLI is built (cargo build --release; scripts/test-e2e.sh does it)');
  const { page, context, problems } = await openPage();
  const seed = 7;
  for (const name of ['lambda-choice.asl.json', 'map-items.asl.json', 'jsonata.asl.json']) {
    await page.evaluate((definition) => window.statelab.load({ definition, input: '', mocks: '{}' }), fixture(name));
    await page.fill('[data-testid=seed]', String(seed));
    await page.waitForFunction((s) => window.statelab.work().settings.seed === s, seed);
    const result = await runAndWait(page);
    const cli = cliRun(fixturePath(name), seed);
    assert.equal(result.status, cli.status, name);
    assert.equal(result.status, 'SUCCEEDED', `${name}: ${result.error} ${result.cause}`);
    // The same history: every event, its type, time and details.
    assert.deepEqual(
      result.events.map((e) => e.type),
      cli.events.map((e) => e.type),
      name,
    );
    assert.deepEqual(cliShape(result.events), cli.events, name);
    assert.deepEqual(result.output, cli.output, name);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test("the first example's run does not load the full engine (it has its input and mocks)", async () => {
  const { page, context, requests } = await openPage();
  const result = await page.evaluate(() => window.statelab.run({ speed: 'instant' }));
  assert.equal(result.status, 'SUCCEEDED');
  assert.deepEqual(
    requests.filter((u) => u.includes('/pkg/full/')),
    [],
  );
  const g = (await work(page)).generated;
  assert.deepEqual([g.input.from, g.mocks], ['example', {}], "nothing was generated: the input is the example's");
  await context.close();
});

test('the type selector runs a pasted definition as an EXPRESS machine: the express ARN, the same events as the CLI, kept with the work', async () => {
  const { page, context, problems } = await openPage();
  const definition = JSON.stringify({
    StartAt: 'Who',
    States: { Who: { Type: 'Pass', Parameters: { 'id.$': '$$.Execution.Id', 'machine.$': '$$.StateMachine.Id' }, End: true } },
  });
  await page.evaluate((d) => window.statelab.load({ definition: d, input: '{}', mocks: '{}' }), definition);
  const standard = await runAndWait(page);
  assert.match(standard.output.id, /:execution:/);
  await page.selectOption('[data-testid=machine-type]', 'EXPRESS');
  const express = await runAndWait(page);
  assert.equal(express.status, 'SUCCEEDED');
  assert.match(express.output.id, /^arn:aws:states:[^:]+:\d+:express:[^:]+:[^:]+:[0-9a-f-]+$/, express.output.id);
  assert.equal((await work(page)).settings.type, 'EXPRESS', 'kept with the work (saved, in links)');
  // The CLI with --type EXPRESS gives the same ARN for the same seed.
  const file = join(SHOTS, 'express.asl.json');
  (await import('node:fs')).writeFileSync(file, definition);
  const seed = String((await work(page)).settings.seed);
  const cli = JSON.parse(execFileSync(CLI, ['run', file, '--type', 'EXPRESS', '--json', '--seed', seed], { encoding: 'utf8' }));
  assert.deepEqual(cli.output, express.output);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a pasted workflow whose distributed Map reads S3 with an ItemReader runs on files statelab makes up, as the CLI does', async () => {
  const { page, context, problems } = await openPage();
  const file = fileURLToPath(new URL('../auto/item-reader.asl.json', import.meta.url));
  await page.evaluate((definition) => window.statelab.load({ definition, input: '', mocks: '{}' }), readFileSync(file, 'utf8'));
  const seed = 3;
  await page.fill('[data-testid=seed]', String(seed));
  await page.waitForFunction((s) => window.statelab.work().settings.seed === s, seed);
  const result = await runAndWait(page);
  assert.equal(result.status, 'SUCCEEDED', `${result.error} ${result.cause}`);
  const mocks = JSON.parse((await work(page)).mocks);
  assert.ok(mocks.Files && Object.keys(mocks.Files).length >= 2, 'the made-up files are in the mocks editor, to edit');
  const cli = cliRun(file, seed);
  assert.deepEqual(
    result.events.map((e) => e.type),
    cli.events.map((e) => e.type),
  );
  assert.deepEqual(problems, []);
  await context.close();
});
