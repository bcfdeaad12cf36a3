#!/usr/bin/env bash
# Build statelab's WebAssembly engine into www/pkg/ for www/statelab.js.
#
# Idempotent, for a fresh clone too: installs what is missing (the wasm32 target, the
# wasm-bindgen CLI of exactly the version pinned in Cargo.toml, the npm devDependencies) and
# skips what is there. Exits non-zero on any failure.
#
#   scripts/build-wasm.sh            release build (profile "wasm": opt-level z, LTO) + wasm-opt (-Os)
#   scripts/build-wasm.sh --no-opt   skip wasm-opt (faster, larger)
#
# CARGO_TARGET_DIR is honoured (default: ./target).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OPT=1
for a in "$@"; do
  case "$a" in
    --no-opt) OPT=0 ;;
    *) echo "build-wasm.sh: unknown option $a" >&2; exit 2 ;;
  esac
done
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export PATH="$HOME/.cargo/bin:$PATH"

WB_VERSION=$(sed -n 's/^wasm-bindgen = .*"=\([0-9.]*\)".*/\1/p' Cargo.toml)
[ -n "$WB_VERSION" ] || { echo "build-wasm.sh: no exact wasm-bindgen version (=x.y.z) in Cargo.toml" >&2; exit 1; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "== rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! wasm-bindgen --version 2>/dev/null | grep -qF " $WB_VERSION"; then
  echo "== installing wasm-bindgen-cli $WB_VERSION (a few minutes)"
  # --locked first; some locked versions name crates the registry does not serve.
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --locked \
    || cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi

if [ "$OPT" = 1 ] && command -v npm >/dev/null; then
  scripts/npm-ci.sh # binaryen's wasm-opt
fi

# Two builds of the engine: the core (www/pkg/), which every page loads, and the full engine
# (www/pkg/full/, Cargo feature "extras": JSONata's number pictures, date parsing with a
# picture, the hashes), which www/statelab.js loads the first time a definition needs it. Each has
# its own target directory, so that neither rebuilds the other's crate.
build() { # name, cargo features, target directory, output directory
  local name=$1 features=$2 target=$3 out=$4
  echo "== cargo rustc (profile wasm, cdylib, $name: $features)"
  CARGO_TARGET_DIR="$target" cargo rustc --lib --crate-type cdylib --target wasm32-unknown-unknown --profile wasm $features
  local raw="$target/wasm32-unknown-unknown/wasm/statelab.wasm"
  echo "== wasm-bindgen --target web -> $out/"
  wasm-bindgen --target web --no-typescript --experimental-reset-state-function --out-dir "$out" --out-name statelab "$raw"
  if [ "$OPT" = 1 ]; then
    if [ -x node_modules/.bin/wasm-opt ]; then
      # binaryen from npm (package.json), never Debian's wasm-opt 108, which breaks
      # wasm-bindgen output. The features are the ones rustc enables for wasm32 by default.
      # --flatten --rereloop before two rounds find about 2 KB more (gzip) than one; -Os
      # rather than -Oz keeps a few more small functions inlined, for the same gzip size and
      # 6-10% faster runs (Parallel, week and loop of bench/compare.mjs, measured side by side);
      # --reorder-functions-by-name puts each module's functions together, which gzip
      # compresses better (about 1%); the order does not matter to the engine.
      # -ocimfs=30 inlines a function that has one caller only when it is small: inlining
      # every such function merged the JSONata evaluator's helpers into one function of 40
      # locals, which V8's baseline compiler gives a stack slot each on every level of
      # recursion (in Chromium's Web Worker plain recursion overflowed the JS stack from 265
      # levels, now 351); it also makes the file smaller (about 700 bytes gzip).
      echo "== wasm-opt -Os ($(node_modules/.bin/wasm-opt --version))"
      node_modules/.bin/wasm-opt --flatten --rereloop -Os -Os -ocimfs=30 --reorder-functions-by-name --strip-producers --strip-target-features \
        --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
        --enable-mutable-globals --enable-reference-types --enable-multivalue \
        "$out/statelab_bg.wasm" -o "$out/statelab_bg.opt.wasm"
      mv "$out/statelab_bg.opt.wasm" "$out/statelab_bg.wasm"
    else
      echo "build-wasm.sh: npm's binaryen is not installed (run scripts/npm-ci.sh): $out is not optimised by wasm-opt" >&2
    fi
  fi
  echo "== $out/statelab_bg.wasm: $(wc -c < "$out/statelab_bg.wasm") bytes (node scripts/measure-wasm.mjs for gzip and speed)"
}

rm -rf www/pkg
build core "--no-default-features --features wasm" "$CARGO_TARGET_DIR" www/pkg
build full "--features wasm" "$CARGO_TARGET_DIR/full" www/pkg/full
