#!/usr/bin/env bash
# Test statelab's WebAssembly layer: the wasm-bindgen tests (tests/wasm.rs) under Node and
# under headless Chromium, then the Node tests of www/statelab.js (tests/js/) against a fresh
# www/pkg, with the native CLI built for the run = simulate = CLI comparison.
#
# Idempotent, for a fresh clone too: builds with scripts/build-wasm.sh (which installs the
# wasm32 target, wasm-bindgen-cli and npm's binaryen if missing) and installs Chromium and
# chromedriver with apt-get if missing. Exits non-zero if anything fails.
# STATELAB_SKIP_BROWSER=1 skips the Chromium run (it is reported as skipped).
# CARGO_TARGET_DIR is honoured (default: ./target).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export PATH="$HOME/.cargo/bin:$PATH"

bash scripts/build-wasm.sh
echo "== the core wasm within its gzip budget"
node scripts/measure-wasm.mjs --size

echo "== native CLI (for the comparison with simulate; the release build scripts/test.sh makes too)"
cargo build --release --bin statelab
export STATELAB_BIN="$CARGO_TARGET_DIR/release/statelab"

export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"

echo "== cargo clippy for wasm32 (the bindings and their tests; the core engine, without extras), -D warnings"
cargo clippy --target wasm32-unknown-unknown --features wasm --lib --test wasm --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --no-default-features --features wasm --lib --quiet -- -D warnings

echo "== wasm-bindgen tests under Node"
cargo test --target wasm32-unknown-unknown --features wasm --test wasm

if [ "${STATELAB_SKIP_BROWSER:-}" = 1 ]; then
  echo "== wasm-bindgen tests under headless Chromium: SKIPPED (STATELAB_SKIP_BROWSER=1)"
else
  if ! command -v chromedriver >/dev/null || ! { command -v chromium >/dev/null || command -v chromium-browser >/dev/null || command -v google-chrome >/dev/null; }; then
    echo "== installing chromium and chromium-driver"
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
    else
      echo "test-wasm.sh: chromedriver is missing and cannot be installed here (need root and apt-get); set STATELAB_SKIP_BROWSER=1 to skip" >&2
      exit 1
    fi
  fi
  echo "== wasm-bindgen tests under headless Chromium"
  WASM_BINDGEN_USE_BROWSER=1 WASM_BINDGEN_TEST_WEBDRIVER_JSON="$ROOT/scripts/webdriver.json" \
    cargo test --target wasm32-unknown-unknown --features wasm --test wasm

  echo "== www/statelab.js in headless Chromium (tests/js/browser.html)"
  CHROME=$(command -v chromium || command -v chromium-browser || command -v google-chrome)
  PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$ROOT" >/dev/null 2>&1 &
  SERVER=$!
  trap 'kill $SERVER 2>/dev/null || true' EXIT
  for _ in $(seq 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT))" 2>/dev/null && break; sleep 0.1; done
  DOM=$(timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --disable-background-networking --disable-component-update --disable-sync --no-first-run \
    --disable-quic --virtual-time-budget=20000 --dump-dom "http://127.0.0.1:$PORT/tests/js/browser.html" 2>/dev/null || true)
  kill $SERVER 2>/dev/null || true
  trap - EXIT
  VERDICT=$(printf '%s\n' "$DOM" | sed -n '/<pre id="result">/,/<\/pre>/p' | sed 's/<[^>]*>//g')
  printf '%s\n' "$VERDICT"
  case "$VERDICT" in
    PASS*) ;;
    *) echo "test-wasm.sh: www/statelab.js failed in Chromium" >&2; exit 1 ;;
  esac
fi

echo "== Node tests of www/statelab.js"
# One file at a time: the timing test must not share the CPU with the others.
node --expose-gc --test --test-concurrency=1 tests/js/
