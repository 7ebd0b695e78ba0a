"""Graph slice builds survive killed workers and hostile retries.

A killed worker's message is redelivered (acks_late + reject on worker loss) and its build lock
is taken over once older than the task's hard time limit, so a slice never waits 5 minutes; the
public retry button is throttled and never queues a second build while one is pending.
"""

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.celery_app import app as celery_app
from graph.services import BUILD_LOCK_STALE_SECONDS, build_lock_key, graph_slice_request_build
from graph.tasks import build_graph_slice
from papers.tasks import import_arxiv_source
from tests.factories import author_with_works

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    record = author_with_works(1)
    cache.delete(build_lock_key(record.pk))
    yield record
    cache.delete(build_lock_key(record.pk))
    cache.clear()


def test_a_worker_killed_mid_build_gives_its_message_back_at_once():
    conf = celery_app.conf
    assert build_graph_slice.acks_late is True
    assert conf.task_reject_on_worker_lost is True
    # Redis re-delivers an unacked message after the visibility timeout: it must outlast the
    # longest non-resumable task, or a long import would run twice.
    assert conf.broker_transport_options["visibility_timeout"] > import_arxiv_source.time_limit


def test_a_build_lock_left_by_a_killed_worker_is_taken_over(author, django_capture_on_commit_callbacks):
    killed_at = timezone.now() - dt.timedelta(seconds=BUILD_LOCK_STALE_SECONDS + 5)
    cache.set(build_lock_key(author.pk), killed_at.isoformat(), timeout=300)
    with django_capture_on_commit_callbacks() as sends:
        assert graph_slice_request_build(author_id=author.pk) is True
    assert len(sends) == 1
    assert cache.get(build_lock_key(author.pk)) != killed_at.isoformat()


def test_a_live_build_lock_is_respected(author, django_capture_on_commit_callbacks):
    cache.set(build_lock_key(author.pk), timezone.now().isoformat(), timeout=300)
    with django_capture_on_commit_callbacks() as sends:
        assert graph_slice_request_build(author_id=author.pk) is False
    assert sends == []


def test_anonymous_retries_are_throttled_and_queue_no_second_build(author, django_capture_on_commit_callbacks):
    client = Client(REMOTE_ADDR="198.51.100.7")
    url = reverse("graph:retry", kwargs={"slug": author.slug})
    with django_capture_on_commit_callbacks() as sends:
        statuses = [client.post(url).status_code for _ in range(30)]
    assert statuses[:6] == [302] * 6
    assert set(statuses[6:]) == {429}
    # The first post queued the build; the others found it pending.
    assert len(sends) == 1
    refused = client.post(url)
    assert int(refused["Retry-After"]) > 0
