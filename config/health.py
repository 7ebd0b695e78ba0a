"""/healthz: the state of each part the site depends on, for load balancers and humans."""

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from redis.backoff import NoBackoff
from redis.retry import Retry

from .celery_app import app as celery_app


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


def _check_celery():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"status": "ok", "mode": "eager", "workers": 0}
    if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        # Asking workers through a broker that is down would wait for its connection retries.
        _ping_redis(settings.CELERY_BROKER_URL)
    try:
        replies = celery_app.control.inspect(timeout=1.0).ping() or {}
    except Exception:  # noqa: BLE001 - the pooled broker connection died with a Redis restart
        # Redis answered the ping above, so a fresh connection works: one more try.
        celery_app.pool.force_close_all()
        replies = celery_app.control.inspect(timeout=1.0).ping() or {}
    if not replies:
        raise RuntimeError("no Celery worker answered ping within 1s")
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
