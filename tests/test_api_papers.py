import pytest

from tests.factories import (
    AuthorshipFactory,
    PaperFactory,
    PaperTopicFactory,
    TopicFactory,
    fill_search_vectors,
)

pytestmark = pytest.mark.django_db


def _index_search_vectors():
    # The importer fills search_vector set-based; factories bypass it, so do the same here.
    fill_search_vectors()


def test_paper_list_is_cursor_paginated_newest_first(client):
    papers = PaperFactory.create_batch(30)
    response = client.get("/api/papers/")
    assert response.status_code == 200
    body = response.json()
    assert [p["arxiv_id"] for p in body["results"]] == [p.arxiv_id for p in papers[:25]]
    assert body["next"] and "cursor=" in body["next"]
    second = client.get(body["next"]).json()
    assert [p["arxiv_id"] for p in second["results"]] == [p.arxiv_id for p in papers[25:]]


def test_paper_search_ranks_title_matches_above_abstract_matches(client):
    in_abstract = PaperFactory(title="A study of something else", abstract="We discuss holography at length.")
    in_title = PaperFactory(title="Holography and entanglement", abstract="Nothing related here.")
    PaperFactory(title="Unrelated", abstract="Unrelated text.")
    _index_search_vectors()
    results = client.get("/api/papers/", {"search": "holography"}).json()["results"]
    assert [p["arxiv_id"] for p in results] == [in_title.arxiv_id, in_abstract.arxiv_id]


def test_paper_list_filters_by_category_year_and_code(client):
    match = PaperFactory(categories=["hep-th", "gr-qc"], has_code=True, code_url="https://github.com/a/b")
    PaperFactory(categories=["hep-th"], has_code=False)
    PaperFactory(categories=["cs.LG"], has_code=True)
    results = client.get("/api/papers/", {"category": "hep-th", "has_code": "true", "year": match.year}).json()
    assert [p["arxiv_id"] for p in results["results"]] == [match.arxiv_id]


def test_paper_list_makes_a_fixed_number_of_queries(client, django_assert_num_queries):
    PaperFactory.create_batch(40)
    # 1: the page of papers (cursor pagination needs no COUNT).
    with django_assert_num_queries(1):
        assert client.get("/api/papers/").status_code == 200


def test_paper_detail_lists_byline_and_topics_in_fixed_queries(client, django_assert_num_queries):
    paper = PaperFactory(arxiv_id="hep-th/9901001")
    for position in range(5):
        AuthorshipFactory(paper=paper, position=position)
    PaperTopicFactory(paper=paper, topic=TopicFactory(name="quantization"), weight=0.7)
    # 1: the paper, 2: its authorships with authors, 3: its topics with topic rows,
    # 4-6: papers.impact.selectors.paper_impact (figures, references, our papers citing it),
    # 7: its similar papers (discovery) with their paper rows.
    with django_assert_num_queries(7):
        response = client.get(f"/api/papers/{paper.arxiv_id}/")
    body = response.json()
    assert response.status_code == 200
    assert [a["position"] for a in body["authors"]] == [0, 1, 2, 3, 4]
    assert body["topics"][0]["name"] == "quantization"
    assert body["pdf_url"] == "https://arxiv.org/pdf/hep-th/9901001"


def test_paper_detail_answers_304_to_a_matching_etag(client):
    paper = PaperFactory()
    first = client.get(f"/api/papers/{paper.arxiv_id}/")
    assert first["ETag"]
    again = client.get(f"/api/papers/{paper.arxiv_id}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_unknown_paper_is_a_problem_details_404(client):
    response = client.get("/api/papers/9999.99999/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404 and body["title"] == "Not Found" and body["instance"] == "/api/papers/9999.99999/"


def test_invalid_filter_is_a_problem_details_400_not_a_500(client):
    response = client.get("/api/papers/", {"year": "not-a-year"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "year" in response.json()["errors"]


def test_topics_are_listed_most_used_first(client):
    TopicFactory(name="quantization", papers_count=3)
    TopicFactory(name="holography", papers_count=9)
    names = [t["name"] for t in client.get("/api/topics/").json()["results"]]
    assert names[:2] == ["holography", "quantization"]
