// statelab against aws-local-stepfunctions, in the same Node process kind, on the same
// workflows; and statelab's native CLI. Prints medians, ratios and peak memory.
//
//   scripts/bench-compare.sh            (builds what it needs, then runs this)
//   node bench/compare.mjs [--runs N] [--rounds R] [--only loop,map,parallel,week]
//   node bench/compare.mjs --dump DIR      (writes DIR/<workload>/{definition,input,mocks}.json)
//
// Each engine and workload runs in a child process of its own, so that peak memory (maxRSS)
// belongs to one engine. Times are wall-clock milliseconds of one whole execution. The engines
// take turns, R rounds of them (default 3), and each median pools every round's runs: on
// shared cores whose speed drifts over minutes, an engine measured only in a slow minute
// would otherwise get the blame (or the credit) for the machine.

import { spawnSync, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const CLI = process.env.STATELAB_CLI || path.join(ROOT, 'target/release/statelab');

// ------------------------------------------------------------------ workloads

function loopWorkload(transitions = 10_000) {
  // Init, then (Check, Step) pairs until the counter reaches the limit: ~transitions states.
  const limit = Math.floor((transitions - 2) / 2);
  return {
    name: `Pass/Choice loop, ${transitions.toLocaleString('en')} transitions, 1 KB payload`,
    definition: {
      StartAt: 'Init',
      States: {
        Init: { Type: 'Pass', Result: 1, ResultPath: '$.i', Next: 'Check' },
        Check: { Type: 'Choice', Choices: [{ Variable: '$.i', NumericGreaterThanEquals: limit, Next: 'Done' }], Default: 'Step' },
        Step: { Type: 'Pass', Parameters: { 'payload.$': '$.payload', 'i.$': 'States.MathAdd($.i, 1)' }, Next: 'Check' },
        Done: { Type: 'Succeed' },
      },
    },
    input: { payload: 'x'.repeat(1000), i: 1 },
    check: (out) => out && out.i === limit,
  };
}

function mapWorkload(items = 10_000) {
  // DISTRIBUTED, as AWS requires for this many items: an inline Map of 10,000 iterations
  // would pass AWS's limit of 25,000 history events.
  return {
    name: `Distributed Map over ${items.toLocaleString('en')} items (inner Pass + Choice)`,
    definition: {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Tag',
            States: {
              Tag: { Type: 'Pass', Parameters: { 'n.$': '$' }, Next: 'Big' },
              Big: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: items / 2, Next: 'Yes' }], Default: 'No' },
              Yes: { Type: 'Pass', Result: true, End: true },
              No: { Type: 'Pass', Result: false, End: true },
            },
          },
          End: true,
        },
      },
    },
    // From 1: aws-local-stepfunctions 3.0.0 fails on an item that is 0 ("Path expression '$'
    // does not point to a value").
    input: { items: Array.from({ length: items }, (_, i) => i + 1) },
    check: (out) => Array.isArray(out) && out.length === items && out[items - 1] === true,
  };
}

function parallelWorkload(branches = 100, depth = 10) {
  const branch = (b) => {
    const States = {};
    for (let s = 0; s < depth; s++) {
      States[`B${b}S${s}`] = { Type: 'Pass', Parameters: { branch: b, step: s, 'in.$': '$' }, ...(s === depth - 1 ? { End: true } : { Next: `B${b}S${s + 1}` }) };
    }
    return { StartAt: `B${b}S0`, States };
  };
  return {
    name: `Parallel of ${branches} branches x ${depth} states`,
    definition: { StartAt: 'Fan', States: { Fan: { Type: 'Parallel', Branches: Array.from({ length: branches }, (_, b) => branch(b)), End: true } } },
    input: { k: 1 },
    check: (out) => Array.isArray(out) && out.length === branches,
  };
}

function weekWorkload() {
  // Five one-day Waits, then a task that fails five times with back-offs of 1, 2, 4, 8 and
  // 9 hours (MaxDelaySeconds) before it succeeds: 7 days of simulated time.
  return {
    name: 'Waits and Retry back-offs totalling a simulated week',
    definition: {
      StartAt: 'Day1',
      States: {
        Day1: { Type: 'Wait', Seconds: 86400, Next: 'Day2' },
        Day2: { Type: 'Wait', Seconds: 86400, Next: 'Day3' },
        Day3: { Type: 'Wait', Seconds: 86400, Next: 'Day4' },
        Day4: { Type: 'Wait', Seconds: 86400, Next: 'Day5' },
        Day5: { Type: 'Wait', Seconds: 86400, Next: 'Flaky' },
        Flaky: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:123456789012:function:flaky',
          Retry: [{ ErrorEquals: ['Flaky.Error'], IntervalSeconds: 3600, BackoffRate: 2, MaxAttempts: 5, MaxDelaySeconds: 32400 }],
          End: true,
        },
      },
    },
    input: { job: 7 },
    mocks: { Flaky: [...Array(5).fill({ error: 'Flaky.Error', cause: 'try again' }), { result: { done: true } }] },
    peerHandler: () => {
      let calls = 0;
      return async () => {
        calls += 1;
        if (calls <= 5) {
          const e = new Error('try again');
          e.name = 'Flaky.Error';
          throw e;
        }
        return { done: true };
      };
    },
    check: (out) => out && out.done === true,
    simulatedMs: (5 * 86400 + (1 + 2 + 4 + 8) * 3600 + 9 * 3600) * 1000,
  };
}

const WORKLOADS = { loop: loopWorkload, map: mapWorkload, parallel: parallelWorkload, week: weekWorkload };

// ------------------------------------------------------------------ one engine, in a child

// Both engines get the same treatment: warm-up executions first (V8 compiles JS and wasm in
// tiers, optimising what runs often, and a short workload needs thousands of runs before its
// hot code is optimised), at least 3 and until a second has passed; then timed executions, at
// least `runs` of them and more until half a second of them has passed (at most 10,000), so
// that the median of a workload that takes microseconds rests on many samples.
// `prepare` (untimed) makes what one execution needs; `once(prepared)` is the timed execution.
async function measure(prepare, once, runs) {
  const t0 = performance.now();
  let warmups = 0;
  while (warmups < 100_000 && (warmups < 3 || performance.now() - t0 < 1000)) {
    await once(await prepare());
    warmups += 1;
  }
  const times = [];
  let last;
  let spent = 0;
  while (times.length < runs || (spent < 500 && times.length < 10_000)) {
    const prepared = await prepare();
    const t = performance.now();
    last = await once(prepared);
    const dt = performance.now() - t;
    times.push(dt);
    spent += dt;
  }
  return { times, last, warmups };
}

async function runChild(engine, workloadKey, runs) {
  const w = WORKLOADS[workloadKey]();
  let result;
  if (engine === 'statelab-wasm') {
    const statelab = await import(path.join(ROOT, 'www/statelab.js'));
    await statelab.init();
    // Checked once before timing, as aws-local-stepfunctions' StateMachine constructor
    // validates its definition outside the timed run().
    const machine = await statelab.compile(JSON.stringify(w.definition));
    const mocks = w.mocks ? JSON.stringify(w.mocks) : '{}';
    result = await measure(
      () => null,
      async () => {
        // history: false returns the outcome only, as aws-local-stepfunctions does.
        const out = await machine.simulate(w.input, mocks, { seed: 1, history: false });
        if (out.status !== 'SUCCEEDED' || !w.check(out.output)) throw new Error(`statelab: ${out.status} ${out.error || ''} ${out.cause || ''}`);
        return out;
      },
      runs,
    );
    if (w.simulatedMs && result.last.durationMs !== w.simulatedMs) throw new Error(`statelab simulated ${result.last.durationMs} ms, expected ${w.simulatedMs}`);
  } else if (engine === 'aws-local-stepfunctions') {
    // aws-local-stepfunctions 3 calls Promise.withResolvers (Node 22); polyfill it on Node 20.
    if (!Promise.withResolvers) {
      Promise.withResolvers = () => {
        let resolve, reject;
        const promise = new Promise((a, b) => {
          resolve = a;
          reject = b;
        });
        return { promise, resolve, reject };
      };
    }
    const { StateMachine } = await import('aws-local-stepfunctions');
    const overrides = () => {
      const o = {};
      if (w.peerHandler) o.taskResourceLocalHandlers = { Flaky: w.peerHandler() };
      if (workloadKey === 'week') {
        o.waitTimeOverrides = { Day1: 0, Day2: 0, Day3: 0, Day4: 0, Day5: 0 };
        o.retryIntervalOverrides = { Flaky: 0 };
      }
      return o;
    };
    // A machine (its constructor validates the definition), with fresh task handlers, made
    // before each timed run.
    const prepare = () => ({ sm: new StateMachine(w.definition, { validationOptions: { checkArn: false } }), o: overrides() });
    result = await measure(
      prepare,
      async ({ sm, o }) => {
        const out = await sm.run(w.input, { overrides: o }).result;
        if (!w.check(out)) throw new Error('aws-local-stepfunctions: unexpected output');
        return out;
      },
      runs,
    );
  }
  return { times: result.times, warmups: result.warmups, maxRssKb: process.resourceUsage().maxRSS };
}

// ------------------------------------------------------------------ the native CLI

// How many executions `statelab bench` times in its process: many for the short workloads.
const inProcessRuns = (key, runs) => Math.max(runs, key === 'week' ? 2000 : 100);

/// `statelab bench` in its process; with `wholeProcess`, also `statelab run` timed as a process.
function runCli(workloadKey, runs, wholeProcess) {
  const w = WORKLOADS[workloadKey]();
  const dir = fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'statelab-bench-'));
  const def = path.join(dir, 'definition.json');
  const input = path.join(dir, 'input.json');
  const mocks = path.join(dir, 'mocks.json');
  fs.writeFileSync(def, JSON.stringify(w.definition));
  fs.writeFileSync(input, JSON.stringify(w.input));
  fs.writeFileSync(mocks, JSON.stringify(w.mocks || {}));
  const args = ['run', def, '--input', input, '--mock-config', mocks];
  const times = [];
  let maxRssKb = 0;
  const gnuTime = fs.existsSync('/usr/bin/time');
  for (let r = 0; wholeProcess && r < runs; r++) {
    const t = performance.now();
    const p = gnuTime ? spawnSync('/usr/bin/time', ['-f', '%M', CLI, ...args], { encoding: 'utf8' }) : spawnSync(CLI, args, { encoding: 'utf8' });
    times.push(performance.now() - t);
    if (p.status !== 0 || !p.stdout.startsWith('SUCCEEDED')) throw new Error(`statelab CLI: ${p.stdout.slice(0, 200)} ${p.stderr.slice(0, 200)}`);
    if (gnuTime) maxRssKb = Math.max(maxRssKb, parseInt(p.stderr.trim().split('\n').pop(), 10) || 0);
  }
  // The engine's own time in the CLI's process: `statelab bench` checks the definition once and
  // times each execution, keeping no history (as the wasm runs above: the outcome only).
  const runsInProcess = inProcessRuns(workloadKey, runs);
  const b = spawnSync(CLI, ['bench', def, '--input', input, '--mock-config', mocks, '--runs', String(runsInProcess), '--no-history', '--json'], { encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`statelab bench: ${b.stdout.slice(0, 200)} ${b.stderr.slice(0, 200)}`);
  const inProcess = JSON.parse(b.stdout);
  fs.rmSync(dir, { recursive: true, force: true });
  return { times, maxRssKb: gnuTime ? maxRssKb : null, inProcessMs: inProcess.medianMs };
}

// ------------------------------------------------------------------ main

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function child(engine, workload, runs) {
  const p = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', engine, workload, String(runs)], {
    encoding: 'utf8',
    cwd: HERE,
    maxBuffer: 64 << 20,
  });
  if (p.status !== 0) throw new Error(`${engine} on ${workload} failed:\n${p.stderr}`);
  return JSON.parse(p.stdout.trim().split('\n').pop());
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === '--dump') {
    // Write each workload's definition, input and mocks to DIR/<key>/ for the CLI or a profiler.
    for (const [key, make] of Object.entries(WORKLOADS)) {
      const w = make();
      const dir = path.join(argv[1], key);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'definition.json'), JSON.stringify(w.definition));
      fs.writeFileSync(path.join(dir, 'input.json'), JSON.stringify(w.input));
      fs.writeFileSync(path.join(dir, 'mocks.json'), JSON.stringify(w.mocks || {}));
    }
    return;
  }
  if (argv[0] === '--child') {
    const [, engine, workload, runs] = argv;
    console.log(JSON.stringify(await runChild(engine, workload, Number(runs))));
    return;
  }
  const runsIdx = argv.indexOf('--runs');
  const runs = runsIdx >= 0 ? Number(argv[runsIdx + 1]) : 5;
  const roundsIdx = argv.indexOf('--rounds');
  const rounds = roundsIdx >= 0 ? Math.max(1, Number(argv[roundsIdx + 1])) : 3;
  const onlyIdx = argv.indexOf('--only');
  const only = onlyIdx >= 0 ? argv[onlyIdx + 1].split(',') : Object.keys(WORKLOADS);
  const node = process.version;
  const cpu = (() => {
    try {
      return execFileSync('sh', ['-c', "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown CPU';
    }
  })();
  console.log(`statelab vs aws-local-stepfunctions: ${rounds} rounds, taking turns; medians of at least ${runs} runs a round (more for short workloads), Node ${node}, ${cpu}`);
  // Three significant digits; under a millisecond in microseconds.
  const fmt = (ms) => (ms < 1 ? `${(ms * 1000).toPrecision(3)} us` : `${ms < 100 ? ms.toPrecision(3) : ms.toFixed(0)} ms`).padStart(11);
  const mb = (kb) => (kb == null ? '     n/a' : `${(kb / 1024).toFixed(0).padStart(5)} MB`);
  const rows = [];
  for (const key of only) {
    const name = WORKLOADS[key]().name;
    const wasm = { times: [], maxRssKb: 0 };
    const peer = { times: [], maxRssKb: 0 };
    const inProcess = [];
    let cli;
    for (let r = 0; r < rounds; r++) {
      for (const [engine, into] of [
        ['statelab-wasm', wasm],
        ['aws-local-stepfunctions', peer],
      ]) {
        const c = child(engine, key, runs);
        into.times.push(...c.times);
        into.maxRssKb = Math.max(into.maxRssKb, c.maxRssKb);
      }
      const c = runCli(key, runs, r === 0);
      cli ??= c;
      inProcess.push(c.inProcessMs);
    }
    cli.inProcessMs = median(inProcess);
    const [mw, mp, mc] = [median(wasm.times), median(peer.times), median(cli.times)];
    rows.push({ key, mw, mp, mc, mi: cli.inProcessMs });
    console.log(`\n${name}`);
    console.log(`  aws-local-stepfunctions ${fmt(mp)}   peak ${mb(peer.maxRssKb)}   (median of ${peer.times.length})`);
    console.log(
      `  statelab (wasm, Node)   ${fmt(mw)}   peak ${mb(wasm.maxRssKb)}   (median of ${wasm.times.length})   ${(mp / mw).toFixed(1)}x faster than aws-local-stepfunctions`,
    );
    console.log(`  statelab (native CLI)   ${fmt(mc)}   peak ${mb(cli.maxRssKb)}   whole process, reading files and printing included`);
    console.log(
      `  statelab (native, in process) ${fmt(cli.inProcessMs).trimStart()}   ${(mw / cli.inProcessMs).toFixed(1)}x faster than wasm (statelab bench: median of ${rounds} medians of ${inProcessRuns(key, runs)} runs)`,
    );
  }
  console.log('\nratios (aws-local-stepfunctions / statelab wasm):', rows.map((r) => `${r.key} ${(r.mp / r.mw).toFixed(1)}x`).join(', '));
  console.log('ratios (statelab wasm / native in process):', rows.map((r) => `${r.key} ${(r.mw / r.mi).toFixed(1)}x`).join(', '));
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
