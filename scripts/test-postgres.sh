# Sourced by scripts/test.sh: makes STYK_TEST_DATABASE_URL point at a PostgreSQL server the tests
# may create and drop databases on. In order of preference:
#   1. STYK_TEST_DATABASE_URL as given (any server; the user needs CREATEDB);
#   2. a server on 127.0.0.1:5432 with trust auth for user postgres (this machine kind has one);
#   3. a throwaway cluster in a temporary folder, when Debian's PostgreSQL binaries are installed.
# Otherwise the PostgreSQL variants of the tests say SKIPPED in the output.

pg_can_connect() {
  psql "$1" -Atqc 'select 1' >/dev/null 2>&1
}

if [ -n "${STYK_TEST_DATABASE_URL:-}" ]; then
  echo "[test] PostgreSQL: using STYK_TEST_DATABASE_URL"
elif command -v psql >/dev/null 2>&1 && pg_can_connect "postgres://postgres@127.0.0.1:5432/postgres"; then
  export STYK_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres"
  echo "[test] PostgreSQL: using the server on 127.0.0.1:5432"
else
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ]; then
    PG_DIR="$(mktemp -d)"
    PG_PORT=55432
    # initdb refuses to run as root; the postgres system user owns the throwaway cluster then.
    RUN_AS=()
    if [ "$(id -u)" = 0 ]; then
      chown postgres "$PG_DIR"
      RUN_AS=(runuser -u postgres --)
    fi
    "${RUN_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres >/dev/null
    "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR" -w start >/dev/null
    export STYK_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
    # shellcheck disable=SC2064
    trap "${RUN_AS[*]} $PG_BIN/pg_ctl -D $PG_DIR/data -m fast stop >/dev/null 2>&1; rm -rf $PG_DIR" EXIT
    echo "[test] PostgreSQL: started a throwaway cluster on port $PG_PORT"
  else
    echo "[test] PostgreSQL: none found; the PostgreSQL tests will say SKIPPED"
  fi
fi
