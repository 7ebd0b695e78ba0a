"""A Redis cache that degrades instead of failing when Redis is unreachable.

Everything the site keeps in the cache is rebuildable or advisory: rate-limit counters
(DRF throttles, allauth's login limits), the graph build lock, memoised fragments. An outage
must not turn those into 500s, so every operation answers as a cache miss would (get → default,
incr → ValueError) and the outage is logged once per breaker window. `add` answers True: callers
use it as a lock (allauth's rate limits wait a second for it, then refuse the login), and a lock
nobody can hold must fail open. While the
breaker is open no connection is attempted, so a Redis that blackholes packets costs one
connect timeout per window and per process, not one per call.

Callers that must know a lock is real (the graph build lock) ask `cache_unavailable()`.
"""

from __future__ import annotations

import logging
import time

import redis
from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

# After a failure, calls skip Redis for this long before one of them probes it again.
BREAKER_SECONDS = 2.0
REDIS_ERRORS = (redis.ConnectionError, redis.TimeoutError)
# Per Redis location and per process: Django builds one cache object per thread, and the breaker
# should trip once for all of them.
_down_until: dict[str, float] = {}


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        # redis-py's default retries back off exponentially from 1 s: seconds per call in an outage.
        options.setdefault("retry", Retry(NoBackoff(), 1))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._breaker_key = ",".join(self._servers)

    @property
    def unavailable(self) -> bool:
        return time.monotonic() < _down_until.get(self._breaker_key, 0.0)

    def _call(self, operation, miss, *args, **kwargs):
        if self.unavailable:
            return miss() if callable(miss) else miss
        try:
            return operation(*args, **kwargs)
        except REDIS_ERRORS as exc:
            if not self.unavailable:
                logger.warning("cache: Redis unreachable (%s); answering misses for %ss", exc, BREAKER_SECONDS)
            _down_until[self._breaker_key] = time.monotonic() + BREAKER_SECONDS
            return miss() if callable(miss) else miss

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, True, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, dict, keys, version)

    def has_key(self, key, version=None):
        return self._call(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key '{key}' not found (cache unavailable).")

        return self._call(super().incr, missing, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set_many, lambda: list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call(super().delete_many, None, keys, version)

    def clear(self):
        return self._call(super().clear, False)


def cache_unavailable(backend=None) -> bool:
    """True while the (default) cache is known to be unreachable."""
    return bool(getattr(backend or cache, "unavailable", False))
