// <asl-playground> at parity with the playground (issue #20), in Chromium: the engine runs in
// one Web Worker shared by the page's embeds (a heavy run leaves the host page's main thread
// free, and gives the CLI's events); loaded from another origin (a CDN) under a strict policy
// it still runs; a Task without a mock gets the derived response, as `statelab run --auto`
// gives it; and mocks that are JS functions run in the run's sandbox after the reader allowed
// their code: not without, never reaching the network or the host page, and a stuck one ends
// with Sandbox.Timedout. The CLI is target/release/statelab, or $STATELAB_CLI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './server.mjs';
import { setup, server, openPage, CLI } from './page.mjs';

const SHOTS = process.env.STATELAB_SHOTS || null;

setup({ cors: true }); // www/, sent with CORS headers as a CDN sends it
let host; // another origin: a documentation site that loads the embed from `server`
let leak; // a third origin that records every request it gets
const hits = [];

before(async () => {
  host = await serve();
  leak = await new Promise((ok) => {
    const s = createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'text/plain', 'access-control-allow-origin': '*' });
      res.end('recorded');
    });
    s.listen(0, '127.0.0.1', () => ok({ url: `http://127.0.0.1:${s.address().port}/`, close: () => new Promise((r) => s.close(r)) }));
  });
});

after(async () => {
  await host?.close();
  await leak?.close();
});

const escapeAttr = (s) => s.replaceAll('&', '&amp;').replaceAll("'", '&#39;').replaceAll('<', '&lt;');

/** An element's HTML: the parts as attributes (JSON text). */
function element({ id, definition, input, mocks, attrs = '' }) {
  const a = (name, v) => (v === undefined ? '' : ` ${name}='${escapeAttr(typeof v === 'string' ? v : JSON.stringify(v))}'`);
  return `<asl-playground id="${id}" ${attrs}${a('definition', definition)}${a('input', input)}${a('mocks', mocks)}></asl-playground>`;
}

/** A host page on `server` (beside embed.js) holding these elements; a long-task observer runs from its start. */
async function openHost(path, body, { viewport = { width: 1280, height: 900 }, colorScheme = 'light' } = {}) {
  server.pages.set(
    path,
    `<!doctype html><html><head><meta charset="utf-8"><title>host</title><link rel="icon" href="data:,">
<script type="module" src="embed.js"></script></head><body><h1>Docs</h1><p id="secret">host text</p>${body}</body></html>`,
  );
  const opened = await openPage({
    path: path.slice(1),
    ready: false,
    viewport,
    colorScheme,
    init: () => {
      window.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push({ ms: Math.round(e.duration), at: e.startTime });
      }).observe({ type: 'longtask', buffered: true });
      // What a long frame was made of (scripts, style and layout), to say why when one is too long.
      window.__frames = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          const layout = e.styleAndLayoutStart ? Math.round(e.startTime + e.duration - e.styleAndLayoutStart) : 0;
          const scripts = e.scripts.map((x) => `${x.invoker} ${Math.round(x.duration)} ms`).join(', ');
          window.__frames.push(`${Math.round(e.duration)} ms at ${Math.round(e.startTime)}: ${scripts || 'no script'}; style and layout ${layout} ms`);
        }
      }).observe({ type: 'long-animation-frame', buffered: true });
    },
  });
  const { page } = opened;
  await page.waitForFunction(() => [...document.querySelectorAll('asl-playground')].every((e) => e.shadowRoot));
  await page.evaluate(() => Promise.all([...document.querySelectorAll('asl-playground')].map((e) => e.ready)));
  return opened;
}

/** Run an element; its result (events included), the status it shows, and the main thread's long tasks meanwhile. */
async function runEmbed(page, id) {
  const seen = await page.evaluate(async (id) => {
    const el = document.getElementById(id);
    const from = performance.now();
    const result = await el.run();
    // The last drawings (a big timeline is drawn over a few frames) are part of the run.
    await new Promise((r) => setTimeout(r, 1500));
    const root = el.shadowRoot;
    // The result is read afterwards: handing a big one to the test is a long task of its own.
    window.__results = { ...window.__results, [id]: result };
    return {
      status: root.querySelector('[data-testid=embed-status]').dataset.status,
      text: root.querySelector('[data-testid=embed-status]').textContent,
      longTasks: window.__longTasks.filter((t) => t.at >= from).map((t) => t.ms),
      wasmOnMainThread: performance.getEntriesByType('resource').filter((r) => r.name.endsWith('.wasm')).length,
    };
  }, id);
  return { ...seen, result: await page.evaluate((id) => window.__results[id], id) };
}

function cliRun(definition, input, mocks, extra = []) {
  const dir = mkdtempSync(join(tmpdir(), 'statelab-embed-'));
  writeFileSync(join(dir, 'definition.json'), JSON.stringify(definition));
  writeFileSync(join(dir, 'input.json'), JSON.stringify(input));
  const args = ['run', join(dir, 'definition.json'), '--input', join(dir, 'input.json'), '--seed', '1', '--json', ...extra];
  if (mocks) {
    writeFileSync(join(dir, 'mocks.json'), JSON.stringify(mocks));
    args.push('--mock-config', join(dir, 'mocks.json'));
  }
  let out;
  try {
    out = execFileSync(CLI, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  } catch (e) {
    // A failed execution exits non-zero, its result printed all the same.
    if (!e.stdout) throw e;
    out = e.stdout;
  }
  return JSON.parse(out);
}

/** Events as the CLI prints them: without the fields the page's shape adds (ms, lane, state). */
const cliShape = (events) => events.map(({ ms, lane, state, ...rest }) => rest);

// A Map of 1,000 iterations, 40 at a time, each a Task of 1 s: 25 s of workflow time.
const BIG_MAP = {
  Comment: 'A Map of 1,000 iterations',
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Work',
        States: { Work: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', OutputPath: '$.Payload', End: true } },
      },
      End: true,
    },
  },
};
const BIG_INPUT = { items: Array.from({ length: 1000 }, (_, i) => ({ n: i })) };
const BIG_MOCKS = { Work: { result: { Payload: { done: true } }, latency: 1 } };
// A loop that never ends by itself: the execution ends at the history limit (25,000 events).
const LOOP = {
  Comment: 'A loop to the history limit',
  StartAt: 'Again',
  States: {
    Again: { Type: 'Pass', Next: 'More' },
    More: { Type: 'Choice', Choices: [{ Variable: '$.stop', IsPresent: true, Next: 'Done' }], Default: 'Again' },
    Done: { Type: 'Succeed' },
  },
};

test('heavy runs work in one shared worker: the host page has no long task over 200 ms (the aim: 100), and the events are the CLI’s', async () => {
  assert.ok(CLI, 'the CLI is built (cargo build --release)');
  const body =
    element({ id: 'map', definition: BIG_MAP, input: BIG_INPUT, mocks: BIG_MOCKS, attrs: 'view="both" speed="50"' }) +
    element({ id: 'loop', definition: LOOP, input: {}, mocks: {}, attrs: 'view="both"' });
  const { page, context, problems, requests } = await openHost('/heavy.html', body);
  // Both at once, side by side in the one worker.
  const [map, loop] = await Promise.all([runEmbed(page, 'map'), runEmbed(page, 'loop')]);
  const cut = await page.evaluate(() => document.getElementById('loop').shadowRoot.querySelector('[data-testid=embed-cut]').textContent);
  assert.equal(cut, 'The timeline shows the last 500 bars of each lane; one lane has 12,499.');
  const workers = requests.filter((u) => u.endsWith('/worker.js'));
  assert.equal(workers.length, 1, `one engine worker for the page: ${workers.join(', ')}`);
  assert.equal(map.wasmOnMainThread + loop.wasmOnMainThread, 0, 'the host page itself loads no engine');

  assert.equal(map.result.status, 'SUCCEEDED');
  assert.equal(map.text, 'Succeeded in 25 s');
  assert.equal(map.result.output.length, 1000);
  const cliMap = cliRun(BIG_MAP, BIG_INPUT, BIG_MOCKS);
  assert.equal(map.result.events.length, cliMap.events.length);
  assert.deepEqual(cliShape(map.result.events), cliMap.events, 'the Map: the CLI’s events');

  const cliLoop = cliRun(LOOP, {}, null);
  assert.equal(loop.result.status, cliLoop.status);
  assert.equal(loop.result.status, 'FAILED');
  assert.equal(loop.result.events.length, 25000);
  assert.deepEqual(cliShape(loop.result.events), cliLoop.events, 'the loop: the CLI’s events');

  const long = [...map.longTasks, ...loop.longTasks];
  console.log(`# host page long tasks while a Map of 1,000 and a loop to 25,000 events ran: ${JSON.stringify(long)} ms`);
  const frames = await page.evaluate(() => window.__frames);
  assert.deepEqual(
    // The engine runs in the worker (on this thread the loop alone is a task of seconds); the
    // timeline's first drawing measures nothing (no forced layout: its lanes are drawn after
    // the next frame, when the layout is known): ~40 ms of script. The aim is 100 ms; the
    // bound is 200 because the frame's style and layout make one task of 69-163 ms on this
    // 2-core machine when other work runs beside it.
    long.filter((ms) => ms > 200),
    [],
    `no main-thread task over 200 ms; the long frames:\n${frames.join('\n')}`,
  );
  assert.deepEqual(problems, []);
  await context.close();
});

test('a Task without a mock gets the derived response: the events of `statelab run --auto`', async () => {
  assert.ok(CLI, 'the CLI is built (cargo build --release)');
  const file = fileURLToPath(new URL('fixtures/derive/lambda-choice.asl.json', import.meta.url));
  const definition = JSON.parse(readFileSync(file, 'utf8'));
  const input = { orderId: 'o-1', customer: { email: 'a@example.com' } };
  const { page, context, problems } = await openHost('/derive.html', element({ id: 'd', definition, input, mocks: {}, attrs: 'speed="1000"' }));
  const { result, status } = await runEmbed(page, 'd');
  const cli = cliRun(definition, input, null, ['--auto']);
  assert.equal(status, 'SUCCEEDED');
  assert.equal(result.status, cli.status);
  assert.deepEqual(cliShape(result.events), cli.events);
  assert.deepEqual(result.output, cli.output);
  assert.deepEqual(problems, []);
  await context.close();
});

const ONE_TASK = { StartAt: 'Call', States: { Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', OutputPath: '$.Payload', End: true } } };
const ECHO = 'async (input) => ({ Payload: { doubled: input.n * 2, from: "the sandbox" } })';

const consentShown = (page, id) =>
  page.evaluate((id) => {
    const root = document.getElementById(id).shadowRoot;
    const box = root.querySelector('[data-testid=embed-consent]');
    return {
      hidden: box.hidden,
      code: [...box.querySelectorAll('[data-testid=embed-consent-code]')].map((p) => p.textContent),
      status: root.querySelector('[data-testid=embed-status]').dataset.status,
      text: root.querySelector('[data-testid=embed-status]').textContent,
      frames: root.querySelectorAll('iframe').length + document.querySelectorAll('iframe').length,
    };
  }, id);

/** Click "Allow and run" and wait for the element's done event: its result. */
function allowAndRun(page, id) {
  return page.evaluate(
    (id) =>
      new Promise((resolve) => {
        const el = document.getElementById(id);
        el.addEventListener('done', (e) => resolve(e.detail), { once: true });
        el.shadowRoot.querySelector('[data-testid=embed-consent-allow]').click();
      }),
    id,
  );
}

test('a function mock runs only after the reader allows its code, in the run’s sandbox, and its result shows', async () => {
  const body = element({ id: 'fn', definition: ONE_TASK, input: { n: 21 }, mocks: { Call: { function: ECHO, latency: 2 } }, attrs: 'view="both" speed="100"' });
  const { page, context, problems } = await openHost('/consent.html', body);
  // Without consent: nothing runs, no sandbox is made, and the code is shown.
  const refused = await runEmbed(page, 'fn');
  assert.equal(refused.result, null);
  const asked = await consentShown(page, 'fn');
  assert.deepEqual(asked.code, [ECHO]);
  assert.equal(asked.hidden, false);
  assert.equal(asked.status, 'CONSENT');
  assert.match(asked.text, /^Not run: the mocks hold JavaScript \(for Call\); read it below, then allow it to run$/);
  assert.equal(asked.frames, 0, 'no sandbox for code not allowed');
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'embed-consent.png') });

  const result = await allowAndRun(page, 'fn');
  assert.equal(result.status, 'SUCCEEDED');
  assert.deepEqual(result.output, { doubled: 42, from: 'the sandbox' });
  assert.equal(result.durationMs, 2000, 'the latency is workflow time');
  const after = await consentShown(page, 'fn');
  assert.equal(after.hidden, true);
  assert.equal(after.text, 'Succeeded in 2 s');
  assert.equal(after.frames, 0, 'the sandbox is removed after the run');

  // The approval is bound to the code: kept for this site, the same code runs at once, other code asks.
  await page.reload();
  await page.waitForFunction(() => document.getElementById('fn')?.shadowRoot);
  const again = await runEmbed(page, 'fn');
  assert.equal(again.result?.status, 'SUCCEEDED');
  await page.evaluate((m) => document.getElementById('fn').setAttribute('mocks', JSON.stringify(m)), { Call: { function: `${ECHO} ` } });
  assert.equal((await runEmbed(page, 'fn')).result, null);
  assert.equal((await consentShown(page, 'fn')).hidden, false);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a hostile function reaches no network and cannot touch the host page; a stuck one ends with Sandbox.Timedout and the next run works', async () => {
  const hostile = `async () => {
    const tried = {};
    try { await fetch(${JSON.stringify(`${leak.url}fetch`)}, { mode: 'no-cors' }); tried.fetch = 'fetched'; } catch (e) { tried.fetch = e.name; }
    try { importScripts(${JSON.stringify(`${leak.url}import.js`)}); tried.importScripts = 'imported'; } catch (e) { tried.importScripts = e.name; }
    tried.document = typeof document;
    tried.parent = typeof parent;
    tried.origin = self.origin;
    try { indexedDB.open('x'); tried.indexedDB = 'opened'; } catch (e) { tried.indexedDB = e.name; }
    return { Payload: tried };
  }`;
  const stuck = 'async (input) => { if (input.stuck) { for (;;) {} } return { Payload: "fine" }; }';
  const body =
    element({ id: 'evil', definition: ONE_TASK, input: {}, mocks: { Call: { function: hostile } }, attrs: 'speed="100"' }) +
    element({ id: 'stuck', definition: ONE_TASK, input: { stuck: true }, mocks: { Call: { function: stuck } }, attrs: 'speed="100"' });
  const { page, context, problems } = await openHost('/hostile.html', body);
  await context.addCookies([{ name: 'secret', value: 'host-cookie', url: server.url }]);
  await runEmbed(page, 'evil');
  const evil = await allowAndRun(page, 'evil');
  assert.equal(evil.status, 'SUCCEEDED', JSON.stringify(evil.error ?? evil.cause));
  assert.deepEqual(evil.output, { fetch: 'TypeError', importScripts: 'NetworkError', document: 'undefined', parent: 'undefined', origin: 'null', indexedDB: 'SecurityError' });
  assert.deepEqual(hits, [], 'nothing reached the network');
  assert.deepEqual(await page.evaluate(() => ({ cookie: document.cookie, text: document.getElementById('secret').textContent, body: document.body.children.length })), {
    cookie: 'secret=host-cookie',
    text: 'host text',
    body: 4,
  });

  await runEmbed(page, 'stuck');
  const started = Date.now();
  const timedOut = await allowAndRun(page, 'stuck');
  const took = Date.now() - started;
  assert.equal(timedOut.status, 'FAILED');
  assert.equal(timedOut.error, 'Sandbox.Timedout');
  assert.match(timedOut.cause, /did not return within 5 s/);
  assert.ok(took >= 5000 && took < 15000, `ended after ${took} ms`);
  // The page went on meanwhile (the loop is in the sandbox's worker), and the next run works.
  await page.evaluate(() => document.getElementById('stuck').setAttribute('input', '{"stuck": false}'));
  const next = await runEmbed(page, 'stuck');
  assert.equal(next.result?.status, 'SUCCEEDED');
  assert.equal(next.result.output, 'fine');
  assert.deepEqual(problems, []);
  await context.close();
});

test('loaded from another origin (a CDN) by a page with a strict policy, the embed runs, its function mock included', async () => {
  const site = server.url.replace(/\/$/, '');
  const policy = `default-src 'none'; script-src ${site} 'wasm-unsafe-eval'; style-src ${site}; connect-src ${site}; worker-src blob: ${site}; frame-src ${site}; base-uri 'none'`;
  host.pages.set(
    '/strict.html',
    `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${policy}"><title>docs</title>
<script type="module" src="${site}/embed.js"></script></head><body>
${element({ id: 'fn', definition: ONE_TASK, input: { n: 4 }, mocks: { Call: { function: ECHO } }, attrs: 'speed="100"' })}
${element({ id: 'map', definition: BIG_MAP, input: { items: [{ n: 1 }, { n: 2 }] }, mocks: {}, attrs: 'speed="100"' })}
</body></html>`,
  );
  // Its problems include any policy violation.
  const { page, context, problems } = await openPage({ url: `${host.url}strict.html`, ready: false });
  await page.waitForFunction(() => document.getElementById('map')?.shadowRoot);
  const map = await page.evaluate(() => document.getElementById('map').run());
  const said = await page.evaluate(() => document.getElementById('map').shadowRoot.querySelector('[data-testid=embed-status]').textContent);
  assert.equal(map?.status, 'SUCCEEDED', `a Task without a mock gets its derived response (${said})`);
  assert.equal(map.output.length, 2);
  assert.equal(await page.evaluate(() => document.getElementById('fn').run()), null);
  const fn = await allowAndRun(page, 'fn');
  assert.deepEqual(fn.output, { doubled: 8, from: 'the sandbox' });
  assert.deepEqual(problems, []);

  // A policy without blob: workers: the element says why it cannot run, and the page goes on.
  host.pages.set(
    '/no-blob.html',
    `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${policy.replace('worker-src blob: ', 'worker-src ')}"><title>docs</title>
<script type="module" src="${site}/embed.js"></script></head><body>${element({ id: 'p', definition: { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } } })}</body></html>`,
  );
  await page.goto(`${host.url}no-blob.html`);
  await page.waitForFunction(() => document.getElementById('p')?.shadowRoot);
  assert.equal(await page.evaluate(() => document.getElementById('p').run()), null);
  assert.match(await page.evaluate(() => document.getElementById('p').shadowRoot.querySelector('[data-testid=embed-status]').textContent), /^the engine worker failed: /);
  await context.close();
});

test('at 390 px the timeline’s lane names are readable: each branch’s own name whole, what is above it shortened first', async () => {
  const branch = (n) => ({ StartAt: n, States: { [n]: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } } });
  const definition = { StartAt: 'Fan out', States: { 'Fan out': { Type: 'Parallel', Branches: [branch('Thumbnail'), branch('Resize'), branch('Notify')], End: true } } };
  const body = element({ id: 'fan', definition, input: {}, mocks: {}, attrs: 'view="both"' });
  for (const theme of ['light', 'dark']) {
    const { page, context, problems } = await openHost(`/phone-${theme}.html`, body, { viewport: { width: 390, height: 844 }, colorScheme: theme });
    await runEmbed(page, 'fan');
    const names = await page.evaluate(() =>
      [...document.getElementById('fan').shadowRoot.querySelectorAll('.tl-lane')].map((row) => {
        const own = row.querySelector('.lane-name');
        return {
          name: row.dataset.name,
          own: own.textContent,
          cut: own.scrollWidth > own.clientWidth && `${own.scrollWidth} > ${own.clientWidth} px of ${row.querySelector('.tl-label').clientWidth}`,
        };
      }),
    );
    assert.deepEqual(
      names.map((n) => n.name),
      ['main', 'Fan out › branch 1 (Thumbnail)', 'Fan out › branch 2 (Resize)', 'Fan out › branch 3 (Notify)'],
    );
    assert.deepEqual(
      names.filter((n) => n.cut),
      [],
      'no branch’s own name is cut',
    );
    assert.equal(names[1].own, 'branch 1 (Thumbnail)');
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390, 'the host page does not scroll sideways');
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `embed-lanes-390-${theme}.png`), fullPage: true });
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('screenshots: an embed in a plain page, light and dark, at 390 px and 1280 px', { skip: !SHOTS }, async () => {
  for (const theme of ['light', 'dark']) {
    for (const width of [390, 1280]) {
      const body = element({ id: 'fn', definition: ONE_TASK, input: { n: 1 }, mocks: { Call: { function: ECHO, latency: 1 } }, attrs: `theme="${theme}" speed="100"` });
      const { page, context } = await openHost(`/shot-${theme}-${width}.html`, body, { viewport: { width, height: 900 }, colorScheme: theme });
      await runEmbed(page, 'fn');
      await page.screenshot({ path: join(SHOTS, `embed-consent-${theme}-${width}.png`), fullPage: true });
      await allowAndRun(page, 'fn');
      await page.screenshot({ path: join(SHOTS, `embed-done-${theme}-${width}.png`), fullPage: true });
      await context.close();
    }
  }
});
