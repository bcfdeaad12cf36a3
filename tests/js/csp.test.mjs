// Every page of www/ has a Content-Security-Policy that allows its inline blocks by hash and
// nothing wide; the sandbox's allows no network at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { WWW, pages, policyOf, directives, check, withHashes } from '../../scripts/csp-hashes.mjs';

const read = (page) => readFileSync(`${WWW}${page}`, 'utf8');

test('every page states a policy that allows its inline blocks by their hashes (scripts/csp-hashes.mjs)', () => {
  const all = pages();
  for (const page of ['index.html', 'docs.html', 'frame.html', 'sandbox.html']) assert.ok(all.includes(page), page);
  for (const page of all) assert.deepEqual(check(read(page)), [], `${page} (node scripts/csp-hashes.mjs --write updates the hashes)`);
});

test('the policies allow nothing wide: no other hosts, no plugins, no <base>, eval only in the sandbox', () => {
  for (const page of pages()) {
    const d = directives(policyOf(read(page)));
    assert.deepEqual(d['default-src'], ["'none'"], page);
    assert.deepEqual(d['base-uri'], ["'none'"], page);
    for (const [name, sources] of Object.entries(d)) {
      for (const s of sources) {
        assert.ok(
          ["'self'", "'none'", "'wasm-unsafe-eval'", "'unsafe-eval'", "'unsafe-inline'", 'data:', 'blob:'].includes(s) || s.startsWith("'sha256-"),
          `${page}: ${name} ${s}`,
        );
      }
      if (page !== 'sandbox.html') assert.ok(!sources.includes("'unsafe-eval'"), `${page}: ${name} allows eval`);
      if (name.startsWith('script-src')) assert.ok(!sources.includes("'unsafe-inline'"), `${page}: inline scripts`);
    }
  }
});

test("the sandbox's policy: its script by hash, eval for the user's code, blob: workers, and no network", () => {
  const d = directives(policyOf(read('sandbox.html')));
  assert.deepEqual(Object.keys(d).sort(), ['base-uri', 'default-src', 'form-action', 'script-src', 'worker-src']);
  assert.equal(d['script-src'].length, 2);
  assert.match(d['script-src'][0], /^'sha256-/);
  assert.equal(d['script-src'][1], "'unsafe-eval'");
  assert.deepEqual(d['worker-src'], ['blob:']);
});

test('csp-hashes finds a stale hash, and --write puts the right one in', () => {
  const page =
    "<!doctype html><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'sha256-old' 'self'; style-src 'self'\"><script>go()</script><style>p{}</style><script src=\"x.js\"></script>";
  const problems = check(page);
  assert.equal(problems.length, 3, problems.join('\n'));
  assert.ok(problems.some((p) => p.includes('an inline <style>')));
  const fixed = withHashes(page);
  assert.deepEqual(check(fixed), []);
  assert.match(policyOf(fixed), /^default-src 'none'; script-src 'sha256-[^']+' 'self'; style-src 'sha256-[^']+' 'self'$/);
  assert.deepEqual(check('<p>no policy</p>'), ['no <meta http-equiv="Content-Security-Policy">']);
});
