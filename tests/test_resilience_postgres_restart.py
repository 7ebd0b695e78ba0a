"""A connection Postgres dropped (restart, failover) is noticed before reuse, not as a 500."""

import psycopg
import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_started
from django.db import connection
from django.test import Client

from tests.factories import author_with_works


def test_database_connections_are_health_checked_before_reuse():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0


@pytest.mark.django_db(transaction=True)
def test_a_request_after_postgres_dropped_the_kept_connection_succeeds():
    author = author_with_works(1)
    client = Client()
    assert client.get(author.get_absolute_url()).status_code == 200
    # The persistent connection is still open; Postgres now drops it as a restart would.
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    # What a real request starts with (Django's test client leaves this signal out).
    request_started.send(sender=WSGIHandler, environ={})
    assert client.get(author.get_absolute_url()).status_code == 200
    assert connection.connection.info.backend_pid != pid
