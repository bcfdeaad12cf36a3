#!/usr/bin/env bash
# Build what the playground page needs besides the wasm engine: the CodeMirror bundles
# (generated, git-ignored) with esbuild: www/vendor/codemirror.js from scripts/codemirror.entry.js,
# which the page loads first, and www/vendor/assist.js from scripts/codemirror-assist.entry.js
# (completion, hover), loaded when the definition editor first gets the focus; what the two
# share is split into www/vendor/codemirror-core.js, so they use one copy of CodeMirror.
# Installs the npm packages (scripts/npm-ci.sh) when missing. Idempotent; exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/npm-ci.sh
mkdir -p www/vendor
OUT=www/vendor/codemirror.js
if [ ! -f "$OUT" ] || [ ! -f www/vendor/assist.js ] || [ -n "$(find scripts/codemirror.entry.js scripts/codemirror-assist.entry.js package-lock.json -newer "$OUT" 2>/dev/null)" ]; then
  echo "== esbuild scripts/codemirror.entry.js, scripts/codemirror-assist.entry.js -> www/vendor/"
  rm -f www/vendor/*.js
  # (Two entries: one shared chunk at most, so its name needs no hash.)
  node_modules/.bin/esbuild codemirror=scripts/codemirror.entry.js assist=scripts/codemirror-assist.entry.js \
    --bundle --splitting --chunk-names=codemirror-core --format=esm --minify \
    --target=es2020 --legal-comments=none --log-level=warning --outdir=www/vendor
fi
for f in www/vendor/*.js; do
  echo "== $f: $(wc -c < "$f") bytes, $(gzip -9 -c "$f" | wc -c) bytes gzip -9"
done
