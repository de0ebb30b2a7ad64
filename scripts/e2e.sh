#!/usr/bin/env bash
# Runs the Playwright tests against the built portal: a fresh SQLite database with demo data,
# served on a free port, stopped with SIGTERM afterwards (which must exit cleanly too).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PORT="${STYK_TEST_E2E_PORT:-3107}"
SMTP_PORT="${STYK_TEST_E2E_SMTP_PORT:-3125}"
DATA_DIR="$(mktemp -d)"
LOG="$DATA_DIR/server.log"
export MAILBOX_DIR="$DATA_DIR/mailbox"

# A real SMTP server that the portal delivers to; the tests read what it received.
node end2end/smtp-sink.mjs "$SMTP_PORT" "$MAILBOX_DIR" >"$DATA_DIR/smtp.log" 2>&1 &
SMTP=$!
env STYK_ADDR="127.0.0.1:$PORT" STYK_DATA_DIR="$DATA_DIR" STYK_DEMO=1 STYK_SITE_ROOT=target/site \
  STYK_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" \
  target/debug/styk >"$LOG" 2>&1 &
SERVER=$!
cleanup() {
  kill -TERM "$SERVER" "$SMTP" 2>/dev/null || true
  wait "$SERVER" "$SMTP" 2>/dev/null || true
  rm -rf "$DATA_DIR"
}
trap cleanup EXIT

for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$SERVER" 2>/dev/null; then
    echo "[e2e] server exited:"; cat "$LOG"; exit 1
  fi
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null || { echo "[e2e] server did not become healthy"; cat "$LOG"; exit 1; }

status=0
(cd end2end && BASE_URL="http://127.0.0.1:$PORT" npx playwright test "$@") || status=$?
if [ "$status" -ne 0 ]; then
  echo "[e2e] server log:"; tail -n 50 "$LOG"
fi
exit "$status"
