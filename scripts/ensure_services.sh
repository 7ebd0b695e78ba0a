#!/usr/bin/env bash
# Decide which Postgres and Redis to use and write them to var/services.env.
#  - Postgres: DATABASE_URL if it answers; otherwise a private cluster under var/pgdata.
#  - Redis: REDIS_URL if it answers; otherwise tasks run eagerly in-process (and we say so).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
PY=.venv/bin/python
out=var/services.env
: > "$out.tmp"

db_url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bzpeer}"
if ! $PY scripts/dbtool.py ping "$db_url" 2>/dev/null; then
  port=54329
  pgdata="$PWD/var/pgdata"
  bindir="$(dirname "$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | tail -1)")"
  if [ ! -f "$pgdata/PG_VERSION" ]; then
    echo "No Postgres answers at $db_url; creating a private cluster in var/pgdata"
    pguser=postgres
    if [ "$(id -u)" -eq 0 ]; then
      id -u postgres >/dev/null 2>&1 || useradd -r postgres
      mkdir -p "$pgdata"; chown -R postgres "$PWD/var"
      su postgres -s /bin/sh -c "$bindir/initdb -D '$pgdata' -U postgres -A trust" >/dev/null
    else
      "$bindir/initdb" -D "$pgdata" -U postgres -A trust >/dev/null
    fi
  fi
  if ! $PY scripts/dbtool.py ping "postgres://postgres@127.0.0.1:$port/postgres" 2>/dev/null; then
    echo "Starting the private Postgres on port $port"
    start="$bindir/pg_ctl -D '$pgdata' -l '$pgdata/server.log' -o '-p $port -k /tmp -c listen_addresses=127.0.0.1' -w start"
    if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$start" >/dev/null; else sh -c "$start" >/dev/null; fi
  fi
  db_url="postgres://postgres@127.0.0.1:$port/bzpeer"
fi
$PY scripts/dbtool.py create "$db_url"
echo "DATABASE_URL=$db_url" >> "$out.tmp"

redis_url="${REDIS_URL:-redis://127.0.0.1:6379/0}"
echo "REDIS_URL=$redis_url" >> "$out.tmp"
if $PY -c "import redis,sys; redis.Redis.from_url(sys.argv[1], socket_connect_timeout=1).ping()" "$redis_url" 2>/dev/null; then
  echo "CELERY_TASK_ALWAYS_EAGER=${CELERY_TASK_ALWAYS_EAGER:-0}" >> "$out.tmp"
else
  echo "No Redis answers at $redis_url: Celery tasks will run eagerly in the web process."
  echo "CELERY_TASK_ALWAYS_EAGER=1" >> "$out.tmp"
  # Without Redis the cache falls back to local memory (see config/settings/base.py).
  echo "CACHE_BACKEND=locmem" >> "$out.tmp"
fi
mv "$out.tmp" "$out"
