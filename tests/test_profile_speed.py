"""Profile pages fast at any size: stored sidebar aggregates, the graph fetched after the page, gzip."""

import gzip

import pytest
from django.utils import timezone

from researchers.models import Author
from researchers.services.profile_summary import author_profile_summary, profile_summary_is_fresh
from tests.factories import AuthorFactory, AuthorshipFactory, PaperFactory, author_with_works
from tests.query_budgets import PROFILE_QUERIES, PROFILE_SUMMARY_REFRESH_QUERIES

pytestmark = pytest.mark.django_db


def co_written(author, coauthor, n, *, year=2024, authors_count=2):
    for _ in range(n):
        paper = PaperFactory(year=year, authors_count=authors_count)
        AuthorshipFactory(paper=paper, author=author, position=0)
        AuthorshipFactory(paper=paper, author=coauthor, position=1)


def test_the_first_view_after_a_change_stores_the_summary_and_later_views_only_read_it(
    client, settings, django_assert_num_queries
):
    settings.PROFILE_PAGE_CACHE_SECONDS = 0  # the render's budget; a cached copy's: tests/test_profile_page_cache.py
    author = author_with_works(3, display_name="Grace Hopper", slug="grace-hopper")
    with django_assert_num_queries(PROFILE_QUERIES + PROFILE_SUMMARY_REFRESH_QUERIES):
        client.get("/researchers/grace-hopper/")
    author.refresh_from_db()
    assert profile_summary_is_fresh(author)
    with django_assert_num_queries(PROFILE_QUERIES):
        assert client.get("/researchers/grace-hopper/").status_code == 200


def test_the_summary_counts_works_per_year_and_close_collaborators_like_the_maintained_counts():
    author, friend, acquaintance = AuthorFactory(), AuthorFactory(display_name="Ada Friend"), AuthorFactory()
    co_written(author, friend, 2, year=2023)
    co_written(author, acquaintance, 1, year=2024)
    # A big collaboration paper shared twice does not make a close collaborator.
    big = AuthorFactory()
    co_written(author, big, 2, year=2024, authors_count=400)
    summary = author_profile_summary(author=author)
    assert summary["years"] == [[2023, 2], [2024, 3]]
    assert [(c["slug"], c["shared"]) for c in summary["collaborators"]] == [(friend.slug, 2)]


def test_a_refresh_that_moves_works_makes_the_stored_summary_stale():
    from researchers.services.aggregates import author_aggregates_refresh

    author = author_with_works(2)
    author_profile_summary(author=author)
    author.refresh_from_db()
    assert profile_summary_is_fresh(author)
    # A year the factory's own dates (now minus a shared day counter) never reach in one session.
    AuthorshipFactory(author=author, paper=PaperFactory(year=1991))
    author_aggregates_refresh(author_ids=[author.pk], bump=[author.pk])
    author.refresh_from_db()
    assert not profile_summary_is_fresh(author)
    assert [1991, 1] in author_profile_summary(author=author)["years"]


def test_the_profile_carries_the_graph_totals_but_fetches_its_elements_after_the_page(client):
    from graph.models import GraphSlice

    author = author_with_works(1, slug="graph-owner")
    elements = {"nodes": [{"data": {"id": f"n{i}", "type": "paper"}} for i in range(40)], "edges": [],
                "meta": {"coauthors_total": 7, "close_collaborators_total": 2}}
    GraphSlice.objects.create(author=author, status="ready", elements=elements, watched_author_ids=[author.pk],
                              watermark=timezone.now(), built_at=timezone.now())
    html = client.get("/researchers/graph-owner/").content.decode()
    assert "7 coauthors" in html and "40 nodes" in html
    assert 'data-graph-src="/api/researchers/graph-owner/graph/' in html
    assert '"id": "n39"' not in html and '"n39"' not in html  # no inline elements JSON


def test_pages_are_served_gzipped_to_clients_that_accept_it(client):
    AuthorFactory(display_name="Alan Turing", slug="alan-turing")
    response = client.get("/researchers/alan-turing/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert b"Alan Turing" in gzip.decompress(response.content)


def test_a_records_summary_is_not_shared_with_the_records_it_names():
    author, coauthor = AuthorFactory(), AuthorFactory()
    co_written(author, coauthor, 2)
    author_profile_summary(author=author)
    assert Author.objects.get(pk=coauthor.pk).profile_summary is None
