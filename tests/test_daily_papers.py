"""Daily papers: /papers/daily/ and /papers/daily/<date>/, filters, upvotes and the Trending sort."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from papers.discovery import services
from papers.discovery.models import PaperTally, PaperVote
from papers.models import Paper
from researchers.services.errors import RateLimited
from tests.factories import (
    PaperFactory,
    PaperTopicFactory,
    PaperVoteFactory,
    TopicFactory,
    UserFactory,
    paper_with_byline,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 3, 5)


def at(day, hour=12):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def vote(paper, n):
    for _ in range(n):
        services.paper_upvote(user=UserFactory(), paper=paper)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def test_the_daily_page_shows_the_days_cards_with_everything_a_reader_scans(client):
    paper = paper_with_byline("Zechun Liu", "Barlas Oguz", "Aasish Pappu", title="BiT: binarized transformers",
                              abstract="Modern transformers, binarized.", categories=["cs.LG", "cs.CL"],
                              submitted=at(DAY), has_code=True, code_url="https://github.com/facebookresearch/bit")
    PaperFactory(title="The day before", submitted=at(DAY - dt.timedelta(days=1)))
    PaperFactory(title="Two days after", submitted=at(DAY + dt.timedelta(days=2)))
    vote(paper, 2)
    response = client.get("/papers/daily/2024-03-05/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "BiT: binarized transformers" in html and "The day before" not in html
    assert "3 authors" in html and "Zechun Liu" in html and "Aasish Pappu" in html
    assert "<details class=\"card-abstract\"><summary>Abstract</summary><p>Modern transformers, binarized.</p>" in html
    assert ">cs.LG</a>" in html and ">cs.CL</a>" in html and "&lt;/&gt; Code" in html
    assert 'data-upvotes="2"' in html
    assert 'href="/papers/daily/2024-03-04/" rel="prev"' in html
    assert 'href="/papers/daily/2024-03-07/" rel="next"' in html  # skips the empty day between
    assert "5 Mar 2024" in html  # the one date format (config/dates.py)


def test_papers_daily_without_a_date_shows_the_newest_day(client):
    PaperFactory(title="Old", submitted=at(DAY))
    PaperFactory(title="Newest", submitted=at(DAY + dt.timedelta(days=3)))
    html = client.get("/papers/daily/").content.decode()
    assert "Newest" in html and ">Old<" not in html
    assert 'href="/papers/daily/2024-03-05/" rel="prev"' in html


def test_the_day_is_filtered_by_topic_or_category(client):
    topic = TopicFactory(name="binarization", slug="binarization")
    on_topic = PaperTopicFactory(topic=topic, paper=PaperFactory(title="On topic", submitted=at(DAY))).paper
    PaperFactory(title="Astro paper", categories=["astro-ph.GA"], submitted=at(DAY))
    html = client.get("/papers/daily/2024-03-05/?topic=binarization").content.decode()
    assert on_topic.title in html and "Astro paper" not in html
    html = client.get("/papers/daily/2024-03-05/?category=astro-ph.GA").content.decode()
    assert "Astro paper" in html and "On topic" not in html
    assert client.get("/papers/daily/2024-03-05/?topic=nothing").status_code == 404


def test_bad_dates_and_parameters_are_refused_or_ignored(client):
    PaperFactory(submitted=at(DAY))
    assert client.get("/papers/daily/2024-02-30/").status_code == 404
    assert client.get("/papers/daily/2024-03-05/?sort=bogus&page=-3&category=%3Cscript%3E").status_code == 200


def test_top_sort_puts_the_most_upvoted_first_and_trending_decays_older_votes(client):
    old = PaperFactory(title="Old favourite", submitted=timezone.now() - dt.timedelta(days=5))
    fresh = PaperFactory(title="Fresh hit", submitted=timezone.now() - dt.timedelta(hours=3))
    PaperFactory(title="Quiet", submitted=timezone.now() - dt.timedelta(hours=2))
    vote(old, 6)
    vote(fresh, 3)
    today = timezone.now().astimezone(dt.UTC).date().isoformat()
    html = client.get(f"/papers/daily/{today}/?sort=trending").content.decode()
    assert html.index("Fresh hit") < html.index("Old favourite") < html.index("Quiet")
    # Earlier on the same UTC day as "Fresh hit", whatever the time of the run (five minutes before
    # it crossed midnight when the suite ran between 03:00 and 03:05 UTC).
    fresh_day = fresh.submitted.astimezone(dt.UTC).date()
    day_start = dt.datetime.combine(fresh_day, dt.time.min, tzinfo=dt.UTC)
    same_day = PaperFactory(title="Same day, more votes",
                            submitted=day_start + (fresh.submitted - day_start) / 2)
    vote(same_day, 4)
    html = client.get(f"/papers/daily/{fresh_day.isoformat()}/?sort=top").content.decode()
    assert html.index("Same day, more votes") < html.index("Fresh hit")


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_daily_page_costs_a_fixed_number_of_queries_however_many_cards(client, django_assert_num_queries,
                                                                             signed_in):
    for n in range(25):
        paper_with_byline(*[f"Author {n}-{i}" for i in range(n % 9)], submitted=at(DAY, hour=n % 24))
    PaperVoteFactory(paper=PaperFactory(submitted=at(DAY)))
    if signed_in:
        client.force_login(UserFactory())
    # 1 the newest day, 2 the page of papers with their tallies, 3 their bylines,
    # 4 the previous day with papers, 5 the next day with papers,
    # signed in: 6 the session, 7 the user, 8 which cards they upvoted, 9 which they saved
    with django_assert_num_queries(9 if signed_in else 5):
        assert client.get("/papers/daily/").status_code == 200
    # A dated page skips query 1 and a topic filter adds one (the topic): the same count.
    topic = TopicFactory(slug="binarization")
    for paper in Paper.objects.all()[:3]:
        PaperTopicFactory(paper=paper, topic=topic)
    with django_assert_num_queries(9 if signed_in else 5):
        assert client.get("/papers/daily/2024-03-05/?topic=binarization").status_code == 200


def test_an_upvote_counts_once_and_can_be_taken_back():
    user, paper = UserFactory(), PaperFactory()
    assert services.paper_upvote(user=user, paper=paper) == (True, 1)
    assert services.paper_upvote(user=user, paper=paper) == (False, 1)
    assert PaperVote.objects.filter(paper=paper).count() == 1
    assert services.paper_unvote(user=user, paper=paper) == (True, 0)
    assert services.paper_unvote(user=user, paper=paper) == (False, 0)
    assert PaperTally.objects.get(paper=paper).upvotes == 0


def test_votes_are_rate_limited_per_user(settings, monkeypatch):
    monkeypatch.setattr(services, "VOTES_PER_HOUR", 3)
    user = UserFactory()
    for _ in range(3):
        services.paper_upvote(user=user, paper=PaperFactory())
    with pytest.raises(RateLimited):
        services.paper_upvote(user=user, paper=PaperFactory())
    services.paper_upvote(user=UserFactory(), paper=PaperFactory())  # others are not affected


def test_upvoting_over_htmx_returns_the_updated_control_and_needs_sign_in(client):
    paper = PaperFactory(arxiv_id="2403.00001")
    response = client.post("/papers/2403.00001/upvote/", HTTP_HX_REQUEST="true")
    assert response.status_code == 403 and response["HX-Redirect"].startswith("/accounts/login/")
    client.force_login(UserFactory())
    for _ in range(2):
        response = client.post("/papers/2403.00001/upvote/", HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert 'data-upvotes="1"' in response.content.decode() and 'aria-pressed="true"' in response.content.decode()
    response = client.post("/papers/2403.00001/unvote/", HTTP_HX_REQUEST="true")
    assert 'data-upvotes="0"' in response.content.decode()
    assert client.get("/papers/2403.00001/upvote/").status_code == 405
    assert PaperTally.objects.get(paper=paper).upvotes == 0
