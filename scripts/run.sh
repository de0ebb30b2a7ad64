#!/usr/bin/env bash
# Builds the portal and serves it on http://127.0.0.1:3000 with demo data in data/styk.db.
#   scripts/run.sh             debug build (quicker to build)
#   scripts/run.sh --release   release build (what you would deploy)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/tools/node_modules/.bin:$PATH"

scripts/setup.sh
if [ "${1:-}" = "--release" ]; then
  cargo leptos build --release
  binary=target/release/styk
  # Compressed copies of the bundle, so that no first visit compresses it again.
  "$binary" precompress
else
  cargo leptos build
  binary=target/debug/styk
fi
export STYK_DEMO="${STYK_DEMO:-1}"
exec "$binary"
