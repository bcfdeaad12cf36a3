#!/usr/bin/env bash
# Build what the playground page needs besides the wasm engine: the CodeMirror bundles
# (generated, git-ignored) with esbuild: www/vendor/codemirror.js from scripts/codemirror.entry.js,
# which the page loads first, www/vendor/assist.js from scripts/codemirror-assist.entry.js
# (completion, hover), loaded when an editor first gets the focus, and www/vendor/code.js
# (the JavaScript language, for a function mock's code editor), loaded when one is opened;
# what they share is split into chunks (codemirror-core.js and codemirror-shared.js for the
# first paint), so they use one copy of CodeMirror.
# Installs the npm packages (scripts/npm-ci.sh) when missing. Idempotent; exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/npm-ci.sh
mkdir -p www/vendor
OUT=www/vendor/codemirror.js
if [ ! -f "$OUT" ] || [ ! -f www/vendor/assist.js ] || [ ! -f www/vendor/code.js ] || [ -n "$(find scripts/codemirror.entry.js scripts/codemirror-assist.entry.js scripts/codemirror-code.entry.js package-lock.json -newer "$OUT" 2>/dev/null)" ]; then
  echo "== esbuild scripts/codemirror*.entry.js -> www/vendor/"
  rm -f www/vendor/*.js
  node_modules/.bin/esbuild codemirror=scripts/codemirror.entry.js assist=scripts/codemirror-assist.entry.js \
    code=scripts/codemirror-code.entry.js --bundle --splitting --chunk-names=chunk-[hash] --format=esm --minify \
    --target=es2020 --legal-comments=none --log-level=warning --outdir=www/vendor
  # The chunks the first paint loads (those codemirror.js imports) get fixed names, which
  # www/index.html preloads: codemirror-core.js (the largest) and codemirror-shared.js.
  node -e '
    const fs = require("fs"), d = "www/vendor/";
    const first = [...fs.readFileSync(d + "codemirror.js", "utf8").matchAll(/"\.\/(chunk-\w+\.js)"/g)].map((m) => m[1]);
    first.sort((a, b) => fs.statSync(d + b).size - fs.statSync(d + a).size);
    const names = new Map(first.map((c, i) => [c, i === 0 ? "codemirror-core.js" : i === 1 ? "codemirror-shared.js" : c]));
    if (first.length > 2) { console.error("build-web.sh: codemirror.js imports " + first.length + " chunks; index.html preloads two"); process.exit(1); }
    for (const f of fs.readdirSync(d)) {
      let t = fs.readFileSync(d + f, "utf8");
      for (const [from, to] of names) t = t.replaceAll("./" + from, "./" + to);
      fs.writeFileSync(d + f, t);
    }
    for (const [from, to] of names) fs.renameSync(d + from, d + to);
  '
fi
for f in www/vendor/*.js; do
  echo "== $f: $(wc -c < "$f") bytes, $(gzip -9 -c "$f" | wc -c) bytes gzip -9"
done
