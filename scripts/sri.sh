#!/usr/bin/env bash
# Prints the Subresource Integrity value of web/credit-advisor.min.js (scripts/build-web.sh) and the sha256 of the default
# bundle's manifest; with --write, puts both into web/examples/embed.html.
set -euo pipefail
cd "$(dirname "$0")/.."
sri="sha384-$(openssl dgst -sha384 -binary web/credit-advisor.min.js | openssl base64 -A)"
manifest=$(sha256sum models/german_credit/manifest.json | cut -d' ' -f1)
echo "credit-advisor.min.js integrity: $sri"
echo "manifest sha256:             $manifest"
if [ "${1:-}" = "--write" ]; then
  sed -i -E "s#(credit-advisor\.min\.js\" integrity=\")[^\"]*#\1$sri#; s#(manifest\.json\" integrity=\")[^\"]*#\1$manifest#" web/examples/embed.html
fi
