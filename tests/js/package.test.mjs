// The npm package: `npm pack` at the root makes it (the prepack step checks that www/pkg is
// built). The test packs it, checks what is in it, installs the tarball into a new project
// (offline: the package has no dependencies) and uses it there from Node, from esbuild (a
// bundler, which must follow the exports and the engine's files) and, with the TypeScript
// compiler of the devDependencies, from TypeScript. Run: node --test tests/js/package.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Under the repository's git-ignored tmp/, so that the project finds the repository's
// devDependencies (markdown-it, unified, esbuild, typescript) as well as its own statelab.
const WORK = `${ROOT}tmp/package-test-${process.pid}/`;
const PROJECT = `${WORK}project/`;
const manifest = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8'));

let packed; // npm pack's report: {filename, size, unpackedSize, entryCount, files: [{path, size}]}
let files; // the paths in the package

before(() => {
  mkdirSync(PROJECT, { recursive: true });
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', WORK], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  packed = JSON.parse(out)[0];
  files = packed.files.map((f) => f.path).sort();
  writeFileSync(`${PROJECT}package.json`, JSON.stringify({ name: 'statelab-package-test', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', `${WORK}${packed.filename}`], { cwd: PROJECT, stdio: 'pipe' });
  console.log(`# ${packed.filename}: ${packed.entryCount} files, ${packed.size} bytes packed, ${packed.unpackedSize} unpacked`);
});

after(() => rmSync(WORK, { recursive: true, force: true }));

/** Run a module in the project; its standard output, parsed as JSON. */
function inProject(name, source) {
  writeFileSync(`${PROJECT}${name}`, source);
  const r = spawnSync(process.execPath, [name], { cwd: PROJECT, encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 0, `${name} failed:\n${r.stderr}${r.error ?? ''}`);
  return JSON.parse(r.stdout);
}

test('the package holds the API, the embed, the plugins, both engines and their types, and nothing else', () => {
  for (const f of [
    'package.json',
    'README.md',
    'www/statelab.js',
    'www/statelab.d.ts',
    'www/worker.js',
    'www/worker-children.js',
    'www/embed.js',
    'www/embed.d.ts',
    'www/style.css',
    'www/pkg/statelab.js',
    'www/pkg/statelab_bg.wasm',
    'www/pkg/full/statelab.js',
    'www/pkg/full/statelab_bg.wasm',
    'markdown/markdown-it.js',
    'markdown/markdown-it.d.ts',
    'markdown/remark.js',
    'markdown/remark.d.ts',
    'markdown/playground.js',
    'markdown/settings.d.ts',
  ]) {
    assert.ok(files.includes(f), `${f} is in the package`);
  }
  const stray = files.filter((f) =>
    /^(tests|src|target|scripts|examples|bench|node_modules|tmp|\.ci)\/|^www\/(index|docs|frame)\.html|^www\/(vendor|examples)\/|^www\/app\/(main|run|work|engine|store)\.js|^(Cargo|rustfmt|biome)/.test(
      f,
    ),
  );
  assert.deepEqual(stray, []);
  // The wasm-bindgen snippet each engine's glue imports.
  for (const dir of ['www/pkg/', 'www/pkg/full/']) assert.ok(files.some((f) => f.startsWith(`${dir}snippets/`) && f.endsWith('/decode.js')));
  assert.equal(packed.name, 'statelab');
  assert.equal(packed.version, manifest.version);
});

test('every export and every file the shipped modules load (imports, new URL(…, import.meta.url)) is in the package', () => {
  for (const [key, target] of Object.entries(manifest.exports)) {
    for (const path of typeof target === 'string' ? [target] : Object.values(target)) {
      if (path.includes('*')) continue;
      assert.ok(files.includes(path.slice(2)), `exports["${key}"]: ${path} is in the package`);
    }
  }
  assert.ok(files.includes(manifest.types.slice(2)));
  const missing = [];
  for (const f of files.filter((p) => p.endsWith('.js') || p.endsWith('.d.ts'))) {
    const text = readFileSync(`${PROJECT}node_modules/statelab/${f}`, 'utf8');
    const refs = [
      ...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/gm),
      ...text.matchAll(/^\s*import\s+['"](\.[^'"]+)['"]/gm),
      ...text.matchAll(/import\(\s*['"](\.[^'"]+)['"]\s*\)/g),
      ...text.matchAll(/new URL\(\s*['"](\.[^'"]+)['"],\s*import\.meta\.url\)/g),
    ].map((m) => m[1]);
    for (const ref of refs) {
      const path = new URL(ref, `file:///${f}`).pathname.slice(1);
      const found = files.includes(path) || (f.endsWith('.d.ts') && files.includes(path.replace(/\.js$/, '.d.ts')));
      if (!found) missing.push(`${f} -> ${ref}`);
    }
  }
  assert.deepEqual(missing, []);
  // The package needs nothing at run time.
  assert.equal(manifest.dependencies, undefined);
  assert.deepEqual(manifest.sideEffects, ['./www/embed.js']);
});

test('installed from the tarball, the API works in Node: validate, simulate, the full engine, derive', () => {
  const r = inProject(
    'api.mjs',
    `import { validate, simulate, compile, derive, version } from 'statelab';
const def = { StartAt: 'Charge', States: { Charge: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } } };
const bad = await validate({ StartAt: 'Nowhere', States: { A: { Type: 'Pass', End: true } } });
const result = await simulate(def, { order: 1 }, { Charge: { result: { ok: true }, latency: 2 } });
// A hash needs the full engine, which loads from the package's www/pkg/full/.
const hashed = await simulate({ StartAt: 'H', States: { H: { Type: 'Pass', Parameters: { 'h.$': "States.Hash('abc', 'SHA-256')" }, End: true } } });
const machine = await compile(def);
const again = await machine.simulate({}, { Charge: { result: 1 } }, { history: false });
const derived = await derive(def, { input: true });
console.log(JSON.stringify({ valid: await validate(def), bad: bad.map((d) => d.location), status: result.status, output: result.output, durationMs: result.durationMs, events: result.events.length, hash: hashed.output.h, again, derived: Object.keys(derived.mocks), version: await version() }));
`,
  );
  assert.deepEqual(r.valid, []);
  assert.ok(r.bad.length >= 1);
  assert.equal(r.status, 'SUCCEEDED');
  assert.deepEqual(r.output, { ok: true });
  assert.equal(r.durationMs, 2000);
  assert.ok(r.events >= 4);
  assert.equal(r.hash, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.deepEqual(r.again, { status: 'SUCCEEDED', output: 1, durationMs: 0 });
  assert.deepEqual(r.derived, ['Charge']);
  assert.equal(r.version, manifest.version);
});

test('the declared functions are the functions the API exports', async () => {
  const api = await import(`${PROJECT}node_modules/statelab/www/statelab.js`);
  const exported = Object.keys(api)
    .filter((k) => !k.startsWith('__'))
    .sort();
  const declared = [...new Set([...readFileSync(`${PROJECT}node_modules/statelab/www/statelab.d.ts`, 'utf8').matchAll(/^export function (\w+)/gm)].map((m) => m[1]))].sort();
  assert.deepEqual(declared, exported);
});

test('installed from the tarball, the plugins work in Node, and the embed imports there without defining anything', () => {
  const r = inProject(
    'plugins.mjs',
    `import MarkdownIt from 'markdown-it';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import rehypeStringify from 'rehype-stringify';
import aslPlayground from 'statelab/markdown-it';
import remarkAslPlayground from 'statelab/remark';
import 'statelab/embed';
const src = '\`\`\`asl autorun\\n{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}\\n\`\`\`\\n\`\`\`asl-input\\n{}\\n\`\`\`\\n';
const it = new MarkdownIt().use(aslPlayground).render(src);
const re = String(await unified().use(remarkParse).use(remarkAslPlayground).use(remarkRehype, { allowDangerousHtml: true }).use(rehypeStringify, { allowDangerousHtml: true }).process(src));
console.log(JSON.stringify({ it, re, customElements: typeof customElements }));
`,
  );
  assert.match(r.it, /^<asl-playground autorun><pre data-part="definition">&#123;&#34;StartAt&#34;/);
  assert.match(r.it, /<pre data-part="input">&#123;&#125;<\/pre><\/asl-playground>\n$/);
  assert.equal(r.re, r.it.trimEnd());
  assert.equal(r.customElements, 'undefined');
});

test('a bundler (esbuild) resolves every export and splits the engine glue off', async () => {
  const esbuild = await import('esbuild');
  writeFileSync(
    `${PROJECT}entry.js`,
    `import { validate } from 'statelab';
import 'statelab/embed';
import aslPlayground from 'statelab/markdown-it';
import remarkAslPlayground from 'statelab/remark';
globalThis.used = [validate, aslPlayground, remarkAslPlayground];
`,
  );
  const out = await esbuild.build({
    absWorkingDir: PROJECT,
    entryPoints: ['entry.js'],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    outdir: `${WORK}bundle`,
    write: false,
    logLevel: 'silent',
  });
  assert.deepEqual(out.errors, []);
  const text = out.outputFiles.map((f) => f.text).join('\n');
  assert.match(text, /customElements\.define\("asl-playground"/, 'the embed is kept (sideEffects)');
  assert.match(text, /__wbg_reset_state/, 'the engine glue is bundled (a chunk of its own)');
  assert.ok(out.outputFiles.length >= 3, 'the core and full engines are chunks of their own');
  assert.match(text, /new URL\("\.\/pkg\/statelab_bg\.wasm", import\.meta\.url\)/, 'the wasm is named beside import.meta.url');
});

test('the type declarations check with TypeScript, under nodenext and bundler resolution', (t) => {
  const tsc = `${ROOT}node_modules/typescript/bin/tsc`;
  if (!existsSync(tsc)) {
    t.skip('no TypeScript in node_modules');
    return;
  }
  writeFileSync(
    `${PROJECT}use.ts`,
    `import { validate, simulate, compile, run, testState, loadSource, derive, init, version, createWorker, type Result, type Outcome, type Diagnostic } from 'statelab';
import type { AslPlaygroundElement } from 'statelab/embed';
import MarkdownIt from 'markdown-it';
import aslPlayground, { type PlaygroundSettings } from 'statelab/markdown-it';
import remarkAslPlayground from 'statelab/remark';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import rehypeStringify from 'rehype-stringify';

export async function use(): Promise<string> {
  await init();
  const diagnostics: Diagnostic[] = await validate('{}', { type: 'EXPRESS' });
  const full: Result = await simulate({ StartAt: 'A', States: {} }, { a: 1 }, { A: { result: 1, latency: [1, 2] } }, { seed: 1, criticalPath: true });
  const outcome: Outcome = await simulate('{}', undefined, undefined, { history: false });
  const machine = await compile('{}');
  const again: Result = await machine.simulate({}, '{}');
  const ctl = run('{}', {}, {}, { speed: 10, functions: { A: async (input, context) => ({ input, at: context.attempt }) }, onEvent: (e) => e.type });
  ctl.pause();
  const done: Result = await ctl.done;
  const answer = await testState({ definition: { Type: 'Pass', End: true }, inspectionLevel: 'DEBUG' });
  const status = 'Error' in answer ? answer.Error.Code : answer.status;
  const source = await loadSource('StartAt: A', { overrides: { X: 'y' } });
  const machines = source.ok ? source.machines.map((m) => m.definition ?? '') : source.diagnostics.map((d) => d.message);
  const made = await derive('{}', { input: true, mocked: ['A'] });
  const worker = createWorker();
  worker.terminate();
  const el = document.querySelector('asl-playground');
  const ran: Result | null | undefined = await el?.run();
  el?.addEventListener('done', (e) => e.detail.durationMs);
  const typed: AslPlaygroundElement | null = el;
  const settings: PlaygroundSettings = { view: 'timeline', autorun: true, speed: 2, playground: '/play/' };
  const md = new MarkdownIt().use(aslPlayground, settings).use(aslPlayground);
  const html = String(await unified().use(remarkParse).use(remarkAslPlayground, { ...settings, mdx: false }).use(remarkRehype, { allowDangerousHtml: true }).use(rehypeStringify).process('x'));
  // Wrong settings and options do not type-check: the declarations are not \`any\`.
  // @ts-expect-error: not a view
  const wrongView: PlaygroundSettings = { view: 'sideways' };
  // @ts-expect-error: a seed is a number
  await simulate('{}', {}, {}, { seed: 'one' });
  // @ts-expect-error: not a machine type
  await validate('{}', { type: 'FAST' });
  // @ts-expect-error: loadSource reads text
  await loadSource({ StartAt: 'A' });
  // @ts-expect-error: no such option
  new MarkdownIt().use(aslPlayground, { colour: 'red' });
  return [wrongView, diagnostics.length, full.spans.length, outcome.durationMs, again.lanes.length, done.status, status, machines, made.mocks, ran, typed, html, md.render('x'), await version()].join();
}
`,
  );
  for (const resolution of [
    { module: 'nodenext', moduleResolution: 'nodenext' },
    { module: 'esnext', moduleResolution: 'bundler' },
  ]) {
    writeFileSync(
      `${PROJECT}tsconfig.json`,
      JSON.stringify({
        compilerOptions: { ...resolution, target: 'es2022', lib: ['es2022', 'dom'], strict: true, noEmit: true, skipLibCheck: false, types: [] },
        files: ['use.ts'],
      }),
    );
    const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: PROJECT, encoding: 'utf8', timeout: 120000 });
    assert.equal(r.status, 0, `tsc (${resolution.moduleResolution}):\n${r.stdout}${r.stderr}`);
  }
});

test('npm pack stops with a clear message when the wasm is not built', () => {
  const copy = `${WORK}unbuilt/`;
  mkdirSync(`${copy}scripts`, { recursive: true });
  cpSync(`${ROOT}scripts/check-package.mjs`, `${copy}scripts/check-package.mjs`);
  const r = spawnSync(process.execPath, ['scripts/check-package.mjs'], { cwd: copy, encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /the wasm engine is not built .*www\/pkg\/statelab_bg\.wasm/);
  assert.match(r.stderr, /scripts\/build-wasm\.sh && npm pack/);
  // And passes in the repository, where it is built.
  assert.equal(spawnSync(process.execPath, ['scripts/check-package.mjs'], { cwd: ROOT }).status, 0);
});
