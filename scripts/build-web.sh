#!/usr/bin/env bash
# Bundles the widget for the page and for embedding: web/credit-advisor.js and its modules in
# web/widget/ become one minified file, web/credit-advisor.min.js, beside its source (so every
# path relative to it stays the same); web/page.js likewise becomes web/page.min.js. The JS API
# (advisor.js) and the assistant's panel stay their own modules (the assistant shares the API;
# the panel loads when the assistant is first opened). esbuild from package-lock.json; the
# output is deterministic (embed.html pins it with Subresource Integrity: scripts/sri.sh).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
esbuild="$ROOT/node_modules/.bin/esbuild"
[ -x "$esbuild" ] || { echo "esbuild missing: run scripts/setup.sh" >&2; exit 1; }
"$esbuild" web/credit-advisor.js web/page.js --bundle --format=esm --minify --target=es2022 --charset=utf8 \
  --legal-comments=none --external:./advisor-core.js --external:./assistant.js --external:./assistant-panel.js \
  --outdir=web --entry-names='[name].min' --log-level=warning
