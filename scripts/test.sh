#!/usr/bin/env bash
# The whole suite on SQLite, then on PostgreSQL when AGORA_TEST_POSTGRES answers.
# With AGORA_REQUIRE_POSTGRES=1 (CI), an absent PostgreSQL is a failure, not a skip.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL="${AGORA_TEST_POSTGRES:-postgresql://postgres@127.0.0.1:5432/postgres}"
ARGS=("$@")

echo "=== Suite on SQLite ==="
env -u AGORA_DATABASE_URL "$BIN/pytest" -n 2 -q "${ARGS[@]}"
sqlite_rc=$?

if "$BIN/python" - "$PG_URL" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL absent ({exc.__class__.__name__})")
    sys.exit(1)
PY
then
  echo "=== Suite on PostgreSQL ($PG_URL) ==="
  AGORA_DATABASE_URL="$PG_URL" "$BIN/pytest" -n 2 -q "${ARGS[@]}"
  pg_rc=$?
else
  echo "!!! PostgreSQL does not answer at $PG_URL: the PostgreSQL run is SKIPPED !!!"
  if [ "${AGORA_REQUIRE_POSTGRES:-0}" = 1 ]; then echo "AGORA_REQUIRE_POSTGRES=1: failing."; exit 1; fi
  pg_rc=0
fi
echo "SQLite: exit $sqlite_rc — PostgreSQL: exit $pg_rc"
[ "$sqlite_rc" = 0 ] && [ "$pg_rc" = 0 ]
