"""The researcher profile page /researchers/<slug>/: sections, counts, works list, sidebar, query budget."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from papers.models import Authorship, Paper
from researchers.models import Author, Follow
from tests.factories import (
    AuthorFactory,
    AuthorshipFactory,
    AuthorTopicFactory,
    PaperFactory,
    PaperTopicFactory,
    TopicFactory,
    UserFactory,
)
from tests.query_budgets import PROFILE_QUERIES

pytestmark = pytest.mark.django_db


def make_works(author, n, *, coauthors=(), start_year=2026, code_every=0, big_collab_every=0):
    """n papers by `author` (newest first, one per ~month), each co-written with every coauthor."""
    now = timezone.now().replace(year=start_year, month=6, day=15)
    papers = Paper.objects.bulk_create(
        [
            PaperFactory.build(
                arxiv_id=f"{author.pk % 100:02d}{i:02d}.{i:05d}",
                title=f"Work {i} of {author.display_name}",
                submitted=now - dt.timedelta(days=30 * i),
                updated=now - dt.timedelta(days=30 * i),
                year=(now - dt.timedelta(days=30 * i)).year,
                categories=["cs.LG", "cs.CV"],
                code_url=f"https://github.com/example/repo{i}" if code_every and i % code_every == 0 else "",
                has_code=bool(code_every and i % code_every == 0),
                authors_count=1 + len(coauthors),
            )
            for i in range(n)
        ]
    )
    slots = []
    for p in papers:
        slots.append(Authorship(paper=p, author=author, position=0, raw_name=author.display_name))
        for j, co in enumerate(coauthors, start=1):
            slots.append(Authorship(paper=p, author=co, position=j, raw_name=co.display_name))
    Authorship.objects.bulk_create(slots)
    Author.objects.filter(pk=author.pk).update(works_count=n)
    author.refresh_from_db()
    return papers


@pytest.fixture
def zechun():
    return AuthorFactory(display_name="Zechun Liu", slug="zechun-liu")


def body(response):
    return response.content.decode()


def test_profile_shows_every_seed_section_in_seed_order(client, zechun):
    make_works(zechun, 3)
    html = body(client.get("/researchers/zechun-liu/"))
    order = [
        "Zechun Liu", "Affiliation not imported", "Trust snapshot", "Verification L1",
        "Unclaimed author", "Quick read", "Follow researcher", "Log in to claim",
        "Claim this author entity first to unlock direct invitations", "Research graph",
        "Open full explorer", "Published work",
    ]
    positions = [html.find(text) for text in order]
    assert -1 not in positions, [t for t, p in zip(order, positions) if p == -1]
    assert positions == sorted(positions)


def test_quick_read_counts_are_data_count_elements_holding_the_maintained_numbers(client, zechun):
    Author.objects.filter(pk=zechun.pk).update(
        works_count=15, followers_count=3, topics_count=8, close_collaborators_count=4
    )
    html = body(client.get("/researchers/zechun-liu/"))
    for name, value in [("works", 15), ("followers", 3), ("topics", 8), ("collaborators", 4)]:
        assert re.search(rf'data-count="{name}"[^>]*>{value}<', html), name


def test_trust_snapshot_shows_score_pending_while_the_trust_app_has_no_score(client, zechun, monkeypatch):
    monkeypatch.setattr("trust.selectors.trust_for_profile", lambda *, author: None)
    html = body(client.get("/researchers/zechun-liu/"))
    assert 'data-trust-score=""' in html
    assert 'data-verification-level="L1"' in html
    assert 'data-claim-state="unclaimed"' in html
    assert "Score pending" in html
    assert "Trust 0" not in html


def test_trust_snapshot_renders_the_score_and_tier_the_trust_app_provides(client, zechun, monkeypatch):
    snapshot = {"score": 21, "tier": "Emerging", "parts": [{"label": "Identity", "points": 6, "max": 40}]}
    monkeypatch.setattr("trust.selectors.trust_for_profile", lambda *, author: snapshot)
    html = body(client.get("/researchers/zechun-liu/"))
    assert 'data-trust-score="21"' in html
    assert 'data-trust-tier="Emerging"' in html
    assert "Trust 21 · <span class=\"tier\">Emerging</span>" in html
    assert "Identity" in html


def test_claimed_record_says_who_claimed_it_and_disputed_record_says_under_review(client, zechun):
    owner = UserFactory(first_name="Zechun", last_name="Liu")
    Author.objects.filter(pk=zechun.pk).update(claim_state="claimed", owner=owner, verification_level=2)
    html = body(client.get("/researchers/zechun-liu/"))
    assert "Claimed · verified L2 by an account" in html
    assert 'data-claim-state="claimed"' in html and 'data-verification-level="L2"' in html
    assert "Unclaimed author" not in html

    Author.objects.filter(pk=zechun.pk).update(claim_state="disputed")
    html = body(client.get("/researchers/zechun-liu/"))
    assert "Under review" in html and 'data-claim-state="disputed"' in html


def test_anonymous_visitor_is_sent_to_login_to_follow_or_claim(client, zechun):
    html = body(client.get("/researchers/zechun-liu/"))
    assert "/accounts/login/?next=/researchers/zechun-liu/" in html
    assert "/accounts/login/?next=/researchers/zechun-liu/claim/" in html
    assert 'action="/researchers/zechun-liu/follow/"' not in html


def test_signed_in_visitor_gets_a_csrf_follow_form_and_the_claim_link(client, zechun):
    user = UserFactory()
    client.force_login(user)
    html = body(client.get("/researchers/zechun-liu/"))
    form = re.search(r'<form[^>]*action="/researchers/zechun-liu/follow/".*?</form>', html, re.S).group(0)
    assert 'method="post"' in form and "csrfmiddlewaretoken" in form
    assert 'href="/researchers/zechun-liu/claim/"' in html and "Claim this record" in html

    Follow.objects.create(user=user, author=zechun)
    html = body(client.get("/researchers/zechun-liu/"))
    assert 'action="/researchers/zechun-liu/unfollow/"' in html and "Following" in html


def test_graph_panel_shows_building_state_with_a_refresh_link_and_the_explorer_link(client, zechun, monkeypatch):
    monkeypatch.setattr(
        "graph.services.graph_panel_for_profile",
        lambda *, author: {"status": "building", "elements": None, "built_at": None},
    )
    html = body(client.get("/researchers/zechun-liu/"))
    panel = re.search(r'<section[^>]*id="graph-panel".*?</section>', html, re.S).group(0)
    assert 'data-slug="zechun-liu"' in panel
    assert "Building this graph slice…" in panel
    assert 'href="/researchers/zechun-liu/#graph-panel"' in panel
    assert 'href="/researchers/zechun-liu/graph/"' in panel and "Open full explorer" in panel


def test_works_list_shows_type_year_venue_linked_title_code_badge_and_category_chips(client, zechun):
    TopicFactory(kind="category", name="Machine Learning", slug="cs-lg", code="cs.LG")
    papers = make_works(zechun, 2, code_every=1)
    Paper.objects.filter(pk=papers[1].pk).update(journal_ref="Phys. Rev. D 99, 1 (2019)")
    html = body(client.get("/researchers/zechun-liu/"))
    assert "preprint" in html and "journal" in html
    assert "Phys. Rev. D 99, 1 (2019)" in html and ">arXiv<" in html
    assert f'href="/papers/{papers[0].arxiv_id}/"' in html
    assert 'href="https://github.com/example/repo0"' in html and "Code" in html
    assert 'href="/topics/cs-lg/"' in html and ">cs.CV<" in html


def test_abstract_is_clamped_with_a_more_toggle_that_needs_no_javascript(client, zechun):
    papers = make_works(zechun, 1)
    Paper.objects.filter(pk=papers[0].pk).update(abstract="A long abstract sentence. " * 40)
    html = body(client.get("/researchers/zechun-liu/"))
    assert f'<input type="checkbox" class="clamp-toggle" id="abs-{papers[0].pk}"' in html
    assert f'<label for="abs-{papers[0].pk}" class="clamp-label"' in html and ">more<" in html


def test_works_are_paginated_25_a_page_newest_first(client, zechun):
    make_works(zechun, 60)
    html = body(client.get("/researchers/zechun-liu/"))
    titles = re.findall(r"Work (\d+) of Zechun Liu</a>", html)
    assert titles == [str(i) for i in range(25)]
    assert "Page 1 of 3" in html and "60 published items" in html

    html = body(client.get("/researchers/zechun-liu/?page=3"))
    assert re.findall(r"Work (\d+) of Zechun Liu</a>", html) == [str(i) for i in range(50, 60)]
    assert "showing 51–60" in html


def test_works_can_be_sorted_oldest_first_and_filters_keep_across_pages(client, zechun):
    make_works(zechun, 30)
    html = body(client.get("/researchers/zechun-liu/?sort=oldest"))
    assert re.findall(r"Work (\d+) of Zechun Liu</a>", html)[:3] == ["29", "28", "27"]
    assert "sort=oldest&amp;page=2" in html


def test_works_can_be_filtered_by_year_and_by_topic(client, zechun):
    papers = make_works(zechun, 30)
    year = papers[20].year
    html = body(client.get(f"/researchers/zechun-liu/?year={year}"))
    shown = re.findall(r"Work (\d+) of Zechun Liu</a>", html)
    assert shown and all(Paper.objects.get(title=f"Work {i} of Zechun Liu").year == year for i in shown)
    assert f"{len(shown)} matching item" in html

    topic = TopicFactory(name="quantization", slug="quantization")
    AuthorTopicFactory(author=zechun, topic=topic, weight=0.9, papers_count=2)
    PaperTopicFactory(paper=papers[3], topic=topic)
    PaperTopicFactory(paper=papers[7], topic=topic)
    html = body(client.get("/researchers/zechun-liu/?topic=quantization"))
    assert re.findall(r"Work (\d+) of Zechun Liu</a>", html) == ["3", "7"]
    assert '<option value="quantization" selected>' in html


def test_bad_filter_values_are_reported_and_ignored(client, zechun):
    make_works(zechun, 3)
    response = client.get("/researchers/zechun-liu/?page=abc&year=nineteen&sort=sideways")
    assert response.status_code == 200
    html = body(response)
    assert "Some filters were not understood" in html
    assert len(re.findall(r"Work (\d+) of Zechun Liu</a>", html)) == 3


def test_a_page_past_the_end_says_so_and_links_to_the_last_page(client, zechun):
    make_works(zechun, 30)
    html = body(client.get("/researchers/zechun-liu/?page=9"))
    assert "There is no page 9" in html and "page=2" in html


def test_collaboration_byline_shows_first_names_and_more_then_the_researcher(client, zechun):
    paper = PaperFactory(authors_count=500, title="A 500-author detector paper")
    others = Author.objects.bulk_create(
        [AuthorFactory.build(display_name=f"Physicist {i}", slug=f"physicist-{i}") for i in range(499)]
    )
    slots = [Authorship(paper=paper, author=a, position=i, raw_name=a.display_name) for i, a in enumerate(others[:300])]
    slots.append(Authorship(paper=paper, author=zechun, position=300, raw_name="Zechun Liu"))
    slots += [Authorship(paper=paper, author=a, position=301 + i, raw_name=a.display_name) for i, a in enumerate(others[300:])]
    Authorship.objects.bulk_create(slots)
    html = body(client.get("/researchers/zechun-liu/"))
    byline = re.search(r'<p class="byline">.*?</p>', html, re.S).group(0)
    assert [f"Physicist {i}" for i in range(5)] == re.findall(r">(Physicist \d+)<", byline)
    assert "and 494 more" in byline
    assert 'href="/researchers/zechun-liu/" class="self"' in byline


def test_close_collaborators_are_coauthors_with_at_least_two_shared_papers(client, zechun):
    close = AuthorFactory(display_name="Barlas Oguz", slug="barlas-oguz")
    once = AuthorFactory(display_name="Once Only", slug="once-only")
    make_works(zechun, 3, coauthors=[close])
    AuthorshipFactory(paper=Paper.objects.first(), author=once, position=5)
    html = body(client.get("/researchers/zechun-liu/"))
    sidebar = re.search(r'id="collaborators".*?</section>', html, re.S).group(0)
    assert "Barlas Oguz" in sidebar and "3 shared" in sidebar
    assert "Once Only" not in sidebar


def test_sidebar_has_an_accessible_works_per_year_chart_and_weighted_topics(client, zechun):
    make_works(zechun, 30)
    AuthorTopicFactory(author=zechun, topic=TopicFactory(name="binary networks", slug="binary-networks"), weight=0.8)
    html = body(client.get("/researchers/zechun-liu/"))
    svg = re.search(r"<svg class=\"year-chart\".*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and "<title id=\"year-chart-title\">Works per year</title>" in svg
    assert svg.count("<rect") == 3  # 30 monthly papers span three calendar years
    assert re.search(r"<title>\d{4}: \d+ works?</title>", svg)
    assert 'href="/topics/binary-networks/"' in html and ">80%<" in html


def test_unknown_researcher_gets_the_styled_404(client):
    response = client.get("/researchers/nobody-here/")
    assert response.status_code == 404
    assert "Page not found" in body(response) and "Skip to content" in body(response)


def test_merged_record_redirects_to_the_record_it_was_merged_into(client, zechun):
    old = AuthorFactory(display_name="Z. Liu", slug="z-liu", merged_into=zechun)
    response = client.get(f"/researchers/{old.slug}/")
    assert response.status_code == 302 and response["Location"] == "/researchers/zechun-liu/"


# The profile's query budget, query by query: tests/query_budgets.py.


@pytest.mark.parametrize("n_papers", [3, 300])
def test_profile_costs_a_fixed_number_of_queries_whatever_the_number_of_papers(
    client, zechun, n_papers, settings, django_assert_num_queries
):
    settings.PROFILE_PAGE_CACHE_SECONDS = 0  # the render's budget; a cached copy's: tests/test_profile_page_cache.py
    coauthors = AuthorFactory.create_batch(6)
    make_works(zechun, n_papers, coauthors=coauthors, code_every=3)
    for t in TopicFactory.create_batch(10):
        AuthorTopicFactory(author=zechun, topic=t)
    TopicFactory(kind="category", name="Machine Learning", slug="cs-lg", code="cs.LG")
    client.get("/researchers/zechun-liu/")  # let any lazy one-off work (slice enqueue) happen first
    with django_assert_num_queries(PROFILE_QUERIES):
        response = client.get("/researchers/zechun-liu/")
    assert response.status_code == 200
    assert PROFILE_QUERIES <= 12


def test_signed_in_profile_stays_within_twelve_queries(client, zechun, django_assert_num_queries):
    make_works(zechun, 30, coauthors=AuthorFactory.create_batch(3))
    client.force_login(UserFactory())
    client.get("/researchers/zechun-liu/")
    # The anonymous budget plus the session, the user and the viewer's identity state.
    with django_assert_num_queries(PROFILE_QUERIES + 3):
        assert client.get("/researchers/zechun-liu/").status_code == 200
    assert PROFILE_QUERIES + 3 <= 12


def test_name_matches_awaiting_the_owners_review_stay_off_the_published_works(client):
    author = AuthorFactory(display_name="Owned Researcher", slug="owned-researcher")
    accepted = AuthorshipFactory(author=author, position=0, paper__title="An accepted work")
    AuthorshipFactory(author=author, position=0, paper__title="A name-only match in review", attribution="pending")
    html = client.get(f"/researchers/{author.slug}/").content.decode()
    assert accepted.paper.title in html
    assert "A name-only match in review" not in html
