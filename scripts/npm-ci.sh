#!/usr/bin/env bash
# Installs the npm devDependencies of the repository (package.json at the root: binaryen,
# esbuild and CodeMirror, playwright-core, aws-local-stepfunctions, Biome) with npm ci, when
# node_modules is missing or older than package-lock.json; otherwise does nothing.
# The other scripts call it before they use node_modules. Exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
# npm writes node_modules/.package-lock.json on every install: its age is node_modules' age.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  command -v npm >/dev/null || { echo "npm-ci.sh: npm is required (Node.js 18+)" >&2; exit 1; }
  echo "== npm ci (package.json at the root)"
  npm ci --no-audit --no-fund
fi
