#!/usr/bin/env bash
# Build what the playground page needs besides the wasm engine: the CodeMirror bundle
# (www/vendor/codemirror.js, generated, git-ignored) from web/codemirror.entry.js with esbuild.
# Installs web/'s npm dependencies when missing (npm ci). Idempotent; exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x web/node_modules/.bin/esbuild ]; then
  echo "== npm ci (web/: esbuild, CodeMirror, playwright-core)"
  (cd web && npm ci --no-audit --no-fund)
fi
mkdir -p www/vendor
OUT=www/vendor/codemirror.js
if [ ! -f "$OUT" ] || [ -n "$(find web/codemirror.entry.js web/package-lock.json -newer "$OUT" 2>/dev/null)" ]; then
  echo "== esbuild web/codemirror.entry.js -> $OUT"
  web/node_modules/.bin/esbuild web/codemirror.entry.js --bundle --format=esm --minify \
    --target=es2020 --legal-comments=none --log-level=warning --outfile="$OUT"
fi
echo "== $OUT: $(wc -c < "$OUT") bytes, $(gzip -9 -c "$OUT" | wc -c) bytes gzip -9"
