"""The site in a real browser (Playwright + Debian Chromium against a live server).

Each test saves full-page screenshots under var/screenshots/ so a person can look at the pages,
including at 360 px wide.
"""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from papers.models import Authorship, Paper
from researchers.models import Author
from tests.factories import AuthorFactory, AuthorTopicFactory, PaperFactory, TopicFactory, fill_search_vectors

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

ABSTRACT = (
    "Quantization-aware training is widely adopted to quantize language models by training full-precision "
    "weights using gradients from the quantized model. The main bottleneck is its slow convergence and early "
    "performance plateau, particularly below 4-bit widths. We analyze the convergence by estimating the spectrum "
    "of the loss-surface Hessians and propose an algorithm that accelerates training by up to 4 times."
)


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    settings.ACCOUNT_RATE_LIMITS = False


@pytest.fixture
def site_data():
    """Zechun Liu with 30 works (two pages), four recurring coauthors, topics and one big collaboration."""
    zechun = AuthorFactory(display_name="Zechun Liu", slug="zechun-liu", bio="Efficient deep learning: quantization and binary networks.",
                           open_to_collaborate=True)
    coauthors = [
        AuthorFactory(display_name=name, slug=name.lower().replace(" ", "-"))
        for name in ("Barlas Oguz", "Raghuraman Krishnamoorthi", "Vikas Chandra", "Kwang-Ting Cheng")
    ]
    learning = TopicFactory(kind="category", name="Machine Learning", slug="cs-lg", code="cs.LG", papers_count=30)
    TopicFactory(kind="category", name="Computer Vision", slug="cs-cv", code="cs.CV", papers_count=12)
    for name, weight in [("quantization", 0.92), ("binary neural networks", 0.71), ("neural architecture search", 0.44),
                         ("vision transformers", 0.31), ("knowledge distillation", 0.18)]:
        AuthorTopicFactory(author=zechun, topic=TopicFactory(name=name, slug=name.replace(" ", "-")), weight=weight,
                           papers_count=int(weight * 20))
    AuthorTopicFactory(author=zechun, topic=learning, weight=0.5, papers_count=30)
    base = timezone.now().replace(hour=12, minute=0)
    titles = [
        "WinQ: Accelerating Quantization-Aware Training of Language Models Around Saddle Points",
        "STEM: Scaling Transformers with Embedding Modules",
        "Nonuniform-to-Uniform Quantization via Generalized Straight-Through Estimation",
        "ReActNet: Towards Precise Binary Neural Network with Generalized Activation Functions",
    ]
    papers = Paper.objects.bulk_create(
        [
            PaperFactory.build(
                arxiv_id=f"{25 - i // 12:02d}{(i % 12) + 1:02d}.{10000 + i}",
                title=titles[i] if i < len(titles) else f"Binary network study number {i}",
                abstract=ABSTRACT,
                categories=["cs.LG", "cs.CV"] if i % 2 else ["cs.LG"],
                primary_category="cs.LG",
                submitted=base - dt.timedelta(days=45 * i),
                updated=base - dt.timedelta(days=45 * i),
                year=(base - dt.timedelta(days=45 * i)).year,
                code_url="https://github.com/liuzechun/ReActNet" if i % 3 == 0 else "",
                has_code=i % 3 == 0,
                journal_ref="ECCV 2020" if i == 3 else "",
                authors_count=5,
            )
            for i in range(30)
        ]
    )
    slots = []
    for p in papers:
        slots.append(Authorship(paper=p, author=zechun, position=0, raw_name=zechun.display_name))
        slots += [Authorship(paper=p, author=c, position=j, raw_name=c.display_name) for j, c in enumerate(coauthors, 1)]
    Authorship.objects.bulk_create(slots)
    Author.objects.filter(pk=zechun.pk).update(
        works_count=30, topics_count=6, close_collaborators_count=4, followers_count=0,
        first_year=papers[-1].year, last_year=papers[0].year,
    )
    fill_search_vectors()
    return {"author": zechun, "papers": papers}


def test_home_page_lists_recent_papers_and_active_researchers(live_server, page, screenshot, site_data):
    page.goto(live_server.url + "/")
    assert page.get_by_role("heading", name="Recent papers").is_visible()
    assert page.get_by_text("5 authors").first.is_visible()
    assert page.get_by_role("link", name="Zechun Liu").first.is_visible()
    screenshot(page, "home")
    page.set_viewport_size({"width": 360, "height": 780})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "home-360")


def test_search_with_a_typo_finds_the_researcher(live_server, page, screenshot, site_data):
    page.goto(live_server.url + "/")
    page.get_by_label("Search researchers and papers").first.fill("zechun lu")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=zechun\+lu"))
    hit = page.locator('[data-results="researchers"] a[href="/researchers/zechun-liu/"]')
    assert hit.is_visible()
    screenshot(page, "search-typo")
    hit.click()
    page.wait_for_url(re.compile(r"/researchers/zechun-liu/$"))
    assert page.get_by_role("heading", name="Zechun Liu", level=1).is_visible()


def test_profile_page_shows_the_seed_sections(live_server, page, screenshot, site_data):
    page.goto(live_server.url + "/researchers/zechun-liu/")
    for text in ("Trust snapshot", "Quick read", "Verification L1", "Unclaimed author", "Log in to claim",
                 "Claim this author entity first to unlock direct invitations.", "Research graph",
                 "Published work"):
        assert page.get_by_text(text, exact=False).first.is_visible(), text
    assert page.locator('[data-count="works"]').inner_text() == "30"
    # The abstract opens in place with the "more" toggle.
    first_abstract = page.locator(".abstract p").first
    clamped = first_abstract.bounding_box()["height"]
    page.locator(".clamp-label").first.click()
    assert first_abstract.bounding_box()["height"] > clamped
    screenshot(page, "profile")
    page.set_viewport_size({"width": 360, "height": 780})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "profile-360")


def test_page_through_works_and_filter_by_year(live_server, page, screenshot, site_data):
    page.goto(live_server.url + "/researchers/zechun-liu/")
    assert page.locator(".paper-list > li").count() == 25
    page.get_by_role("link", name="Page 2").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert page.locator(".paper-list > li").count() == 5
    assert page.get_by_text("Page 2 of 2").is_visible()
    screenshot(page, "profile-works-page-2")
    year = site_data["papers"][0].year
    page.select_option("#works-year", str(year))  # applies at once with JS (Apply button without)
    page.wait_for_url(re.compile(rf"year={year}"))
    n = Paper.objects.filter(year=year).count()
    assert page.locator(".paper-list > li").count() == min(n, 25)


def test_open_a_paper_from_the_profile(live_server, page, screenshot, site_data):
    page.goto(live_server.url + "/researchers/zechun-liu/")
    page.get_by_role("link", name=re.compile("^WinQ")).click()
    page.wait_for_url(re.compile(r"/papers/"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("WinQ")
    assert page.get_by_role("link", name="arXiv abstract").is_visible()
    assert page.locator(".full-byline a").count() == 5
    screenshot(page, "paper")
    page.set_viewport_size({"width": 360, "height": 780})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "paper-360")


def test_profile_works_without_javascript(live_server, browser, screenshot, site_data):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/researchers/zechun-liu/?sort=oldest")
        page.get_by_role("link", name="Page 2").click()
        page.wait_for_url(re.compile(r"sort=oldest&page=2"))
        page.select_option("#works-topic", "quantization")
        page.get_by_role("button", name="Apply").click()
        page.wait_for_url(re.compile(r"topic=quantization"))
        assert page.get_by_text("No works match these filters").is_visible()
        screenshot(page, "profile-no-js")
    finally:
        context.close()


def test_sign_up_verify_email_and_log_in(live_server, page, screenshot, db):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Email").fill("grace@example.org")
    page.get_by_label("Password", exact=True).fill("a-Long-unusual-passphrase-42")
    page.get_by_label("Password (again)").fill("a-Long-unusual-passphrase-42")
    screenshot(page, "signup")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    screenshot(page, "verification-sent")

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[0].body).group(0)
    page.goto(link)
    screenshot(page, "confirm-email")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_text("grace@example.org").first.is_visible()

    page.goto(live_server.url + "/accounts/logout/")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill("grace@example.org")
    page.get_by_label("Password").fill("a-Long-unusual-passphrase-42")
    screenshot(page, "login")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")
    page.locator(".user-menu summary").click()
    assert page.get_by_role("link", name="Email addresses").is_visible()
    screenshot(page, "logged-in")
    page.get_by_role("link", name="Email addresses").click()
    assert page.get_by_text("grace@example.org").first.is_visible()
    screenshot(page, "account-email")
