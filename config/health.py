"""/healthz: the state of each part the site depends on, for load balancers and humans."""

import time

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .celery_app import app as celery_app


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok"}


def _check_redis():
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    client.ping()
    return {"status": "ok"}


# A broadcast ping waits its whole timeout collecting replies, which made every probe take 1 s.
# So the ping stops at the first reply (limit=1), and a success is remembered for a few seconds
# (per process) so that a load balancer polling often does not broadcast each time. Failures are
# never remembered: a dead worker shows on the next probe.
CELERY_PING_TIMEOUT = 1.0
CELERY_OK_REMEMBERED_SECONDS = 15.0
_celery_ok_until = 0.0


def _check_celery():
    global _celery_ok_until
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"status": "ok", "mode": "eager", "workers": 0}
    if time.monotonic() < _celery_ok_until:
        return {"status": "ok", "workers": 1, "cached": True}
    replies = celery_app.control.inspect(timeout=CELERY_PING_TIMEOUT, limit=1).ping() or {}
    if not replies:
        raise RuntimeError(f"no Celery worker answered ping within {CELERY_PING_TIMEOUT:g}s")
    _celery_ok_until = time.monotonic() + CELERY_OK_REMEMBERED_SECONDS
    return {"status": "ok", "workers": len(replies)}


CHECKS = {"database": _check_database, "redis": _check_redis, "celery": _check_celery}


@never_cache
def healthz(request):
    report, failing = {}, []
    for name, check in CHECKS.items():
        try:
            report[name] = check()
        except Exception as exc:  # a health probe must report, never raise
            report[name] = {"status": "error", "error": f"{type(exc).__name__}: {exc}"[:300]}
            failing.append(name)
    body = {"status": "ok" if not failing else "error", "failing": failing, "checks": report}
    return JsonResponse(body, status=200 if not failing else 503)
