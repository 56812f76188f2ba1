#!/usr/bin/env bash
# The whole test suite (what CI runs): native unit, cross-crate and CLI tests; the wasm module's
# tests in headless Chromium (wasm-bindgen-test); the package's types (tsc); then the page, the
# widget and the embedding example end to end (playwright-core driving Debian's Chromium;
# screenshots in $CARGO_TARGET_DIR/browser-artifacts); and every fuzz target for a few seconds.
#   bash scripts/test.sh --quick   the edit–test loop: format check, clippy and the native tests
#                                  only (no setup, no browser, no fuzz).
set -euo pipefail
source "$(dirname "$0")/env.sh"
quick=false; [ "${1:-}" = "--quick" ] && quick=true
$quick || bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
[ -d "$SHARED/data" ] || { echo "missing $SHARED/data (the shared datasets beside the repo)" >&2; exit 1; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
run() { set +e; "$@" 2>&1 | tee -a "$log"; local s=${PIPESTATUS[0]}; set -e; [ "$s" = 0 ] || status=$s; }

# Habits: one format, no clippy warning (the wasm crates too).
run cargo fmt --all -- --check
run cargo clippy --release --workspace --all-targets -q -- -D warnings
# The scorer: the browser module without its `full` feature (web/pkg-score/).
run cargo clippy --release -p advisor-wasm --no-default-features -q -- -D warnings
# A report, not a gate: the functions of core/src and train/src longer than 60 lines.
! command -v node >/dev/null || node scripts/long-functions.mjs --top 0 --over 60
# A third (pseudo) language through the whole API: core built with its test language.
third_language() {
  run cargo clippy --release -p advisor-core --features test-lang --tests -q -- -D warnings
  run cargo test --release -p advisor-core --features test-lang --test third_language
}
if $quick; then
  run cargo test --release --workspace --exclude advisor-wasm --exclude advisor-assist-wasm --all-targets
  third_language
  grep -E '^test result: ' "$log" | awk '{p+=$4; f+=$6} END {print "quick: " p " passed, " f " failed"}'
  exit "$status"
fi

# core must build for the browser without tract.
run cargo build --release -p advisor-core --target wasm32-unknown-unknown --no-default-features
ADVISOR_ARTIFACTS="$CARGO_TARGET_DIR/browser-artifacts" run cargo test --release --workspace --exclude advisor-wasm --exclude advisor-assist-wasm --all-targets
third_language

# Browser tests: native scores (german_credit's test rows; a crossed bank_marketing bundle), then
# the wasm module in Chromium.
fixture="$CARGO_TARGET_DIR/fixtures/parity.json"
mkdir -p "$(dirname "$fixture")"
run cargo run --release -q -p advisor-tests --bin parity-fixture -- "$fixture"
ADVISOR_PARITY_FIXTURE="$fixture" CHROMEDRIVER=/usr/bin/chromedriver \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  run cargo test -p advisor-wasm --target wasm32-unknown-unknown
# The same on the relaxed-SIMD build's arithmetic (web/pkg/advisor_relaxed_bg.wasm: fused
# multiply-adds, parity with native to the same 1e-6), in a target dir of its own (its rustflags
# would otherwise rebuild the one above).
ADVISOR_PARITY_FIXTURE="$fixture" CHROMEDRIVER=/usr/bin/chromedriver \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner CARGO_TARGET_DIR="$CARGO_TARGET_DIR/relaxed-tests" \
  RUSTFLAGS="-C target-feature=+simd128,+relaxed-simd" run cargo test -p advisor-wasm --target wasm32-unknown-unknown

# The package's types against what a product team writes (tests/types/usage.ts).
run node_modules/.bin/tsc -p tests/types

# The page, the widget and the example, end to end.
run bash scripts/build-wasm.sh
ADVISOR_ARTIFACTS="$CARGO_TARGET_DIR/browser-artifacts" run node --test tests/browser/

# Every fuzz target, briefly (scripts/fuzz.sh 600 for a long run; figures in BENCHMARKS.md).
run bash scripts/fuzz.sh "${FUZZ_SECONDS:-5}"

rust_passed=$(grep -oE '^test result: .* ([0-9]+) passed' "$log" | grep -oE '[0-9]+ passed' | awk '{s+=$1} END {print s+0}')
rust_failed=$(grep -oE '^test result: .*; ([0-9]+) failed' "$log" | grep -oE '[0-9]+ failed' | awk '{s+=$1} END {print s+0}')
e2e_passed=$(grep -oE '^# pass [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
e2e_failed=$(grep -oE '^# fail [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
fuzz=$(grep -E '^fuzz: ' "$log" | tail -1)
echo "rust + wasm: $rust_passed passed, $rust_failed failed; browser end-to-end: $e2e_passed passed, $e2e_failed failed; ${fuzz:-fuzz: not run}"
exit "$status"
