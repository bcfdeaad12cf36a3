#!/usr/bin/env bash
# Build what the playground page needs besides the wasm engine: the CodeMirror bundle
# (www/vendor/codemirror.js, generated, git-ignored) from scripts/codemirror.entry.js with esbuild.
# Installs the npm packages (scripts/npm-ci.sh) when missing. Idempotent; exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/npm-ci.sh
mkdir -p www/vendor
OUT=www/vendor/codemirror.js
if [ ! -f "$OUT" ] || [ -n "$(find scripts/codemirror.entry.js package-lock.json -newer "$OUT" 2>/dev/null)" ]; then
  echo "== esbuild scripts/codemirror.entry.js -> $OUT"
  node_modules/.bin/esbuild scripts/codemirror.entry.js --bundle --format=esm --minify \
    --target=es2020 --legal-comments=none --log-level=warning --outfile="$OUT"
fi
echo "== $OUT: $(wc -c < "$OUT") bytes, $(gzip -9 -c "$OUT" | wc -c) bytes gzip -9"
