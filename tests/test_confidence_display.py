"""Confidence shown: unsure works flagged "may be another person" on unclaimed profiles, the record's
"Low confidence" flag, the API's confidence and evidence, and the OpenAPI schema saying so."""

import pytest
from django.urls import reverse

from graph.slices import build_slice, person_id
from researchers.confidence import (
    LOW_CONFIDENCE_THRESHOLD,
    is_low_confidence,
    record_is_low_confidence,
    uncertain_reason,
)
from researchers.models import Author
from tests.factories import AuthorFactory, AuthorshipFactory, UserFactory

pytestmark = pytest.mark.django_db

EVIDENCE = "3 shared coauthors · same institution · cs.LG"


@pytest.fixture
def jlin():
    """An unclaimed record holding one sure work, one unsure work and one not yet scored."""
    author = AuthorFactory(display_name="J. Lin", slug="j-lin")
    sure = AuthorshipFactory(author=author, position=0, paper__title="A work the model is sure of",
                             confidence=0.93, evidence=EVIDENCE)
    unsure = AuthorshipFactory(author=author, position=0, paper__title="A work that may be a namesake's",
                               confidence=0.21, evidence="1 shared coauthor · hep-th")
    unscored = AuthorshipFactory(author=author, position=0, paper__title="A work not scored yet")
    Author.objects.filter(pk=author.pk).update(works_count=3, uncertain_works_count=1)
    author.refresh_from_db()
    return author, sure, unsure, unscored


def test_the_threshold_is_one_constant_and_unscored_slots_are_not_uncertain():
    assert LOW_CONFIDENCE_THRESHOLD == 0.5
    assert is_low_confidence(0.49) and not is_low_confidence(0.5) and not is_low_confidence(None)
    assert record_is_low_confidence(claim_state="unclaimed", uncertain_works_count=2)
    assert not record_is_low_confidence(claim_state="claimed", uncertain_works_count=2)
    assert not record_is_low_confidence(claim_state="unclaimed", uncertain_works_count=0)
    assert uncertain_reason(confidence=0.214, evidence="hep-th") == "Model confidence 21%: hep-th"


def test_unclaimed_profile_marks_only_the_unsure_work_as_maybe_another_person_with_its_evidence(client, jlin):
    author, sure, unsure, unscored = jlin
    html = client.get(author.get_absolute_url()).content.decode()
    assert html.count("may be another person") == 2  # the work's badge and the record's flag
    assert f'data-uncertain-work="{unsure.paper_id}"' in html
    assert f'data-uncertain-work="{sure.paper_id}"' not in html
    assert f'data-uncertain-work="{unscored.paper_id}"' not in html
    assert "Model confidence 21%: 1 shared coauthor · hep-th" in html


def test_the_record_flag_reflects_the_uncertain_works_count(client, jlin):
    author = jlin[0]
    html = client.get(author.get_absolute_url()).content.decode()
    assert 'data-low-confidence="1"' in html and "Low confidence · 1 work may be another person" in html
    Author.objects.filter(pk=author.pk).update(uncertain_works_count=0)
    assert "data-low-confidence" not in client.get(author.get_absolute_url()).content.decode()


def test_a_claimed_profile_shows_no_doubt_its_owner_already_settled(client, jlin):
    author = jlin[0]
    Author.objects.filter(pk=author.pk).update(owner=UserFactory(), claim_state="claimed")
    html = client.get(author.get_absolute_url()).content.decode()
    assert "may be another person" not in html and "data-low-confidence" not in html


def test_the_profile_keeps_its_query_count_with_confidence_shown(client, jlin, settings, django_assert_num_queries):
    from tests.query_budgets import PROFILE_QUERIES

    settings.PROFILE_PAGE_CACHE_SECONDS = 0  # the render's budget; a cached copy's: tests/test_profile_page_cache.py
    author = jlin[0]
    client.get(author.get_absolute_url())  # lazy one-off work (slice enqueue) first
    # Same budget as tests/test_profile_page.py: confidence rides on the bylines query.
    with django_assert_num_queries(PROFILE_QUERIES):
        assert client.get(author.get_absolute_url()).status_code == 200


def test_the_graph_flags_an_unclaimed_record_with_uncertain_works_as_low_confidence(jlin):
    author = jlin[0]
    center = build_slice(author.pk).elements
    node = next(e["data"] for e in center["nodes"] if e["data"]["id"] == person_id(author.pk))
    assert node["low_confidence"] is True and node["uncertain_works_count"] == 1


def test_the_researcher_api_exposes_the_flag_and_each_works_confidence_and_evidence(client, jlin):
    author, sure, unsure, unscored = jlin
    detail = client.get(f"/api/researchers/{author.slug}/").json()
    assert detail["uncertain_works_count"] == 1 and detail["low_confidence"] is True
    works = {w["arxiv_id"]: w for w in client.get(f"/api/researchers/{author.slug}/works/").json()["results"]}
    assert works[sure.paper.arxiv_id]["confidence"] == 0.93
    assert works[sure.paper.arxiv_id]["evidence"] == EVIDENCE
    assert works[sure.paper.arxiv_id]["low_confidence"] is False
    assert works[unsure.paper.arxiv_id]["low_confidence"] is True
    assert works[unscored.paper.arxiv_id]["confidence"] is None and works[unscored.paper.arxiv_id]["evidence"] == ""


def test_the_works_api_keeps_one_query_per_page(client, jlin, django_assert_num_queries):
    author = jlin[0]
    # query 1: the record (slug → id); query 2: the page of works with the slot's confidence and evidence
    with django_assert_num_queries(2):
        assert client.get(f"/api/researchers/{author.slug}/works/").status_code == 200


def test_the_paper_api_gives_each_bylines_confidence_and_evidence(client, jlin):
    sure = jlin[1]
    data = client.get(f"/api/papers/{sure.paper.arxiv_id}/").json()
    assert data["authors"][0]["confidence"] == 0.93 and data["authors"][0]["evidence"] == EVIDENCE


def test_the_openapi_schema_documents_confidence_and_evidence(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    parts = schema["components"]["schemas"]
    work = parts["AuthorWork"]["properties"]
    assert "null" in work["confidence"]["type"] and "0–1" in work["confidence"]["description"]
    assert "shared coauthors" in work["evidence"]["description"]
    detail = parts["ResearcherDetail"]["properties"]
    assert {"uncertain_works_count", "low_confidence"} <= set(detail)
    assert {"confidence", "evidence"} <= set(parts["PaperAuthor"]["properties"])


def test_a_merge_carries_the_uncertain_works_and_their_flag_to_the_survivor(jlin):
    from researchers.services import claims
    from tests.factories import ModeratorFactory, author_with_works

    source = jlin[0]
    target = author_with_works(1, display_name="Jia Lin", slug="jia-lin")
    claims.author_merge(actor=ModeratorFactory(), source=source, target=target)
    assert Author.objects.get(pk=source.pk).uncertain_works_count == 0
    assert Author.objects.get(pk=target.pk).uncertain_works_count == 1


def test_an_owner_confirming_an_unsure_work_settles_it(client, jlin):
    from tests.factories import VerifiedUserFactory

    author, _, unsure, _ = jlin
    owner = VerifiedUserFactory()
    Author.objects.filter(pk=author.pk).update(owner=owner, claim_state="claimed")
    client.force_login(owner)
    url = reverse("researchers:suggestion_paper", args=[author.slug, unsure.pk, "accept"])
    assert client.post(url, HTTP_HX_REQUEST="true").status_code == 200
    assert Author.objects.get(pk=author.pk).uncertain_works_count == 0
