#!/usr/bin/env bash
# Build what the playground page needs besides the wasm engine: the CodeMirror bundles
# (generated, git-ignored) with esbuild: www/vendor/codemirror.js from scripts/codemirror.entry.js,
# which the page loads first, www/vendor/assist.js from scripts/codemirror-assist.entry.js
# (completion, hover), loaded when an editor first gets the focus, and www/vendor/code.js
# (the JavaScript language, for a function mock's code editor), loaded when one is opened;
# what they share is split into chunks (codemirror-core.js for the first paint), so they use
# one copy of CodeMirror.
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
  # The chunk the first paint loads (the one codemirror.js imports) gets a fixed name, which
  # www/index.html preloads: codemirror-core.js.
  node -e '
    const fs = require("fs"), d = "www/vendor/";
    const first = [...new Set([...fs.readFileSync(d + "codemirror.js", "utf8").matchAll(/"\.\/(chunk-\w+\.js)"/g)].map((m) => m[1]))];
    if (first.length !== 1) { console.error("build-web.sh: codemirror.js imports " + first.length + " chunks; index.html preloads one"); process.exit(1); }
    for (const f of fs.readdirSync(d)) fs.writeFileSync(d + f, fs.readFileSync(d + f, "utf8").replaceAll("./" + first[0], "./codemirror-core.js"));
    fs.renameSync(d + first[0], d + "codemirror-core.js");
  '
fi
for f in www/vendor/*.js; do
  echo "== $f: $(wc -c < "$f") bytes, $(gzip -9 -c "$f" | wc -c) bytes gzip -9"
done
