"""API throttles count on an atomic Redis counter: under concurrency 120/min admits exactly 120."""

import threading
import time

import pytest
from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.test import APIRequestFactory
from rest_framework.throttling import SimpleRateThrottle

pytestmark = pytest.mark.django_db

THREADS, CALLS_EACH = 16, 25


@pytest.fixture
def anon_rate_120(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "120/min", "user": "120/min"})
    cache.clear()
    # A fixed window restarts on the minute: keep the whole burst inside one window.
    if time.time() % 60 > 50:
        time.sleep(61 - time.time() % 60)
    yield
    cache.clear()


def test_the_anonymous_api_throttle_admits_exactly_its_rate_under_concurrency(anon_rate_120):
    anon_class = next(c for c in api_settings.DEFAULT_THROTTLE_CLASSES if c.scope == "anon")
    request = APIRequestFactory().get("/api/researchers/", REMOTE_ADDR="203.0.113.9")
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    allowed = []
    start = threading.Barrier(THREADS)

    def burst():
        start.wait()
        mine = 0
        for _ in range(CALLS_EACH):
            if anon_class().allow_request(request, view=None):
                mine += 1
        allowed.append(mine)

    threads = [threading.Thread(target=burst) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(allowed) == 120


def test_a_refused_call_says_how_long_to_wait(anon_rate_120):
    anon_class = next(c for c in api_settings.DEFAULT_THROTTLE_CLASSES if c.scope == "anon")
    request = APIRequestFactory().get("/api/researchers/", REMOTE_ADDR="203.0.113.10")
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    throttle = anon_class()
    results = [throttle.allow_request(request, view=None) for _ in range(121)]
    assert results.count(True) == 120 and results[-1] is False
    assert 0 < throttle.wait() <= 60
