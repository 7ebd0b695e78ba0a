"""The slice build end to end: requests → one Celery task on Redis → a real worker → a ready slice."""

import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from graph.models import GraphSlice
from graph.services import build_lock_key
from researchers.models import Author
from tests.factories import AuthorFactory, AuthorshipFactory, PaperFactory

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 60  # a deadline for a broken pipeline, not a performance assertion


def write(*authors):
    paper = PaperFactory(authors_count=len(authors))
    for i, a in enumerate(authors):
        AuthorshipFactory(paper=paper, author=a, position=i)


@pytest.fixture
def people(db):
    ada, bea, cy = (AuthorFactory(display_name=n) for n in ["Ada Async", "Bea Async", "Cy Async"])
    write(ada, bea)
    write(ada, bea)
    write(ada, cy)
    cache.delete_many([build_lock_key(a.pk) for a in (ada, bea, cy)])
    yield dict(ada=ada, bea=bea, cy=cy)
    cache.delete_many([build_lock_key(a.pk) for a in (ada, bea, cy)])


def poll_until_ready(client, url):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        body = client.get(url).json()
        if body["status"] == "ready":
            return body
        time.sleep(0.3)
    raise AssertionError(f"slice never became ready; see var/test-celery-worker*.log (last: {body['status']})")


def test_concurrent_requests_enqueue_one_build_that_a_real_worker_completes(celery_not_eager, people):
    url = f"/api/researchers/{people['ada'].slug}/graph/"
    statuses, errors = [], []
    start = threading.Barrier(8)

    def hit():
        try:
            start.wait()
            statuses.append(Client().get(url).json()["status"])
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(statuses) == 8
    body = poll_until_ready(Client(), url)
    labels = {e["data"]["label"] for e in body["edges"]}
    assert "coauthored · 2 papers" in {label.rsplit(" · ", 1)[0] for label in labels}
    # Eight concurrent requests, one build.
    assert GraphSlice.objects.get(author=people["ada"]).revision == 1
    assert cache.get(build_lock_key(people["ada"].pk)) is None


def test_a_stale_slice_is_rebuilt_by_the_worker_on_the_next_request(celery_not_eager, people):
    client = Client()
    url = f"/api/researchers/{people['ada'].slug}/graph/"
    client.get(url)
    poll_until_ready(client, url)
    # An import touching a coauthor bumps its watermark.
    dan = AuthorFactory(display_name="Dan Async")
    write(people["cy"], people["ada"], dan)
    Author.objects.filter(pk__in=[people["ada"].pk, people["cy"].pk, dan.pk]).update(data_changed_at=timezone.now())

    body = client.get(url).json()
    assert body["status"] == "building" and body["stale"] and body["nodes"]
    body = poll_until_ready(client, url)
    assert "Dan Async" in {n["data"]["label"] for n in body["nodes"]}
    assert GraphSlice.objects.get(author=people["ada"]).revision == 2


def test_the_profile_panel_fragment_polls_while_building_then_renders_the_slice(celery_not_eager, people):
    client = Client()
    url = f"/researchers/{people['ada'].slug}/graph/panel/"
    first = client.get(url).content.decode()
    assert "Building this graph slice…" in first and 'hx-trigger="every 2s"' in first
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        html = client.get(url).content.decode()
        if 'data-graph-status="ready"' in html:
            break
        time.sleep(0.3)
    else:
        raise AssertionError("panel never became ready")
    assert "hx-trigger" not in html
    # The fragment carries the totals; the compact drawing fetches the elements from the graph API.
    assert f'data-graph-src="/api/researchers/{people["ada"].slug}/graph/' in html
    assert "2 coauthors" in html
