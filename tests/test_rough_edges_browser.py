"""Rough edges a new user meets, checked in Chromium (issue 18): each test saves screenshots under var/screenshots/."""

import re

import pytest

from researchers.models import Author
from tests.factories import VerifiedUserFactory, author_with_works
from tests.test_browser_flows import log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    settings.ACCOUNT_RATE_LIMITS = False


def _page_overflow(page):
    """How many CSS pixels the document is wider than the viewport (0 when nothing sticks out)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_follow_updates_the_quick_read_follower_count_with_the_button(live_server, page, screenshot):
    author = author_with_works(1, display_name="Vikas Chandra", slug="vikas-chandra")
    log_in(page, live_server, VerifiedUserFactory(), author.get_absolute_url())
    quick_read = page.locator(".quick-read [data-count='followers']")
    assert quick_read.inner_text().strip() == "0"
    page.evaluate("window.__noReload = 'still here'")
    page.get_by_role("button", name=re.compile(r"^Follow")).first.click()
    page.locator(".quick-read [data-count='followers']", has_text="1").wait_for()
    assert page.locator("[data-follower-count]").first.inner_text().strip() == "1"
    screenshot(page, "rough-follow-quick-read")
    page.get_by_role("button", name=re.compile(r"^Following")).first.click()
    page.locator(".quick-read [data-count='followers']", has_text="0").wait_for()
    assert page.evaluate("window.__noReload") == "still here"
    assert Author.objects.get(pk=author.pk).followers_count == 0


def test_the_admin_has_a_favicon(live_server, page):
    page.goto(live_server.url + "/admin/login/")
    href = page.locator("link[rel='icon']").get_attribute("href")
    assert href and href.endswith(".svg")
    assert page.request.get(live_server.url + href).status == 200
