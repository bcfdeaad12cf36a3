#!/usr/bin/env bash
# The main job: builds what the playground needs and serves it on 127.0.0.1.
# Until the playground page exists it runs the README's example with the CLI instead.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8080}"
cargo build --release --quiet
if [ -f www/index.html ] && [ -x scripts/build-wasm.sh ]; then
  scripts/build-wasm.sh
  scripts/build-web.sh
  echo "statelab playground: http://127.0.0.1:$PORT/"
  exec python3 scripts/serve.py "$PORT" www
fi
target/release/statelab run examples/image-pipeline/definition.json \
  --input examples/image-pipeline/input.json \
  --mock-config examples/image-pipeline/mocks.json --timeline
