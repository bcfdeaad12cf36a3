// End-to-end tests of the editors' help (issue #18) in Chromium: the mocks checked as the
// user types (a bad mock underlined at its place before any run, and the run refused with
// that place rather than an engine error), "did you mean" on a mock's state name applied as
// a quick fix and taken back by undo, and Format on valid and invalid JSON. Screenshots (light
// and dark) go to $STATELAB_SHOTS (default: the system's temporary directory, statelab-e2e/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setup, openPage, paste, shotsDir, typeText } from './page.mjs';

const SHOTS = shotsDir();

setup();

const DEFINITION = `{
  "StartAt": "ChargeCard",
  "States": {
    "ChargeCard": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Ship" },
    "Ship": { "Type": "Task", "Resource": "arn:aws:states:::sns:publish", "End": true }
  }
}
`;

/** A fresh page (empty storage) in `colorScheme`; its problems are `page.problems`. */
const open = async (colorScheme = 'light') => (await openPage({ colorScheme })).page;

const text = (page, which) => page.evaluate((w) => window.statelab.work()[w], which);
const toast = (page) => page.waitForSelector('[data-testid=toast]:not([hidden])').then(() => page.textContent('[data-testid=toast] .toast-text'));

for (const scheme of ['light', 'dark']) {
  test(`a bad mock is underlined at its place before a run, and the run names the place (${scheme})`, async () => {
    const page = await open(scheme);
    await paste(page, 'definition', DEFINITION);
    const mocks = '{\n  "ChargeCard": {"reslt": {"ok": true}},\n  "Ship": {"result": 1, "latency": -2}\n}';
    await paste(page, 'mocks', mocks);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=mocks-editor] .cm-lintRange-error').length === 2);
    const marked = await page.$$eval('[data-testid=mocks-editor] .cm-lintRange-error', (els) => els.map((e) => e.textContent));
    assert.deepEqual(marked, ['{"reslt": {"ok": true}}', '"latency"']);
    const listed = await page.$$eval('[data-testid=diagnostics] .diag', (els) => els.map((e) => e.textContent));
    assert.ok(
      listed.some((t) => t.startsWith('Mocks 2:17') && t.includes("mocks for state 'ChargeCard', response 0: a response needs 'Return' (or 'result')")),
      listed.join('\n'),
    );
    assert.ok(listed.some((t) => t.startsWith('Mocks 3:25') && t.includes('the latency must be a non-negative number')));
    await page.hover('[data-testid=mocks-editor] .cm-lintRange-error');
    await page.waitForSelector('.cm-tooltip-lint');
    await page.screenshot({ path: join(SHOTS, `editor-mock-diagnostics-${scheme}.png`) });
    const error = await page.evaluate(() =>
      window.statelab.run({ speed: 'instant' }).then(
        () => null,
        (e) => e.message,
      ),
    );
    assert.match(error, /^the mocks have 2 errors; line 2, column 17: mocks for state 'ChargeCard', response 0: /);
    const status = await page.textContent('[data-testid=status]');
    assert.match(status, /Cannot run: the mocks have 2 errors; line 2, column 17/);
    assert.doesNotMatch(status, /Engine error/);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
}

test('a mock named after no Task state: did you mean, fixed in one click, and undo brings the name back', async () => {
  const page = await open();
  await paste(page, 'definition', DEFINITION);
  const mocks = '{\n  "ChargeCrd": {"result": 1},\n  "Ship": {"result": 2}\n}';
  await paste(page, 'mocks', mocks);
  await page.waitForSelector('[data-testid=mocks-editor] .cm-lintRange-warning');
  await page.hover('[data-testid=mocks-editor] .cm-lintRange-warning');
  await page.waitForSelector('.cm-tooltip-lint .cm-diagnosticAction');
  assert.match(await page.textContent('.cm-tooltip-lint'), /No Task state is named 'ChargeCrd': did you mean 'ChargeCard'\?/);
  await page.screenshot({ path: join(SHOTS, 'editor-quick-fix-light.png') });
  await page.click('.cm-tooltip-lint .cm-diagnosticAction');
  await page.waitForFunction(() => window.statelab.work().mocks.includes('"ChargeCard"'));
  assert.equal(await text(page, 'mocks'), mocks.replace('ChargeCrd', 'ChargeCard'));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=mocks-editor] .cm-lintRange-warning').length === 0);
  await page.click('[data-testid=mocks-editor] .cm-content');
  await page.keyboard.press('Control+z');
  await page.waitForFunction((m) => window.statelab.work().mocks === m, mocks);
  // The keyboard way: the problems panel (Ctrl-Shift-M) lists it with its fix.
  await page.keyboard.press('Control+Shift+KeyM');
  await page.waitForSelector('.cm-panel.cm-panel-lint .cm-diagnosticAction');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

for (const scheme of ['light', 'dark']) {
  test(`Format pretty-prints JSON keeping its key order, undo takes it back, and invalid JSON is left alone (${scheme})`, async () => {
    const page = await open(scheme);
    const mocks = '{"ChargeCard":{"result":{"b":1.0,"a":[ ]}},"0":{"result":"x"}}';
    await paste(page, 'mocks', mocks);
    await page.click('[data-testid=format]');
    const pretty = '{\n  "ChargeCard": {\n    "result": {\n      "b": 1.0,\n      "a": []\n    }\n  },\n  "0": {\n    "result": "x"\n  }\n}\n';
    await page.waitForFunction((p) => window.statelab.work().mocks === p, pretty);
    await page.screenshot({ path: join(SHOTS, `editor-format-${scheme}.png`) });
    await page.click('[data-testid=mocks-editor] .cm-content');
    await page.keyboard.press('Control+z');
    await page.waitForFunction((m) => window.statelab.work().mocks === m, mocks);
    // Shift+Alt+F in the definition editor.
    const def = '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}';
    await paste(page, 'definition', def);
    await page.keyboard.press('Shift+Alt+F');
    await page.waitForFunction(() => window.statelab.work().definition.startsWith('{\n  "StartAt": "A",\n  "States": {\n'));
    // Invalid JSON: nothing changes, and the toast says why.
    const bad = '{"a": 1,}';
    await paste(page, 'input', bad);
    await page.click('[data-testid=format]');
    assert.match(await toast(page), /^The input is not valid JSON, nothing was changed: /);
    assert.equal(await text(page, 'input'), bad);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
}

const TASK = `{
  "StartAt": "A",
  "States": {
    "A": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "End": true
    }
  }
}
`;

/** The problems listed for the definition. */
const definitionProblems = (page) => page.$$eval('[data-testid=diagnostics] .diag', (els) => els.map((e) => e.textContent).filter((t) => t.startsWith('Definition')));

/** Put the definition editor's cursor at the end of the line holding `text`. */
async function cursorAfter(page, text) {
  await page.evaluate(async (t) => {
    const { EditorView } = await import('/vendor/codemirror.js');
    const view = EditorView.findFromDOM(document.querySelector('[data-testid=definition-editor] .cm-editor'));
    const at = view.state.doc.toString().indexOf(t) + t.length;
    view.dispatch({ selection: { anchor: at } });
    view.focus();
  }, text);
}

/** The editor's help is loaded at the first focus (not before: the first paint has none of it). */
async function helpLoaded(page) {
  await page.waitForSelector('[data-testid=definition-editor] .cm-editor[data-help=on]');
}

for (const scheme of ['light', 'dark']) {
  test(`completion offers the fields of the state's Type, and inserting one keeps the definition valid (${scheme})`, async () => {
    const page = await open(scheme);
    const loaded = await page.evaluate(() => performance.getEntriesByType('resource').some((e) => /assist\.js$/.test(e.name)));
    assert.equal(loaded, false, 'the help is not loaded before an editor has the focus');
    await paste(page, 'definition', TASK);
    await helpLoaded(page);
    await cursorAfter(page, '"End": true');
    await page.keyboard.type(',');
    await page.keyboard.press('Enter');
    await page.keyboard.type('"');
    await page.waitForSelector('.cm-tooltip-autocomplete');
    const labels = await page.$$eval('.cm-tooltip-autocomplete .cm-completionLabel', (els) => els.map((e) => e.textContent));
    for (const f of ['Next', 'Retry', 'Catch', 'TimeoutSeconds', 'HeartbeatSeconds', 'ResultSelector', 'Comment']) assert.ok(labels.includes(f), `${f} in ${labels}`);
    for (const f of ['Type', 'Resource', 'End', 'Seconds', 'Choices', 'Branches', 'ItemProcessor']) assert.ok(!labels.includes(f), `${f} not offered`);
    await page.keyboard.type('Time');
    await page.waitForFunction(() => document.querySelector('.cm-tooltip-autocomplete .cm-completionLabel')?.textContent === 'TimeoutSeconds');
    await page.screenshot({ path: join(SHOTS, `editor-completion-${scheme}.png`) });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.statelab.work().definition.includes('"TimeoutSeconds": 60'));
    const def = await text(page, 'definition');
    assert.equal(JSON.parse(def).States.A.TimeoutSeconds, 60);
    // Valid: the engine's diagnostics are none.
    await page.waitForTimeout(600);
    assert.deepEqual(await definitionProblems(page), []);
    // A value: Type offers the state types.
    await page.evaluate(async () => {
      const { EditorView } = await import('/vendor/codemirror.js');
      const view = EditorView.findFromDOM(document.querySelector('[data-testid=definition-editor] .cm-editor'));
      const at = view.state.doc.toString().indexOf('"Task"') + 1;
      view.dispatch({ selection: { anchor: at, head: at + 4 } });
    });
    await page.keyboard.type('W');
    await page.waitForSelector('.cm-tooltip-autocomplete');
    assert.deepEqual(await page.$$eval('.cm-tooltip-autocomplete .cm-completionLabel', (els) => els.map((e) => e.textContent)), ['Wait']);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  test(`hover shows a field's words with the guide's page (${scheme})`, async () => {
    const page = await open(scheme);
    await paste(page, 'definition', TASK);
    await helpLoaded(page);
    // (The mouse moved onto the key, again if a lint's update closed the first tooltip.)
    let doc = null;
    for (let i = 0; i < 5 && !doc; i++) {
      await page.mouse.move(5, 5);
      await page.locator('[data-testid=definition-editor] .cm-line span', { hasText: '"Resource"' }).first().hover();
      doc = await page.waitForSelector('[data-testid=hover-doc]', { timeout: 2000 }).catch(() => null);
    }
    assert.ok(doc, 'the hover docs show');
    const words = await doc.textContent();
    assert.match(words, /^Resource/);
    assert.match(words, /service integration ARN/);
    assert.match(words, /AWS Step Functions developer guide: Task workflow state/);
    await page.screenshot({ path: join(SHOTS, `editor-hover-${scheme}.png`) });
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
}

test("a definition's quick fix: MaxAttempt becomes MaxAttempts in one click, and undo brings it back", async () => {
  const page = await open();
  const def = TASK.replace('"End": true', '"Retry": [{ "ErrorEquals": ["States.ALL"], "MaxAttempt": 2 }],\n      "End": true');
  await paste(page, 'definition', def);
  await page.waitForSelector('[data-testid=definition-editor] .cm-lintRange-error');
  await page.hover('[data-testid=definition-editor] .cm-lintRange-error');
  await page.waitForSelector('.cm-tooltip-lint .cm-diagnosticAction');
  assert.match(await page.textContent('.cm-tooltip-lint'), /The field 'MaxAttempt' is not supported in a retrier.*Did you mean 'MaxAttempts'\?/);
  assert.equal(await page.textContent('.cm-tooltip-lint .cm-diagnosticAction'), "Change to 'MaxAttempts'");
  // The list of problems under the editors asks it too.
  await page.waitForFunction(() => /Did you mean 'MaxAttempts'\?/.test(document.querySelector('[data-testid=diagnostics]').textContent));
  await page.screenshot({ path: join(SHOTS, 'editor-definition-fix-light.png') });
  await page.click('.cm-tooltip-lint .cm-diagnosticAction');
  await page.waitForFunction(() => window.statelab.work().definition.includes('"MaxAttempts": 2'));
  await page.waitForFunction(() => ![...document.querySelectorAll('[data-testid=diagnostics] .diag-where')].some((e) => e.textContent.startsWith('Definition')));
  await page.click('[data-testid=definition-editor] .cm-content');
  await page.keyboard.press('Control+z');
  await page.waitForFunction((d) => window.statelab.work().definition === d, def);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test("the editor's help arriving while a string is typed waits for it to close: the closing quote is not paired", async () => {
  const { page } = await openPage();
  // The help's module (closing brackets, completion) held back until half the text is typed.
  let release;
  const gate = new Promise((r) => (release = r));
  await page.route(/app\/editor\/assist\.js$/, async (route) => {
    await gate;
    await route.continue();
  });
  await page.evaluate(() =>
    window.statelab.load({ definition: '{"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}}', mocks: {} }),
  );
  await page.click('#tab-mocks');
  await page.click('[data-testid=mocks-editor] .cm-content');
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  const typed = '{"Call": {"function": "async () => ({ Payload: { typed: 1 } })"}}';
  const half = typed.indexOf('Payload');
  await page.keyboard.type(typed.slice(0, half));
  release();
  await page.waitForTimeout(900); // (the module is in; typing paused, but inside a string)
  assert.equal(await page.$eval('[data-testid=mocks-editor] .cm-editor', (e) => e.dataset.help), undefined);
  await page.keyboard.type(typed.slice(half));
  await page.waitForSelector('[data-testid=mocks-editor] .cm-editor[data-help=on]');
  assert.equal(await text(page, 'mocks'), typed);
  // On now: a bracket typed is closed.
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('[');
  assert.equal(await text(page, 'mocks'), `${typed}\n[]`);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

for (const scheme of ['light', 'dark']) {
  test(`a function mock written as multi-line code in its editor round-trips, and the run uses it (${scheme})`, async () => {
    const page = await open(scheme);
    await paste(
      page,
      'definition',
      '{\n  "StartAt": "ChargeCard",\n  "States": {\n    "ChargeCard": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true }\n  }\n}\n',
    );
    // Typed keystroke by keystroke: the user's code (a paste would wait for consent).
    const mocksTyped = '{"ChargeCard": {"function": "async (input) => ({ total: 0 })"}}';
    await typeText(page, 'mocks', mocksTyped);
    await page.click('[data-testid=edit-function]');
    await page.waitForSelector('[data-testid=code-dialog] .cm-content');
    assert.equal(await page.textContent('[data-testid=code-dialog] .cm-content'), 'async (input) => ({ total: 0 })');
    await page.click('[data-testid=code-dialog] .cm-content');
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Delete');
    // (Brackets close as you type and Enter indents: the lines come out as a person's would.)
    await page.keyboard.type('async (input, context) => {');
    await page.keyboard.press('Enter');
    await page.keyboard.type('const total = 2 + 3;');
    await page.keyboard.press('Enter');
    await page.keyboard.type('return { total, state: context.state };');
    const code = 'async (input, context) => {\n  const total = 2 + 3;\n  return { total, state: context.state };\n}';
    assert.deepEqual(await page.$$eval('[data-testid=code-dialog] .cm-line', (els) => els.map((e) => e.textContent)), code.split('\n'));
    await page.screenshot({ path: join(SHOTS, `editor-function-code-${scheme}.png`) });
    await page.click('[data-testid=code-apply]');
    await page.waitForFunction(() => !document.querySelector('[data-testid=code-dialog]'));
    const mocks = JSON.parse(await text(page, 'mocks'));
    assert.equal(mocks.ChargeCard.function, code);
    assert.match(await text(page, 'mocks'), /"function": "async \(input, context\) => \{\\n {2}const total = 2 \+ 3;\\n/);
    // Typed by the user: it runs without asking, and the run uses it.
    const result = await page.evaluate(() => window.statelab.run({ speed: 'instant' }));
    assert.equal(result.status, 'SUCCEEDED');
    assert.deepEqual(typeof result.output === 'string' ? JSON.parse(result.output) : result.output, { total: 5, state: 'ChargeCard' });
    assert.equal(await page.$eval('#consent', (e) => e.hidden), true);
    // Opened again: the same lines. Undo in the mocks editor takes the edit back.
    await page.click('[data-testid=edit-function]');
    await page.waitForSelector('[data-testid=code-dialog] .cm-content');
    assert.deepEqual(await page.$$eval('[data-testid=code-dialog] .cm-line', (els) => els.map((e) => e.textContent)), code.split('\n'));
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('[data-testid=code-dialog]'));
    await page.click('[data-testid=mocks-editor] .cm-content');
    await page.keyboard.press('Control+z');
    await page.waitForFunction(() => window.statelab.work().mocks.includes('({ total: 0 })'));
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
}

test('code that was not typed here stays foreign through the code editor: the run asks for consent', async () => {
  const page = await open();
  await page.evaluate(() =>
    window.statelab.load(
      {
        definition: '{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}}',
        input: '{}',
        mocks: '{"A": {"function": "async () => ({ from: \\"a link\\" })"}}',
      },
      { trusted: false },
    ),
  );
  await page.waitForSelector('#consent:not([hidden])');
  await page.click('#tab-mocks');
  await page.click('[data-testid=edit-function]');
  await page.waitForSelector('[data-testid=code-dialog] .cm-content');
  await page.click('[data-testid=code-apply]');
  await page.waitForFunction(() => !document.querySelector('[data-testid=code-dialog]'));
  await page.waitForTimeout(400);
  assert.equal(await page.$eval('#consent', (e) => e.hidden), false, 'still waiting for consent');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test("a definition over AWS's 1,048,576 characters is listed with AWS's refusal at the first character past the limit", async () => {
  const page = await open();
  const base = '{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}, "Comment": "';
  await paste(page, 'definition', `${base}\n${'x'.repeat(1048576)}"}`);
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=diagnostics] .diag')].some((e) => e.textContent.includes('1048576')));
  const listed = await definitionProblems(page);
  assert.deepEqual(listed, [
    `Definition 2:${1048576 - base.length}1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to 1048576`,
  ]);
  await page.screenshot({ path: join(SHOTS, 'editor-definition-too-long.png') });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
