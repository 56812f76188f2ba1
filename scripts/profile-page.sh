#!/usr/bin/env bash
# Where one API call spends its time in Chromium: builds the full module with its function names
# (web/pkg-prof/: the same cargo profile and wasm-opt -O3 as scripts/build-wasm.sh, plus -g), then
# runs benches/browser/profile.mjs, which loops the call under the sampling profiler and prints
# each function's share. A tool for finding what to change, not a benchmark: the profiler slows
# every call a little, so measure a change with scripts/bench-page.sh.
# Usage: scripts/profile-page.sh whatif|score|batch [--model /PATH/manifest.json] [--top N] [--inclusive]
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
[ -f web/pkg/advisor_bg.wasm ] || bash scripts/build-wasm.sh
wasm-pack --quiet build wasm --target web --out-dir ../web/pkg-prof --out-name advisor --profile wasm --no-pack
"$ROOT/node_modules/.bin/wasm-opt" -O3 -g --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  web/pkg-prof/advisor_bg.wasm -o web/pkg-prof/advisor_bg.wasm
port="${BENCH_PORT:-8099}"
python3 scripts/serve.py "$ROOT" "$port" -q >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/benches/browser/profile.html" >/dev/null && break; sleep 0.1; done
node benches/browser/profile.mjs "$@" --base "http://127.0.0.1:$port"
