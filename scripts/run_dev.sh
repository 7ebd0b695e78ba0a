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
  # No worker to cluster the demo's name blocks: they are worked through behind the running site.
  # disown: its finishing must not end the script's `wait -n` below (the cleanup still stops it).
  .venv/bin/python manage.py disambiguate_authors > var/disambiguate.log 2>&1 &
  pids+=($!)
  disown "$!"
  echo "Author disambiguation of the pending name blocks runs in the background (var/disambiguate.log)."
else
  .venv/bin/celery -A config worker -B -l info -Q default,ingest,derive,graph,trust,identity,embed --concurrency 2 \
    --schedule var/celerybeat-schedule &
  pids+=($!)
  # Similar papers fill in behind the running site: the worker embeds the demo in batches.
  .venv/bin/celery -A config call papers.discovery.tasks.embed_new_papers --queue embed > /dev/null || true
fi
.venv/bin/python manage.py runserver "$host:$port" &
pids+=($!)
# Announce the address only once the server answers /healthz (any status: a 503 names a failing
# part but the site is up), so the link works when it is printed.
if .venv/bin/python - "$host" "$port" <<'PY'
import sys, time, urllib.error, urllib.request
host, port = sys.argv[1], sys.argv[2]
url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/healthz"
deadline = time.monotonic() + 180
while time.monotonic() < deadline:
    try:
        urllib.request.urlopen(url, timeout=2).read()
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)
    except OSError:
        time.sleep(0.3)
sys.exit(1)
PY
then
  echo "BZPEER on http://$host:$port/"
else
  echo "BZPEER: the server did not answer http://$host:$port/healthz within 180 s" >&2
fi
wait -n
