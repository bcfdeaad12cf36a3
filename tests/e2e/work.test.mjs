// End-to-end tests of "work is never lost" (issue #18) in Chromium: workspaces per tab, examples
// and links opened beside the user's work, undo across loads, saves that cannot be made said
// so, links capped, tolerant and short, links made before still opening, and the page's API.
// Screenshots go to $STATELAB_SHOTS (default: the system's temporary directory, statelab-e2e/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setup, server, newContext, openPage, paste, pickExample, exampleFile, shotsDir, typeText } from './page.mjs';

const OLD_LINK = JSON.parse(readFileSync(new URL('fixtures/link-before-workspaces.json', import.meta.url)));
const SHOTS = shotsDir();

setup();

/** A tab of `context` on the page (at `path`), ready; its problems are `page.problems`. */
const openTab = async (context, path = '') => (await openPage({ context, path })).page;

const work = (page) => page.evaluate(() => window.statelab.work());
const workspace = (page) => page.evaluate(() => window.statelab.workspace());
const list = (page) => page.evaluate(() => window.statelab.workspaces());
/** The message shown, once it is `expect` (a text or a RegExp; a message before it may still be shown): its text. */
async function toastText(page, expect) {
  const want = expect instanceof RegExp ? { source: expect.source, flags: expect.flags } : { text: expect };
  await page
    .waitForFunction(
      (w) => {
        const el = document.querySelector('[data-testid=toast]');
        const text = el && !el.hidden ? el.querySelector('.toast-text').textContent : null;
        return text !== null && (w.text !== undefined ? text === w.text : new RegExp(w.source, w.flags).test(text));
      },
      want,
      { timeout: 10000 },
    )
    .catch(() => {}); // the assertion that follows shows what was shown instead
  return page.textContent('[data-testid=toast] .toast-text');
}

/** The message `expect` (a text or a RegExp) is shown. */
async function seeToast(page, expect) {
  const text = await toastText(page, expect);
  if (expect instanceof RegExp) assert.match(text, expect);
  else assert.equal(text, expect);
}

const def = (comment, state = 'A') => `{\n  "Comment": "${comment}",\n  "StartAt": "${state}",\n  "States": {\n    "${state}": { "Type": "Pass", "End": true }\n  }\n}\n`;

async function openMenu(page) {
  if (await page.$eval('[data-testid=workspace-menu]', (e) => e.hidden)) await page.click('[data-testid=workspaces]');
  await page.waitForSelector('[data-testid=workspace-item]');
}

const menuItems = (page) =>
  page.$$eval('[data-testid=workspace-item]', (els) =>
    els.map((e) => ({
      id: e.dataset.id,
      name: e.querySelector('.wsm-name')?.textContent,
      meta: e.querySelector('.wsm-meta').textContent,
      current: e.classList.contains('current'),
    })),
  );

test('two tabs keep separate work; a reload keeps the tab’s own; a new tab opens the one no tab has open', async () => {
  const context = await newContext();
  const a = await openTab(context);
  const b = await openTab(context);
  const [wa, wb] = [await workspace(a), await workspace(b)];
  assert.notEqual(wa.id, wb.id, 'each tab has a workspace of its own');
  await paste(a, 'definition', def('Work of tab A', 'InA'));
  await paste(b, 'definition', def('Work of tab B', 'InB'));
  await a.waitForTimeout(700); // saved 300 ms after the last change
  // Each tab's name follows its definition's Comment; the tab's title says it.
  assert.equal((await workspace(a)).name, 'Work of tab A');
  assert.equal(await b.title(), 'Work of tab B · statelab');
  // Reloaded, each tab has its own work back (and no copy was made).
  await a.reload();
  await a.evaluate(() => window.statelab.ready);
  await b.reload();
  await b.evaluate(() => window.statelab.ready);
  assert.equal((await work(a)).definition, def('Work of tab A', 'InA'));
  assert.equal((await work(b)).definition, def('Work of tab B', 'InB'));
  assert.equal((await workspace(a)).id, wa.id);
  assert.equal((await list(a)).length, 2);
  // The list shows both, the other tab's marked.
  await openMenu(b);
  const items = await menuItems(b);
  assert.deepEqual(items.map((i) => i.name).sort(), ['Work of tab A', 'Work of tab B']);
  assert.match(items.find((i) => i.name === 'Work of tab A').meta, /open in another tab/);
  assert.match(items.find((i) => i.name === 'Work of tab B').meta, /this tab/);
  // Opening the other tab's workspace here is refused, with a copy offered.
  await b.click(`[data-testid=workspace-item][data-id="${wa.id}"] .wsm-open`);
  await seeToast(b, /'Work of tab A' is open in another tab/);
  assert.equal((await workspace(b)).id, wb.id);
  await b.screenshot({ path: join(SHOTS, 'work-two-tabs.png') });
  // Tab A closes; a new tab opens A's work (the last changed that no tab has open).
  await a.close();
  const c = await openTab(context);
  assert.equal((await workspace(c)).id, wa.id);
  assert.equal((await work(c)).definition, def('Work of tab A', 'InA'));
  // A duplicated tab (which inherits the tab's sessionStorage) gets a copy, not the same workspace.
  const tabKey = await c.evaluate(() => sessionStorage.getItem('statelab.tab'));
  await context.addInitScript((v) => {
    if (!sessionStorage.getItem('statelab.tab')) sessionStorage.setItem('statelab.tab', v);
  }, tabKey);
  const d = await openTab(context);
  const wd = await workspace(d);
  assert.notEqual(wd.id, wa.id);
  assert.equal(wd.name, 'Work of tab A (copy)');
  assert.equal((await work(d)).definition, def('Work of tab A', 'InA'));
  assert.deepEqual([...b.problems, ...c.problems, ...d.problems], []);
  await context.close();
});

test('a change made just before the tab closes is kept', async () => {
  const context = await newContext();
  for (let i = 0; i < 2; i++) {
    const page = await openTab(context);
    // Closed at once after the edit, well within the 300 ms before a save.
    await page.click('[data-testid=definition-editor] .cm-content');
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(def(`Closed at once ${i}`, 'Quick'));
    await page.close();
    const next = await openTab(context);
    assert.equal((await work(next)).definition, def(`Closed at once ${i}`, 'Quick'));
    assert.deepEqual(
      (await list(next)).map((m) => m.name),
      [`Closed at once ${i}`],
    );
    await next.close();
  }
  await context.close();
});

test('picking an example opens it beside the work: the work stays in the list, and Back reopens it', async () => {
  const context = await newContext();
  const page = await openTab(context);
  const mine = def('My order flow: charge and ship', 'Charge');
  await paste(page, 'definition', mine);
  await paste(page, 'input', '{"order": 17}');
  const before = await workspace(page);
  await pickExample(page, 'retry-backoff');
  await seeToast(page, /Opened the example 'Retry with backoff' as a new workspace; 'My order flow' is kept/);
  assert.equal((await workspace(page)).name, 'Retry with backoff');
  assert.equal(await page.$eval('[data-testid=workspace-name]', (e) => e.textContent), 'Retry with backoff');
  await page.screenshot({ path: join(SHOTS, 'work-example-beside.png') });
  // Another example replaces the one not changed (it was no work), not the user's.
  await pickExample(page, 'jsonata');
  assert.deepEqual((await list(page)).map((m) => m.name).sort(), ['JSONata', 'My order flow']);
  // The user's work, from the list.
  await openMenu(page);
  await page.screenshot({ path: join(SHOTS, 'work-menu.png') });
  await page.click(`[data-testid=workspace-item][data-id="${before.id}"] .wsm-open`);
  await page.waitForFunction((d) => window.statelab.work().definition === d, mine);
  assert.equal((await work(page)).input, '{"order": 17}');
  // And with Back from the message.
  await pickExample(page, 'map-concurrency');
  await page.click('[data-testid=toast] .toast-actions button:text("Back to \'My order flow\'")');
  await page.waitForFunction((d) => window.statelab.work().definition === d, mine);
  assert.equal((await workspace(page)).id, before.id);
  assert.deepEqual(page.problems, []);
  await context.close();
});

test('undo across loads: a load is one step of the editor’s history, and a workspace keeps its own', async () => {
  const context = await newContext();
  const page = await openTab(context);
  const typed = def('Typed by hand', 'Typed');
  await paste(page, 'definition', typed);
  // A load through the page's API into this workspace: Ctrl-Z brings the typed text back, Ctrl-Y the load.
  const loaded = def('Loaded', 'Loaded');
  await page.evaluate((d) => window.statelab.load({ definition: d, input: { n: 1 } }), loaded);
  await page.waitForFunction((d) => window.statelab.work().definition === d, loaded);
  await page.click('[data-testid=definition-editor] .cm-content');
  await page.keyboard.press('Control+z');
  await page.waitForFunction((d) => window.statelab.work().definition === d, typed);
  await page.keyboard.press('Control+y');
  await page.waitForFunction((d) => window.statelab.work().definition === d, loaded);
  await page.keyboard.press('Control+z');
  await page.waitForFunction((d) => window.statelab.work().definition === d, typed);
  // An example opens beside it; back in this workspace, its history is still there.
  await pickExample(page, 'retry-backoff');
  // (The example's own editor starts with an empty history: Ctrl-Z does not bring other work into it.)
  await page.click('[data-testid=definition-editor] .cm-content');
  await page.keyboard.press('Control+z');
  await page.waitForTimeout(100);
  assert.equal((await work(page)).definition, exampleFile('retry-backoff', 'definition.json'));
  await page.click('[data-testid=toast] .toast-actions button');
  await page.waitForFunction((d) => window.statelab.work().definition === d, typed);
  await page.click('[data-testid=definition-editor] .cm-content');
  await page.keyboard.press('Control+z');
  await page.waitForFunction((d) => window.statelab.work().definition !== d, typed);
  assert.notEqual((await work(page)).definition, typed, 'the edit before the example is undone');
  assert.deepEqual(page.problems, []);
  await context.close();
});

test('a save the browser refuses (storage full) is said, stays said, and clears when saving works again', async () => {
  // IndexedDB as Chromium fails when the page's quota is reached: the transaction aborts with
  // QuotaExceededError. (DevTools' quota override does not make IndexedDB fail, so the abort is
  // made here, for saves over the size window.__quota.)
  const context = await newContext();
  await context.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (value, key) {
      const req = put.call(this, value, key);
      if (this.name === 'work' && JSON.stringify(value).length > (window.__quota ?? Number.POSITIVE_INFINITY)) {
        // As the browser does: the write is refused once it is made, and the transaction aborts.
        const tx = this.transaction;
        req.addEventListener('success', () => {
          Object.defineProperty(tx, 'error', { value: new DOMException('The quota has been exceeded.', 'QuotaExceededError') });
          tx.abort();
        });
      }
      return req;
    };
  });
  const page = await openTab(context);
  await page.evaluate(() => {
    window.__quota = 50_000;
  });
  const big = JSON.stringify({ items: Array.from({ length: 3000 }, (_, i) => ({ id: i, name: `item ${i}` })) });
  await paste(page, 'input', big);
  await page.waitForSelector('[data-testid=save-problem]:not([hidden])');
  const text = await page.textContent('[data-testid=save-problem]');
  assert.match(text, /Your latest changes are not saved: the browser’s storage for this page is full/);
  assert.match(text, /Delete workspaces you no longer need/);
  assert.ok(await page.$eval('[data-testid=workspaces]', (e) => e.classList.contains('unsaved')));
  await page.screenshot({ path: join(SHOTS, 'work-storage-full.png') });
  // It stays (it is no toast).
  await page.waitForTimeout(5000);
  assert.equal(await page.$eval('[data-testid=save-problem]', (e) => e.hidden), false);
  // The page asks before it is closed with changes not saved.
  const asked = new Promise((ok) =>
    page.once('dialog', (d) => {
      ok(d.type());
      d.dismiss().catch(() => {});
    }),
  );
  await page.click('[data-testid=input-editor] .cm-content'); // (a page asks only after a user's gesture)
  await page.close({ runBeforeUnload: true });
  assert.equal(await asked, 'beforeunload');
  assert.equal(page.isClosed(), false);
  // Room again: the next change is saved, and the notice goes.
  await page.evaluate(() => {
    window.__quota = undefined;
  });
  await paste(page, 'input', '{"small": true}');
  await page.waitForSelector('[data-testid=save-problem]', { state: 'hidden' });
  await page.reload();
  await page.evaluate(() => window.statelab.ready);
  assert.equal((await work(page)).input, '{"small": true}');
  await context.close();
});

test('without IndexedDB, localStorage keeps the workspaces, and when it is full the page says so', async () => {
  const context = await newContext();
  await context.addInitScript(() => Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true }));
  const page = await openTab(context);
  await paste(page, 'definition', def('Kept in localStorage', 'Local'));
  await page.waitForTimeout(600);
  // Fill localStorage (the browser's real limit) with something else.
  const filled = await page.evaluate(() => {
    const chunk = 'x'.repeat(256 * 1024);
    let n = 0;
    try {
      for (; n < 200; n++) localStorage.setItem(`filler.${n}`, chunk);
    } catch {
      /* full */
    }
    return n;
  });
  assert.ok(filled > 4 && filled < 200, `localStorage took ${filled} chunks of 256 KB`);
  await paste(page, 'input', JSON.stringify({ more: 'y'.repeat(600_000) }));
  await page.waitForSelector('[data-testid=save-problem]:not([hidden])');
  assert.match(await page.textContent('[data-testid=save-problem]'), /storage for this page is full \(about 5 MB here, where the page has no IndexedDB\)/);
  // The save before is intact.
  await page.evaluate(() => {
    for (let n = 0; n < 200; n++) localStorage.removeItem(`filler.${n}`);
  });
  await page.reload();
  await page.evaluate(() => window.statelab.ready);
  assert.equal((await work(page)).definition, def('Kept in localStorage', 'Local'));
  await openMenu(page);
  assert.match(await page.textContent('#ws-note'), /localStorage/);
  await context.close();
});

test('a database the browser refuses, or clears while the page is open, is said or opened again', async () => {
  // IndexedDB refused: the notice says so; the work is kept in localStorage.
  const refusing = await newContext();
  await refusing.addInitScript(() => {
    IDBFactory.prototype.open = () => {
      throw new DOMException('refused for the test', 'UnknownError');
    };
  });
  const page = await openTab(refusing);
  await page.waitForSelector('[data-testid=save-problem]:not([hidden])');
  assert.match(
    await page.textContent('[data-testid=save-problem]'),
    /did not open the page's workspace database \(UnknownError: refused for the test\): your work is kept in localStorage/,
  );
  await paste(page, 'definition', def('Kept anyway', 'Anyway'));
  await page.evaluate(() => window.statelab.save());
  await page.reload();
  await page.evaluate(() => window.statelab.ready);
  assert.equal((await work(page)).definition, def('Kept anyway', 'Anyway'));
  await refusing.close();

  // The site's IndexedDB cleared while the page is open: the next change is saved all the same.
  const context = await newContext();
  const tab = await openTab(context);
  const cdp = await context.newCDPSession(tab);
  await cdp.send('Storage.clearDataForOrigin', { origin: new URL(server.url).origin, storageTypes: 'indexeddb' });
  await paste(tab, 'definition', def('After the clearing', 'After'));
  assert.equal(await tab.evaluate(() => window.statelab.save()), true);
  assert.equal(await tab.$eval('[data-testid=save-problem]', (e) => e.hidden), true);
  await tab.reload();
  await tab.evaluate(() => window.statelab.ready);
  assert.equal((await work(tab)).definition, def('After the clearing', 'After'));
  await context.close();
});

test('a workspace over 8 MB is not saved, and the notice says so and offers the file', async () => {
  const context = await newContext();
  const page = await openTab(context);
  await page.evaluate(() => window.statelab.load({ definition: window.statelab.work().definition, input: JSON.stringify({ big: 'z'.repeat(8_100_000) }) }));
  await page.waitForSelector('[data-testid=save-problem]:not([hidden])');
  assert.match(await page.textContent('[data-testid=save-problem]'), /This workspace is 8\.1 MB, more than the 8 MB a workspace may hold: your latest changes are not saved/);
  const download = page.waitForEvent('download');
  await page.click('[data-testid=save-problem-download]');
  const file = await download;
  assert.match(file.suggestedFilename(), /\.statelab\.json$/);
  await context.close();
});

/** A #w= code of `bytes`, deflated as links are (in the page, as the page makes them). */
const deflated = (page, text) =>
  page.evaluate(async (t) => {
    const out = new Uint8Array(await new Response(new Blob([t]).stream().pipeThrough(new CompressionStream('deflate-raw'))).arrayBuffer());
    let s = '';
    for (let i = 0; i < out.length; i += 0x8000) s += String.fromCharCode(...out.subarray(i, i + 0x8000));
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }, text);

test('a link that holds too much, or is damaged, says why and replaces nothing', async () => {
  const context = await newContext();
  const page = await openTab(context);
  const mine = def('Mine, not to be replaced', 'Mine');
  await paste(page, 'definition', mine);
  const count = (await list(page)).length;
  // 40 MB of spaces deflate to a link of about 50 KB.
  const bomb = await deflated(page, `{"v":1,"definition":"{}","input":"${' '.repeat(40_000_000)}"}`);
  assert.ok(bomb.length < 80_000);
  await page.evaluate((c) => {
    location.hash = `w=${c}`;
  }, bomb);
  await seeToast(page, /^Could not open the shared link: it holds more than 8 MB of work, more than a link may hold\. Your work was not replaced\.$/);
  assert.equal((await work(page)).definition, mine);
  assert.equal((await list(page)).length, count);
  // A link cut short.
  await page.evaluate((c) => {
    location.hash = `w=${c.slice(0, c.length >> 1)}`;
  }, OLD_LINK.code);
  await page.waitForFunction(() => /cut short/.test(document.querySelector('[data-testid=toast] .toast-text').textContent));
  assert.equal((await work(page)).definition, mine);
  await page.screenshot({ path: join(SHOTS, 'work-bad-link.png') });
  // A fresh tab on such a link: the message, and a page that works.
  const fresh = await openTab(await newContext(), `#w=${bomb}`);
  await seeToast(fresh, /holds more than 8 MB/);
  assert.ok((await work(fresh)).definition.length > 0);
  assert.deepEqual(fresh.problems, []);
  await fresh.context().close();
  await context.close();
});

test('a link with = padding, &utm_source=x, percent-encoding or in the query string opens', async () => {
  const a = await openTab(await newContext());
  await paste(a, 'input', '{"from": "a link"}');
  const url = await a.evaluate(() => window.statelab.share());
  const w = await work(a);
  const code = new URL(url).hash.slice(3);
  const padded = code + '='.repeat((4 - (code.length % 4)) % 4 || 2);
  for (const path of [`#w=${padded}&utm_source=x`, `?utm_source=x&utm_medium=email#w=${code}%3D%3D`, `#utm_campaign=y&w=${code}`, `?w=${code}`]) {
    const context = await newContext();
    const page = await openTab(context, path);
    assert.deepEqual(await work(page), w, path);
    // The address holds the link the page's way (a reload, an edit, a share start from it).
    assert.equal(new URL(page.url()).search, '', path);
    assert.equal(new URL(page.url()).hash, `#w=${code}`, path);
    assert.deepEqual(page.problems, [], path);
    await context.close();
  }
  await a.context().close();
});

test('a link made before workspaces opens, with its settings and replay position', async () => {
  const context = await newContext();
  const page = await openTab(context, `#w=${OLD_LINK.code}`);
  const w = await work(page);
  assert.equal(w.definition, OLD_LINK.work.definition);
  assert.equal(w.input, OLD_LINK.work.input);
  assert.equal(w.mocks, OLD_LINK.work.mocks);
  assert.equal(w.settings.speed, '5');
  assert.equal(w.settings.seed, 42);
  // Its replay position: the run is shown at 1.5 s once it has run.
  await page.waitForFunction(() => document.querySelector('[data-testid=scrubber]')?.value === '1500', null, { timeout: 20000 });
  assert.equal((await workspace(page)).name, 'Made before workspaces');
  // Reloaded, the tab has the same workspace (not a second copy of the link).
  await page.reload();
  await page.evaluate(() => window.statelab.ready);
  assert.equal((await list(page)).length, 1);
  assert.deepEqual(page.problems, []);
  await context.close();
});

test('the longest link the page offers opens in Chromium, and one character more does not', async () => {
  const { MAX_URL_CHARS } = await import('../../www/app/lib/share.js');
  const context = await newContext();
  const page = await context.newPage();
  const base = `${server.url}examples/index.json#`;
  await page.goto(base);
  /** Open a URL of `length` characters in a new tab, as a click on a link does: the length of the address it got. */
  const opened = async (length) => {
    const url = base + 'A'.repeat(length - base.length);
    const tab = context.waitForEvent('page');
    await page.evaluate((u) => {
      const a = document.createElement('a');
      a.href = u;
      a.target = '_blank';
      document.body.append(a);
      a.click();
      a.remove();
    }, url);
    const t = await tab;
    await t.waitForLoadState('domcontentloaded').catch(() => {});
    const got = await t.evaluate(() => location.href.length);
    await t.close();
    return got;
  };
  assert.equal(await opened(MAX_URL_CHARS), MAX_URL_CHARS);
  assert.notEqual(await opened(MAX_URL_CHARS + 1), MAX_URL_CHARS + 1, 'Chromium does not open a longer address');
  await context.close();
});

test('a short link for an unchanged example; the work as a file when it is too big for a link', async () => {
  const context = await newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await openTab(context);
  await pickExample(page, 'map-concurrency');
  await page.fill('[data-testid=seed]', '7');
  await page.dispatchEvent('[data-testid=seed]', 'change');
  await page.click('[data-testid=share]');
  await seeToast(page, /^Link copied: a short link to the example 'Map with MaxConcurrency' with your settings\.$/);
  const short = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(short, `${server.url}#example=map-concurrency&seed=7`);
  const other = await openTab(await newContext(), '#example=map-concurrency&seed=7');
  assert.deepEqual(await work(other), await work(page));
  await other.context().close();

  // 150 KB that does not compress: a link, offered with the file beside it (chat apps and mail cut such links).
  await page.evaluate(() => {
    const bytes = new Uint8Array(110_000);
    for (let i = 0; i < bytes.length; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
    window.statelab.load({ definition: window.statelab.work().definition, input: JSON.stringify({ blob: btoa(String.fromCharCode(...bytes)) }) });
  });
  await page.click('[data-testid=share]');
  await seeToast(page, /^Link copied \(1\d\d KB long\)\. It opens in Chromium, but chat apps, mail and some browsers cut links this long: a file is safer\.$/);
  assert.match(await page.textContent('[data-testid=toast] .toast-actions'), /Download file/);
  assert.match(page.url(), /#w=/);

  // 2.5 MB that does not compress: a link would be over 2 MB, which no browser opens.
  await page.evaluate(() => {
    const bytes = new Uint8Array(1_900_000);
    for (let i = 0; i < bytes.length; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    window.statelab.load({ definition: window.statelab.work().definition, input: JSON.stringify({ blob: btoa(s) }) });
  });
  const before = page.url();
  await page.click('[data-testid=share]');
  await seeToast(
    page,
    /^This work is too big for a link: the link would be 2\.\d MB long, and browsers open links of at most 2\.1 MB \(Chromium\)\. Download it as a file instead/,
  );
  assert.equal(page.url(), before, 'no link was put in the address bar');
  await page.screenshot({ path: join(SHOTS, 'work-too-big-for-link.png') });
  const downloading = page.waitForEvent('download');
  await page.click('[data-testid=toast] .toast-actions button:text("Download file")');
  const file = await downloading;
  const path = join(SHOTS, file.suggestedFilename());
  await file.saveAs(path);
  const saved = await work(page);
  // The file opens again (Open file in the menu) as a new workspace with the same work.
  const fresh = await openTab(await newContext());
  await openMenu(fresh);
  const [chooser] = await Promise.all([fresh.waitForEvent('filechooser'), fresh.click('[data-testid=workspace-open-file]')]);
  await chooser.setFiles(path);
  await fresh.waitForFunction((i) => window.statelab.work().input === i, saved.input);
  assert.deepEqual(await work(fresh), saved);
  await seeToast(fresh, /as a new workspace/);
  await fresh.context().close();
  await context.close();
});

test('the list: rename, duplicate, delete with undo', async () => {
  const context = await newContext();
  const page = await openTab(context);
  await paste(page, 'definition', def('Orders', 'Charge'));
  await openMenu(page);
  const id = (await workspace(page)).id;
  await page.click(`[data-testid=workspace-item][data-id="${id}"] [data-action=rename]`);
  await page.fill('[data-testid=workspace-rename-input]', 'Nightly orders');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.statelab.workspace().name === 'Nightly orders');
  // A named workspace keeps its name when the definition changes; Ctrl-S saves at once, and says so.
  await paste(page, 'definition', def('Something else', 'Other'));
  await page.keyboard.press('Control+s');
  await seeToast(page, "Saved 'Nightly orders' in this browser.");
  assert.equal((await workspace(page)).name, 'Nightly orders');
  await openMenu(page);
  await page.click(`[data-testid=workspace-item][data-id="${id}"] [data-action=duplicate]`);
  await page.waitForFunction(() => window.statelab.workspace().name === 'Nightly orders (copy)');
  assert.equal((await work(page)).definition, def('Something else', 'Other'));
  const copy = (await workspace(page)).id;
  // Delete the copy (the tab's own): the tab opens the other; Undo brings it back and reopens it.
  await openMenu(page);
  await page.click(`[data-testid=workspace-item][data-id="${copy}"] [data-action=delete]`);
  await seeToast(page, /^Deleted 'Nightly orders \(copy\)'\.$/);
  await page.waitForFunction((i) => window.statelab.workspace().id === i, id);
  assert.deepEqual(
    (await list(page)).map((m) => m.id),
    [id],
  );
  await page.click('[data-testid=toast] .toast-actions button:text("Undo")');
  await page.waitForFunction((i) => window.statelab.workspace().id === i, copy);
  assert.equal((await list(page)).length, 2);
  // Downloaded, and the file dropped on the definition: it opens as a new workspace.
  await openMenu(page);
  const downloading = page.waitForEvent('download');
  await page.click(`[data-testid=workspace-item][data-id="${id}"] [data-action=download]`);
  const file = await downloading;
  assert.equal(file.suggestedFilename(), 'Nightly orders.statelab.json');
  const text = readFileSync(await file.path(), 'utf8');
  assert.equal(JSON.parse(text).name, 'Nightly orders');
  const dt = await page.evaluateHandle((t) => {
    const d = new DataTransfer();
    d.items.add(new File([t], 'Nightly orders.statelab.json', { type: 'application/json' }));
    return d;
  }, text);
  await page.dispatchEvent('[data-testid=definition-editor] .cm-content', 'drop', { dataTransfer: dt });
  await seeToast(page, "Opened Nightly orders.statelab.json as a new workspace; 'Nightly orders (copy)' is kept.");
  assert.equal((await list(page)).length, 3);
  assert.equal((await workspace(page)).name, 'Nightly orders');
  assert.equal((await work(page)).definition, def('Something else', 'Other'));
  assert.deepEqual(page.problems, []);
  await context.close();
});

test('the work saved before workspaces becomes a workspace', async () => {
  const context = await newContext();
  // Saved with trusted: true, before consent was bound to the code: its code was allowed then.
  const definition = {
    Comment: 'Saved by the old page',
    StartAt: 'Call',
    States: { Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', OutputPath: '$.Payload', End: true } },
  };
  const old = {
    definition: JSON.stringify(definition, null, 2),
    input: '{"old": true}',
    mocks: JSON.stringify({ Call: { function: 'async (input) => ({ Payload: { kept: input.old } })' } }),
    settings: { speed: '2', seed: 5, sequential: false },
    trusted: true,
    exampleId: null,
  };
  await context.addInitScript((v) => {
    if (!sessionStorage.getItem('seeded')) {
      localStorage.setItem('statelab.work.v1', v);
      sessionStorage.setItem('seeded', '1');
    }
  }, JSON.stringify(old));
  const page = await openTab(context);
  const w = await work(page);
  assert.equal(w.definition, old.definition);
  assert.equal(w.input, old.input);
  assert.deepEqual(w.settings, { ...old.settings, type: 'STANDARD' });
  assert.equal((await workspace(page)).name, 'Saved by the old page');
  assert.equal(await page.evaluate(() => localStorage.getItem('statelab.work.v1')), null);
  assert.deepEqual((await page.evaluate(() => window.statelab.run({ speed: 'instant' }))).output, { kept: true });
  await context.close();
});

test('the page’s API still works: load, run, work, share, loadExample, and function mocks', async () => {
  const context = await newContext();
  const page = await openTab(context);
  await page.evaluate(() =>
    window.statelab.load({
      definition: { StartAt: 'Greet', States: { Greet: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', OutputPath: '$.Payload', End: true } } },
      input: { name: 'Ada' },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the page is given the function's source text, template literal and all
      mocks: { Greet: { function: 'async (input) => ({ StatusCode: 200, Payload: { greeting: `Hello, ${input.name}!` } })' } },
    }),
  );
  const result = await page.evaluate(() => window.statelab.run({ speed: 'instant' }));
  assert.equal(result.status, 'SUCCEEDED');
  assert.deepEqual(result.output, { greeting: 'Hello, Ada!' });
  assert.deepEqual(await page.evaluate(() => window.statelab.result.output), { greeting: 'Hello, Ada!' });
  assert.ok((await page.evaluate(() => window.statelab.runsEnded)) >= 1);
  const url = await page.evaluate(() => window.statelab.share());
  assert.match(url, /#w=[A-Za-z0-9_-]+$/);
  await page.evaluate(() => window.statelab.loadExample('image-pipeline'));
  assert.equal((await work(page)).definition, exampleFile('image-pipeline', 'definition.json'));
  assert.equal((await page.evaluate(() => window.statelab.run({ speed: 'instant' }))).durationMs, 3000);
  // The cost line names virtual time for what it is.
  assert.match(await page.textContent('[data-testid=cost]'), /^3 s of workflow time \(virtual\)/);
  assert.deepEqual(page.problems, []);
  await context.close();
});

test('JS mocks keep their consent across workspaces: a link’s code asks again when its workspace is reopened, typed code runs', async () => {
  const definition = { StartAt: 'Call', States: { Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', OutputPath: '$.Payload', End: true } } };
  const run = (page) => page.evaluate(() => window.statelab.run({ speed: 'instant' }).catch((e) => ({ rejected: e.message })));
  const a = await openTab(await newContext());
  await a.evaluate((d) => window.statelab.load({ definition: d, mocks: { Call: { function: 'async () => ({ Payload: { from: "link" } })' } } }, { trusted: false }), definition);
  const url = await a.evaluate(() => window.statelab.share());
  await a.context().close();

  const context = await newContext();
  const page = await openTab(context);
  // The user types a function of their own in their workspace: theirs, it runs.
  await page.evaluate((d) => window.statelab.load({ definition: d, mocks: {} }), definition);
  const typed = '{"Call": {"function": "async () => ({ Payload: { typed: 1 } })"}}';
  await typeText(page, 'mocks', typed);
  assert.deepEqual((await run(page)).output, { typed: 1 });
  const mine = (await workspace(page)).id;
  // The link opens beside it, and its code waits for consent.
  await page.evaluate((h) => {
    location.hash = h;
  }, new URL(url).hash);
  await page.waitForFunction((i) => window.statelab.workspace()?.id !== i && window.statelab.loading === 0, mine);
  const linked = (await workspace(page)).id;
  assert.match((await run(page)).rejected, /did not write here/);
  // Back in the user's workspace their code still runs; the link's, reopened, still asks.
  assert.equal(await page.evaluate((i) => window.statelab.openWorkspace(i), mine), true);
  assert.deepEqual((await run(page)).output, { typed: 1 });
  assert.equal(await page.evaluate((i) => window.statelab.openWorkspace(i), linked), true);
  assert.match((await run(page)).rejected, /did not write here/);
  await context.close();
});

test('Step after a run ended says so, and only the next Step starts a new run', async () => {
  const context = await newContext();
  const page = await openTab(context);
  const result = await page.evaluate(() => window.statelab.run({ speed: 'instant' }));
  assert.equal(result.status, 'SUCCEEDED');
  const ended = await page.evaluate(() => window.statelab.runsEnded);
  await page.click('[data-testid=step]');
  await seeToast(page, /^The run has ended: succeeded at 3 s\. Step again to start a new run, paused at its start\.$/);
  assert.equal(await page.$eval('[data-testid=status]', (e) => e.dataset.status), 'SUCCEEDED', 'the ended run stays shown');
  assert.equal(await page.evaluate(() => window.statelab.result?.status), 'SUCCEEDED');
  await page.click('[data-testid=step]');
  await page.waitForFunction(() => document.querySelector('[data-testid=status]').dataset.status === 'PAUSED');
  assert.equal(await page.evaluate(() => window.statelab.runsEnded), ended);
  await context.close();
});

test('the workspaces menu and the notices in light and dark, at 1440 px and 390 px', async () => {
  for (const [width, colorScheme] of [
    [1440, 'light'],
    [390, 'dark'],
  ]) {
    const context = await newContext({ viewport: { width, height: width > 800 ? 900 : 844 }, colorScheme });
    const page = await openTab(context);
    await paste(page, 'definition', def('A workspace with a rather long name to see it cut', 'Long'));
    await page.selectOption('[data-testid=examples]', 'retry-backoff');
    await page.waitForSelector('[data-testid=toast]:not([hidden])');
    await openMenu(page);
    // Nothing spills out of the window.
    const box = await page.$eval('[data-testid=workspace-menu]', (e) => e.getBoundingClientRect().toJSON());
    assert.ok(box.left >= 0 && box.right <= width, JSON.stringify(box));
    await page.screenshot({ path: join(SHOTS, `work-menu-${width}-${colorScheme}.png`) });
    await context.close();
  }
});
