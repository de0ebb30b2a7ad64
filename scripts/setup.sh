#!/usr/bin/env bash
# Installs everything `make run` and `make test` need, idempotently, from the package registries
# alone (crates.io, npm, Debian). Each step is skipped when its tool is already present, so a warm
# machine passes through in well under a second.
#   scripts/setup.sh          tools to build and serve the portal
#   scripts/setup.sh --test   plus Chromium, poppler-utils and Playwright for the browser tests
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARGO_LEPTOS_VERSION=0.3.11
WASM_BINDGEN_VERSION=0.2.130 # must equal the `wasm-bindgen` pin in Cargo.toml
CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export PATH="$CARGO_HOME/bin:$PATH"

log() { printf '[setup] %s\n' "$*"; }

# Builds a crate from its registry source with one dependency pinned down: the published lock files
# of both tools name versions that no longer build here (a yanked webpki-roots, a cargo-util-schemas
# that needs a newer rustc).
install_from_source() {
  local krate=$1 version=$2 pin_pkg=$3 pin_version=$4
  shift 4
  local src
  src="$(mktemp -d)"
  cargo info "$krate@$version" >/dev/null 2>&1 || cargo fetch >/dev/null 2>&1 || true
  local archive
  archive="$(ls "$CARGO_HOME"/registry/cache/*/"$krate-$version.crate" 2>/dev/null | head -n 1 || true)"
  if [ -z "$archive" ]; then
    log "cannot download $krate $version from crates.io"
    exit 1
  fi
  tar xzf "$archive" -C "$src"
  (
    cd "$src/$krate-$version"
    cargo update -q -p "$pin_pkg" --precise "$pin_version"
    # Fat LTO in these tools' release profiles triples the build time and buys nothing for a dev tool.
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      cargo install -q --path . --locked "$@"
  )
  rm -rf "$src"
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION"; then
  log "building wasm-bindgen-cli $WASM_BINDGEN_VERSION (several minutes, once)"
  install_from_source wasm-bindgen-cli "$WASM_BINDGEN_VERSION" webpki-roots 1.0.10
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  log "building cargo-leptos $CARGO_LEPTOS_VERSION (several minutes, once)"
  install_from_source cargo-leptos "$CARGO_LEPTOS_VERSION" cargo-util-schemas 0.14.0 --features no_downloads
fi

# sass and wasm-opt come from npm: Debian's binaryen is too old and produces wasm that fails to load.
if [ ! -x "$ROOT/tools/node_modules/.bin/sass" ] || [ ! -x "$ROOT/tools/node_modules/.bin/wasm-opt" ]; then
  log "installing sass and wasm-opt from npm"
  (cd "$ROOT/tools" && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ "${1:-}" = "--test" ]; then
  need_apt=()
  [ -x /usr/bin/chromium ] || need_apt+=(chromium)
  command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
  if [ ${#need_apt[@]} -gt 0 ]; then
    log "installing ${need_apt[*]} from Debian"
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  fi
  if [ ! -d "$ROOT/end2end/node_modules/@playwright/test" ]; then
    log "installing Playwright (the test runner only; the browser is Debian's)"
    (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
