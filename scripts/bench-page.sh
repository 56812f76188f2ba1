#!/usr/bin/env bash
# Page benchmark on the shipped bundle: navigation → ready → first score, score + reasons per
# applicant, what-if, batch rates, in fresh headless Chromium runs (cross-origin isolated, 5 µs
# timer). Builds web/pkg first if missing. Arguments go to benches/browser/bench-page.mjs.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
[ -f web/pkg/advisor_bg.wasm ] || bash scripts/build-wasm.sh
port="${BENCH_PORT:-8099}"
python3 scripts/serve.py "$ROOT" "$port" -q >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/benches/browser/page.html" >/dev/null && break; sleep 0.1; done
node benches/browser/bench-page.mjs --base "http://127.0.0.1:$port" "$@"
