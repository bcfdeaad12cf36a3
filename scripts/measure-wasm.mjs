// Measure statelab's WebAssembly build against its budgets and print the numbers.
// Needs www/pkg (scripts/build-wasm.sh). Usage: node scripts/measure-wasm.mjs [--size]
// These are measurements, not tests: the exit code is 0 whatever the numbers, unless
// something could not be measured at all. With --size it prints the sizes only and exits 1
// when the core is over its gzip budget (sizes are deterministic, so CI checks them).
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const wasmPath = `${root}www/pkg/statelab_bg.wasm`;
if (!existsSync(wasmPath)) {
  console.error('measure-wasm: www/pkg/statelab_bg.wasm is missing: run scripts/build-wasm.sh first');
  process.exit(1);
}
const fixture = (name) => readFileSync(`${root}tests/js/fixtures/${name}`, 'utf8');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const bytes = readFileSync(wasmPath);
const gz = gzipSync(bytes, { level: 9 }).length;
const GZ_BUDGET = 200 * 1024;
console.log(
  `wasm size (the core every page loads): ${bytes.length} bytes raw (${kb(bytes.length)}), ${gz} bytes gzip -9 (${kb(gz)}); budget ${kb(GZ_BUDGET)} gzip: ${gz <= GZ_BUDGET ? 'within' : 'OVER'}`,
);
const fullPath = `${root}www/pkg/full/statelab_bg.wasm`;
if (existsSync(fullPath)) {
  const full = readFileSync(fullPath);
  const fullGz = gzipSync(full, { level: 9 }).length;
  console.log(
    `full engine (loaded when a definition needs the extras): ${full.length} bytes raw, ${fullGz} bytes gzip -9 (${kb(fullGz)}); the extras cost ${kb(fullGz - gz)} gzip`,
  );
}
if (process.argv.includes('--size')) process.exit(gz <= GZ_BUDGET ? 0 : 1);
const { init, simulate, run } = await import(`${root}www/statelab.js`);

// Where the bytes are: the code of the cargo output (before wasm-bindgen and wasm-opt, which
// keeps function names) grouped by module, and the data section, after gzip.
const cargoWasm = `${process.env.CARGO_TARGET_DIR || `${root}target`}/wasm32-unknown-unknown/wasm/statelab.wasm`;
if (existsSync(cargoWasm)) {
  const groups = codeByModule(readFileSync(cargoWasm));
  const total = [...groups.values()].reduce((a, b) => a + b, 0);
  const top = [...groups].sort((a, b) => b[1] - a[1]).slice(0, 12);
  const share = (prefix) => [...groups].filter(([k]) => k.startsWith(prefix)).reduce((a, [, v]) => a + v, 0) / total;
  console.log(`code by module (cargo output before wasm-opt, ${kb(total)} of function bodies): ${top.map(([k, v]) => `${k} ${((100 * v) / total).toFixed(0)}%`).join(', ')}`);
  console.log(
    `  in all: statelab::jsonata ${(100 * share('statelab::jsonata')).toFixed(0)}%, the rest of statelab ${(100 * (share('statelab') - share('statelab::jsonata'))).toFixed(0)}% (of which statelab::wasm ${(100 * share('statelab::wasm')).toFixed(0)}%), core/alloc/std ${(100 * (share('core') + share('alloc') + share('std'))).toFixed(0)}%`,
  );
}
const sections = wasmSections(bytes);
const dataSection = sections.find((x) => x.id === 11);
const codeSection = sections.find((x) => x.id === 10);
if (dataSection && codeSection) {
  console.log(
    `shipped sections: code ${kb(codeSection.bytes.length)} (${kb(gzipSync(codeSection.bytes, { level: 9 }).length)} gzip), data ${kb(dataSection.bytes.length)} (${kb(gzipSync(dataSection.bytes, { level: 9 }).length)} gzip)`,
  );
}

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
console.log(
  `simulate Map 1,000 x 3 states (${first.events.length} events, ${first.spans.length} spans, ${JSON.stringify(first).length} bytes as JSON): median ${median(times).toFixed(1)} ms wall, min ${Math.min(...times).toFixed(1)} ms, median CPU ${median(cpu).toFixed(1)} ms over ${times.length} warm runs; goal < 100 ms: ${median(times) < 100 ? 'met' : 'NOT met'} (load average ${(await import('node:os')).loadavg()[0].toFixed(2)})`,
);

// The same with options.criticalPath (the critical path and slack of every span).
const cp = [];
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  await simulate(mapDef, items, mapMocks, { seed: 1, criticalPath: true });
  cp.push(performance.now() - t0);
}
console.log(`  with criticalPath: median ${median(cp).toFixed(1)} ms wall over ${cp.length} runs`);

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

// ------------------------------------------------------------------ wasm reading

function leb(b, i) {
  let r = 0;
  let shift = 0;
  for (;;) {
    const x = b[i++];
    r += (x & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(x & 0x80)) return [r, i];
  }
}

function wasmSections(b) {
  const out = [];
  let i = 8;
  while (i < b.length) {
    const id = b[i++];
    let size;
    [size, i] = leb(b, i);
    out.push({ id, start: i, bytes: b.subarray(i, i + size) });
    i += size;
  }
  return out;
}

/** Legacy-mangled `_ZN8statelab7jsonata6parser...` to ['statelab', 'jsonata', 'parser', ...]. */
function pathOf(name) {
  if (!name.startsWith('_ZN')) return null;
  const parts = [];
  let i = 3;
  while (i < name.length && name[i] >= '0' && name[i] <= '9') {
    let j = i;
    while (name[j] >= '0' && name[j] <= '9') j++;
    const n = Number(name.slice(i, j));
    parts.push(name.slice(j, j + n));
    i = j + n;
  }
  return parts;
}

function codeByModule(b) {
  const sections = wasmSections(b);
  let imported = 0;
  const imports = sections.find((x) => x.id === 2);
  if (imports) {
    const d = imports.bytes;
    let [n, i] = leb(d, 0);
    for (let k = 0; k < n; k++) {
      let len;
      [len, i] = leb(d, i);
      i += len;
      [len, i] = leb(d, i);
      i += len;
      const kind = d[i++];
      if (kind === 0) {
        [, i] = leb(d, i);
        imported++;
      } else if (kind === 1) {
        i++;
        let flags;
        [flags, i] = leb(d, i);
        [, i] = leb(d, i);
        if (flags & 1) [, i] = leb(d, i);
      } else if (kind === 2) {
        let flags;
        [flags, i] = leb(d, i);
        [, i] = leb(d, i);
        if (flags & 1) [, i] = leb(d, i);
      } else if (kind === 3) i += 2;
    }
  }
  const names = new Map();
  for (const s of sections.filter((x) => x.id === 0)) {
    const d = s.bytes;
    let [len, i] = leb(d, 0);
    if (new TextDecoder().decode(d.subarray(i, i + len)) !== 'name') continue;
    i += len;
    while (i < d.length) {
      const sub = d[i++];
      let size;
      [size, i] = leb(d, i);
      if (sub === 1) {
        let [n, k] = leb(d, i);
        for (let m = 0; m < n; m++) {
          let idx;
          let l;
          [idx, k] = leb(d, k);
          [l, k] = leb(d, k);
          names.set(idx, new TextDecoder().decode(d.subarray(k, k + l)));
          k += l;
        }
      }
      i += size;
    }
  }
  const groups = new Map();
  const code = sections.find((x) => x.id === 10);
  if (!code) return groups;
  let [n, i] = leb(code.bytes, 0);
  for (let f = 0; f < n; f++) {
    let size;
    [size, i] = leb(code.bytes, i);
    i += size;
    const name = names.get(f + imported) || '?';
    const p = pathOf(name);
    let key;
    if (p && p[0] === 'statelab') key = p.slice(0, ['jsonata', 'exec', 'asl'].includes(p[1]) ? 3 : 2).join('::');
    else if (p) key = p[0];
    else if (name.includes('statelab')) key = 'statelab (generic)';
    else key = (name.match(/^_R\w*?\d+_?([a-z_]+)/) || [null, 'other'])[1];
    groups.set(key, (groups.get(key) || 0) + size);
  }
  return groups;
}
