"""/trust/method and GET /api/researchers/<slug>/trust/."""

import pytest
from django.utils import timezone

from tests.factories import AuthorFactory, trust_seed_like_author
from trust import method
from trust import services
from trust.models import TrustScore

pytestmark = pytest.mark.django_db


def test_the_method_page_publishes_the_codes_constants(client):
    html = client.get("/trust/method").content.decode()
    assert "How trust is scored" in html
    assert f'data-model-version="{method.MODEL_VERSION}"' in html
    for level, points in method.IDENTITY_LEVEL_POINTS.items():
        assert f'data-constant="IDENTITY_LEVEL_POINTS.{level}">{points}<' in html
    for name in ("IDENTITY_CAP", "CONSISTENCY_CAP", "VOUCHING_CAP", "PENALTY_OPEN_DISPUTE", "DAILY_GAIN_CAP",
                 "COHERENCE_MAX", "EIGENTRUST_MAX", "ENDORSEMENT_CAP", "COLLABORATION_AUTHOR_CAP"):
        assert f'data-constant="{name}">{getattr(method, name)}<' in html, name
    for label, low, high in method.tier_ranges():
        assert f"<td>{low}–{high}</td><td>{label}</td>" in html
    assert 'data-calibration-score="31"' in html
    assert "lands in Emerging" in html


def test_the_method_page_and_the_recompute_read_the_same_constants(client, monkeypatch):
    monkeypatch.setattr(method, "MODEL_VERSION", "test-9")
    monkeypatch.setattr(method, "IDENTITY_LEVEL_POINTS", {1: 7, 2: 11, 3: 29, 4: 37})
    html = client.get("/trust/method").content.decode()
    assert 'data-constant="MODEL_VERSION">test-9<' in html
    assert 'data-constant="IDENTITY_LEVEL_POINTS.1">7<' in html
    author = AuthorFactory()
    services.trust_recompute_all()
    score = TrustScore.objects.get(author=author)
    assert score.identity == 7 and score.model_version == "test-9"


def test_the_trust_api_returns_parts_and_history(client, django_assert_num_queries):
    author, _ = trust_seed_like_author()
    services.trust_recompute_all()
    # 1: the author by slug; 2: its TrustScore; 3: the snapshot rows of the 90-day window.
    with django_assert_num_queries(3):
        response = client.get(f"/api/researchers/{author.slug}/trust/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "scored" and body["score"] == 31 and body["tier"] == "Emerging"
    assert body["model_version"] == method.MODEL_VERSION and body["under_review"] is False
    assert [p["key"] for p in body["parts"]] == ["identity", "consistency", "vouching", "penalties"]
    part = body["parts"][1]
    assert set(part) == {"key", "name", "points", "cap", "evidence"}
    assert part["cap"] == method.CONSISTENCY_CAP and part["evidence"]
    assert sum(p["points"] for p in body["parts"][:3]) - body["parts"][3]["points"] == pytest.approx(31, abs=0.5)
    assert body["history"] == [{"day": timezone.now().date().isoformat(), "score": 31}]


def test_the_trust_api_says_pending_before_the_first_recompute(client):
    author = AuthorFactory()
    body = client.get(f"/api/researchers/{author.slug}/trust/").json()
    assert body["status"] == "pending" and body["score"] is None and body["parts"] == [] and body["history"] == []


def test_the_trust_api_answers_404_for_an_unknown_researcher(client):
    assert client.get("/api/researchers/nobody-here/trust/").status_code == 404


def test_the_why_panel_lists_each_part_with_points_and_evidence(client):
    from django.template.loader import render_to_string

    from trust.selectors import trust_for_profile

    author, _ = trust_seed_like_author()
    services.trust_recompute_all()
    html = render_to_string("trust/_partials/why_panel.html", {"trust": trust_for_profile(author=author)})
    assert "Why this score?" in html
    for key in ("identity", "consistency", "vouching", "penalties"):
        assert f'data-trust-part="{key}"' in html
    assert "15 works" in html and "L1 · public record imported from arXiv" in html
    assert "<svg" in html and "<polyline" in html


def test_the_profile_snapshot_shows_the_score_tier_and_why_panel(client, settings, django_assert_num_queries):
    from tests.query_budgets import PROFILE_QUERIES

    settings.PROFILE_PAGE_CACHE_SECONDS = 0  # the render's budget; a cached copy's: tests/test_profile_page_cache.py
    author, _ = trust_seed_like_author(display_name="Zechun Liu", slug="zechun-liu")
    services.trust_recompute_all()
    client.get("/researchers/zechun-liu/")  # let any lazy one-off work (graph slice enqueue) happen first
    # The anonymous budget (tests/test_profile_page.py) plus the 90-day snapshot rows once scored.
    with django_assert_num_queries(PROFILE_QUERIES + 1):
        html = client.get("/researchers/zechun-liu/").content.decode()
    assert PROFILE_QUERIES + 1 <= 12
    assert 'data-trust-score="31"' in html and 'data-trust-tier="Emerging"' in html
    assert "Trust 31 · <span class=\"tier\">Emerging</span>" in html
    assert "Why this score?" in html and 'data-trust-part="consistency"' in html
    assert "15 of 15 coauthored papers in one coauthor-connected cluster" in html
    assert "<polyline" in html


def test_the_profile_shows_under_review_while_a_dispute_is_open(client):
    from researchers.models import Author

    author, _ = trust_seed_like_author(verification_level=2, claim_state="claimed")
    Author.objects.filter(pk=author.pk).update(claim_state="disputed")
    services.trust_recompute_all()
    html = client.get(f"/researchers/{author.slug}/").content.decode()
    assert "data-trust-under-review" in html and "Open dispute: under review" in html


@pytest.mark.django_db(transaction=True)
def test_a_visitor_opens_why_this_score_on_a_profile(live_server, page, screenshot):
    author, _ = trust_seed_like_author(display_name="Zechun Liu", slug="zechun-liu")
    services.trust_recompute_all()
    page.goto(f"{live_server.url}/researchers/zechun-liu/")
    snapshot = page.locator("[data-trust-score]")
    assert snapshot.get_attribute("data-trust-score") == "31"
    page.get_by_text("Why this score?").click()
    assert page.locator("[data-trust-part='identity']").is_visible()
    screenshot(page, "trust_why_this_score")
    page.goto(f"{live_server.url}/trust/method")
    assert page.get_by_role("heading", name="How trust is scored").is_visible()
    screenshot(page, "trust_method")
