// End-to-end tests in Chromium of what issue #18's last note left: completion and hover in a
// YAML definition (and in a SAM template's Definition block), hover on $states members and on
// Resource ARNs (JSON and YAML), the Format button never over the text, the page at 390 px
// (panes stacked, no sideways scroll), and the graph's minimap worked by the keyboard.
// Screenshots (light and dark) go to $STATELAB_SHOTS (default: the system's temporary
// directory, statelab-e2e/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serve } from './server.mjs';
import { launch } from './browser.mjs';
import { paste, shotsDir } from './page.mjs';

const SHOTS = shotsDir();

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

async function open({ colorScheme = 'light', width = 1440, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console.error: ${m.text().slice(0, 120)} at ${m.location().url}:${m.location().lineNumber}`));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(server.url);
  await page.evaluate(() => window.statelab.ready);
  await page.waitForFunction(() => window.statelab.loading === 0);
  page.problems = problems;
  return page;
}

const definition = (page) => page.evaluate(() => window.statelab.work().definition);

/** Put the definition editor's cursor at `at` (an offset, or the end of the first `text`), focused. */
async function cursorAt(page, text, delta = 0) {
  await page.evaluate(
    async ([t, d]) => {
      const { EditorView } = await import('/vendor/codemirror.js');
      const view = EditorView.findFromDOM(document.querySelector('[data-testid=definition-editor] .cm-editor'));
      const at = view.state.doc.toString().indexOf(t) + t.length + d;
      view.dispatch({ selection: { anchor: at } });
      view.focus();
    },
    [text, delta],
  );
}

/** Insert text at the cursor as one transaction (no auto-indent), as a paste does. */
const insert = (page, text) => page.keyboard.insertText(text);

const labels = (page) => page.$$eval('.cm-tooltip-autocomplete .cm-completionLabel', (els) => els.map((e) => e.textContent));
async function offered(page) {
  await page.waitForSelector('.cm-tooltip-autocomplete');
  return labels(page);
}

/** The completion's options, once they are `want` (the list follows the typing), or as they are after 5 s. */
async function settled(page, want) {
  await page
    .waitForFunction((w) => JSON.stringify([...document.querySelectorAll('.cm-tooltip-autocomplete .cm-completionLabel')].map((e) => e.textContent)) === w, JSON.stringify(want), {
      timeout: 5000,
    })
    .catch(() => {});
  return labels(page);
}

/**
 * Wait until the completion's first option is `label` (the list follows the typing), and for
 * CodeMirror's interactionDelay (an Enter just after the list opened is a newline).
 */
async function firstIs(page, label) {
  await page.waitForFunction((l) => document.querySelector('.cm-tooltip-autocomplete .cm-completionLabel')?.textContent === l, label);
  await page.waitForTimeout(200);
}

/** The hover docs over the definition's text at the first `text` (+ delta characters). */
async function hoverOn(page, text, delta = 1) {
  let doc = null;
  for (let i = 0; i < 5 && !doc; i++) {
    await page.mouse.move(5, 5);
    const p = await page.evaluate(
      async ([t, d]) => {
        const { EditorView } = await import('/vendor/codemirror.js');
        const view = EditorView.findFromDOM(document.querySelector('[data-testid=definition-editor] .cm-editor'));
        const at = view.state.doc.toString().indexOf(t) + d;
        view.dispatch({ effects: EditorView.scrollIntoView(at, { y: 'center' }) });
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        const c = view.coordsAtPos(at);
        return { x: c.left + 2, y: (c.top + c.bottom) / 2 };
      },
      [text, delta],
    );
    await page.mouse.move(p.x, p.y, { steps: 3 });
    doc = await page.waitForSelector('[data-testid=hover-doc]', { timeout: 2000 }).catch(() => null);
  }
  assert.ok(doc, `the hover docs show over ${text}`);
  return doc.textContent();
}

const YAML = `Comment: An order, in YAML
StartAt: Charge
States:
  Charge:
    Type: Task
    Resource: arn:aws:states:::sqs:sendMessage.waitForTaskToken
    Retry:
      - ErrorEquals:
          - States.Timeout
        MaxAttempts: 2
    Next: Ship
  Ship:
    Type: Pass
    End: true
  Refund:
    Type: Pass
    Next: Ship
`;

for (const scheme of ['light', 'dark']) {
  test(`YAML: completion offers the fields of the state's Type, state names, error names and ARNs, and the result is valid (${scheme})`, async () => {
    const page = await open({ colorScheme: scheme });
    await paste(page, 'definition', YAML, { clear: true });
    await page.waitForSelector('[data-testid=definition-editor] .cm-editor[data-help=on]');
    // A field of a Task (in the Charge state, after its Next).
    await cursorAt(page, 'Next: Ship');
    await insert(page, '\n    ');
    await page.keyboard.type('Time');
    await offered(page);
    assert.deepEqual(await settled(page, ['TimeoutSeconds', 'TimeoutSecondsPath']), ['TimeoutSeconds', 'TimeoutSecondsPath']);
    await page.keyboard.press('Escape');
    for (let i = 0; i < 4; i++) await page.keyboard.press('Backspace');
    await page.keyboard.press('Control+Space');
    const all = await offered(page);
    for (const f of ['Catch', 'HeartbeatSeconds', 'ResultSelector', 'Comment', 'TimeoutSeconds']) assert.ok(all.includes(f), `${f} in ${all}`);
    for (const f of ['Type', 'Resource', 'Retry', 'Next', 'Seconds', 'Branches', 'Items']) assert.ok(!all.includes(f), `${f} not offered (${all})`);
    await page.keyboard.type('Time');
    await firstIs(page, 'TimeoutSeconds');
    await page.screenshot({ path: join(SHOTS, `editor-yaml-completion-${scheme}.png`) });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.statelab.work().definition.includes('    TimeoutSeconds: 60\n'));
    // A Pass state's fields are a Pass state's.
    await cursorAt(page, 'Type: Pass');
    await insert(page, '\n    ');
    await page.keyboard.type('Res');
    const pass = await offered(page);
    assert.ok(pass.includes('Result') && pass.includes('ResultPath') && !pass.includes('ResultSelector'), `a Pass state takes Result and ResultPath, no ResultSelector: ${pass}`);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Backspace');
    await insert(page, YAML);
    // Next: the state names.
    await cursorAt(page, 'Next: ');
    await page.keyboard.press('Shift+End');
    await page.keyboard.type('R');
    await firstIs(page, 'Refund');
    assert.deepEqual(await labels(page), ['Refund']);
    await page.keyboard.press('Enter');
    await page
      .waitForFunction(() => window.statelab.work().definition.includes('Next: Refund\n'), null, { timeout: 5000 })
      .catch(async () => {
        assert.fail(`not completed: ${JSON.stringify(await definition(page))}`);
      });
    // An error name in a block sequence under ErrorEquals.
    await cursorAt(page, '- States.Timeout');
    await insert(page, '\n          - ');
    await page.keyboard.type('States.Ta');
    await firstIs(page, 'States.TaskFailed');
    await page.keyboard.press('Enter');
    // A Resource ARN.
    await cursorAt(page, 'Resource: ');
    await page.keyboard.press('Shift+End');
    await page.keyboard.type('arn:aws:states:::dynamodb:get');
    await firstIs(page, 'arn:aws:states:::dynamodb:getItem');
    await page.keyboard.press('Enter');
    const def = await definition(page);
    assert.match(def, /Resource: arn:aws:states:::dynamodb:getItem\n/);
    assert.match(def, /- States\.TaskFailed\n/);
    // The engine takes it: no problem listed for the definition.
    await page.waitForTimeout(700);
    const problems = await page.$$eval('[data-testid=diagnostics] .diag', (els) => els.map((e) => e.textContent).filter((t) => t.startsWith('Definition')));
    assert.deepEqual(problems, []);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
}

test("YAML: a SAM template's Definition block gets the same completion; hover shows a field's words", async () => {
  const page = await open();
  const sam = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: Wait1
        States:
          Wait1:
            Type: Wait
            Seconds: 5
            End: true
`;
  await paste(page, 'definition', sam, { clear: true });
  await page.waitForSelector('[data-testid=definition-editor] .cm-editor[data-help=on]');
  await cursorAt(page, 'Seconds: 5');
  await insert(page, '\n            ');
  await page.keyboard.type('Ti');
  await offered(page);
  assert.deepEqual(await settled(page, ['Timestamp', 'TimestampPath']), ['Timestamp', 'TimestampPath']);
  await page.keyboard.press('Escape');
  // Not in the template's own mappings: Properties is CloudFormation's.
  await cursorAt(page, 'Type: AWS::Serverless::StateMachine');
  await insert(page, '\n    ');
  await page.keyboard.press('Control+Space');
  await page.waitForTimeout(300);
  assert.equal(await page.$('.cm-tooltip-autocomplete'), null, 'no ASL fields offered outside the Definition');
  await page.keyboard.press('Control+z');
  const words = await hoverOn(page, 'Seconds: 5');
  assert.match(words, /^Seconds/);
  assert.match(words, /AWS Step Functions developer guide: Wait workflow state/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

for (const scheme of ['light', 'dark']) {
  test(`hover on a Resource ARN says the integration, its pattern and the result; on $states members where they can be read (${scheme})`, async () => {
    const page = await open({ colorScheme: scheme });
    await paste(page, 'definition', YAML, { clear: true });
    await page.waitForSelector('[data-testid=definition-editor] .cm-editor[data-help=on]');
    let words = await hoverOn(page, 'arn:aws:states:::sqs', 5);
    assert.match(words, /^Amazon SQS: sendMessage · Wait for a Callback \(\.waitForTaskToken\)/);
    assert.match(words, /pauses until SendTaskSuccess or SendTaskFailure/);
    assert.match(words, /Result: the output a worker sends with SendTaskSuccess/);
    await page.screenshot({ path: join(SHOTS, `editor-hover-arn-${scheme}.png`) });
    // JSON, JSONata: $states.result, $states.errorOutput, $states.context.Task.Token.
    const json = JSON.stringify(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'Job',
        States: {
          Job: {
            Type: 'Task',
            Resource: 'arn:aws:states:::glue:startJobRun.sync',
            Arguments: { JobName: 'nightly', Token: '{% $states.context.Task.Token %}' },
            Output: '{% $states.result.JobRunState %}',
            Catch: [{ ErrorEquals: ['States.ALL'], Output: '{% $states.errorOutput %}', Next: 'Done' }],
            Next: 'Done',
          },
          Done: { Type: 'Succeed' },
        },
      },
      null,
      2,
    );
    await paste(page, 'definition', json, { clear: true });
    words = await hoverOn(page, 'arn:aws:states:::glue', 3);
    assert.match(words, /^AWS Glue: startJobRun · Run a Job \(\.sync\)/);
    assert.match(words, /Result: the finished job run/);
    words = await hoverOn(page, '$states.result', 9);
    assert.match(words, /^\$states\.result/);
    assert.match(words, /Readable in Output and Assign of a Task, Parallel or Map state/);
    words = await hoverOn(page, '$states.errorOutput', 9);
    assert.match(words, /Readable in Output and Assign of a Catch/);
    words = await hoverOn(page, '$states.context.Task.Token', 22);
    assert.match(words, /^\$states\.context\.Task\.Token/);
    assert.match(words, /task token/);
    await page.screenshot({ path: join(SHOTS, `editor-hover-states-${scheme}.png`) });
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
}

test('the Format button covers no text of the editor: at 1280, 1440, 1920 and 390 px, light and dark', async () => {
  const long = JSON.stringify({ Comment: 'x'.repeat(400), StartAt: 'A', States: { A: { Type: 'Pass', End: true } } });
  for (const scheme of ['light', 'dark']) {
    for (const width of [1280, 1440, 1920, 390]) {
      const page = await open({ colorScheme: scheme, width, height: width === 390 ? 844 : 900 });
      await paste(page, 'definition', long, { clear: true });
      const overlap = await page.evaluate(() => {
        const b = document.querySelector('[data-testid=format]').getBoundingClientRect();
        const c = document.querySelector('[data-testid=definition-editor] .cm-scroller').getBoundingClientRect();
        const visible = b.width > 0 && b.height > 0;
        const covers = b.left < c.right && b.right > c.left && b.top < c.bottom && b.bottom > c.top;
        return { visible, covers };
      });
      assert.ok(overlap.visible, `the Format button shows at ${width} px`);
      assert.equal(overlap.covers, false, `the Format button is over the text at ${width} px (${scheme})`);
      if (width === 1280 || width === 390) await page.screenshot({ path: join(SHOTS, `format-button-${width}-${scheme}.png`) });
      // It works: the long line is formatted.
      await page.click('[data-testid=format]');
      await page.waitForFunction(() => window.statelab.work().definition.startsWith('{\n'));
      await page.context().close();
    }
  }
});

test('at 390 px the panes are stacked, usable, and the page does not scroll sideways (light and dark)', async () => {
  for (const scheme of ['light', 'dark']) {
    const page = await open({ colorScheme: scheme, width: 390, height: 844 });
    const m = await page.evaluate(() => {
      const r = (s) => document.querySelector(s).getBoundingClientRect();
      return {
        scroll: document.documentElement.scrollWidth,
        editors: r('[data-pane=editors]').toJSON(),
        graph: r('[data-pane=graph]').toJSON(),
        results: r('[data-pane=results]').toJSON(),
      };
    });
    assert.ok(m.scroll <= 390, `the page is ${m.scroll} px wide at 390 px`);
    for (const p of ['editors', 'graph', 'results']) {
      assert.ok(m[p].left >= 0 && m[p].right <= 390, `${p}: ${m[p].left}..${m[p].right}`);
      assert.ok(m[p].width >= 340, `${p} is ${m[p].width} px wide`);
    }
    assert.ok(m.editors.bottom <= m.graph.top + 1 && m.graph.bottom <= m.results.top + 1, 'stacked: editors, graph, results');
    // The graph's view is as high as its drawing fitted to the width: no empty room under it.
    const g = await page.evaluate(() => {
      const view = document.querySelector('[data-testid=graph]').getBoundingClientRect();
      const drawn = document.querySelector('[data-testid=graph] .graph-view').getBoundingClientRect();
      return { below: view.bottom - drawn.bottom, height: view.height };
    });
    assert.ok(g.below >= 0 && g.below <= 40, `${Math.round(g.below)} px under the drawing in a view ${Math.round(g.height)} px high`);
    await page.screenshot({ path: join(SHOTS, `phone-390-${scheme}.png`), fullPage: true });
    // A run, and its timeline, in the phone's width too.
    await page.click('[data-testid=run]');
    await page.waitForFunction(() => !['IDLE', 'RUNNING', 'PAUSED'].includes(document.querySelector('[data-testid=status]').dataset.status), null, { timeout: 60000 });
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390, 'no sideways scroll after a run');
    await page.screenshot({ path: join(SHOTS, `phone-390-run-${scheme}.png`), fullPage: true });
    assert.deepEqual(page.problems, []);
    await page.context().close();
  }
});

test('the minimap is a labelled tab stop: the arrow keys move the view, Home and End go to the ends', async () => {
  const page = await open();
  const task = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true };
  const parallel = {
    StartAt: 'Fan',
    States: { Fan: { Type: 'Parallel', End: true, Branches: Array.from({ length: 50 }, (_, i) => ({ StartAt: `Branch${i}`, States: { [`Branch${i}`]: task } })) } },
  };
  await page.evaluate((definition) => window.statelab.load({ definition, input: {}, mocks: {} }), parallel);
  await page.waitForSelector('[data-testid=graph] .node[data-state=Branch49]');
  await page.click('[data-testid=graph-zoom-fit]');
  const fitted = Number(await page.getAttribute('[data-testid=graph]', 'data-zoom'));
  for (let i = 0; i < 5; i++) await page.click('[data-testid=graph-zoom-in]');
  await page.waitForFunction((z) => Number(document.querySelector('[data-testid=graph]').dataset.zoom) > z * 3, fitted);
  await page.focus('[data-testid=graph]');
  const mini = await page.waitForSelector('[data-testid=graph-minimap]', { state: 'visible' });
  const label = await mini.getAttribute('aria-label');
  assert.match(label, /^Minimap of the graph: the arrow keys move the view/);
  assert.equal(await mini.getAttribute('aria-hidden'), null, 'not hidden from assistive technology');
  // Reached with Tab from the view.
  await page.keyboard.press('Tab');
  let focused = await page.evaluate(() => document.activeElement?.dataset.testid);
  for (let i = 0; i < 6 && focused !== 'graph-minimap'; i++) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => document.activeElement?.dataset.testid);
  }
  assert.equal(focused, 'graph-minimap', 'Tab reaches the minimap');
  const view = () =>
    page.$eval('[data-testid=graph-minimap] .mm-view', (r) => ({ x: Number(r.getAttribute('x')), y: Number(r.getAttribute('y')), h: Number(r.getAttribute('height')) }));
  const frame = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.keyboard.press('Home');
  await frame();
  const top = await view();
  await page.keyboard.press('ArrowDown');
  await frame();
  const down = await view();
  assert.ok(down.y > top.y + 1, `↓ moved the view down: ${top.y} → ${down.y}`);
  await page.keyboard.press('Shift+ArrowDown');
  await frame();
  const page2 = await view();
  assert.ok(page2.y > down.y + 1, `Shift+↓ moved it farther down: ${down.y} → ${page2.y}`);
  await page.keyboard.press('End');
  await frame();
  const end = await view();
  await page.keyboard.press('ArrowDown');
  await frame();
  assert.equal((await view()).y, end.y, 'End is the bottom: ↓ moves no further');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'graph-minimap', 'the focus stays on the minimap');
  await page.screenshot({ path: join(SHOTS, 'minimap-keyboard.png') });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
