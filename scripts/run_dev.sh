#!/usr/bin/env bash
# The web server plus a Celery worker (and beat), stopped together on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
host="${1:-127.0.0.1}"; port="${2:-8000}"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
if [ "${CELERY_TASK_ALWAYS_EAGER:-0}" = "1" ]; then
  echo "Redis is not reachable: running Celery tasks eagerly inside the web process (no worker started)."
else
  .venv/bin/celery -A config worker -B -l info -Q default,ingest,graph,trust,embed --concurrency 2 \
    --schedule var/celerybeat-schedule &
  pids+=($!)
  # Similar papers fill in behind the running site: the worker embeds the demo in batches.
  .venv/bin/celery -A config call discovery.tasks.embed_new_papers --queue embed > /dev/null || true
fi
echo "BZPEER on http://$host:$port/"
.venv/bin/python manage.py runserver "$host:$port" &
pids+=($!)
wait -n
