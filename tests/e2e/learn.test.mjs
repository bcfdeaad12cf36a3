// The guided tour (www/learn.html) in Debian's Chromium. For every lesson, the exercise's
// check fails on the starting workflow and passes on a reference solution kept here (not the
// page's own solution: several are written differently, to show that the check reads what
// the run did, not the text), typed into the definition editor as a user's input would be.
// Progress and each lesson's edits survive a reload; Reset this lesson puts the start back
// and Undo brings the edit back; bad input is said; the Content-Security-Policy holds (no
// violation, no console error). Screenshots go to $STATELAB_SHOTS when set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { setup, server, browser, openPage } from './page.mjs';

const SHOTS = process.env.STATELAB_SHOTS;
const fn = (name) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const task = (name, extra = {}) => ({ Type: 'Task', Resource: fn(name), ...extra });
const branch = (name, state) => ({ StartAt: name, States: { [name]: state } });

// The reference solutions, by lesson id: only the definition changes; the lesson's input and
// mocks stay as they start.
const SOLUTIONS = {
  'one-after-another': {
    StartAt: 'Validate',
    States: {
      Validate: task('validate', { ResultPath: '$.validation', Next: 'Charge' }),
      Charge: task('charge', { ResultPath: '$.payment', Next: 'Ship' }),
      Ship: task('ship', { ResultPath: '$.shipment', Next: 'Notify' }),
      // A different way to keep the tracking number: the result is dropped.
      Notify: task('notify', { ResultPath: null, Next: 'Audit' }),
      // A Task the lesson has no mock for: the user's mock for it is used (EXTRA_MOCKS).
      Audit: task('audit', { ResultPath: null, End: true }),
    },
  },
  'parallel-longest': {
    StartAt: 'Both',
    States: {
      // Two branches of two tasks each: 2 + 1 and 1.5 + 1, so 3 s.
      Both: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'Charge', States: { Charge: task('charge', { Next: 'Invoice' }), Invoice: task('invoice', { End: true }) } },
          { StartAt: 'Reserve', States: { Reserve: task('reserve', { Next: 'Email' }), Email: task('email', { End: true }) } },
        ],
        End: true,
      },
    },
  },
  'parallel-data': {
    StartAt: 'Lookups',
    States: {
      Lookups: {
        Type: 'Parallel',
        Branches: [
          branch('GetPrice', {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'get-price', 'Payload.$': '$' },
            OutputPath: '$.Payload',
            End: true,
          }),
          branch('GetStock', {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'get-stock', 'Payload.$': '$' },
            OutputPath: '$.Payload',
            End: true,
          }),
        ],
        ResultSelector: { 'price.$': '$[0].price', 'stock.$': '$[1].stock' },
        ResultPath: '$.quote',
        End: true,
      },
    },
  },
  'choice-after-parallel': {
    StartAt: 'Checks',
    States: {
      Checks: {
        Type: 'Parallel',
        Branches: [branch('FraudScore', task('fraud-score', { End: true })), branch('StockCheck', task('stock-check', { End: true }))],
        ResultSelector: { 'score.$': '$[0].score', 'inStock.$': '$[1].inStock' },
        ResultPath: '$.checks',
        Next: 'IsRisky',
      },
      IsRisky: { Type: 'Choice', Choices: [{ Variable: '$.checks.score', NumericLessThanEquals: 80, Next: 'Ship' }], Default: 'ManualReview' },
      ManualReview: task('manual-review', { End: true }),
      Ship: task('ship', { End: true }),
    },
  },
  'failing-branch': {
    StartAt: 'Fulfil',
    States: {
      Fulfil: {
        Type: 'Parallel',
        Branches: [
          branch('Charge', task('charge', { End: true })),
          { StartAt: 'Email', States: { Email: task('email', { Catch: [{ ErrorEquals: ['Email.Bounced'], Next: 'Skip' }], End: true }), Skip: { Type: 'Succeed' } } },
        ],
        Next: 'Done',
      },
      Done: { Type: 'Succeed' },
    },
  },
  'catch-parallel': {
    StartAt: 'CheckOut',
    States: {
      CheckOut: {
        Type: 'Parallel',
        Branches: [branch('Charge', task('charge', { End: true })), branch('Reserve', task('reserve', { End: true }))],
        Catch: [{ ErrorEquals: ['Payment.Declined'], ResultPath: '$.error', Next: 'NotifySupport' }],
        Next: 'Ship',
      },
      Ship: task('ship', { End: true }),
      NotifySupport: task('notify-support', { Next: 'Stop' }),
      Stop: { Type: 'Succeed' },
    },
  },
  'retry-backoff': {
    StartAt: 'CheckOut',
    States: {
      CheckOut: {
        Type: 'Parallel',
        Branches: [
          branch('Charge', task('charge', { End: true })),
          // Waits of 1 s and 1.5 s: 0.5 + 1 + 0.5 + 1.5 + 0.5 = 4 s.
          branch('Reserve', task('reserve', { Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, BackoffRate: 1.5, MaxAttempts: 4 }], End: true })),
        ],
        End: true,
      },
    },
  },
  timeout: {
    StartAt: 'Prepare',
    States: {
      Prepare: {
        Type: 'Parallel',
        Branches: [
          branch('Charge', task('charge', { End: true })),
          {
            StartAt: 'Quote',
            States: {
              Quote: task('shipping-quote', { TimeoutSeconds: 2, Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: 'Flat' }], End: true }),
              Flat: { Type: 'Pass', Parameters: { price: 5, flat: true }, End: true },
            },
          },
        ],
        Next: 'Ship',
      },
      Ship: task('ship', { End: true }),
    },
  },
  'map-concurrency': {
    StartAt: 'ResizeAll',
    States: {
      ResizeAll: {
        Type: 'Map',
        ItemsPath: '$.photos',
        MaxConcurrency: 3,
        ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'Resize', States: { Resize: task('resize', { End: true }) } },
        ResultPath: null,
        End: true,
      },
    },
  },
  'distributed-map': {
    StartAt: 'ResizeAll',
    States: {
      ResizeAll: {
        Type: 'Map',
        ItemsPath: '$.photos',
        ToleratedFailurePercentage: 10,
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Resize', States: { Resize: task('resize', { End: true }) } },
        End: true,
      },
    },
  },
  batching: {
    StartAt: 'TagAll',
    States: {
      TagAll: {
        Type: 'Map',
        ItemsPath: '$.photos',
        MaxConcurrency: 2,
        ItemBatcher: { MaxItemsPerBatch: 10 },
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Tag', States: { Tag: task('tag', { End: true }) } },
        End: true,
      },
    },
  },
  'jsonata-variables': {
    QueryLanguage: 'JSONata',
    StartAt: 'Remember',
    States: {
      Remember: { Type: 'Pass', Assign: { cart: '{% $states.input.items %}' }, Next: 'LoadCustomer' },
      LoadCustomer: task('load-customer', { Arguments: { id: '{% $states.input.customerId %}' }, Assign: { email: '{% $states.result.email %}' }, Next: 'Receipt' }),
      Receipt: { Type: 'Pass', Output: '{% {"to": $email, "total": $sum($cart.(price * qty))} %}', End: true },
    },
  },
  cost: {
    StartAt: 'Thumbnails',
    States: {
      Thumbnails: {
        Type: 'Map',
        ItemsPath: '$.photos',
        ItemSelector: { 'key.$': '$$.Map.Item.Value.file', width: 800 },
        ItemProcessor: { StartAt: 'Resize', States: { Resize: task('resize', { ResultSelector: { 'url.$': '$.url' }, End: true }) } },
        ResultSelector: { 'list.$': '$' },
        ResultPath: '$.made',
        Next: 'Summary',
      },
      Summary: { Type: 'Pass', Parameters: { 'album.$': '$.album', 'thumbnails.$': '$.made.list' }, End: true },
    },
  },
};

// Mocks the user adds for Tasks of their own, by lesson id.
const EXTRA_MOCKS = { 'one-after-another': { Audit: { result: { logged: true }, latency: 0.25 } } };

if (SHOTS) mkdirSync(SHOTS, { recursive: true });
setup();

/** A page of the tour; its problems include policy violations. */
async function openTour(context, hash = '') {
  const { page, problems } = await openPage({ context, path: `learn.html${hash}`, ready: false });
  await page.waitForSelector('body[data-ready=true]');
  return { page, problems };
}

/** A screenshot of the whole page, from its top. */
async function shot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SHOTS}/${name}`, fullPage: true });
}

/** Replace an editor's text as a user's input does (select all, then insert the text). */
async function typeInto(page, part, text) {
  await page.click(`[data-testid=tab-${part}]`);
  await page.click(`#ed-${part} .cm-content`);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(text);
}

/** Press Check and wait for its verdict: {pass, lines}. */
async function checkAnswer(page) {
  await page.evaluate(() => {
    document.querySelector('[data-testid=verdict]').dataset.pass = '';
  });
  await page.click('[data-testid=check]');
  await page
    .waitForFunction(() => {
      const v = document.querySelector('[data-testid=verdict]');
      return !v.hidden && v.dataset.pass !== '';
    })
    .catch(async (e) => {
      const lesson = await page.$eval('[data-testid=lesson]', (l) => l.dataset.lesson);
      const status = await page.textContent('[data-testid=run-status]');
      const diags = await page.textContent('[data-testid=diagnostics]');
      throw new Error(`${lesson}: no verdict; the status says "${status}" ${diags}`, { cause: e });
    });
  return page.evaluate(() => {
    const v = document.querySelector('[data-testid=verdict]');
    return { pass: v.dataset.pass === 'true', lines: [...v.querySelectorAll('li')].map((li) => li.textContent) };
  });
}

async function editorText(page, part) {
  // The page's own CodeMirror module (the same URL, so the same module instance).
  return page.evaluate(async (p) => {
    const { EditorView } = await import('/vendor/codemirror.js');
    return EditorView.findFromDOM(document.querySelector(`#ed-${p} .cm-editor`)).state.doc.toString();
  }, part);
}

test('every lesson: the check fails on the starting workflow and passes on a reference solution; progress survives a reload', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page, problems } = await openTour(context);
  const ids = await page.$$eval('[data-testid=lesson-link]', (as) => as.map((a) => a.dataset.lesson));
  assert.ok(ids.length >= 10 && ids.length <= 15, `${ids.length} lessons`);
  assert.deepEqual(ids.sort(), Object.keys(SOLUTIONS).sort(), 'a reference solution for every lesson');
  const order = await page.$$eval('[data-testid=lesson-link]', (as) => as.map((a) => a.dataset.lesson));
  for (const [i, id] of order.entries()) {
    await page.click(`[data-testid=lesson-link][data-lesson="${id}"]`);
    await page.waitForFunction((id) => document.querySelector('[data-testid=lesson]').dataset.lesson === id, id);
    const first = await checkAnswer(page);
    assert.equal(first.pass, false, `${id}: the starting workflow must not pass:\n${first.lines.join('\n')}`);
    assert.ok(
      first.lines.some((l) => /\d/.test(l)),
      `${id}: the verdict says what was measured:\n${first.lines.join('\n')}`,
    );
    assert.equal(await page.$eval(`[data-testid=lesson-link][data-lesson="${id}"]`, (a) => a.dataset.done), 'false');
    await typeInto(page, 'definition', JSON.stringify(SOLUTIONS[id], null, 2));
    if (EXTRA_MOCKS[id]) {
      const mocks = JSON.parse(await editorText(page, 'mocks'));
      await typeInto(page, 'mocks', JSON.stringify({ ...mocks, ...EXTRA_MOCKS[id] }, null, 2));
    }
    const second = await checkAnswer(page);
    assert.equal(second.pass, true, `${id}: the reference solution must pass:\n${second.lines.join('\n')}`);
    // The run's output is there to read (folded).
    assert.equal(await page.isVisible('[data-testid=output]'), true);
    if (id === 'parallel-data') assert.deepEqual(JSON.parse(await page.textContent('#output')), { orderId: 'A-3', quote: { price: 42, stock: 7 } });
    assert.equal(await page.$eval(`[data-testid=lesson-link][data-lesson="${id}"]`, (a) => a.dataset.done), 'true');
    assert.equal(await page.$eval('[data-testid=progress]', (p) => p.dataset.done), String(i + 1));
    if (SHOTS && id === 'parallel-longest') await shot(page, 'learn-parallel-longest-1280-light.png');
    if (SHOTS && id === 'map-concurrency') {
      await page.click('[data-testid=theme]');
      await shot(page, 'learn-map-concurrency-1280-dark.png');
      await page.click('[data-testid=theme]');
    }
  }
  // A reload keeps the progress, the lesson open and its edits.
  const last = order.at(-1);
  await page.reload();
  await page.waitForSelector('body[data-ready=true]');
  assert.equal(await page.$eval('[data-testid=progress]', (p) => p.dataset.done), String(order.length));
  assert.equal(await page.$eval('[data-testid=lesson]', (l) => l.dataset.lesson), last);
  assert.deepEqual(JSON.parse(await editorText(page, 'definition')), SOLUTIONS[last]);
  assert.equal(await page.isVisible('[data-testid=lesson-done]'), true);
  // Another lesson's edits were kept too.
  await page.click('[data-testid=lesson-link][data-lesson="timeout"]');
  await page.waitForFunction(() => document.querySelector('[data-testid=lesson]').dataset.lesson === 'timeout');
  assert.deepEqual(JSON.parse(await editorText(page, 'definition')), SOLUTIONS.timeout);
  // Reset progress (asked twice) clears the marks and keeps the edits.
  await page.click('[data-testid=reset-progress]');
  await page.click('[data-testid=reset-progress-yes]');
  assert.equal(await page.$eval('[data-testid=progress]', (p) => p.dataset.done), '0');
  await page.reload();
  await page.waitForSelector('body[data-ready=true]');
  assert.equal(await page.$eval('[data-testid=progress]', (p) => p.dataset.done), '0');
  assert.deepEqual(JSON.parse(await editorText(page, 'definition')), SOLUTIONS.timeout);
  assert.deepEqual(problems, []);
  await context.close();
});

test('edits are kept as typed, Reset this lesson puts the start back and Undo brings them back; bad input is said', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page, problems } = await openTour(context, '#map-concurrency');
  const start = await editorText(page, 'input');
  // Typed key by key into the input editor, then the page reloaded at once.
  await page.click('[data-testid=tab-input]');
  await page.click('#ed-input .cm-content');
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.type(' ');
  await page.keyboard.press('ControlOrMeta+Home');
  await page.keyboard.press('End');
  await page.keyboard.type(' "album": "beach",');
  const typed = await editorText(page, 'input');
  assert.notEqual(typed, start);
  await page.reload();
  await page.waitForSelector('body[data-ready=true]');
  assert.equal(await editorText(page, 'input'), typed, 'what was typed survives a reload');
  await page.click('[data-testid=reset-lesson]');
  assert.equal(await editorText(page, 'input'), start);
  assert.match(await page.textContent('[data-testid=undo-note]'), /starting workflow/);
  await page.click('[data-testid=undo]');
  assert.equal(await editorText(page, 'input'), typed);
  // Input that is not JSON: the run says where, and the verdict stays hidden.
  await typeInto(page, 'input', '{"photos": [');
  await page.click('[data-testid=check]');
  await page.waitForFunction(() => document.querySelector('[data-testid=run-status]').dataset.status === 'ERROR');
  assert.match(await page.textContent('[data-testid=run-status]'), /input: invalid JSON at line 1, column \d+/);
  assert.equal(await page.isVisible('[data-testid=verdict]'), false);
  // A definition the engine refuses: its diagnostics, each a way to its place.
  await page.click('[data-testid=reset-lesson]');
  await typeInto(page, 'definition', '{\n  "StartAt": "ResizeAll",\n  "States": {\n    "ResizeAll": {"Type": "Pass", "Next": "Nowhere"}\n  }\n}');
  await page.click('[data-testid=check]');
  await page.waitForSelector('[data-testid=diagnostics] li');
  assert.match(await page.textContent('[data-testid=diagnostics]'), /4:\d+ .*Nowhere/);
  // A mock that is a JS function is not run here.
  await page.click('[data-testid=reset-lesson]');
  await typeInto(page, 'mocks', '{"Resize": {"function": "async () => ({})"}}');
  await page.click('[data-testid=check]');
  await page.waitForFunction(() => document.querySelector('[data-testid=run-status]').dataset.status === 'ERROR');
  assert.match(await page.textContent('[data-testid=run-status]'), /JavaScript functions; the tour runs JSON mocks only/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('two tabs of the tour: each keeps its own edits, and a lesson done in one is done in the other', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const a = await openTour(context, '#timeout');
  const b = await openTour(context, '#cost');
  await typeInto(a.page, 'input', '{"orderId": "typed in tab A", "weightKg": 2}');
  await typeInto(b.page, 'input', '{"album": "typed in tab B", "photos": []}');
  // Both save (a quarter of a second after the edit), the second after the first.
  await a.page.waitForTimeout(400);
  await b.page.waitForTimeout(400);
  await typeInto(b.page, 'definition', JSON.stringify(SOLUTIONS.cost, null, 2));
  await typeInto(
    b.page,
    'input',
    JSON.stringify(
      {
        album: 'trip',
        photos: [
          { file: 'a.jpg', w: 4000 },
          { file: 'b.jpg', w: 3000 },
          { file: 'c.jpg', w: 5000 },
        ],
      },
      null,
      2,
    ),
  );
  assert.equal((await checkAnswer(b.page)).pass, true);
  // Tab A hears of it.
  await a.page.waitForFunction(() => document.querySelector('[data-testid=lesson-link][data-lesson=cost]').dataset.done === 'true');
  await a.page.reload();
  await a.page.waitForSelector('body[data-ready=true]');
  assert.equal(JSON.parse(await editorText(a.page, 'input')).orderId, 'typed in tab A');
  await a.page.click('[data-testid=lesson-link][data-lesson="cost"]');
  await a.page.waitForFunction(() => document.querySelector('[data-testid=lesson]').dataset.lesson === 'cost');
  assert.deepEqual(JSON.parse(await editorText(a.page, 'definition')), SOLUTIONS.cost);
  for (const t of [a, b]) {
    assert.deepEqual(t.problems, []);
  }
  await context.close();
});

test('a run at a speed draws the timeline as it goes, and its verdict comes at the end', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page, problems } = await openTour(context, '#parallel-longest');
  await page.selectOption('[data-testid=speed]', '10');
  await page.click('[data-testid=run]');
  await page.waitForFunction(() => document.querySelector('[data-testid=run-status]').dataset.status === 'RUNNING');
  assert.equal(await page.textContent('[data-testid=run] .label'), 'Stop');
  await page.waitForSelector('[data-testid=timeline] [data-testid=timeline-bar]');
  // Check during a run at a speed: the run stops, the check runs at once.
  const during = await checkAnswer(page);
  assert.equal(during.pass, false);
  assert.equal(await page.textContent('[data-testid=run] .label'), 'Run');
  await page.click('[data-testid=run]');
  await page.waitForFunction(() => document.querySelector('[data-testid=verdict]').dataset.pass === 'false', null, { timeout: 10000 });
  assert.match(await page.textContent('[data-testid=run-status]'), /Succeeded in 5\.5 s/);
  assert.match(await page.textContent('[data-testid=verdict]'), /It took 5\.5 s; the goal is under 4 s/);
  // Faster mocks show a faster run, but the check runs the lesson's own and says so.
  await typeInto(page, 'mocks', JSON.stringify({ Charge: { result: {}, latency: 0.5 }, Reserve: { result: {} }, Email: { result: {} }, Invoice: { result: {} } }));
  const cheat = await checkAnswer(page);
  assert.match(await page.textContent('[data-testid=run-status]'), /Succeeded in 500 ms/);
  assert.equal(cheat.pass, false, cheat.lines.join('\n'));
  assert.match(cheat.lines.join('\n'), /It took 5\.5 s; the goal is under 4 s/);
  assert.equal(await page.isVisible('[data-testid=own-mocks-note]'), true);
  // The speed is kept with the progress.
  await page.reload();
  await page.waitForSelector('body[data-ready=true]');
  assert.equal(await page.inputValue('[data-testid=speed]'), '10');
  assert.deepEqual(problems, []);
  await context.close();
});

/**
 * In the page: the contrast of every piece of the tour's own text shown (the editors, graph
 * and timeline are the playground's, measured by a11y.test.mjs) against the background it is
 * drawn on: [{text, ratio, need}] under what WCAG 2.2 AA needs.
 */
function lowContrast() {
  const parse = (c) => {
    const [r, g, b, a = 1] = /rgba?\(([^)]+)\)/
      .exec(c)[1]
      .split(/[\s,/]+/)
      .filter(Boolean)
      .map(Number);
    return { r, g, b, a };
  };
  const lum = ({ r, g, b }) => {
    const f = (v) => (v / 255 <= 0.04045 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const over = (t, u) => ({ r: t.r * t.a + u.r * (1 - t.a), g: t.g * t.a + u.g * (1 - t.a), b: t.b * t.a + u.b * (1 - t.a), a: 1 });
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.a > 0) layers.push(c);
      if (c.a === 1) break;
    }
    let bg = { r: 255, g: 255, b: 255, a: 1 };
    for (const c of layers.reverse()) bg = over(c, bg);
    return bg;
  };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.cm-editor, svg, .timeline, .graph, .visually-hidden, script, style, noscript')) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const st = getComputedStyle(el);
    if (st.visibility === 'hidden' || Number(st.opacity) === 0) continue;
    const bg = background(el);
    const fg = over(parse(st.color), bg);
    const [x, y] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ratio = (x + 0.05) / (y + 0.05);
    const size = Number.parseFloat(st.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(st.fontWeight) >= 700);
    const need = large ? 3 : 4.5;
    if (ratio < need) out.push({ text: el.textContent.trim().slice(0, 40), ratio: Math.round(ratio * 100) / 100, need });
  }
  return out;
}

for (const theme of ['light', 'dark']) {
  test(`the tour's own text meets WCAG 2.2 AA contrast in the ${theme} theme`, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: theme });
    const { page, problems } = await openTour(context, '#catch-parallel');
    await page.click('[data-testid=hint]');
    await page.click('[data-testid=show-solution]');
    await checkAnswer(page); // a verdict that fails, the output, the status of a failed run
    assert.deepEqual(await page.evaluate(lowContrast), []);
    await page.click('[data-testid=use-solution]'); // the undo note
    assert.deepEqual(await page.evaluate(lowContrast), []);
    assert.equal((await checkAnswer(page)).pass, true); // a verdict that passes, a done mark
    await page.click('#output-box summary');
    assert.deepEqual(await page.evaluate(lowContrast), []);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('the playground links to the tour, and the tour is usable at 390 px, in both themes', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
  const { page, problems } = await openTour(context, '#retry-backoff');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  // Nothing wider than the screen.
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390);
  // The lesson list is behind a button.
  assert.equal(await page.isVisible('[data-testid=lesson-nav]'), false);
  await page.click('[data-testid=lessons-toggle]');
  assert.equal(await page.isVisible('[data-testid=lesson-nav]'), true);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.lesson), 'retry-backoff', 'the focus is on the lesson shown');
  await page.keyboard.press('Escape');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'lessons-toggle');
  assert.equal(await page.isVisible('[data-testid=lesson-nav]'), false);
  await checkAnswer(page);
  if (SHOTS) await shot(page, 'learn-retry-backoff-390-dark.png');
  await page.click('[data-testid=theme]');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
  assert.equal(await page.evaluate(() => localStorage.getItem('statelab.theme')), 'light');
  const play = await context.newPage();
  await play.goto(server.url);
  await play.click('[data-testid=learn-link]');
  await play.waitForURL(/learn\.html/);
  await play.waitForSelector('body[data-ready=true]');
  assert.deepEqual(problems, []);
  await context.close();
});
