"""Discovery flows in a real browser (Playwright + Chromium): upvote, follow a topic, save, export.

Screenshots of the daily page at 360 and 1280 px land in var/screenshots/ (daily-360, daily-1280).
"""

import datetime as dt
import re

import bibtexparser
import pytest
from django.core.cache import cache

from papers.discovery.models import PaperTally, SavedPaper, TopicFollow
from tests.factories import PaperTopicFactory, TopicFactory, VerifiedUserFactory, paper_with_byline

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "correct horse battery"
DAY = dt.date(2024, 3, 5)


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    settings.ACCOUNT_RATE_LIMITS = False
    cache.clear()


def log_in(page, live_server, user, next_path):
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(re.escape(live_server.url + next_path) + r"$"))


def a_day_of_papers():
    topic = TopicFactory(name="binarization", slug="binarization")
    titles = ["BiT: Robustly Binarized Multi-distilled Transformer",
              "Sparse mixtures of experts at the edge of stability",
              "A survey of quantization for large language models"]
    papers = []
    for n, title in enumerate(titles):
        paper = paper_with_byline(*[f"Researcher {n}-{i}" for i in range(2 + 4 * n)], title=title,
                                  arxiv_id=f"2403.0000{n + 1}", categories=["cs.LG", "cs.CL"][: 1 + n % 2],
                                  abstract="We study how far weights and activations can be binarized. " * 6,
                                  submitted=dt.datetime.combine(DAY, dt.time(9 + n), tzinfo=dt.UTC),
                                  has_code=n == 0, code_url="https://github.com/facebookresearch/bit" if n == 0 else "")
        PaperTopicFactory(paper=paper, topic=topic)
        papers.append(paper)
    return topic, papers


def test_the_daily_page_reads_at_phone_and_desktop_widths(live_server, browser, screenshot):
    a_day_of_papers()
    for width in (360, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        try:
            page.goto(f"{live_server.url}/papers/daily/2024-03-05/")
            cards = page.locator("article.paper-card")
            assert cards.count() == 3
            assert page.get_by_text("6 authors").is_visible()
            # No horizontal scroll at phone width: the cards fold to the viewport.
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            screenshot(page, f"daily-{width}")
        finally:
            context.close()


def test_a_reader_upvotes_a_paper_once_with_htmx(live_server, page):
    _, papers = a_day_of_papers()
    user = VerifiedUserFactory()
    log_in(page, live_server, user, "/papers/daily/2024-03-05/")
    card = page.locator(f"article.paper-card[data-arxiv-id='{papers[0].arxiv_id}']")
    card.get_by_role("button", name=re.compile(r"^Upvote")).click()
    expect_votes = card.locator(".vote-control[data-upvotes='1']")
    expect_votes.wait_for()
    assert card.get_by_role("button", name=re.compile(r"^Remove your upvote")).get_attribute("aria-pressed") == "true"
    page.reload()
    assert card.locator(".vote-count").inner_text() == "1"
    assert PaperTally.objects.get(paper=papers[0]).upvotes == 1


def test_a_reader_follows_a_topic_and_sees_its_papers_in_your_topics(live_server, page):
    topic, papers = a_day_of_papers()
    user = VerifiedUserFactory()
    log_in(page, live_server, user, f"/topics/{topic.slug}/")
    page.get_by_role("button", name="Follow topic").click()
    page.get_by_role("button", name="Following topic").wait_for()
    assert TopicFollow.objects.filter(user=user, topic=topic).exists()
    page.goto(f"{live_server.url}/me/feed")
    page.get_by_role("link", name="Your topics").click()
    page.wait_for_url(re.compile(r"/me/feed/topics$"))
    for paper in papers:
        assert page.get_by_role("link", name=paper.title).is_visible()


def test_a_reader_saves_papers_and_exports_the_reading_list_as_bibtex(live_server, page, tmp_path):
    _, papers = a_day_of_papers()
    user = VerifiedUserFactory()
    log_in(page, live_server, user, "/papers/daily/2024-03-05/")
    for paper in papers[:2]:
        card = page.locator(f"article.paper-card[data-arxiv-id='{paper.arxiv_id}']")
        card.get_by_role("button", name="Save").click()
        card.get_by_role("button", name="Saved ✓").wait_for()
    assert SavedPaper.objects.filter(user=user).count() == 2
    page.goto(f"{live_server.url}/me/saved")
    assert page.locator("[data-saved-list] .paper-row").count() == 2
    with page.expect_download() as info:
        page.get_by_role("link", name="Export BibTeX").click()
    path = tmp_path / "reading-list.bib"
    info.value.save_as(path)
    library = bibtexparser.parse_file(str(path))
    assert library.failed_blocks == []
    assert {e.fields_dict["eprint"].value for e in library.entries} == {p.arxiv_id for p in papers[:2]}
    assert all(e.fields_dict["archivePrefix"].value == "arXiv" for e in library.entries)
