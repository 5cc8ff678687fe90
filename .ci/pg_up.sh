# Source this: starts a throwaway PostgreSQL on 127.0.0.1 and exports MSHTDESK_TEST_PG_URL.
# Any failure leaves the variable unset, and the PostgreSQL tests skip with a reason.
pg_up() {
  PG_PORT=54329
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$PG_BIN" ] || return 1
  PGTMP=$(mktemp -d /tmp/pgci.XXXX) || return 1
  PG_AS=()
  if [ "$(id -u)" = 0 ]; then chown postgres: "$PGTMP" && PG_AS=(runuser -u postgres --); fi
  "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 --no-sync >"$PGTMP/initdb.log" || return 1
  "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/pg.log" -w \
    -o "-p $PG_PORT -k $PGTMP -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null || return 1
  "${PG_AS[@]}" "$PG_BIN/createdb" -h "$PGTMP" -p "$PG_PORT" -U postgres mshtdesk_test || return 1
  export MSHTDESK_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/mshtdesk_test"
  trap '"${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PGTMP/data" -m fast stop >/dev/null 2>&1 || true' EXIT
}
pg_up || echo "PostgreSQL could not be started: its tests will be skipped" >&2
