// Accessibility of the playground (WCAG 2.2 AA) in Debian's Chromium: the contrast of every
// status colour in both themes, computed from the page's styles; statuses told by an icon and
// in words, not by hue alone; Escape then Tab leaves an editor, and a hint says so; the
// timeline is one tab stop with the arrow keys inside; a live region that says when a run
// starts and ends, not every frame; an <h1>; a name for every button. And two small things: a
// run that fails at the history limit leaves no span running, and an embed whose speed
// attribute is no use says so and runs at 1×. Screenshots go to $STATELAB_SHOTS when set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { setup, server, browser, openPage, runAndWait, loadExample } from './page.mjs';
import { statusContrasts, minimum } from './contrast.mjs';

const SHOTS = process.env.STATELAB_SHOTS;

if (SHOTS) mkdirSync(SHOTS, { recursive: true });
setup();

/** A fresh page (empty storage, the first example), its graph drawn. */
async function openDrawn(options) {
  const opened = await openPage(options);
  await opened.page.waitForSelector('[data-testid=graph] svg .node');
  return opened;
}

for (const theme of ['light', 'dark']) {
  test(`every status colour has the contrast WCAG 2.2 AA asks, in the ${theme} theme: 4.5:1 for text, 3:1 for shapes`, async () => {
    const { page, context, problems } = await openDrawn({ colorScheme: theme });
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), theme);
    await runAndWait(page);
    const pairs = await statusContrasts(page);
    assert.ok(pairs.length >= 101, `${pairs.length} pairs measured`);
    const low = pairs.filter((p) => p.ratio < minimum(p.kind));
    if (process.env.STATELAB_CONTRAST) console.log(JSON.stringify({ theme, pairs }));
    assert.deepEqual(low, [], low.map((p) => `${p.what}: ${p.fg} on ${p.bg} is ${p.ratio}:1, under ${minimum(p.kind)}:1`).join('\n'));
    // The statuses that were found wanting: the running chip, the idle outline.
    const ratio = (what) => pairs.find((p) => p.what === what).ratio;
    assert.ok(ratio('status line RUNNING') >= 4.5);
    assert.ok(ratio('graph node idle: outline on the pane') >= 3);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/a11y-1440-${theme}.png` });
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('succeeded, failed, caught and cancelled differ by an icon and in words, not only by hue', async () => {
  const { page, context, problems } = await openDrawn();
  await loadExample(page, 'catch-handler');
  await runAndWait(page);
  const nodes = await page.$$eval('[data-testid=graph] .node', (els) =>
    els.map((g) => {
      const icon = g.querySelector(':scope > .status-icon');
      return {
        state: g.dataset.state,
        status: g.dataset.status,
        label: g.getAttribute('aria-label'),
        shown: getComputedStyle(icon).display !== 'none',
        glyph: icon.querySelector('.glyph').getAttribute('d') || '',
      };
    }),
  );
  const by = (status) => nodes.filter((n) => n.status === status);
  for (const status of ['succeeded', 'failed', 'caught', 'cancelled']) assert.ok(by(status).length, `a node ${status}: ${JSON.stringify(nodes)}`);
  const glyphs = new Map();
  for (const n of nodes) {
    if (n.status === 'idle') {
      assert.equal(n.shown, false, `${n.state}: no icon before it ran`);
      continue;
    }
    assert.ok(n.shown && n.glyph, `${n.state} (${n.status}) shows its icon`);
    assert.ok(n.label.includes(n.status), `${n.state}'s name says ${n.status}: ${n.label}`);
    if (glyphs.has(n.status)) assert.equal(glyphs.get(n.status), n.glyph);
    glyphs.set(n.status, n.glyph);
  }
  assert.equal(new Set(glyphs.values()).size, glyphs.size, 'one glyph per status');
  // The timeline's state bars: a glyph before the name, one per status (the bars of this run,
  // and a bar of each status put in its lane: this run's succeeded states take no time).
  const marks = await page.$$eval('[data-testid=timeline-bar][data-kind=state] .bar-label', (els) =>
    els.map((l) => ({ status: l.parentElement.dataset.status, mark: getComputedStyle(l, '::before').content })),
  );
  const probed = await page.evaluate(() => {
    const track = document.querySelector('[data-testid=timeline] .tl-track');
    const out = {};
    for (const s of ['running', 'succeeded', 'failed', 'caught', 'cancelled']) {
      const bar = document.createElement('button');
      bar.className = `bar kind-state status-${s}`;
      const label = document.createElement('span');
      label.className = 'bar-label';
      bar.append(label);
      track.append(bar);
      out[s] = getComputedStyle(label, '::before').content;
      bar.remove();
    }
    return out;
  });
  for (const m of marks) assert.equal(m.mark, probed[m.status], JSON.stringify(m));
  assert.deepEqual(new Set(marks.map((m) => m.status)), new Set(['failed', 'caught', 'cancelled']));
  for (const s of ['succeeded', 'failed', 'caught', 'cancelled']) assert.ok(probed[s] !== 'none' && probed[s] !== 'normal', `${s}: ${probed[s]}`);
  assert.equal(new Set(['succeeded', 'failed', 'caught', 'cancelled'].map((s) => probed[s])).size, 4, JSON.stringify(probed));
  // (A running bar is striped instead.)
  // The legend shows the same glyphs.
  const legend = await page.$$eval('.legend li', (els) => els.map((li) => getComputedStyle(li, '::before').content));
  assert.equal(new Set(legend).size, 5, JSON.stringify(legend));
  assert.deepEqual(problems, []);
  await context.close();
});

test('Tab indents in an editor; Escape then Tab leaves it, and a hint at its corner says so', async () => {
  const { page, context, problems } = await openDrawn();
  const content = '[data-testid=definition-editor] .cm-content';
  const hint = '[data-testid=definition-editor] .cm-tab-hint';
  assert.equal(await page.isVisible(hint), false, 'no hint while the editor has no focus');
  await page.click(content);
  await page.waitForSelector(hint, { state: 'visible', timeout: 2000 });
  assert.match(await page.textContent(hint), /Esc then Tab/);
  // The hint is the editor's description for a screen reader.
  const described = await page.$eval(content, (e) => document.getElementById(e.getAttribute('aria-describedby'))?.textContent);
  assert.match(described, /Esc then Tab/);
  const inEditor = () => page.evaluate(() => !!document.activeElement?.closest('[data-testid=definition-editor]'));
  const before = await page.evaluate(() => window.statelab.work().definition);
  await page.keyboard.press('Tab');
  assert.equal(await inEditor(), true, 'Tab alone stays in the editor');
  assert.notEqual(await page.evaluate(() => window.statelab.work().definition), before, 'and indents');
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Escape');
  assert.match(await page.textContent(hint), /Tab now leaves/);
  await page.keyboard.press('Tab');
  assert.equal(await inEditor(), false, 'Escape then Tab leaves the editor');
  // (CodeMirror marks an editor that lost the focus a moment later.)
  await page.waitForSelector(hint, { state: 'hidden', timeout: 2000 });
  assert.equal(await page.evaluate(() => window.statelab.work().definition), before, 'the text is as it was');
  // And back: Shift+Tab reaches the editor again (it is a tab stop), Escape then Shift+Tab leaves it backwards.
  await page.click(content);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await inEditor(), false, 'Escape then Shift+Tab leaves it too');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the timeline is one tab stop; the arrow keys move between its bars, Enter selects one', async () => {
  const { page, context, problems } = await openDrawn();
  await runAndWait(page);
  const stops = () => page.$$eval('[data-testid=timeline] [data-testid=timeline-bar]', (els) => els.filter((e) => e.tabIndex >= 0).length);
  const all = await page.$$eval('[data-testid=timeline] [data-testid=timeline-bar]', (els) => els.length);
  assert.ok(all > 4, `${all} bars`);
  assert.equal(await stops(), 1, 'one bar is a tab stop');
  assert.equal(await page.getAttribute('[data-testid=timeline]', 'role'), 'group');
  assert.match(await page.getAttribute('[data-testid=timeline]', 'aria-label'), /arrow keys/);
  const focused = () =>
    page.evaluate(() => {
      const e = document.activeElement;
      return e?.dataset?.testid === 'timeline-bar'
        ? { state: e.dataset.state, lane: e.dataset.lane, kind: e.dataset.kind, start: Number(e.dataset.startMs), tab: e.tabIndex }
        : null;
    });
  // Tab reaches the timeline once: from the element before it, one Tab lands on a bar, the next leaves.
  await page.focus('[data-testid=timeline] [data-testid=timeline-bar][tabindex="0"]');
  const first = await focused();
  assert.ok(first);
  await page.keyboard.press('Tab');
  assert.equal(await focused(), null, 'the next Tab leaves the timeline');
  await page.keyboard.press('Shift+Tab');
  assert.deepEqual(await focused(), first, 'Shift+Tab comes back to the same bar');
  // Down: a bar of the next lane (a branch's), the tab stop follows.
  await page.keyboard.press('ArrowDown');
  const down = await focused();
  assert.ok(down && down.lane !== first.lane && down.kind === 'state', JSON.stringify({ first, down }));
  assert.equal(down.tab, 0);
  assert.equal(await stops(), 1);
  // Right: the next bar of that lane (its Task's attempt), Left back.
  await page.keyboard.press('ArrowRight');
  const right = await focused();
  assert.ok(right && right.lane === down.lane && right.kind === 'attempt' && right.start >= down.start, JSON.stringify({ down, right }));
  await page.keyboard.press('ArrowLeft');
  assert.deepEqual(await focused(), down);
  await page.keyboard.press('ArrowUp');
  assert.deepEqual(await focused(), { ...first, tab: 0 });
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  const end = await focused();
  assert.equal(end.lane, down.lane);
  await page.keyboard.press('Home');
  assert.equal((await focused()).lane, down.lane);
  // Enter selects it, as a click does: the State tab shows that state.
  const chosen = await focused();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#rtab-inspector').getAttribute('aria-selected') === 'true');
  await page.waitForSelector('[data-testid=inspector] .insp-head h3');
  assert.equal(await page.textContent('[data-testid=inspector] .insp-head h3'), chosen.state);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a quiet live region says when a run starts and when it ends, not every frame; the status line is no live region', async () => {
  const { page, context, problems } = await openDrawn();
  const status = await page.$eval('[data-testid=status]', (e) => ({ live: e.getAttribute('aria-live'), role: e.getAttribute('role') }));
  assert.deepEqual(status, { live: null, role: null });
  assert.equal(await page.getAttribute('[data-testid=run-announcer]', 'role'), 'status');
  await page.evaluate(() => {
    window.__said = [];
    window.__lines = 0;
    new MutationObserver(() => window.__said.push(document.querySelector('[data-testid=run-announcer]').textContent)).observe(
      document.querySelector('[data-testid=run-announcer]'),
      { childList: true, characterData: true, subtree: true },
    );
    new MutationObserver(() => window.__lines++).observe(document.querySelector('[data-testid=status]'), { childList: true, characterData: true, subtree: true });
  });
  // The first example takes 3 s of workflow time: 0.6 s at 5×, many frames.
  const result = await runAndWait(page, '5');
  assert.equal(result.status, 'SUCCEEDED');
  const { said, lines } = await page.evaluate(() => ({ said: window.__said, lines: window.__lines }));
  assert.ok(lines > 5, `the status line changed ${lines} times`);
  assert.equal(said.length, 2, JSON.stringify(said));
  assert.equal(said[0], 'Running');
  assert.match(said[1], /^Succeeded in 3 s/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the page has one <h1>, and every button (icon buttons included) has a name', async () => {
  const { page, context, problems } = await openDrawn();
  assert.deepEqual(await page.$$eval('h1', (els) => els.map((e) => e.textContent.trim())), ['statelab']);
  await runAndWait(page);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Accessibility.enable');
  const nameless = async (where) => {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    const buttons = nodes.filter((n) => !n.ignored && ['button', 'menuitem', 'tab'].includes(n.role?.value));
    assert.ok(buttons.length > 10, `${where}: ${buttons.length} buttons`);
    return buttons.filter((n) => !n.name?.value?.trim()).map((n) => `${where}: a ${n.role.value} without a name (${n.backendDOMNodeId})`);
  };
  const missing = [...(await nameless('the page after a run'))];
  // The menus' buttons, and the icon buttons of the workspaces' list.
  await page.click('[data-testid=workspaces]');
  await page.waitForSelector('[data-testid=workspace-list] .wsm-action');
  missing.push(...(await nameless('the Workspaces menu')));
  await page.keyboard.press('Escape');
  await page.click('[data-testid=export]');
  await page.waitForSelector('[data-testid=export-menu]', { state: 'visible' }); // (its code loads on the first press)
  missing.push(...(await nameless('the Export menu')));
  await page.keyboard.press('Escape');
  // The replay's ◀ ▶ buttons, the toast's ×.
  assert.equal(await page.getAttribute('#replay-prev', 'aria-label'), 'Previous event');
  assert.equal(await page.getAttribute('.toast-close', 'aria-label'), 'Close the message');
  assert.deepEqual(missing, []);
  // The theme button is an icon at narrower widths: its name says what it does.
  await page.setViewportSize({ width: 1200, height: 900 });
  assert.match(await page.getAttribute('[data-testid=theme]', 'aria-label'), /Switch to the dark theme/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a run that fails at the history limit leaves no span running: the graph and the timeline say where it stopped', async () => {
  const { page, context, problems } = await openDrawn();
  // A Wait in a Parallel branch that loops until the 25,000th event ends the execution (its
  // way out reads a constant: no input the page derives takes it).
  const loop = {
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Parallel',
        Branches: [
          {
            StartAt: 'Count',
            States: {
              Count: { Type: 'Pass', Result: { n: 1 }, ResultPath: '$.count', Next: 'Sleep' },
              Sleep: { Type: 'Wait', Seconds: 1, Next: 'Again' },
              Again: { Type: 'Choice', Choices: [{ Variable: '$.count.n', NumericEquals: 2, Next: 'Done' }], Default: 'Count' },
              Done: { Type: 'Succeed' },
            },
          },
        ],
        End: true,
      },
    },
  };
  await page.evaluate((d) => window.statelab.load({ definition: JSON.stringify(d, null, 2), input: '{}', mocks: '{}' }), loop);
  await page.waitForSelector('[data-testid=graph] .node[data-state=Fan]');
  const result = await runAndWait(page);
  assert.equal(result.status, 'FAILED');
  assert.equal(result.error, 'States.Runtime');
  assert.match(result.cause, /maximum number of history events/);
  assert.deepEqual(
    result.spans.filter((s) => s.endMs === null || s.status === 'running'),
    [],
  );
  const fan = result.spans.find((s) => s.state === 'Fan');
  assert.deepEqual([fan.status, fan.endMs], ['cancelled', result.durationMs]);
  assert.equal(await page.getAttribute('[data-testid=graph] .node[data-state=Fan]', 'data-status'), 'cancelled');
  assert.equal(await page.$$eval('[data-testid=timeline-bar][data-status=running]', (els) => els.length), 0);
  assert.equal(await page.$$eval('[data-testid=graph] .node[data-status=running]', (els) => els.length), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an embed whose speed is 0, -1, abc or 1e309 says so and runs at 1× (a good speed says nothing)', async () => {
  const def = JSON.stringify({ StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 1, Next: 'Done' }, Done: { Type: 'Pass', End: true } } });
  const speeds = ['0', '-1', 'abc', '1e309', '10'];
  const embeds = speeds.map((s) => `<asl-playground view="timeline" speed="${s}" definition='${def}'></asl-playground>`).join('\n');
  server.pages.set(
    '/speed.html',
    `<!doctype html><html><head><meta charset="utf-8"><title>speed</title><link rel="icon" href="data:,"><script type="module" src="embed.js"></script></head><body>${embeds}</body></html>`,
  );
  const context = await browser.newContext({ viewport: { width: 1000, height: 1200 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  await page.goto(`${server.url}speed.html`);
  await page.waitForFunction(() => [...document.querySelectorAll('asl-playground')].every((e) => e.shadowRoot));
  await page.evaluate(() => Promise.all([...document.querySelectorAll('asl-playground')].map((e) => e.ready)));
  const notes = await page.$$eval('asl-playground', (els) =>
    els.map((e) => {
      const n = e.shadowRoot.querySelector('[data-testid=embed-note]');
      return n.hidden ? null : n.textContent;
    }),
  );
  for (const [i, s] of speeds.entries()) {
    if (s === '10') assert.equal(notes[i], null);
    else {
      assert.ok(notes[i]?.includes(`speed="${s}"`), `speed ${s}: ${notes[i]}`);
      assert.match(notes[i], /runs at 1× \(real time\)/);
    }
  }
  // Each runs to its end: those with a bad speed take the Wait's 1 s, the one at 10× a tenth.
  const runs = await page.evaluate(async () => {
    return Promise.all(
      [...document.querySelectorAll('asl-playground')].map(async (e) => {
        const t = performance.now();
        const r = await e.run();
        return { status: r?.status, ms: performance.now() - t, shown: e.shadowRoot.querySelector('[data-testid=embed-status]').dataset.status };
      }),
    );
  });
  for (const [i, s] of speeds.entries()) {
    assert.equal(runs[i].status, 'SUCCEEDED', `speed ${s}: ${JSON.stringify(runs[i])}`);
    assert.equal(runs[i].shown, 'SUCCEEDED');
    if (s === '10') assert.ok(runs[i].ms < 900, `speed 10: ${runs[i].ms} ms`);
    else assert.ok(runs[i].ms >= 900 && runs[i].ms < 5000, `speed ${s}: ${runs[i].ms} ms`);
  }
  // A speed set later is read again.
  await page.evaluate(() => document.querySelector('asl-playground').setAttribute('speed', '2'));
  await page.evaluate(() => document.querySelector('asl-playground').ready);
  assert.equal(await page.$eval('asl-playground', (e) => e.shadowRoot.querySelector('[data-testid=embed-note]').hidden), true);
  assert.deepEqual(problems, []);
  await context.close();
});

test('screenshots at 390 px (light), with the Export menu open at 1440 px (dark)', { skip: !SHOTS }, async () => {
  const { page, context } = await openDrawn({ viewport: { width: 390, height: 844 } });
  await runAndWait(page);
  await page.screenshot({ path: `${SHOTS}/a11y-390-light.png`, fullPage: true });
  await context.close();
  const dark = await openDrawn({ colorScheme: 'dark' });
  await loadExample(dark.page, 'catch-handler');
  await runAndWait(dark.page);
  await dark.page.click('[data-testid=definition-editor] .cm-content');
  await dark.page.click('[data-testid=export]');
  await dark.page.waitForSelector('[data-testid=export-menu]', { state: 'visible' }); // (its code loads on the first press)
  await dark.page.screenshot({ path: `${SHOTS}/a11y-1440-dark-export.png` });
  await dark.context.close();
});
