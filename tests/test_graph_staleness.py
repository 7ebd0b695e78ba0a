"""A slice goes stale when an import (or a claim, split or merge) touches its author or a direct
coauthor, and is rebuilt lazily on the next request."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db.models import F
from django.utils import timezone

from graph.models import GraphSlice
from graph.selectors import slice_state
from graph.services import graph_panel_for_profile
from graph.services import build_lock_key, graph_slice_build, graph_slice_record_failure
from papers.ingest.load import load_records
from papers.ingest.records import AuthorName, PaperRecord
from papers.models import ImportRun
from researchers.models import Author

pytestmark = pytest.mark.django_db


def record(arxiv_id, *names, year=2024):
    when = timezone.make_aware(dt.datetime(year, 3, 1))
    return PaperRecord(
        arxiv_id=arxiv_id, title=f"Paper {arxiv_id}", abstract="About graphs.",
        authors=[AuthorName(raw=n, keyname=n.split()[-1], forenames=n.split()[0]) for n in names],
        categories=["cs.LG"], primary_category="cs.LG", submitted=when, updated=when,
    )


def import_(*records):
    run = ImportRun.objects.create(source="test", format="atom")
    load_records(list(records), run=run)


def author(name):
    return Author.objects.get(display_name=name)


def coauthors(author_obj):
    elements = GraphSlice.objects.get(author=author_obj).elements
    return {n["data"]["label"] for n in elements["nodes"] if n["data"]["type"] == "person" and n["data"]["degree"] == 1}


@pytest.fixture
def imported(db):
    import_(record("2403.00001", "Grace Hopper", "Alan Turing"), record("2403.00002", "Alan Turing", "Kurt Godel"),
            record("2403.00003", "Emmy Noether", "Sofia Kovalevskaya"))
    ids = list(Author.objects.values_list("id", flat=True))
    cache.delete_many([build_lock_key(i) for i in ids])
    yield
    cache.delete_many([build_lock_key(i) for i in Author.objects.values_list("id", flat=True)])


def test_a_fresh_slice_is_ready_and_not_stale(imported):
    grace = author("Grace Hopper")
    graph_slice_build(author_id=grace.pk)
    state = slice_state(author_id=grace.pk)
    assert state.status == "ready" and not state.stale and not state.needs_build


def test_a_new_import_touching_the_author_makes_the_slice_stale_and_a_rebuild_shows_it(imported):
    grace = author("Grace Hopper")
    graph_slice_build(author_id=grace.pk)
    assert coauthors(grace) == {"Alan Turing"}

    import_(record("2404.00001", "Grace Hopper", "Ada Lovelace"))

    state = slice_state(author_id=grace.pk)
    assert state.stale and state.needs_build and state.status == "building"
    # The previous slice stays visible while the new one builds.
    assert state.elements is not None
    graph_slice_build(author_id=grace.pk)
    assert coauthors(grace) == {"Alan Turing", "Ada Lovelace"}
    assert slice_state(author_id=grace.pk).status == "ready"
    assert GraphSlice.objects.get(author=grace).revision == 2


def test_an_import_touching_only_a_direct_coauthor_makes_the_slice_stale(imported):
    grace = author("Grace Hopper")
    graph_slice_build(author_id=grace.pk)
    import_(record("2404.00002", "Alan Turing", "John Neumann"))
    assert slice_state(author_id=grace.pk).stale


def test_an_import_elsewhere_in_the_corpus_leaves_the_slice_fresh(imported):
    grace = author("Grace Hopper")
    graph_slice_build(author_id=grace.pk)
    import_(record("2404.00003", "Emmy Noether", "David Hilbert"))
    assert not slice_state(author_id=grace.pk).stale


def test_a_claim_on_a_coauthor_bumping_its_watermark_makes_the_slice_stale(imported):
    grace = author("Grace Hopper")
    graph_slice_build(author_id=grace.pk)
    # What the claim, split and merge services do to a record they touch.
    Author.objects.filter(display_name="Alan Turing").update(
        claim_state="claimed", data_changed_at=F("data_changed_at") + dt.timedelta(seconds=1)
    )
    assert slice_state(author_id=grace.pk).stale


def test_the_profile_panel_costs_one_query_and_queues_a_build_when_stale(imported, django_assert_num_queries):
    grace = author("Grace Hopper")
    # 1: the slice row with its staleness subquery (the build is queued on Redis, not in SQL).
    with django_assert_num_queries(1):
        panel = graph_panel_for_profile(author=grace)
    assert panel["status"] == "building" and panel["elements"] is None and panel["built_at"] is None
    assert cache.get(build_lock_key(grace.pk)) is not None

    graph_slice_build(author_id=grace.pk)
    assert cache.get(build_lock_key(grace.pk)) is None
    with django_assert_num_queries(1):
        panel = graph_panel_for_profile(author=grace)
    assert panel["status"] == "ready" and panel["built_at"] is not None
    # The panel reads the slice's totals, not its elements (the page's script fetches those).
    assert panel["elements"] is None and panel["summary"]["meta"]["coauthors_total"] == 1
    assert panel["summary"]["nodes_count"] > 1


def test_a_failed_build_is_shown_as_failed_with_its_error_until_retried(imported):
    grace = author("Grace Hopper")
    graph_slice_record_failure(author_id=grace.pk, error="OperationalError: server closed the connection")
    state = slice_state(author_id=grace.pk)
    assert state.status == "failed" and not state.needs_build
    assert "server closed" in state.error
    # Long after the failure the slice is retried on its own.
    GraphSlice.objects.filter(author=grace).update(failed_at=timezone.now() - dt.timedelta(hours=1))
    assert slice_state(author_id=grace.pk).needs_build


def test_a_failed_rebuild_keeps_the_last_good_slice(imported):
    grace = author("Grace Hopper")
    graph_slice_build(author_id=grace.pk)
    graph_slice_record_failure(author_id=grace.pk, error="boom")
    state = slice_state(author_id=grace.pk)
    assert state.status == "failed" and state.elements["meta"]["coauthors_total"] == 1


def test_the_panel_offers_a_retry_after_a_failure_and_the_retry_queues_a_build(client, imported):
    grace = author("Grace Hopper")
    graph_slice_record_failure(author_id=grace.pk, error="boom")
    html = client.get(f"/researchers/{grace.slug}/graph/panel/").content.decode()
    assert "This graph slice could not be built." in html and "Retry building the graph" in html
    assert "hx-trigger" not in html  # a failed slice does not poll

    response = client.post(f"/researchers/{grace.slug}/graph/retry/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Building this graph slice…" in response.content.decode()
    assert cache.get(build_lock_key(grace.pk)) is not None

    response = client.post(f"/researchers/{grace.slug}/graph/retry/")
    assert response.status_code == 302 and response["Location"] == f"/researchers/{grace.slug}/#graph-panel"
    assert client.get(f"/researchers/{grace.slug}/graph/retry/").status_code == 405
