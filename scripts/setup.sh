#!/usr/bin/env bash
# Installs what the project needs on a fresh machine of its kind (Debian 12, rustup, node).
# Idempotent: what is already there is skipped.
set -euo pipefail
source "$(dirname "$0")/env.sh"
command -v cargo >/dev/null || { echo "cargo not found: install Rust with rustup first" >&2; exit 1; }
rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
