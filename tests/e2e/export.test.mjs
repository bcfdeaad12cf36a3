// Export and copy in Debian's Chromium: each download of the Export menu (the definition as
// written; the mocks as a Step Functions Local mock configuration that the CLI runs to the
// page's result; the events as GetExecutionHistory JSON, equal to the CLI's; the graph and
// the timeline as SVG and PNG that hold a picture), and the Copy buttons of the Result, State
// and Events tabs. The CLI is the one built at target/release/statelab, or $STATELAB_CLI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { setup, openPage, loadExample, runAndWait, CLI } from './page.mjs';

const SHOTS = process.env.STATELAB_SHOTS; // where the pictures exported go, when set

let dir;

setup();
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'statelab-export-'));
});

after(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A fresh page (empty storage, the first example), its graph drawn; `clipboard`: allowed to read and write it. */
async function openDrawn({ clipboard = false, ...options } = {}) {
  const opened = await openPage({ ...options, ...(clipboard ? { permissions: ['clipboard-read', 'clipboard-write'] } : {}) });
  await opened.page.waitForSelector('[data-testid=graph] svg .node');
  return opened;
}

/** Choose an item of the Export menu: resolves {name, bytes} of the file downloaded. */
async function exported(page, what) {
  await page.click('[data-testid=export]');
  await page.waitForSelector('[data-testid=export-menu]', { state: 'visible' }); // (its code loads on the first press)
  assert.equal(await page.getAttribute('[data-testid=export]', 'aria-expanded'), 'true');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=export-${what}]`)]);
  const path = await download.path();
  assert.equal(await page.isVisible('[data-testid=export-menu]'), false, 'the menu closes');
  return { name: download.suggestedFilename(), bytes: readFileSync(path) };
}

/** The CLI's run of a definition with a mock configuration (either format) and an input, seed 1. */
function cli(definition, input, mocks, tag) {
  const files = Object.fromEntries(
    Object.entries({ definition, input, mocks }).map(([k, text]) => {
      const f = join(dir, `${tag}.${k}.json`);
      writeFileSync(f, text);
      return [k, f];
    }),
  );
  let out;
  try {
    out = execFileSync(CLI, ['run', files.definition, '--input', files.input, '--mock-config', files.mocks, '--seed', '1', '--json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    // Exit 1: the execution failed; its output is still the run.
    if (e.status !== 1) throw e;
    out = e.stdout;
  }
  return JSON.parse(out);
}

/** The page's events as the CLI prints them (without ms, lane, state). */
const cliShape = (events) => events.map(({ ms, lane, state, ...rest }) => rest);

/** A PNG's size, from its IHDR; and how many colours the page finds in it once drawn. */
async function pngFacts(page, bytes) {
  assert.deepEqual([...bytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'a PNG signature');
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  const colours = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < data.length && seen.size < 50; i += 4 * 97) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return seen.size;
  }, bytes.toString('base64'));
  return { width, height, colours };
}

test('the definition downloads as written', async () => {
  const { page, context, problems } = await openDrawn();
  const { name, bytes } = await exported(page, 'definition');
  const work = await page.evaluate(() => window.statelab.work());
  assert.match(name, /\.asl\.json$/);
  assert.equal(bytes.toString('utf8').trimEnd(), work.definition.trimEnd());
  JSON.parse(bytes.toString('utf8'));
  assert.deepEqual(problems, []);
  await context.close();
});

for (const id of ['image-pipeline', 'retry-backoff', 'catch-handler', 'map-concurrency']) {
  test(`'${id}': the mocks export as a Step Functions Local config that the CLI runs to the page's result, and the history is the CLI's`, async () => {
    assert.ok(CLI, 'the CLI is built (cargo build --release; scripts/test-e2e.sh does it)');
    const { page, context, problems } = await openDrawn();
    await loadExample(page, id);
    const result = await runAndWait(page);
    const work = await page.evaluate(() => window.statelab.work());

    const mocks = await exported(page, 'mocks');
    assert.match(mocks.name, /\.mock-config\.json$/);
    const config = JSON.parse(mocks.bytes.toString('utf8'));
    assert.ok(config.StateMachines && config.MockedResponses, 'the Step Functions Local shape');
    const [machine] = Object.values(config.StateMachines);
    const [testCase] = Object.values(machine.TestCases);
    for (const [state, response] of Object.entries(testCase)) {
      assert.ok(config.MockedResponses[response], `${state}'s response`);
      for (const r of Object.values(config.MockedResponses[response])) assert.ok('Return' in r || 'Throw' in r, JSON.stringify(r));
    }
    const local = cli(work.definition, work.input, mocks.bytes.toString('utf8'), `${id}-local`);
    const short = cli(work.definition, work.input, work.mocks, `${id}-short`);
    assert.equal(local.status, result.status);
    assert.deepEqual(local.output, result.output);
    assert.deepEqual(local.events, short.events, 'the same run as with the short form');
    assert.deepEqual(local.events, cliShape(result.events), "the page's run");

    // The history: GetExecutionHistory's {events}, the CLI's events.
    const history = await exported(page, 'history');
    assert.match(history.name, /\.history\.json$/);
    const h = JSON.parse(history.bytes.toString('utf8'));
    assert.deepEqual(Object.keys(h), ['events']);
    assert.deepEqual(h.events, short.events);
    for (const e of h.events) assert.deepEqual(Object.keys(e).slice(0, 4), ['id', 'previousEventId', 'timestamp', 'type']);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

for (const theme of ['light', 'dark']) {
  test(`the graph and the timeline export as SVG and PNG pictures (${theme} theme)`, async () => {
    const { page, context, problems } = await openDrawn({ colorScheme: theme });
    await loadExample(page, 'catch-handler');
    const result = await runAndWait(page);
    const states = await page.$$eval('[data-testid=graph] .node', (els) => els.map((e) => e.dataset.state));
    // Zoomed in and panned: what is exported is still the whole drawing, not the view.
    for (let i = 0; i < 4; i++) {
      await page.click('[data-testid=graph-zoom-in]');
      await page.click('[data-testid=timeline-zoom-in]');
    }
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=timeline]').dataset.zoom) > 4);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=graph]').dataset.zoom) > 1.5);
    await page.evaluate(() => {
      document.querySelector('[data-testid=timeline]').scrollLeft = 300;
    });
    const drawing = await page.$eval('[data-testid=graph] svg.graph-svg', (e) => [Number(e.dataset.width), Number(e.dataset.height)]);

    const graph = await exported(page, 'graph-svg');
    assert.match(graph.name, /\.graph\.svg$/);
    const svg = graph.bytes.toString('utf8');
    assert.match(svg, /^<\?xml[^>]*>\n<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.doesNotMatch(svg, /class="/, 'its paint written in, no classes');
    for (const s of states) assert.ok(svg.includes(`>${s}</text>`), `${s} in the graph's SVG`);
    // The page draws it as an image: a picture of the size it says.
    const size = await page.evaluate(async (text) => {
      const img = new Image();
      img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
      await img.decode();
      return [img.naturalWidth, img.naturalHeight];
    }, svg);
    assert.ok(size[0] > 100 && size[1] > 100, JSON.stringify(size));
    assert.deepEqual(size, drawing.map(Math.ceil), 'the whole drawing, at scale 1');
    assert.doesNotMatch(svg, /<g transform="translate\([^)]*\) scale\(/, "no view's zoom in it");
    const graphPng = await exported(page, 'graph-png');
    assert.match(graphPng.name, /\.graph\.png$/);
    const gp = await pngFacts(page, graphPng.bytes);
    assert.equal(gp.width, size[0] * 2);
    assert.ok(gp.colours > 4, `${gp.colours} colours in the graph's PNG`);

    const timeline = await exported(page, 'timeline-svg');
    assert.match(timeline.name, /\.timeline\.svg$/);
    const tl = timeline.bytes.toString('utf8');
    assert.match(tl, /^<\?xml[^>]*>\n<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    // A bar (a rect with its title) for each span.
    const titled = (tl.match(/<title>[^<]* · (state|attempt|backoff|wait) · /g) || []).length;
    assert.equal(titled, result.spans.length);
    assert.match(tl, /^<\?xml[^>]*>\n<svg [^>]*\bwidth="1224"/, 'the whole run, as wide as unzoomed');
    // Each lane, named as the timeline names it (`Fan › branch 2 (Thumbnail)`).
    const names = await page.$$eval('[data-testid=timeline] .tl-lane', (els) => els.map((e) => e.dataset.name));
    assert.equal(names.length, result.lanes.length);
    const xml = (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    for (const name of names) assert.ok(tl.includes(`>${xml(name)}</text>`), `lane ${name}`);
    const timelinePng = await exported(page, 'timeline-png');
    const tp = await pngFacts(page, timelinePng.bytes);
    assert.ok(tp.width > 1000 && tp.height > 100, JSON.stringify(tp));
    assert.ok(tp.colours > 4, `${tp.colours} colours in the timeline's PNG`);
    if (SHOTS)
      for (const [f, b] of [
        [graphPng.name, graphPng.bytes],
        [timelinePng.name, timelinePng.bytes],
        [timeline.name, timeline.bytes],
      ])
        writeFileSync(join(SHOTS, `${theme}-${f}`), b);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('before a run, the Export menu offers what there is: the events and the timeline wait for a run; Escape closes it', async () => {
  const { page, context, problems } = await openDrawn();
  await page.click('[data-testid=export]');
  await page.waitForSelector('[data-testid=export-menu]', { state: 'visible' }); // (its code loads on the first press)
  const enabled = await page.$$eval('[data-testid=export-menu] button', (els) => Object.fromEntries(els.map((b) => [b.dataset.export, !b.disabled])));
  assert.deepEqual(enabled, { definition: true, mocks: true, history: false, 'graph-svg': true, 'graph-png': true, 'timeline-svg': false, 'timeline-png': false });
  assert.equal(await page.evaluate(() => document.activeElement.dataset.export), 'definition', 'the first item has the focus');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.export), 'mocks');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.export), 'graph-svg', 'a disabled item is skipped');
  await page.keyboard.press('Escape');
  assert.equal(await page.isVisible('[data-testid=export-menu]'), false);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'export', 'the focus is back on the button');
  assert.deepEqual(problems, []);
  await context.close();
});

test('Copy buttons put the output, a value of the State tab and an event on the clipboard', async () => {
  const { page, context, problems } = await openDrawn({ clipboard: true });
  const result = await runAndWait(page);
  const clipboard = () => page.evaluate(() => navigator.clipboard.readText());

  // The Result tab: the output, whole.
  await page.click('[data-testid=output] [data-testid=copy-output]');
  assert.equal(await clipboard(), JSON.stringify(result.output, null, 2));
  await page.waitForFunction(() => /Copied the output/.test(document.querySelector('[data-testid=toast]').textContent));
  assert.match(await page.getAttribute('[data-testid=output] [data-testid=copy-output]', 'aria-label'), /^Copy the output$/);

  // The State tab: a state's input and output.
  await page.click('[data-testid=graph] .node[data-state=Resize]');
  await page.waitForSelector('[data-testid=inspector] [data-step=Output] [data-testid=copy-block]');
  const span = result.spans.find((s) => s.state === 'Resize' && s.kind === 'state');
  await page.click('[data-testid=inspector] [data-step=Output] [data-testid=copy-block]');
  assert.equal(await clipboard(), JSON.stringify(span.output, null, 2));
  await page.click('[data-testid=inspector] [data-step=Input] [data-testid=copy-block]');
  assert.equal(await clipboard(), JSON.stringify(span.input, null, 2));

  // The Events tab: an event opened, copied as GetExecutionHistory gives it.
  await page.click('#rtab-history');
  await page.click('[data-testid=history] tr.row[data-event-id="1"]');
  await page.click('[data-testid=history] [data-testid=copy-event]');
  // (The event's shape loads with the first copy: the toast says when it is on the clipboard.)
  await page.waitForFunction(() => /Copied event 1/.test(document.querySelector('[data-testid=toast]').textContent));
  const { ms, lane, state, ...first } = result.events[0];
  assert.deepEqual(JSON.parse(await clipboard()), first);
  assert.deepEqual(problems, []);
  await context.close();
});
