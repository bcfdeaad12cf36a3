// End-to-end tests of the page's sources (issue #16): a YAML or template definition in the
// editor is read by loadSource on the full engine; the source bar shows its form, a picker of
// its state machines and its substitutions; runs use the resolved definition. A plain JSON
// definition never loads the full engine. Screenshots go to $STATELAB_SHOTS (default: the
// system's temporary directory, statelab-e2e/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setup, openPage, paste, runAndWait, shotsDir } from './page.mjs';

const fixture = (name) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const SHOTS = shotsDir();

setup();

const graphStates = (page) => page.$$eval('[data-testid=graph] .node', (els) => els.map((e) => e.dataset.state).sort());

test('a SAM template with two machines: the form, a picker, the substitutions, the graph and a run', async () => {
  const { page, context, problems, requests } = await openPage();
  const yaml = fixture('shop.sam.yaml');
  await paste(page, 'definition', yaml);
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
  // (The example's mocks are stray for this template: warnings in Mocks, no problem of the definition.)
  assert.deepEqual(await page.$$eval('[data-testid=diagnostics] .diag', (d) => d.map((x) => x.textContent).filter((t) => !t.startsWith('Mocks'))), []);
  await page.screenshot({ path: join(SHOTS, 'sources-sam-template.png') });

  // A run: the Task gets a derived mock, and the Pass state shows the substituted values.
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
  // The template's type decides: the page's type selector shows it and cannot change it.
  assert.equal(await page.$eval('[data-testid=machine-type]', (s) => s.value), 'EXPRESS');
  assert.equal(await page.$eval('[data-testid=machine-type]', (s) => s.disabled), true);

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
  await paste(page, 'definition', fixture('broken.asl.yaml'));
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
  await paste(page, 'definition', 'StartAt: A\nStates:\n  A:\n    Type: Pass\n    Nextt: B\n  B: {Type: Succeed}\n');
  await page.waitForFunction(() => /^Definition 5:/.test(document.querySelector('[data-testid=diagnostics] .diag-where')?.textContent || ''));
  assert.match(await page.textContent('[data-testid=diagnostics]'), /Nextt/);
  assert.equal(await page.textContent('[data-testid=source-form]'), 'ASL (YAML)');
  await context.close();
});

test('a DefinitionUri asks for its file; given, the machine runs', async () => {
  const { page, context } = await openPage();
  await paste(page, 'definition', readFileSync(new URL('../sources/uri.yaml', import.meta.url), 'utf8'));
  await page.waitForSelector('[data-testid=source-file]');
  assert.match(await page.textContent('[data-testid=source-bar]'), /statemachine\/flow\.asl\.yaml/);
  await page.click('[data-testid=run]');
  await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.status === 'ERROR');
  assert.match(await page.textContent('[data-testid=status]'), /DefinitionUri/);
  await page.click('[data-testid=source-file] .cm-content');
  await page.keyboard.insertText(readFileSync(new URL('../sources/statemachine/flow.asl.yaml', import.meta.url), 'utf8'));
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
  await paste(page, 'definition', '{\n  "StartAt": "A",\n  "States": {\n    "A": { "Type": "Pass", "Result": { "ok": true }, "End": true }\n  }\n}\n');
  // Its input given (the example's went with the example's definition: a run would derive
  // one, on the full engine; tests/e2e/derive.test.mjs).
  await page.click('#tab-input');
  await page.click('[data-testid=input-editor] .cm-content');
  await page.keyboard.press('Control+a');
  await page.keyboard.insertText('{"given": true}');
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

test('a mistake in a DefinitionUri file is marked at its line and column in that file', async () => {
  const { page, context, problems } = await openPage();
  await paste(page, 'definition', readFileSync(new URL('../sources/uri.yaml', import.meta.url), 'utf8'));
  await page.waitForSelector('[data-testid=source-file]');
  const broken = 'StartAt: Say\nStates:\n  Say:\n    Type: Pass\n    Result: 42\n    Nextt: Done\n  Done: {Type: Succeed}\n';
  await page.click('[data-testid=source-file] .cm-content');
  await page.keyboard.insertText(broken);
  await page.click('[data-testid=source-file-use]');
  // Listed with the file's name and its own line, and marked there, in the file's editor.
  await page.waitForFunction(() => /^flow/.test(document.querySelector('[data-testid=diagnostics] .diag-where')?.textContent || ''));
  const diag = await page.$('[data-testid=diagnostics] .diag');
  const where = await diag.$eval('.diag-where', (e) => e.textContent);
  assert.match(where, /^flow\.asl\.yaml [36]:\d+$/, where);
  assert.match(await diag.textContent(), /Nextt/);
  const line = Number(where.split(' ')[1].split(':')[0]);
  await page.waitForSelector('[data-testid=source-file] .cm-lintRange-error');
  const marked = await page.$$eval('[data-testid=source-file] .cm-lintRange-error', (es) => es.map((e) => e.closest('.cm-line').textContent));
  assert.ok(marked.includes(broken.split('\n')[line - 1]), JSON.stringify(marked));
  assert.match(await page.textContent('[data-testid=source-problem]'), new RegExp(`^statemachine/flow\\.asl\\.yaml, line ${line}, column`));
  // The definition editor (the template) has no marker: the mistake is not in its text.
  assert.equal(await page.$$eval('[data-testid=definition-editor] .cm-lintRange-error', (e) => e.length), 0);
  // Clicking the problem goes to its place in the file.
  await diag.click();
  const cursorLine = await page.$eval('[data-testid=source-file] .cm-activeLine', (e) => e.textContent);
  assert.equal(cursorLine, broken.split('\n')[line - 1]);
  // The run says where, too.
  await page.click('[data-testid=run]');
  await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.status === 'ERROR');
  assert.match(await page.textContent('[data-testid=status]'), new RegExp(`statemachine/flow\\.asl\\.yaml, line ${line}, column`));
  await page.screenshot({ path: join(SHOTS, 'sources-definition-uri-error.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a YAML definition is highlighted as YAML, a JSON one as JSON', async () => {
  const { page, context } = await openPage();
  // The colour of the token that holds `text` in the definition editor.
  const colour = (text) =>
    page.$$eval(
      '[data-testid=definition-editor] .cm-line span',
      (spans, t) => {
        const s = spans.find((x) => x.textContent === t);
        return s ? getComputedStyle(s).color : null;
      },
      text,
    );
  await paste(page, 'definition', 'StartAt: Hello\nStates:\n  Hello:\n    Type: Pass\n    Result: 42\n    End: true\n');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=definition-editor] .cm-line span')].some((s) => s.textContent === 'StartAt'));
  const key = await colour('StartAt');
  const keyVar = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--code-key').trim());
  const rgb = (hex) => `rgb(${[1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;
  assert.equal(key, rgb(keyVar), 'a YAML key has the colour of keys');
  await page.screenshot({ path: join(SHOTS, 'sources-yaml-highlighted.png') });
  // Back to JSON: highlighted as JSON (a key is a quoted property name).
  await paste(page, 'definition', '{\n  "StartAt": "A",\n  "States": {"A": {"Type": "Pass", "End": true}}\n}\n');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=definition-editor] .cm-line span')].some((s) => s.textContent === '"StartAt"'));
  assert.equal(await colour('"StartAt"'), rgb(keyVar));
  await context.close();
});

test('an ASL with placeholders (dollar and braces) offers the substitution table, runs, and takes an edited value', async () => {
  const { page, context, problems } = await openPage();
  const definition = JSON.stringify(
    {
      StartAt: 'Charge',
      States: {
        Charge: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a placeholder as a pasted ASL has it
          Parameters: { FunctionName: '${ChargeFunctionArn}', Payload: { 'order.$': '$.orderId' } },
          ResultPath: '$.charge',
          Next: 'Tell',
        },
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a placeholder as a pasted ASL has it
        Tell: { Type: 'Pass', Parameters: { topic: '${AlertsTopic}', 'order.$': '$.orderId' }, End: true },
      },
    },
    null,
    2,
  );
  await paste(page, 'definition', definition);
  await page.waitForSelector('[data-testid=source-bar]:not([hidden]) [data-testid=source-substitutions]');
  const subs = await page.$$eval('[data-testid=source-substitutions] tr', (rows) =>
    Object.fromEntries(rows.map((r) => [r.querySelector('input').dataset.name, { value: r.querySelector('input').value, generated: r.dataset.generated === 'true' }])),
  );
  assert.deepEqual(Object.keys(subs).sort(), ['AlertsTopic', 'ChargeFunctionArn']);
  assert.match(subs.ChargeFunctionArn.value, /^arn:aws:lambda:[a-z0-9-]+:\d+:function:/, 'a function ARN, never rejected as an invalid ARN');
  assert.equal(subs.ChargeFunctionArn.generated, true);
  // No input and no mocks: a run derives them, and the Pass shows the substituted value.
  await page.evaluate(() => window.statelab.load({ definition: window.statelab.work().definition, input: '', mocks: '{}' }));
  const result = await runAndWait(page);
  assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result.cause));
  assert.equal(result.output.topic, subs.AlertsTopic.value);
  await page.fill('[data-testid=source-sub][data-name=AlertsTopic]', 'arn:aws:sns:eu-west-1:111122223333:mine');
  await page.press('[data-testid=source-sub][data-name=AlertsTopic]', 'Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=source-substitutions] tr[data-generated=false] [data-name=AlertsTopic]'));
  const again = await runAndWait(page);
  assert.equal(again.output.topic, 'arn:aws:sns:eu-west-1:111122223333:mine');
  assert.deepEqual(problems, []);
  await context.close();
});
