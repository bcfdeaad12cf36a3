// End-to-end test of the panes' drags in Debian's Chromium: the splitters between panes and
// the timeline's splitter are dragged by one handler (panes.js `draggable`); each drag moves
// its sizes while the pointer moves, marks the layout `resizing` until the pointer is up,
// and is remembered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openPage, runAndWait } from './page.mjs';

setup();

const box = (page, sel) => page.$eval(sel, (e) => e.getBoundingClientRect().toJSON());
const resizing = (page) => page.evaluate(() => document.querySelector('.layout').classList.contains('resizing'));

/** Drag from the middle of `sel` by (dx, dy), checking the layout is resizing half way. */
async function drag(page, sel, dx, dy) {
  const b = await box(page, sel);
  const x = b.x + b.width / 2;
  const y = b.y + Math.min(b.height / 2, 200);
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx / 2, y + dy / 2, { steps: 3 });
  const during = await resizing(page);
  await page.mouse.move(x + dx, y + dy, { steps: 3 });
  await page.mouse.up();
  return during;
}

test('the pane splitters and the timeline splitter are dragged alike, and the sizes are kept', async () => {
  const { page, problems } = await openPage();
  const graph0 = await box(page, '[data-pane=graph]');
  assert.equal(await drag(page, '[data-testid=splitter-2]', -80, 0), true, 'resizing while the pane splitter is dragged');
  assert.equal(await resizing(page), false, 'no longer resizing once the pointer is up');
  const graph1 = await box(page, '[data-pane=graph]');
  assert.ok(Math.abs(graph0.width - graph1.width - 80) <= 4, `the graph went from ${graph0.width} to ${graph1.width} px`);

  // The timeline has its share of the run's pane once a run is shown.
  await runAndWait(page);
  const tl = '[data-testid=splitter-timeline]';
  const value0 = Number(await page.getAttribute(tl, 'aria-valuenow'));
  // A press and a release without a move leaves the share as it was.
  assert.equal(await drag(page, tl, 0, 0), true);
  assert.equal(Number(await page.getAttribute(tl, 'aria-valuenow')), value0);
  assert.equal(await drag(page, tl, 0, 90), true, 'resizing while the timeline splitter is dragged');
  assert.equal(await resizing(page), false);
  const value1 = Number(await page.getAttribute(tl, 'aria-valuenow'));
  const height = await page.$eval('[data-pane=results]', (e) => e.getBoundingClientRect().height);
  assert.ok(Math.abs(value1 - value0 - (90 / height) * 100) <= 2, `the timeline's share went from ${value0} to ${value1} (90 px of ${height})`);
  // A press that is not the primary button does not drag.
  const b = await box(page, tl);
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
  await page.mouse.down({ button: 'right' });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2 + 60, { steps: 3 });
  assert.equal(await resizing(page), false);
  await page.mouse.up({ button: 'right' });
  assert.equal(Number(await page.getAttribute(tl, 'aria-valuenow')), value1);

  // Both are kept: a reload shows the same sizes.
  await page.reload();
  await page.evaluate(() => window.statelab.ready);
  assert.equal(Number(await page.getAttribute(tl, 'aria-valuenow')), value1);
  const graph2 = await box(page, '[data-pane=graph]');
  assert.ok(Math.abs(graph2.width - graph1.width) <= 2, `the graph is ${graph2.width} px after a reload, was ${graph1.width}`);
  assert.deepEqual(problems, []);
});
