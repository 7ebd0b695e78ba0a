"""Test run: real Postgres and Redis, mail to locmem, fast hashing."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY", default="test-secret-key-not-for-production-4d1f")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Under pytest-xdist each worker process has its own test database (pytest-django suffixes its
# name with the worker id), and here its own cache keys and Celery queues: a real worker started
# by one test process must never take a task another one sent against its own database.
_XDIST_WORKER = env("PYTEST_XDIST_WORKER", default="")
_SUFFIX = f"-{_XDIST_WORKER}" if _XDIST_WORKER else ""
CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", default="bzpeer-test") + _SUFFIX  # noqa: F405
# Most tests run tasks in-process; tests marked `celery` start a real worker on Redis.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
ARXIV_API_DELAY_SECONDS = 0.0
# Throttle history lives in Redis and outlives each test: the whole suite's anonymous API calls
# come from one address, so the production rates would 429 unrelated tests. Throttling tests
# lower the rates themselves (tests/test_api_permissions.py).
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="100000/min"),
        "user": env("API_THROTTLE_USER", default="100000/min"),
    },
}

# Test queues live under their own Redis key prefix, so a developer's `make run` worker on the
# same Redis never takes (and runs against the wrong database) a task sent by the test suite.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
    "global_keyprefix": env("CELERY_TEST_KEY_PREFIX", default="bzpeer-test") + _SUFFIX + ":",
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    **CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS,  # noqa: F405
    "global_keyprefix": CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"],
}
