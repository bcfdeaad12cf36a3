#!/usr/bin/env node
// How many real workflows `statelab run --auto` takes to an end of their own with nothing
// given (issue #16): the deployable definitions of ../shared/conformance/realworld (public
// samples AWS accepted), the repository's own tests/auto/, and any folder of *.json given
// on the command line. An end of its own is a success or a Fail state of the workflow; a
// failure from missing data (States.Runtime, States.QueryEvaluationError,
// States.IntrinsicFailure), a missing mock, a loop into the history limit or a timeout is
// not. Prints the rate per set and the rest by cause.
//
//     cargo build --release && node scripts/measure-auto.mjs [DIR...]
//
// STATELAB_BIN sets the binary (default target/release/statelab), STATELAB_CONFORMANCE the
// corpus (default ../shared/conformance).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bin = process.env.STATELAB_BIN ?? join(root, 'target/release/statelab');
const corpus = process.env.STATELAB_CONFORMANCE ?? join(root, '../shared/conformance');
if (!existsSync(bin)) {
  console.error(`no ${bin}: cargo build --release first`);
  process.exit(2);
}

/** Run one definition file with --auto: {end: 'success'|'fail-state'|cause, detail}. */
function measure(file) {
  let out;
  try {
    out = execFileSync(bin, ['run', file, '--auto', '--json', '--seed', '0'], { encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    if (e.signal) return { end: 'killed or over 60 s', detail: String(e.signal) };
    out = e.stdout;
    if (!out?.trim()) return { end: 'not run', detail: String(e.stderr ?? '').split('\n')[0] };
  }
  const r = JSON.parse(out);
  if (r.status === 'SUCCEEDED') return { end: 'success' };
  const events = r.events ?? [];
  const last = events.at(-2);
  if (r.status === 'FAILED' && last?.type === 'FailStateEntered') return { end: 'fail-state', detail: `${r.error ?? ''} ${r.cause ?? ''}`.trim() };
  const cause = String(r.cause ?? '');
  let end = `${r.status} ${r.error ?? ''}`.trim();
  if (/ItemReader/.test(cause)) end = 'ItemReader (items from S3)';
  else if (/maximum number of history events/.test(cause)) end = 'history limit (a loop)';
  else if (/mock|response/i.test(cause) && r.error === 'States.Runtime') end = 'missing mock';
  return { end, detail: cause.slice(0, 160) };
}

function report(name, results) {
  const total = results.length;
  if (!total) return;
  const good = results.filter((r) => r.end === 'success' || r.end === 'fail-state');
  const ok = results.filter((r) => r.end === 'success').length;
  console.log(`\n${name}: ${good.length}/${total} (${((100 * good.length) / total).toFixed(1)}%) end on their own: ${ok} succeed, ${good.length - ok} at a Fail state`);
  const by = new Map();
  for (const r of results.filter((x) => !good.includes(x))) by.set(r.end, [...(by.get(r.end) ?? []), r]);
  for (const [end, rs] of [...by].sort((a, b) => b[1].length - a[1].length)) {
    console.log(`  ${rs.length} × ${end}`);
    for (const r of rs) console.log(`      ${r.id}: ${r.detail ?? ''}`);
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'statelab-auto-'));
try {
  const cases = join(corpus, 'realworld/cases.jsonl');
  if (existsSync(cases)) {
    const results = [];
    for (const line of readFileSync(cases, 'utf8').split('\n').filter(Boolean)) {
      const c = JSON.parse(line);
      if (!c.expected_valid) continue;
      const file = join(scratch, 'definition.json');
      writeFileSync(file, JSON.stringify(c.definition));
      results.push({ id: c.id, ...measure(file) });
    }
    report(`${cases} (deployable definitions)`, results);
  } else {
    console.log(`no ${cases}: the corpus is not beside the repository`);
  }
  for (const dir of [join(root, 'tests/auto'), ...process.argv.slice(2)]) {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
    report(
      dir,
      files.map((f) => ({ id: f, ...measure(join(dir, f)) })),
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
