// What every end-to-end test file shares: www/ served and Debian's Chromium launched around
// the file's tests, and a page of the playground that records what went wrong on it.
//
//   import { setup, server, browser, openPage } from './page.mjs';
//   setup();                                     // before: serve + launch; after: close both
//   const { page, context, problems, requests } = await openPage({ colorScheme: 'dark' });
//   assert.deepEqual(problems, []);
//   await pickExample(page, 'retry-backoff'); await paste(page, 'input', '{}');
//   const result = await runAndWait(page);
import { before, after } from 'node:test';
import { readFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './server.mjs';
import { launch } from './browser.mjs';

/** The release CLI the pages are compared with: $STATELAB_CLI, $STATELAB_BIN, else target/release/statelab (under $CARGO_TARGET_DIR); undefined when none is built. */
export const CLI = [
  process.env.STATELAB_CLI,
  process.env.STATELAB_BIN,
  `${process.env.CARGO_TARGET_DIR || fileURLToPath(new URL('../../target', import.meta.url))}/release/statelab`,
].find((p) => p && existsSync(p));

/** Where screenshots go: $STATELAB_SHOTS, else statelab-e2e/ in the system's temporary directory (made when first asked for). */
export function shotsDir() {
  const dir = process.env.STATELAB_SHOTS || join(tmpdir(), 'statelab-e2e');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The server of www/ ({url, served, pages, close()}) and the browser, set by setup's `before`. */
export let server;
export let browser;

/** Serve www/ (`serveOptions` as serve() takes them) and launch Chromium before this file's tests; close both after. */
export function setup(serveOptions = {}) {
  before(async () => {
    server = await serve(serveOptions);
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
}

/** A browser profile of its own (empty storage): 1440 × 900, light, unless `options` say otherwise. */
export function newContext(options = {}) {
  return browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light', ...options });
}

/**
 * A tab on the page at `server.url + path` (or at `url`), in `context` (a new one from the other options
 * when not given). `problems` gathers console errors and warnings (the page's and its
 * workers'), uncaught exceptions and Content-Security-Policy violations; `console: false`
 * keeps only uncaught exceptions (for a test whose page logs on purpose). `requests`: every
 * URL the context asked for. `ready`: wait for the playground's API and its loads to settle
 * (false for a page that is not the playground). `init`: a function run in each of its documents
 * before their own scripts. The page's `problems` is also `page.problems`.
 */
export async function openPage({ path = '', url, context, init, ready = true, console: watchConsole = true, ...contextOptions } = {}) {
  const ctx = context || (await newContext(contextOptions));
  const page = await ctx.newPage();
  const problems = [];
  const requests = [];
  if (watchConsole) {
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('worker', (w) => w.on('console', (m) => m.type() === 'error' && problems.push(`worker console.error: ${m.text()}`)));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
    });
  }
  if (init) await page.addInitScript(init);
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  ctx.on('request', (r) => requests.push(r.url()));
  page.problems = problems;
  await page.goto(url ?? server.url + path);
  if (ready) {
    await page.evaluate(() => window.statelab.ready);
    await page.waitForFunction(() => window.statelab.loading === 0);
  }
  return { page, context: ctx, problems, requests };
}

/** The text of an example's file, `www/examples/ID/FILE`. */
export function exampleFile(id, file) {
  return readFileSync(new URL(`../../www/examples/${id}/${file}`, import.meta.url), 'utf8');
}

/**
 * Open example `id` from the examples menu, as a user picks it. It opens as a new workspace
 * once its files are fetched: this waits until every open has landed (one landing after Run
 * is pressed would replace the work and stop the run) and the definition editor shows the
 * example's text.
 */
export async function pickExample(page, id) {
  await page.selectOption('[data-testid=examples]', id);
  await examplesLanded(page, id);
}

/** Open example `id` through the page's API (`window.statelab.loadExample`), waiting as pickExample does. */
export async function loadExample(page, id) {
  await page.evaluate((id) => window.statelab.loadExample(id), id);
  await examplesLanded(page, id);
}

async function examplesLanded(page, id) {
  const definition = exampleFile(id, 'definition.json');
  await page.waitForFunction((d) => window.statelab.loading === 0 && window.statelab.work().definition === d, definition);
}

/**
 * Replace the text of the editor `which` (definition, input, mocks, files) as a paste does,
 * and wait until the work holds it. `clear`: empty the editor first (Chromium's insertText
 * over highlighted lines writes a style attribute into the editable content, which the
 * page's CSP refuses; a user's paste does not).
 */
export async function paste(page, which, text, { clear = false } = {}) {
  await page.click(`#tab-${which}`);
  await page.click(`[data-testid=${which}-editor] .cm-content`);
  await page.keyboard.press('Control+a');
  if (clear) await page.keyboard.press('Backspace');
  await page.keyboard.insertText(text);
  await page.waitForFunction(([w, t]) => window.statelab.work()[w] === t, [which, text]);
}

/**
 * Type `text` into the editor `which` key by key over what it holds (the user's own code: a
 * paste would wait for consent), and wait until the work holds exactly it. On a timeout the
 * error says what the work and the editor held instead.
 */
export async function typeText(page, which, text, { timeout = 30000 } = {}) {
  await page.click(`#tab-${which}`);
  await page.click(`[data-testid=${which}-editor] .cm-content`);
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text);
  try {
    await page.waitForFunction(([w, t]) => window.statelab.work()[w] === t, [which, text], { timeout });
  } catch (e) {
    const held = await page.evaluate((w) => [window.statelab.work()[w], window.statelab.workspace()?.id], which);
    throw new Error(`typed ${JSON.stringify(text)} into ${which}; the work holds ${JSON.stringify(held[0])} (workspace ${held[1]}): ${e.message}`);
  }
}

/**
 * Press Run at `speed` (the speed menu's value: 'instant', '5', ...) and wait until the run
 * has ended and the status shows its end; the run's result (`window.statelab.result`).
 */
export async function runAndWait(page, speed = 'instant', { timeout = 30000 } = {}) {
  await page.selectOption('[data-testid=speed]', speed);
  const before = await page.evaluate(() => window.statelab.runsEnded);
  await page.click('[data-testid=run]');
  await page.waitForFunction((n) => window.statelab.runsEnded > n, before, { timeout });
  await page.waitForFunction(() => !['IDLE', 'RUNNING', 'PAUSED'].includes(document.querySelector('[data-testid=status]').dataset.status));
  return page.evaluate(() => window.statelab.result);
}
