// The Content-Security-Policy of every page in www/: each page states its policy in a
// <meta http-equiv="Content-Security-Policy">, and its inline <script> and <style> blocks are
// allowed by their SHA-256 hashes. This checks that the hashes in each policy are those of
// the page's inline blocks (and that every page has a policy); with --write, it puts the
// right hashes in (each policy names its hashes with 'sha256-…' placeholders or old values).
//
//   node scripts/csp-hashes.mjs           check (exit 1 with what is wrong)
//   node scripts/csp-hashes.mjs --write   update the hashes in place
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const WWW = fileURLToPath(new URL('../www/', import.meta.url));

const hashOf = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The pages of www/ (its top level: every HTML file the site serves). */
export function pages(dir = WWW) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.html'))
    .sort();
}

/** The policy of a page's meta tag, or null. */
export function policyOf(html) {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  return m ? m[1] : null;
}

/** A policy as {directive: [sources]}. */
export function directives(policy) {
  const out = {};
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out[name] = sources;
  }
  return out;
}

/** The inline blocks of a page: [{kind: 'script'|'style', hash}] (a script with src is not inline). */
export function inlineBlocks(html) {
  const out = [];
  for (const m of html.matchAll(/<(script|style)((?:\s[^>]*)?)>([\s\S]*?)<\/\1>/g)) {
    if (m[1] === 'script' && /\ssrc=/.test(m[2])) continue;
    out.push({ kind: m[1], hash: hashOf(m[3]) });
  }
  return out;
}

/** The problems of a page's policy: [] when its hashes are exactly those of its inline blocks. */
export function check(html) {
  const policy = policyOf(html);
  if (!policy) return ['no <meta http-equiv="Content-Security-Policy">'];
  const d = directives(policy);
  const problems = [];
  for (const kind of ['script', 'style']) {
    const want = inlineBlocks(html)
      .filter((b) => b.kind === kind)
      .map((b) => b.hash);
    const have = (d[`${kind}-src`] || []).filter((s) => s.startsWith("'sha256-"));
    for (const h of want) if (!have.includes(h)) problems.push(`an inline <${kind}> has hash ${h}, which ${kind}-src does not list`);
    for (const h of have) if (!want.includes(h)) problems.push(`${kind}-src lists ${h}, the hash of no inline <${kind}>`);
  }
  // The page's policy is in its head before anything it governs.
  const at = html.indexOf('http-equiv="Content-Security-Policy"');
  const first = html.search(/<(script|style|link)[\s>]/);
  if (first !== -1 && first < at) problems.push('the policy must come before the first <script>, <style> or <link>');
  return problems;
}

/** The page with its policy's hashes replaced by those of its inline blocks. */
export function withHashes(html) {
  const policy = policyOf(html);
  if (!policy) return html;
  const blocks = inlineBlocks(html);
  const fixed = policy
    .split(';')
    .map((part) => {
      const [name, ...sources] = part.trim().split(/\s+/);
      const kind = name === 'script-src' ? 'script' : name === 'style-src' ? 'style' : null;
      if (!kind) return part.trim();
      const kept = sources.filter((s) => !s.startsWith("'sha256-"));
      const hashes = blocks.filter((b) => b.kind === kind).map((b) => b.hash);
      return [name, ...hashes, ...kept].join(' ');
    })
    .join('; ');
  return html.replace(policy, fixed);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const write = process.argv.includes('--write');
  let bad = 0;
  for (const page of pages()) {
    const file = `${WWW}${page}`;
    let html = readFileSync(file, 'utf8');
    if (write) {
      const next = withHashes(html);
      if (next !== html) {
        writeFileSync(file, next);
        console.log(`${page}: hashes updated`);
        html = next;
      }
    }
    for (const p of check(html)) {
      console.error(`${page}: ${p}`);
      bad += 1;
    }
  }
  if (bad) process.exit(1);
  console.log('every page of www/ has a policy that allows its inline blocks by hash');
}
