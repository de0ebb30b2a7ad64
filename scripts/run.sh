#!/usr/bin/env bash
# Builds the portal and serves it on http://127.0.0.1:3000: the debug build with demo data in
# data/styk.db, the release build without unless STYK_DEMO=1.
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
# The debug build is the demo: demo data and the demo mailbox, on this machine only. A release
# build serves real data and is a demo only when asked (STYK_DEMO=1 make run-release).
if [ "${1:-}" != "--release" ]; then
  export STYK_DEMO="${STYK_DEMO:-1}"
fi
exec "$binary"
