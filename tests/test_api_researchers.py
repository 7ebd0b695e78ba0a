"""The public researcher API: list, search, filters, detail, works, ETags, problem details, query counts."""

import pytest

from papers.models import Authorship
from researchers.models import Author, ClaimState
from tests.factories import (
    AuthorFactory,
    AuthorshipFactory,
    AuthorTopicFactory,
    TopicFactory,
    VerifiedUserFactory,
    author_with_works,
)

pytestmark = pytest.mark.django_db

LIST = "/api/researchers/"


def _detail(author):
    return f"/api/researchers/{author.slug}/"


def _works(author):
    return f"/api/researchers/{author.slug}/works/"


def _slugs(response):
    assert response.status_code == 200, response.content
    return [r["slug"] for r in response.json()["results"]]


def test_researcher_list_is_cursor_paginated_with_most_works_first(client):
    authors = [AuthorFactory() for _ in range(30)]
    for i, author in enumerate(authors):
        Author.objects.filter(pk=author.pk).update(works_count=100 - i)
    first = client.get(LIST)
    body = first.json()
    assert _slugs(first) == [a.slug for a in authors[:25]]
    assert body["next"] and "cursor=" in body["next"] and body["previous"] is None
    second = client.get(body["next"])
    assert _slugs(second) == [a.slug for a in authors[25:]]
    assert second.json()["next"] is None


def test_researcher_list_rows_carry_counts_level_and_profile_url(client):
    author = author_with_works(3, display_name="Grace Hopper")
    row = client.get(LIST).json()["results"][0]
    assert row["slug"] == author.slug and row["display_name"] == "Grace Hopper"
    assert row["counts"] == {"works": 3, "followers": 0, "topics": 0, "collaborators": 0}
    assert row["verification_level"] == "L1" and row["claim_state"] == "unclaimed"
    assert row["url"] == f"/researchers/{author.slug}/"


@pytest.mark.parametrize("query", ["zechun lu", "Zéchun", "ZECHUN LIU", "zechun liu"])
def test_researcher_search_tolerates_typos_case_and_accents(client, query):
    target = AuthorFactory(display_name="Zechun Liu")
    AuthorFactory(display_name="Raghuraman Krishnamoorthi")
    AuthorFactory(display_name="Yann LeCun")
    slugs = _slugs(client.get(LIST, {"search": query}))
    assert slugs[0] == target.slug
    assert "yann-lecun" not in slugs and "raghuraman-krishnamoorthi" not in slugs


def test_researcher_search_ranks_the_closest_name_first(client):
    close = AuthorFactory(display_name="Zechun Liu")
    AuthorFactory(display_name="Zechun Liuxiang")
    Author.objects.filter(pk=close.pk).update(works_count=0)
    assert _slugs(client.get(LIST, {"search": "Zechun Liu"}))[0] == close.slug


def test_researcher_search_with_no_match_is_an_empty_page_not_an_error(client):
    AuthorFactory(display_name="Zechun Liu")
    assert _slugs(client.get(LIST, {"search": "qqqqxxxx"})) == []


def test_researcher_list_filters_by_topic_claimed_and_level(client):
    topic = TopicFactory(name="binary neural networks")
    on_topic = AuthorFactory()
    AuthorTopicFactory(author=on_topic, topic=topic)
    claimed = AuthorFactory(claim_state=ClaimState.CLAIMED, verification_level=3, owner=VerifiedUserFactory())
    plain = AuthorFactory()
    assert _slugs(client.get(LIST, {"topic": topic.slug})) == [on_topic.slug]
    assert _slugs(client.get(LIST, {"claimed": "true"})) == [claimed.slug]
    assert set(_slugs(client.get(LIST, {"claimed": "false"}))) == {on_topic.slug, plain.slug}
    assert _slugs(client.get(LIST, {"level": 3})) == [claimed.slug]
    assert _slugs(client.get(LIST, {"level": 3, "claimed": "false"})) == []


def test_an_unknown_level_is_a_400_problem_naming_the_field(client):
    response = client.get(LIST, {"level": 9})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400 and "level" in body["errors"]


def test_merged_away_records_are_not_listed(client):
    kept = AuthorFactory()
    AuthorFactory(merged_into=kept)
    assert _slugs(client.get(LIST)) == [kept.slug]


def test_researcher_detail_has_counts_top_topics_and_pending_trust(client):
    author = author_with_works(2, display_name="Barbara Liskov", affiliation="MIT")
    for weight, name in [(0.9, "abstraction"), (0.4, "data types")]:
        AuthorTopicFactory(author=author, topic=TopicFactory(name=name), weight=weight, papers_count=2)
    response = client.get(_detail(author))
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == author.slug and body["counts"]["works"] == 2
    assert [t["name"] for t in body["top_topics"]] == ["abstraction", "data types"]
    assert body["top_topics"][0] == {
        "slug": "abstraction", "name": "abstraction", "kind": "phrase", "weight": 0.9, "papers_count": 2,
    }
    # No score computed yet: the API says null, never a made-up number.
    assert body["trust"] is None


def test_researcher_detail_carries_the_trust_breakdown_once_scored(client):
    from trust.services import trust_recompute_author

    author = author_with_works(3)
    trust_recompute_author(author_id=author.pk)
    trust = client.get(_detail(author)).json()["trust"]
    assert isinstance(trust["score"], int) and 0 <= trust["score"] <= 100
    assert trust["tier"] and trust["model_version"] and trust["computed_at"]
    assert {p["key"] for p in trust["parts"]} >= {"penalties"}
    assert all(isinstance(p["evidence"], list) for p in trust["parts"])


def test_researcher_detail_sends_an_etag_and_answers_304_when_unchanged(client):
    author = author_with_works(1)
    first = client.get(_detail(author))
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    again = client.get(_detail(author), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag


def test_researcher_etag_changes_when_counts_change(client):
    author = author_with_works(1)
    etag = client.get(_detail(author))["ETag"]
    # Followers change through a set-based UPDATE that no timestamp records.
    Author.objects.filter(pk=author.pk).update(followers_count=5)
    response = client.get(_detail(author), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag
    assert response.json()["counts"]["followers"] == 5


@pytest.mark.parametrize("path", ["/api/researchers/nobody-here/", "/api/researchers/nobody-here/works/",
                                  "/api/researchers/n%C3%B6-such-%E2%98%83/"])
def test_unknown_researchers_are_404_problem_details(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404 and body["title"] == "Not Found"
    assert body["type"].endswith("/not-found") and body["detail"]


def test_works_list_is_newest_first_and_excludes_pending_attributions(client):
    author = author_with_works(3)
    pending = AuthorshipFactory(author=author, attribution="pending").paper
    works = client.get(_works(author)).json()
    expected = list(
        Authorship.objects.filter(author=author).exclude(attribution="pending")
        .order_by("-paper__submitted").values_list("paper__arxiv_id", flat=True)
    )
    assert [w["arxiv_id"] for w in works["results"]] == expected
    assert pending.arxiv_id not in [w["arxiv_id"] for w in works["results"]]


def test_works_list_hides_deleted_papers(client):
    author = author_with_works(2)
    gone = author.authorships.first().paper
    type(gone).objects.filter(pk=gone.pk).update(deleted=True)
    ids = [w["arxiv_id"] for w in client.get(_works(author)).json()["results"]]
    assert gone.arxiv_id not in ids and len(ids) == 1


def test_works_list_pages_by_cursor(client):
    author = author_with_works(30)
    first = client.get(_works(author)).json()
    assert len(first["results"]) == 25 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 5
    assert not {w["arxiv_id"] for w in first["results"]} & {w["arxiv_id"] for w in second["results"]}


def _populate(n_papers):
    """An author with n_papers works, topics and a trust score; plus n_papers other listed records."""
    from trust.services import trust_recompute_author

    author = author_with_works(n_papers, display_name="Zechun Liu")
    for i in range(min(n_papers, 10)):
        AuthorTopicFactory(author=author, topic=TopicFactory(name=f"topic {i}"), weight=i / 10)
    for _ in range(n_papers):
        AuthorFactory()
    trust_recompute_author(author_id=author.pk)
    return author


@pytest.mark.parametrize("n_papers", [3, 300])
def test_researcher_list_makes_one_query(client, django_assert_num_queries, n_papers):
    _populate(n_papers)
    # 1: the page of author rows (cursor pagination needs no COUNT; counts are maintained columns).
    with django_assert_num_queries(1):
        assert client.get(LIST).status_code == 200
    # Filters and search stay inside that one statement (EXISTS and trigram predicates).
    with django_assert_num_queries(1):
        assert client.get(LIST, {"search": "zechun", "topic": "topic-1", "claimed": "false"}).status_code == 200


@pytest.mark.parametrize("n_papers", [3, 300])
def test_researcher_detail_makes_four_queries(client, django_assert_num_queries, n_papers):
    author = _populate(n_papers)
    # 1: the author row, 2: its top topics with topic rows (prefetch, limited),
    # 3: the trust score row, 4: the trust snapshots of the history window.
    with django_assert_num_queries(4):
        assert client.get(_detail(author)).status_code == 200


def test_researcher_detail_without_a_score_makes_three_queries(client, django_assert_num_queries):
    author = author_with_works(3)
    # 1: the author row, 2: its top topics, 3: the (absent) trust score row.
    with django_assert_num_queries(3):
        assert client.get(_detail(author)).json()["trust"] is None


@pytest.mark.parametrize("n_papers", [3, 300])
def test_works_list_makes_two_queries(client, django_assert_num_queries, n_papers):
    author = _populate(n_papers)
    # 1: the author id by slug, 2: the page of papers (EXISTS over accepted authorships).
    with django_assert_num_queries(2):
        assert client.get(_works(author)).status_code == 200



def test_search_results_page_by_cursor_without_repeats_or_gaps(client):
    names = [f"Zechun Liu{'x' * (i % 4)} {i}" for i in range(12)]
    for name in names:
        AuthorFactory(display_name=name)
    seen, url, params = [], LIST, {"search": "zechun liu", "page_size": 5}
    while url:
        body = client.get(url, params).json()
        seen += [r["slug"] for r in body["results"]]
        url, params = body["next"], None
    assert len(seen) == len(set(seen)) == 12


def test_works_with_unknown_dates_page_without_errors(client):
    author = author_with_works(30)
    undated = list(author.authorships.values_list("paper_id", flat=True)[:10])
    from papers.models import Paper

    Paper.objects.filter(pk__in=undated).update(submitted=None, updated=None, year=None)
    seen, url = [], _works(author) + "?page_size=4"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        seen += [w["arxiv_id"] for w in response.json()["results"]]
        url = response.json()["next"]
    assert len(seen) == len(set(seen)) == 30


@pytest.mark.parametrize("search", ["a\x00b", "x" * 201])
def test_unusable_searches_are_400_problems_not_server_errors(client, search):
    AuthorFactory(display_name="Zechun Liu")
    response = client.get(LIST, {"search": search})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    # A NUL byte is refused at the door (config.middleware) for every URL; a long search by the field.
    assert "search" in body.get("errors", {}) or "NUL byte" in body["detail"]
