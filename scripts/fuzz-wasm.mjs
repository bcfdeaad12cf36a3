#!/usr/bin/env node
// The fuzzer's wasm side: the engine as the browser gets it (www/statelab.js over www/pkg,
// built by scripts/build-wasm.sh), called with the fuzzer's cases.
//
//   node --disable-wasm-trap-handler scripts/fuzz-wasm.mjs --worker
//       The worker `cargo run --release --example fuzz -- --target wasm` starts: requests on
//       stdin (`<byte length>\n<JSON>`), one JSON line per answer: {ms, problems, summary}.
//       The fuzzer compares the summary with the native engine's and keeps the time budget
//       (it kills a worker that does not answer in time).
//
//   node scripts/fuzz-wasm.mjs FILE... [--cli target/release/statelab] [--timeout-ms 10000]
//       Replays reproducers (the fuzzer's finding files, or JSON lines of requests) by
//       itself: each case runs in a child process with a time budget, and its result is
//       compared with the native CLI's `run --json` (or `validate --json`). Exit 1 on any
//       problem.
//
// A problem is: a rejection that is not a clean Error with a message (a trap, a RangeError,
// "statelab: internal error"), a limit of the JS engine met on the way (wasm-js-limit), a
// hang, or a result that differs from the native one in kind
// (result or rejection), status, output, error, cause, event types, or diagnostics.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const api = await import(join(here, '../www/statelab.js'));

const clip = (s, n = 2000) => (s.length > n ? `${s.slice(0, n)}...` : s);
const generic = (s) => String(s).replace(/\d+/g, 'N').slice(0, 200);

/** A rejection's problem, or null when it is a clean Error with a message. */
function classify(e) {
  if (!(e instanceof Error)) return { class: 'wasm-bad-rejection', loc: `not an Error (${typeof e})`, msg: clip(String(e)) };
  const m = e.message ?? '';
  if (m.includes('internal error')) {
    const panic = /panicked at (\S+?:\d+:\d+)/.exec(m);
    const cause = e.cause ? `${e.cause.constructor?.name}: ${generic(e.cause.message)}` : generic(m);
    return { class: 'wasm-internal-error', loc: panic ? panic[1] : cause, msg: clip(m) };
  }
  // A limit of the JS engine (V8's longest string, an ArrayBuffer it cannot allocate) met
  // while decoding a result: its own class, named by the limit.
  const limit = /Cannot create a string longer than|Invalid string length|Array buffer allocation failed|Invalid typed array length/.exec(m);
  if (limit) return { class: 'wasm-js-limit', loc: generic(limit[0]), msg: clip(m) };
  if (e.constructor !== Error) return { class: 'wasm-bad-rejection', loc: `${e.constructor?.name}: ${generic(m)}`, msg: clip(m) };
  if (!m) return { class: 'wasm-bad-rejection', loc: 'an Error without a message', msg: '' };
  return null;
}

/** A simulate() result in the shape the fuzzer compares. */
function summarize(r) {
  return {
    kind: 'result',
    status: r.status,
    output: r.output === undefined ? null : JSON.stringify(r.output),
    error: r.error ?? null,
    cause: r.cause ?? null,
    events: r.events.length,
    types: r.events.map((e) => e.type),
  };
}

/** Run one request through the JS API: {ms, problems, summary}. */
export async function handle(req) {
  const t0 = performance.now();
  const problems = [];
  let summary;
  try {
    if (req.mode === 'validate') {
      const diagnostics = await api.validate(req.definition, req.type === 'EXPRESS' ? { type: 'EXPRESS' } : {});
      summary = { kind: 'validate', diagnostics: JSON.stringify(diagnostics) };
    } else {
      // The seed as text: a u64 does not fit a JS number.
      const options = { seed: String(req.seed ?? '0') };
      if (req.testCase != null) options.testCase = req.testCase;
      if (req.type === 'EXPRESS') options.type = 'EXPRESS';
      if (req.compiled) {
        // A definition checked once and run twice: the second run goes through the Machine's
        // caches of options and mocks, and must give what the first gave.
        const machine = await api.compile(req.definition, req.type === 'EXPRESS' ? { type: 'EXPRESS' } : {});
        const first = summarize(await machine.simulate(req.input, req.mocks ?? undefined, options));
        summary = summarize(await machine.simulate(req.input, req.mocks ?? undefined, options));
        if (JSON.stringify(first) !== JSON.stringify(summary)) {
          problems.push({ class: 'wasm-mismatch', loc: 'compiled machine, second run', msg: clip(`first:  ${JSON.stringify(first)}\nsecond: ${JSON.stringify(summary)}`) });
        }
      } else {
        summary = summarize(await api.simulate(req.definition, req.input, req.mocks ?? undefined, options));
      }
    }
  } catch (e) {
    const p = classify(e);
    if (p) {
      problems.push(p);
      summary = { kind: 'crashed' };
    } else {
      summary = { kind: 'rejected', why: 'error', message: clip(e.message, 300) };
    }
  }
  return { ms: performance.now() - t0, problems, summary };
}

async function worker() {
  let buf = Buffer.alloc(0);
  let queue = Promise.resolve();
  const pump = () => {
    for (;;) {
      const nl = buf.indexOf(10);
      if (nl < 0) return;
      const len = Number(buf.subarray(0, nl).toString());
      if (buf.length < nl + 1 + len) return;
      const body = buf.subarray(nl + 1, nl + 1 + len).toString('utf8');
      buf = buf.subarray(nl + 1 + len);
      queue = queue.then(async () => {
        let reply;
        try {
          reply = await handle(JSON.parse(body));
        } catch (e) {
          reply = { ms: 0, problems: [{ class: 'wasm-harness', loc: 'request', msg: String(e?.stack ?? e) }], summary: { kind: 'crashed' } };
        }
        process.stdout.write(`${JSON.stringify(reply)}\n`);
      });
    }
  };
  process.stdin.on('data', (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    pump();
  });
  // At the end of the input the process ends by itself once the answers are written.
  process.stdin.on('end', () => queue);
}

// ------------------------------------------------------------------ replaying reproducers

function sameJson(a, b) {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]));
}

/** What the native CLI says about a request, in the worker's summary shape. */
function native(req, cli, timeout) {
  const dir = mkdtempSync(join(tmpdir(), 'statelab-fuzz-'));
  try {
    writeFileSync(join(dir, 'd.json'), req.definition);
    if (req.mode === 'validate') {
      const args = ['validate', join(dir, 'd.json'), '--json'];
      if (req.type === 'EXPRESS') args.push('--type', 'EXPRESS');
      const r = spawnSync(cli, args, { timeout, maxBuffer: 1 << 30, encoding: 'utf8' });
      if (r.error) return { kind: 'cli-error', message: String(r.error) };
      const v = JSON.parse(r.stdout);
      return { kind: 'validate', diagnostics: JSON.stringify(v.diagnostics) };
    }
    writeFileSync(join(dir, 'i.json'), req.input ?? '{}');
    const args = ['run', join(dir, 'd.json'), '--input', join(dir, 'i.json'), '--seed', String(req.seed ?? '0'), '--json'];
    if (req.mocks != null) {
      writeFileSync(join(dir, 'm.json'), req.mocks);
      args.push('--mock-config', join(dir, 'm.json'));
    }
    if (req.testCase != null) args.push('--test-case', req.testCase);
    const r = spawnSync(cli, args, { timeout, maxBuffer: 1 << 30, encoding: 'utf8' });
    if (r.error) return { kind: 'cli-error', message: String(r.error) };
    if (r.status === 2) return { kind: 'rejected', message: r.stderr.trim() };
    const v = JSON.parse(r.stdout);
    if (!('status' in v)) return { kind: 'rejected', message: r.stderr.trim() };
    return {
      kind: 'result',
      status: v.status,
      output: v.output === undefined ? null : JSON.stringify(v.output),
      error: v.error ?? null,
      cause: v.cause ?? null,
      events: v.events.length,
      types: v.events.map((e) => e.type),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function compare(n, w) {
  if (n.kind !== w.kind) return `kind: native ${n.kind} (${n.message ?? ''}), wasm ${w.kind} (${w.message ?? ''})`;
  if (n.kind === 'validate' && !sameJson(JSON.parse(n.diagnostics), JSON.parse(w.diagnostics))) return `diagnostics: native ${n.diagnostics}, wasm ${w.diagnostics}`;
  if (n.kind === 'result') {
    for (const k of ['status', 'error', 'cause']) if (n[k] !== w[k]) return `${k}: native ${n[k]}, wasm ${w[k]}`;
    if (!sameJson(JSON.parse(n.output ?? 'null'), JSON.parse(w.output ?? 'null'))) return `output: native ${clip(n.output ?? '', 300)}, wasm ${clip(w.output ?? '', 300)}`;
    const i = n.types.findIndex((t, j) => t !== w.types[j]);
    if (i >= 0 || n.types.length !== w.types.length)
      return `events: native ${n.types.length} events, wasm ${w.types.length} (first difference at #${i + 1}: ${n.types[i]} / ${w.types[i]})`;
  }
  return null;
}

async function replay(files, cli, timeout) {
  let bad = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    let requests;
    try {
      const doc = JSON.parse(text);
      requests = [doc.request ?? doc];
    } catch {
      requests = text
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l));
    }
    for (const [i, req] of requests.entries()) {
      const name = requests.length > 1 ? `${file}:${i + 1}` : file;
      if (req.mode === 'jsonata') {
        console.log(`${name}: skipped (a jsonata case: the wasm API has no JSONata entry point)`);
        continue;
      }
      const body = JSON.stringify(req);
      const t0 = Date.now();
      const child = spawnSync(process.execPath, ['--disable-wasm-trap-handler', fileURLToPath(import.meta.url), '--worker'], {
        input: `${Buffer.byteLength(body)}\n${body}`,
        timeout,
        maxBuffer: 1 << 30,
        encoding: 'utf8',
      });
      const took = Date.now() - t0;
      if (child.error?.code === 'ETIMEDOUT' || child.signal) {
        console.log(`${name}: HANG or crash: no answer within ${timeout} ms (${child.signal ?? child.error})`);
        bad++;
        continue;
      }
      const reply = JSON.parse(child.stdout.split('\n')[0]);
      for (const p of reply.problems) console.log(`${name}: ${p.class} at ${p.loc}: ${p.msg.split('\n')[0]}`);
      bad += reply.problems.length;
      if (req.type === 'EXPRESS' && req.mode !== 'validate') {
        console.log(`${name}: wasm ${reply.summary.kind} ${reply.summary.status ?? ''} in ${took} ms (EXPRESS: the CLI's run has no --type, not compared)`);
        continue;
      }
      const n = native(req, cli, timeout);
      const diff = n.kind === 'cli-error' ? `the CLI did not finish: ${n.message}` : reply.summary.kind === 'crashed' ? null : compare(n, reply.summary);
      if (diff) {
        console.log(`${name}: differs from the CLI: ${diff}`);
        bad++;
      } else if (!reply.problems.length) {
        console.log(`${name}: ok (${reply.summary.kind} ${reply.summary.status ?? ''}, wasm ${reply.ms.toFixed(0)} ms)`);
      }
    }
  }
  process.exit(bad ? 1 : 0);
}

const args = process.argv.slice(2);
if (args[0] === '--worker') {
  await worker();
} else if (args.length && !args.includes('-h') && !args.includes('--help')) {
  let cli = join(here, '../target/release/statelab');
  let timeout = 10000;
  const files = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--cli') cli = args[++i];
    else if (args[i] === '--timeout-ms') timeout = Number(args[++i]);
    else files.push(args[i]);
  }
  await replay(files, cli, timeout);
} else {
  console.log('usage: node scripts/fuzz-wasm.mjs --worker | FILE... [--cli PATH] [--timeout-ms N]');
}
