#!/usr/bin/env bash
# Performance against the alternatives: statelab's wasm build and aws-local-stepfunctions in
# Node on the same workflows, plus statelab's native CLI; medians, ratios and peak memory.
# Builds what it needs (release CLI, wasm, the peer from npm), skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
scripts/build-wasm.sh
scripts/npm-ci.sh
exec node bench/compare.mjs "$@"
