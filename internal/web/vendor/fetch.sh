#!/usr/bin/env bash
# Re-fetches the vendored front-end files from the npm registry into ../assets.
# Upgrade: change the version here, run this script, commit the result.
set -euo pipefail
HTMX_VERSION=2.0.11
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "htmx.org@$HTMX_VERSION" >/dev/null && tar -xzf "htmx.org-$HTMX_VERSION.tgz")
cp "$tmp/package/dist/htmx.min.js" "$here/../assets/htmx.min.js"
echo "htmx.org $HTMX_VERSION" > "$here/VERSIONS"
