// What every end-to-end test file shares: www/ served and Debian's Chromium launched around
// the file's tests, and a page of the playground that records what went wrong on it.
//
//   import { setup, server, browser, openPage } from './page.mjs';
//   setup();                                     // before: serve + launch; after: close both
//   const { page, context, problems, requests } = await openPage({ colorScheme: 'dark' });
//   assert.deepEqual(problems, []);
import { before, after } from 'node:test';
import { serve } from './server.mjs';
import { launch } from './browser.mjs';

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
