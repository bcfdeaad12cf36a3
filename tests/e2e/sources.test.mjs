// End-to-end tests of the page's sources (issue #16): a YAML or template definition in the
// editor is read by loadSource on the full engine; the source bar shows its form, a picker of
// its state machines and its substitutions; runs use the resolved definition. A plain JSON
// definition never loads the full engine. Screenshots go to $STATELAB_SHOTS (default: the
// system's temporary directory, statelab-e2e/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from './server.mjs';
import { launch } from './browser.mjs';

const fixture = (name) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const SHOTS = process.env.STATELAB_SHOTS || join(tmpdir(), 'statelab-e2e');
mkdirSync(SHOTS, { recursive: true });

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
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
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

/** Replace the definition editor's text as a paste does. */
async function paste(page, text) {
  await page.click('[data-testid=definition-editor] .cm-content');
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

const graphStates = (page) => page.$$eval('[data-testid=graph] .node', (els) => els.map((e) => e.dataset.state).sort());

test('a SAM template with two machines: the form, a picker, the substitutions, the graph and a run', async () => {
  const { page, context, problems, requests } = await openPage();
  const yaml = fixture('shop.sam.yaml');
  await paste(page, yaml);
  await page.waitForSelector('[data-testid=source-bar]:not([hidden]) [data-testid=source-form]');
  assert.equal(await page.textContent('[data-testid=source-form]'), 'SAM template (YAML)');
  assert.deepEqual(await page.$$eval('[data-testid=source-machine] option', (o) => o.map((x) => x.value)), ['Checkout', 'Refund']);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=graph] .node[data-state=Ship]').length === 1);
  assert.deepEqual(await graphStates(page), ['Price', 'Ship']);
  assert.ok(
    requests.some((u) => u.endsWith('/pkg/full/statelab_bg.wasm')),
    'the full engine was loaded for the template',
  );
  // The substitutions: the ARN from DefinitionSubstitutions (a made-up ARN for !GetAtt) and
  // ${Warehouse}, made up.
  const subs = await page.$$eval('[data-testid=source-substitutions] tr', (rows) =>
    Object.fromEntries(rows.map((r) => [r.querySelector('input').dataset.name, { value: r.querySelector('input').value, generated: r.dataset.generated === 'true' }])),
  );
  assert.equal(subs.Warehouse.generated, true);
  assert.ok(subs.Warehouse.value.length > 0);
  assert.match(subs.PriceFunctionArn.value, /^arn:aws:lambda:/);
  assert.deepEqual(await page.$$eval('[data-testid=diagnostics] .diag', (d) => d.map((x) => x.textContent)), []);
  await page.screenshot({ path: join(SHOTS, 'sources-sam-template.png') });

  // A run: the Task gets a default mock, and the Pass state shows the substituted values.
  const result = await runAndWait(page);
  assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result.error ?? result.cause));
  assert.equal(result.output.warehouse, subs.Warehouse.value);
  assert.equal(result.output.function, subs.PriceFunctionArn.value);
  // The editor keeps the YAML as pasted.
  assert.equal((await page.evaluate(() => window.statelab.work())).definition, yaml);

  // Editing a substitution resolves again with it: the next run uses it, the table says it is the user's.
  await page.fill('[data-testid=source-sub][data-name=Warehouse]', 'Rotterdam');
  await page.press('[data-testid=source-sub][data-name=Warehouse]', 'Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=source-substitutions] tr[data-generated=false] [data-name=Warehouse]'));
  const again = await runAndWait(page);
  assert.equal(again.status, 'SUCCEEDED');
  assert.equal(again.output.warehouse, 'Rotterdam');
  // Kept with the work (saved, and in share links).
  assert.deepEqual((await page.evaluate(() => window.statelab.work())).source.overrides, { Warehouse: 'Rotterdam' });
  await page.screenshot({ path: join(SHOTS, 'sources-substitution-edited.png') });

  // The other machine: an EXPRESS one.
  await page.selectOption('[data-testid=source-machine]', 'Refund');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=graph] .node[data-state=GiveBack]').length === 1);
  const refund = await runAndWait(page);
  assert.equal(refund.status, 'SUCCEEDED');
  assert.equal(refund.output, 'refunded');
  assert.match(await page.textContent('[data-testid=source-bar]'), /EXPRESS/);

  // A share link brings it all back: the YAML, the machine picked, the substitution.
  const url = await page.evaluate(() => window.statelab.share());
  const other = await context.newPage();
  await other.goto(url);
  await other.evaluate(() => window.statelab.ready);
  await other.waitForFunction(() => document.querySelectorAll('[data-testid=graph] .node[data-state=GiveBack]').length === 1);
  const shared = await other.evaluate(() => window.statelab.work());
  assert.equal(shared.definition, yaml);
  assert.deepEqual(shared.source, { machine: 'Refund', overrides: { Warehouse: 'Rotterdam' }, files: {} });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a YAML error is marked at its line, and the run says where', async () => {
  const { page, context } = await openPage();
  await paste(page, fixture('broken.asl.yaml'));
  const diag = await page.waitForSelector('[data-testid=diagnostics] .diag');
  const where = await diag.$eval('.diag-where', (e) => e.textContent);
  assert.match(where, /^Definition [67]:\d+$/, where);
  await page.waitForSelector('[data-testid=definition-editor] .cm-lintRange-error');
  // The marker sits on the line the diagnostic names.
  const line = Number(where.split(' ')[1].split(':')[0]);
  const marked = await page.$eval('[data-testid=definition-editor] .cm-lintRange-error', (e) => e.closest('.cm-line').textContent);
  assert.equal(marked, fixture('broken.asl.yaml').split('\n')[line - 1]);
  assert.match(await page.textContent('[data-testid=source-problem]'), new RegExp(`Line ${line}`));
  await page.screenshot({ path: join(SHOTS, 'sources-yaml-error.png') });
  await page.click('[data-testid=run]');
  await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.status === 'ERROR');
  assert.match(await page.textContent('[data-testid=status]'), new RegExp(`line ${line}, column`));
  // A mistake in a state of a valid YAML definition is placed at its YAML line too.
  await paste(page, 'StartAt: A\nStates:\n  A:\n    Type: Pass\n    Nextt: B\n  B: {Type: Succeed}\n');
  await page.waitForFunction(() => /^Definition 5:/.test(document.querySelector('[data-testid=diagnostics] .diag-where')?.textContent || ''));
  assert.match(await page.textContent('[data-testid=diagnostics]'), /Nextt/);
  assert.equal(await page.textContent('[data-testid=source-form]'), 'ASL (YAML)');
  await context.close();
});

test('a DefinitionUri asks for its file; given, the machine runs', async () => {
  const { page, context } = await openPage();
  await paste(page, readFileSync(new URL('../sources/uri.yaml', import.meta.url), 'utf8'));
  await page.waitForSelector('[data-testid=source-file]');
  assert.match(await page.textContent('[data-testid=source-bar]'), /statemachine\/flow\.asl\.yaml/);
  await page.click('[data-testid=run]');
  await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.status === 'ERROR');
  assert.match(await page.textContent('[data-testid=status]'), /DefinitionUri/);
  await page.fill('[data-testid=source-file]', readFileSync(new URL('../sources/statemachine/flow.asl.yaml', import.meta.url), 'utf8'));
  await page.click('[data-testid=source-file-use]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=graph] .node').length > 0 && !document.querySelector('[data-testid=source-file]').closest('.needed'));
  const result = await runAndWait(page);
  assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result));
  await context.close();
});

test('a file dropped on the editor is loaded, and Ctrl-Z brings back the text before', async () => {
  const { page, context } = await openPage();
  const before = (await page.evaluate(() => window.statelab.work())).definition;
  const yaml = fixture('shop.sam.yaml');
  const dt = await page.evaluateHandle((text) => {
    const d = new DataTransfer();
    d.items.add(new File([text], 'template.yaml', { type: 'application/yaml' }));
    return d;
  }, yaml);
  await page.dispatchEvent('[data-testid=definition-editor] .cm-content', 'drop', { dataTransfer: dt });
  await page.waitForFunction((y) => window.statelab.work().definition === y, yaml);
  await page.waitForSelector('[data-testid=source-machine]');
  await page.click('[data-testid=definition-editor] .cm-content');
  await page.keyboard.press('Control+z');
  await page.waitForFunction((b) => window.statelab.work().definition === b, before);
  await page.waitForFunction(() => document.querySelector('[data-testid=source-bar]').hidden);
  await context.close();
});

test('a plain JSON definition does not load the full engine', async () => {
  const { page, context, requests } = await openPage();
  await paste(page, '{\n  "StartAt": "A",\n  "States": {\n    "A": { "Type": "Pass", "Result": { "ok": true }, "End": true }\n  }\n}\n');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=graph] .node[data-state=A]').length === 1);
  const result = await runAndWait(page);
  assert.equal(result.status, 'SUCCEEDED');
  assert.deepEqual(result.output, { ok: true });
  assert.ok(await page.$eval('[data-testid=source-bar]', (e) => e.hidden));
  assert.ok(requests.some((u) => u.endsWith('/pkg/statelab_bg.wasm')));
  assert.deepEqual(
    requests.filter((u) => u.includes('/pkg/full/')),
    [],
  );
  await context.close();
});
