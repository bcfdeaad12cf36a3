// npm's prepack step (package.json): `npm pack` makes the statelab package from the files the
// build makes (www/pkg/, both engines), so it stops with a clear message when they are missing.
// It checks and builds nothing: run scripts/build-wasm.sh first, then npm pack.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const needed = ['www/pkg/statelab.js', 'www/pkg/statelab_bg.wasm', 'www/pkg/full/statelab.js', 'www/pkg/full/statelab_bg.wasm'];
const missing = needed.filter((f) => !existsSync(root + f));
if (missing.length) {
  console.error(`npm pack: the wasm engine is not built (missing ${missing.join(', ')}).\nBuild it first, then pack:  scripts/build-wasm.sh && npm pack`);
  process.exit(1);
}
