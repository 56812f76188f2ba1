#!/usr/bin/env bash
# The whole test suite (what CI runs): unit tests, cross-crate tests, CLI tests.
set -euo pipefail
source "$(dirname "$0")/env.sh"
bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
[ -d "$SHARED/data" ] || { echo "missing $SHARED/data (the shared datasets beside the repo)" >&2; exit 1; }
cargo test --release --workspace 2>&1
