#!/usr/bin/env bash
# Runs every test: the Rust core and the conformance corpus (graded in process, with its
# ratchet), the corpus's own runner as a cross-check of the CLI, and (once they exist) the
# wasm bindings and the playground end to end. Installs what is missing, skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\n== %s\n' "$*"; }

say "JavaScript format and lint (Biome, biome.jsonc; npm run fix applies the fixes)"
scripts/npm-ci.sh
node_modules/.bin/biome ci --error-on-warnings .

say "Rust format and lint (rustfmt.toml; cargo clippy -D warnings)"
for c in rustfmt clippy; do
  rustup component list --installed 2>/dev/null | grep -q "^$c" || rustup component add "$c"
done
cargo fmt --check
cargo clippy --release --all-targets --quiet -- -D warnings

# The conformance corpus is not in the repository: $STATELAB_CONFORMANCE, or ../shared/conformance.
CORPUS="${STATELAB_CONFORMANCE:-../shared/conformance}"

say "cargo test (core, data-driven cases, the conformance corpus graded in process with its ratchet)"
cargo test --release --quiet 2>&1 | grep -v '^$'

say "release CLI"
cargo build --release --quiet

if [ -x "$CORPUS/run" ]; then
  CLI="${CARGO_TARGET_DIR:-target}/release/statelab"
  say "CLI contract cross-check: the corpus's own runner ($CORPUS/run) drives $CLI"
  "$CORPUS/run" --cli "$CLI" --baseline tests/conformance-baseline.txt --show 0
else
  say "CLI contract cross-check: SKIPPED, no runner at $CORPUS/run (set STATELAB_CONFORMANCE to the corpus)"
fi

if [ -x scripts/test-wasm.sh ]; then
  say "wasm bindings (Node and headless Chromium)"
  scripts/test-wasm.sh
fi

# The fuzzer's smoke: a seeded, deterministic short run of every target (wasm too, when
# www/pkg was built above); it fails on a finding not in tests/fuzz-known.txt.
say "fuzz smoke (examples/fuzz.rs --smoke, about a minute; known findings: tests/fuzz-known.txt)"
cargo run --release --quiet --example fuzz -- --smoke --out "${CARGO_TARGET_DIR:-target}/fuzz/smoke"

if [ -x scripts/test-e2e.sh ]; then
  say "playground end to end (Playwright, Chromium)"
  scripts/test-e2e.sh
fi

say "all tests passed"
