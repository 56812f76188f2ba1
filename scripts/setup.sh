#!/usr/bin/env bash
# Installs what the project needs on a fresh machine of its kind (Debian 12, rustup, node 20).
# Idempotent: what is already there (at the right version) is skipped.
#   - the wasm32 Rust target
#   - Debian's chromium + chromium-driver (browser tests; needs root or sudo)
#   - wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock, wasm-pack, cargo-fuzz
#   - npm dev tools (package-lock.json): binaryen's wasm-opt, esbuild, typescript (tsc), playwright-core,
#     vite and webpack (the bundler examples' tests)
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
command -v cargo >/dev/null || { echo "cargo not found: install Rust with rustup first" >&2; exit 1; }
command -v npm >/dev/null || { echo "npm not found: install Node.js 20 first" >&2; exit 1; }
rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

# (fonts-wqy-zenhei: a CJK font, so zh-CN screenshots show text, not boxes)
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || ! fc-list 2>/dev/null | grep -qi wqy; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "setup: installing Debian's chromium, chromium-driver and a CJK font" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver fonts-wqy-zenhei >/dev/null
fi

want=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  echo "setup: installing wasm-bindgen-cli $want (have: ${have:-none}; a few minutes)" >&2
  cargo install -q wasm-bindgen-cli --version "$want" --force
fi
command -v wasm-pack >/dev/null || { echo "setup: installing wasm-pack" >&2; cargo install -q wasm-pack --locked; }
command -v cargo-fuzz >/dev/null || { echo "setup: installing cargo-fuzz" >&2; cargo install -q cargo-fuzz --locked; }

if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -x node_modules/.bin/esbuild ] || [ ! -x node_modules/.bin/tsc ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --ignore-scripts >/dev/null
fi
