#!/usr/bin/env bash
# The whole test suite, from a fresh clone: set-up, one build shared by all tests, unit and
# integration tests on SQLite and PostgreSQL, then the browser tests with JavaScript on and off.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/tools/node_modules/.bin:$PATH"

started=$(date +%s)
phase() { printf '[test] %s (%ss)\n' "$1" "$(($(date +%s) - started))"; }

scripts/setup.sh --test
# shellcheck source=scripts/test-postgres.sh
source scripts/test-postgres.sh

phase "building the portal (server, wasm bundle, styles)"
cargo leptos build

# cargo-leptos compiles debug builds with `--cfg erase_components`; the tests use the same flag so
# that they reuse the dependencies it just built instead of compiling them all again.
phase "unit and integration tests (SQLite and PostgreSQL)"
RUSTFLAGS="--cfg erase_components" cargo test --features ssr

phase "browser tests"
scripts/e2e.sh

phase "all tests passed"
