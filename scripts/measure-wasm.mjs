// Measure statelab's WebAssembly build against its budgets and print the numbers.
// Needs www/pkg (scripts/build-wasm.sh). Usage: node scripts/measure-wasm.mjs
// These are measurements, not tests: the exit code is 0 whatever the numbers, unless
// something could not be measured at all.
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const wasmPath = `${root}www/pkg/statelab_bg.wasm`;
if (!existsSync(wasmPath)) {
  console.error('measure-wasm: www/pkg/statelab_bg.wasm is missing: run scripts/build-wasm.sh first');
  process.exit(1);
}
const { init, simulate, run } = await import(`${root}www/statelab.js`);
const fixture = (name) => readFileSync(`${root}tests/js/fixtures/${name}`, 'utf8');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const bytes = readFileSync(wasmPath);
const gz = gzipSync(bytes, { level: 9 }).length;
const GZ_BUDGET = 200 * 1024;
console.log(`wasm size: ${bytes.length} bytes raw (${kb(bytes.length)}), ${gz} bytes gzip -9 (${kb(gz)}); budget ${kb(GZ_BUDGET)} gzip: ${gz <= GZ_BUDGET ? 'within' : 'OVER'}`);

await init();

// simulate: a Map of 1,000 iterations x 3 states (Pass, Task, Pass).
const mapDef = fixture('map.asl.json');
const mapMocks = fixture('map.mocks.json');
const items = { items: Array.from({ length: 1000 }, (_, id) => ({ id })) };
const first = await simulate(mapDef, items, mapMocks, { seed: 1 });
if (first.status !== 'SUCCEEDED' || first.output.length !== 1000) throw new Error(`the Map run did not succeed: ${first.status}`);
const times = [];
const cpu = [];
for (let i = 0; i < 9; i++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await simulate(mapDef, items, mapMocks, { seed: 1 });
  times.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}
// Wall time suffers when other processes share the CPU; the minimum and the CPU time
// (which also counts V8's GC helper threads) say what the code itself costs.
console.log(`simulate Map 1,000 x 3 states (${first.events.length} events, ${first.spans.length} spans, ${JSON.stringify(first).length} bytes as JSON): median ${median(times).toFixed(1)} ms wall, min ${Math.min(...times).toFixed(1)} ms, median CPU ${median(cpu).toFixed(1)} ms over ${times.length} warm runs; goal < 100 ms: ${median(times) < 100 ? 'met' : 'NOT met'} (load average ${(await import('node:os')).loadavg()[0].toFixed(2)})`);

// run: the three-branch Parallel (Lambda tasks of 3, 2 and 1 s) at speed 100.
const par = ['parallel.asl.json', 'parallel.input.json', 'parallel.mocks.json'].map(fixture);
const walls = [];
for (let i = 0; i < 7; i++) {
  const t0 = performance.now();
  const r = await run(...par, { speed: 100 }).done;
  walls.push(performance.now() - t0);
  if (r.status !== 'SUCCEEDED') throw new Error(`the Parallel run did not succeed: ${r.status}`);
}
console.log(`run Parallel 3 s / 2 s / 1 s at speed 100: median ${median(walls).toFixed(1)} ms wall time (ideal 30 ms), runs: ${walls.map((w) => w.toFixed(1)).join(', ')}`);
