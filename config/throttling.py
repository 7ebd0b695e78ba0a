"""Rate limits on an atomic counter, shared by the API throttles and plain views.

DRF's SimpleRateThrottle reads a history list, appends and writes it back: under concurrency the
read-modify-write loses hits, and 120/min let 215 requests through. A fixed window counted with
Redis INCR (atomic) admits exactly `limit` per window. When the cache is unreachable the limits
fail open: an outage must not lock everybody out (config/cache.py).
"""

from __future__ import annotations

import time

from django.core.cache import cache as default_cache
from django.http import HttpResponse
from rest_framework.throttling import AnonRateThrottle, BaseThrottle, UserRateThrottle

from .cache import cache_unavailable


def fixed_window_hit(*, key: str, limit: int, period: int, cache=None, now: float | None = None) -> tuple[bool, float]:
    """Count one hit on `key`; (allowed, seconds until the window resets)."""
    cache = cache or default_cache
    now = time.time() if now is None else now
    window = int(now // period)
    counter = f"{key}:w{window}"
    wait = (window + 1) * period - now
    # SET NX creates the window's counter with its expiry; INCR then counts atomically.
    cache.add(counter, 0, timeout=period + 1)
    try:
        count = cache.incr(counter)
    except ValueError:
        if cache_unavailable(cache):
            return True, 0.0
        # The counter expired between the two calls: this hit opens a fresh window.
        cache.add(counter, 1, timeout=period + 1)
        count = 1
    return count <= limit, wait


class FixedWindowThrottleMixin:
    """Replaces SimpleRateThrottle's history list with `fixed_window_hit`."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        allowed, self._wait = fixed_window_hit(key=self.key, limit=self.num_requests, period=self.duration,
                                               cache=self.cache, now=self.timer())
        return allowed

    def wait(self):
        return getattr(self, "_wait", None)


class AnonFixedWindowThrottle(FixedWindowThrottleMixin, AnonRateThrottle):
    pass


class UserFixedWindowThrottle(FixedWindowThrottleMixin, UserRateThrottle):
    pass


def view_rate_limited(request, *, scope: str, limit: int, period: int) -> HttpResponse | None:
    """For plain views: a 429 response once the client passed `limit` hits per `period`, else None."""
    ident = (f"user:{request.user.pk}" if request.user.is_authenticated
             else f"anon:{BaseThrottle().get_ident(request)}")
    allowed, wait = fixed_window_hit(key=f"ratelimit:{scope}:{ident}", limit=limit, period=period)
    if allowed:
        return None
    response = HttpResponse("Too many requests: try again in a minute.", status=429, content_type="text/plain")
    response["Retry-After"] = str(max(1, int(wait + 0.999)))
    return response
