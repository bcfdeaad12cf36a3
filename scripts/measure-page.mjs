#!/usr/bin/env node
// Measures the playground page on 127.0.0.1 in Debian's Chromium:
//  - page weight: every file the page loads (the worker's too), raw and gzip -9;
//  - time to first result: from the start of the navigation (the page's performance clock,
//    so the browser's own process start-up is not counted) to the first example's result
//    shown on the page (engine loaded in its worker, run at "Instant" speed), median of 5
//    cold loads in fresh browser contexts (empty cache and storage).
// Usage: node scripts/measure-page.mjs   (after scripts/build-wasm.sh and scripts/build-web.sh)
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { serve } from '../tests/e2e/server.mjs';
import { launch } from '../tests/e2e/browser.mjs';

const server = await serve();
const browser = await launch();
const times = [];
let files = null;
try {
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    server.served.length = 0;
    await page.goto(server.url, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.statelab?.ready);
    const ms = await page.evaluate(async () => {
      await window.statelab.ready;
      await window.statelab.run({ speed: 'instant' });
      // The page draws a finished run in tasks of its own: the result is shown when the status
      // says so, a frame or a few after run() resolves.
      const status = () => document.querySelector('[data-testid=status]').dataset.status;
      const until = performance.now() + 10000;
      while (status() === 'RUNNING' && performance.now() < until) await new Promise((r) => requestAnimationFrame(() => r()));
      if (status() !== 'SUCCEEDED') throw new Error(`the first example did not succeed (${status()})`);
      return [performance.now(), Date.now()];
    });
    times.push(Math.round(ms[0]));
    // What was asked for by the time the result was shown: a module the page loads after it
    // (the timing notes, say) is not in the first load, however fast it arrives.
    if (!files) files = [...new Map(server.served.filter((f) => f.at <= ms[1]).map((f) => [f.path, f])).values()];
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}

let raw = 0;
let gz = 0;
const rows = files.map((f) => {
  const body = readFileSync(f.file);
  const z = gzipSync(body, { level: 9 }).length;
  raw += body.length;
  gz += z;
  return [f.path, body.length, z];
});
rows.sort((a, b) => b[2] - a[2]);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log('file'.padEnd(46), 'raw'.padStart(10), 'gzip -9'.padStart(10));
for (const [p, r, z] of rows) console.log(p.padEnd(46), kb(r).padStart(10), kb(z).padStart(10));
console.log(`page weight: ${files.length} files, ${kb(raw)} raw, ${kb(gz)} gzip (${gz} bytes; aim: under 500 KB, 512,000 bytes)`);
times.sort((a, b) => a - b);
console.log(`time to first result on 127.0.0.1: median ${times[2]} ms (runs: ${times.join(', ')} ms; aim: under 1000 ms)`);
