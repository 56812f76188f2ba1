# Sourced by the other scripts: one cargo target dir outside the clone, reused across runs.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/advisor-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${ADVISOR_SHARED:-$ROOT/../shared}"
export ADVISOR_SHARED="$SHARED"
TRAIN_BIN="$CARGO_TARGET_DIR/release/advisor-train"
