// A Markdown page rendered with the markdown-it plugin (markdown/markdown-it.js), served beside
// www/embed.js and opened in Debian's Chromium: its playgrounds run (JSON and YAML
// definitions), a broken one says why, nothing in a definition runs as script, the "Open in
// playground" link follows the plugin's option; and without JavaScript the reader sees the JSON.
// Run by scripts/test-e2e.sh (node --test tests/e2e/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import MarkdownIt from 'markdown-it';
import aslPlayground from '../../markdown/markdown-it.js';
import { setup, server, openPage } from './page.mjs';

const fixture = (name) => readFileSync(new URL(`../js/fixtures/${name}`, import.meta.url), 'utf8').trimEnd();
const fence = (info, body) => `\`\`\`${info}\n${body}\n\`\`\`\n`;

const PARALLEL = fixture('parallel.asl.json');
const YAML = 'Comment: A YAML definition\nStartAt: Greet\nStates:\n  Greet:\n    Type: Pass\n    Result:\n      hello: yaml\n    End: true';
const BROKEN = '{"StartAt": "A", "States": {';
const EVIL = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Result: '</pre><script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">', End: true } } });

const MARKDOWN = `# Concurrency

Three branches that take 3, 2 and 1 seconds:

${fence('asl view=both autorun speed=20', PARALLEL)}
${fence('asl-input', fixture('parallel.input.json'))}
${fence('asl-mocks', fixture('parallel.mocks.json'))}
The same in YAML, as a graph:

${fence('asl view=graph title="In YAML"', YAML)}
A mistake:

${fence('asl view=timeline', BROKEN)}
${fence('asl view=timeline title="Evil </asl-playground><script>window.pwned = 3</script>"', EVIL)}
${fence('asl-input', '{"note": "</pre><script>window.pwned = 4</script>"}')}
${fence('js', 'console.log("a plain code block");')}`;

const PAGE = (body) => `<!doctype html><html><head><meta charset="utf-8"><title>Markdown</title><link rel="icon" href="data:,">
<script type="module" src="embed.js"></script></head><body>${body}</body></html>`;

setup();

/** A page at www/markdown.html (answered from memory, beside embed.js), with its problems listed. */
async function open(html, options = {}) {
  server.pages.set('/markdown.html', html);
  return openPage({ path: 'markdown.html', ready: false, viewport: { width: 1200, height: 900 }, ...options });
}

const statusOf = (page, i) =>
  page.evaluate((i) => {
    const s = document.querySelectorAll('asl-playground')[i].shadowRoot?.querySelector('[data-testid=embed-status]');
    return s && { status: s.dataset.status, text: s.textContent };
  }, i);

test('a page rendered by the markdown-it plugin runs its playgrounds in Chromium', async () => {
  const html = PAGE(new MarkdownIt().use(aslPlayground, { playground: 'index.html' }).render(MARKDOWN));
  const { page, context, problems } = await open(html);
  assert.equal(await page.locator('asl-playground').count(), 4);
  assert.equal(await page.locator('pre > code.language-js').count(), 1);

  // The first runs by itself (autorun, in view), with its input and mocks: 3 s on the virtual clock.
  await page.waitForFunction(() => document.querySelector('asl-playground').shadowRoot?.querySelector('[data-testid=embed-status]')?.dataset.status === 'SUCCEEDED', null, {
    timeout: 20000,
  });
  assert.deepEqual(await statusOf(page, 0), { status: 'SUCCEEDED', text: 'Succeeded in 3 s' });
  const first = await page.evaluate(() => {
    const root = document.querySelector('asl-playground').shadowRoot;
    return {
      lanes: [...root.querySelectorAll('[data-testid=timeline-bar][data-kind=attempt]')].map((b) => b.dataset.lane).sort(),
      title: root.querySelector('[part=title]').textContent,
      open: root.querySelector('[data-testid=embed-open]').href,
    };
  });
  assert.deepEqual(first.lanes, ['Fan out/0', 'Fan out/1', 'Fan out/2']);
  assert.equal(first.title, JSON.parse(PARALLEL).Comment);
  assert.ok(first.open.startsWith(`${server.url}index.html#w=`), first.open);

  // The YAML definition is read by the full engine and runs (no mocks needed: a Pass state).
  const yaml = await page.evaluate(async () => {
    const el = document.querySelectorAll('asl-playground')[1];
    const result = await el.run();
    return {
      status: result?.status,
      output: result?.output,
      title: el.shadowRoot.querySelector('[part=title]').textContent,
      nodes: el.shadowRoot.querySelectorAll('.graph [data-state]').length,
    };
  });
  assert.deepEqual(yaml, { status: 'SUCCEEDED', output: { hello: 'yaml' }, title: 'A YAML definition', nodes: 1 });

  // Invalid JSON: the element says what is wrong, and nothing breaks.
  await page.evaluate(() => document.querySelectorAll('asl-playground')[2].ready);
  const broken = await statusOf(page, 2);
  assert.equal(broken.status, 'ERROR');
  assert.match(broken.text, /^Cannot read this example: definition: /);

  // The evil one is text: its definition and input reach the engine as written, no script ran.
  const evil = await page.evaluate(async () => {
    const el = document.querySelectorAll('asl-playground')[3];
    const result = await el.run();
    return {
      pwned: window.pwned ?? null,
      definition: el.querySelector('[data-part=definition]').textContent,
      input: el.querySelector('[data-part=input]').textContent,
      title: el.getAttribute('title'),
      output: result?.output,
      scripts: document.querySelectorAll('script').length,
    };
  });
  assert.deepEqual(evil, {
    pwned: null,
    definition: EVIL,
    input: '{"note": "</pre><script>window.pwned = 4</script>"}',
    title: 'Evil </asl-playground><script>window.pwned = 3</script>',
    output: JSON.parse(EVIL).States.A.Result,
    scripts: 1,
  });
  assert.deepEqual(problems, []);
  await context.close();
});

test('without the playground option there is no "Open in playground" link', async () => {
  const { page, context, problems } = await open(PAGE(new MarkdownIt().use(aslPlayground).render(fence('asl', PARALLEL))));
  await page.waitForFunction(() => document.querySelector('asl-playground').shadowRoot?.querySelector('[part=title]')?.textContent);
  assert.equal(await page.evaluate(() => document.querySelector('asl-playground').shadowRoot.querySelector('[data-testid=embed-open]').hidden), true);
  assert.deepEqual(problems, []);
  await context.close();
});

test('without JavaScript the reader sees each definition as written', async () => {
  const html = PAGE(new MarkdownIt().use(aslPlayground).render(MARKDOWN));
  const { page, context } = await open(html, { javaScriptEnabled: false });
  const shown = await page.$$eval('asl-playground pre[data-part=definition]', (els) => els.map((e) => ({ text: e.textContent, visible: e.offsetHeight > 0 })));
  assert.deepEqual(shown, [
    { text: PARALLEL, visible: true },
    { text: YAML, visible: true },
    { text: BROKEN, visible: true },
    { text: EVIL, visible: true },
  ]);
  // The input and mocks are shown too, after their definition.
  assert.deepEqual(await page.$$eval('asl-playground:first-of-type pre', (els) => els.map((e) => e.dataset.part)), ['definition', 'input', 'mocks']);
  await context.close();
});
