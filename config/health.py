"""/healthz: the state of each part the site depends on, for load balancers and humans."""

import logging
import time

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from redis.backoff import NoBackoff
from redis.retry import Retry

from .celery_app import app as celery_app

log = logging.getLogger(__name__)


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok"}


def _ping_redis(url):
    # No retries: redis-py's default backs off 1 s, 2 s, 4 s, and a probe must answer in well under 1 s.
    redis.Redis.from_url(url, socket_connect_timeout=0.4, socket_timeout=0.4, retry=Retry(NoBackoff(), 0)).ping()


def _check_redis():
    _ping_redis(settings.REDIS_URL)
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
    if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        # Asking workers through a broker that is down would wait for its connection retries.
        _ping_redis(settings.CELERY_BROKER_URL)
    try:
        replies = celery_app.control.inspect(timeout=CELERY_PING_TIMEOUT, limit=1).ping() or {}
    except Exception:  # noqa: BLE001 - the pooled broker connection died with a Redis restart
        # Redis answered the ping above, so a fresh connection works: one more try.
        celery_app.pool.force_close_all()
        replies = celery_app.control.inspect(timeout=CELERY_PING_TIMEOUT, limit=1).ping() or {}
    if not replies:
        raise RuntimeError(f"no Celery worker answered ping within {CELERY_PING_TIMEOUT:g}s")
    _celery_ok_until = time.monotonic() + CELERY_OK_REMEMBERED_SECONDS
    return {"status": "ok", "workers": len(replies)}


def _is_staff(request):
    # The session lives in the database, which may be the part that is down.
    try:
        return bool(request.user.is_staff)
    except Exception:
        return False


CHECKS = {"database": _check_database, "redis": _check_redis, "celery": _check_celery}


@never_cache
def healthz(request):
    report, failing = {}, []
    for name, check in CHECKS.items():
        try:
            report[name] = check()
        except Exception as exc:  # a health probe must report, never raise
            # Hosts, ports and driver messages are for operators: logged, and shown to staff only.
            log.warning("healthz: %s failing: %s: %s", name, type(exc).__name__, exc)
            report[name] = {"status": "error"}
            if _is_staff(request):
                report[name]["error"] = f"{type(exc).__name__}: {exc}"[:300]
            failing.append(name)
    body = {"status": "ok" if not failing else "error", "failing": failing, "checks": report}
    return JsonResponse(body, status=200 if not failing else 503)
