#!/usr/bin/env bash
# End-to-end tests of the playground (www/) in real Chromium: Node's test runner drives Debian's
# /usr/bin/chromium through npm's playwright-core (never a downloaded browser). Installs what is
# missing (chromium, the npm packages), builds the wasm engine and the CodeMirror bundle when
# they are out of date, builds the release CLI to cross-check the examples, then runs
# tests/e2e/*.test.mjs. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
export PATH="$HOME/.cargo/bin:$PATH"

if [ ! -x /usr/bin/chromium ]; then
  echo "== apt-get install chromium"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
command -v node >/dev/null || { echo "test-e2e.sh: node is required (Node.js 18+)" >&2; exit 1; }

scripts/npm-ci.sh

# The wasm engine: rebuilt when a Rust source, Cargo.toml or the wasm build script is newer.
WASM=www/pkg/statelab_bg.wasm
if [ ! -f "$WASM" ] || [ -n "$(find src Cargo.toml Cargo.lock scripts/build-wasm.sh -newer "$WASM" -print -quit)" ]; then
  scripts/build-wasm.sh
fi
scripts/build-web.sh

echo "== cargo build --release (the CLI the examples are checked against)"
cargo build --release --quiet

echo "== node --test tests/e2e/ (Chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'))"
node --test --test-concurrency=1 --test-reporter=spec tests/e2e/
