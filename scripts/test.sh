#!/usr/bin/env bash
# The whole test suite (what CI runs): unit tests, cross-crate tests, CLI tests.
set -euo pipefail
source "$(dirname "$0")/env.sh"
bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
[ -d "$SHARED/data" ] || { echo "missing $SHARED/data (the shared datasets beside the repo)" >&2; exit 1; }
# core must also build for the browser (no tract, no I/O).
cargo build --release -p advisor-core --target wasm32-unknown-unknown --no-default-features
log=$(mktemp)
set +e
cargo test --release --workspace --all-targets 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
passed=$(grep -oE '^test result: .* ([0-9]+) passed' "$log" | grep -oE '[0-9]+ passed' | awk '{s+=$1} END {print s+0}')
failed=$(grep -oE '; ([0-9]+) failed' "$log" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
rm -f "$log"
echo "rust: $passed passed, $failed failed"
exit "$status"
