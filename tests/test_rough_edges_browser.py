"""Rough edges a new user meets, checked in Chromium (issue 18): each test saves screenshots under var/screenshots/."""

import re

import pytest
from django.core.cache import cache

from graph.services import build_lock_key, graph_slice_build
from researchers.models import Author
from tests.factories import AuthorFactory, AuthorshipFactory, PaperFactory, VerifiedUserFactory, author_with_works
from tests.browser import log_in, wait_until

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


# ---- the explorer: typed names, layout, labels, 360 px ------------------------------------------

def _write(year, *authors):
    paper = PaperFactory(year=year, authors_count=len(authors), title=f"Paper by {authors[0].display_name} ({year})")
    for i, a in enumerate(authors):
        AuthorshipFactory(paper=paper, author=a, position=i)


@pytest.fixture
def crowd(db):
    """Ada with 40 coauthors (a crowded explorer), a path Ada → Bea → Kazuo Okamoto, and two namesakes Li Wei."""
    ada, bea = AuthorFactory(display_name="Ada Crowd"), AuthorFactory(display_name="Bea Crowd")
    kazuo = AuthorFactory(display_name="Kazuo Okamoto")
    _write(2020, ada, bea)
    _write(2021, bea, kazuo)
    for i in range(40):
        _write(2010 + i % 12, ada, AuthorFactory(display_name=f"Coauthor Number{i:02d}"),
               AuthorFactory(display_name=f"Second Author{i:02d}"))
    li_one = AuthorFactory(display_name="Li Wei", slug="li-wei")
    li_two = AuthorFactory(display_name="Li Wei", slug="li-wei-2")
    _write(2019, bea, li_one)
    _write(2022, kazuo, li_two)
    everyone = list(Author.objects.all())
    cache.delete_many([build_lock_key(a.pk) for a in everyone])
    graph_slice_build(author_id=ada.pk)
    yield dict(ada=ada, kazuo=kazuo, li_one=li_one, li_two=li_two)
    cache.delete_many([build_lock_key(a.pk) for a in everyone])


def _open_explorer(page, live_server, author):
    page.goto(f"{live_server.url}/researchers/{author.slug}/graph/")
    wait_until(page, "document.getElementById('explorer').dataset.state === 'ready'")


def test_a_typed_name_outside_the_graph_resolves_through_search(live_server, page, screenshot, crowd):
    _open_explorer(page, live_server, crowd["ada"])
    page.get_by_label("To researcher (a name, or a profile link)").fill("Kazuo Okamoto")
    page.get_by_role("button", name="Find the shortest path").click()
    result = page.locator("#path-result")
    result.get_by_text("Connected in 2 hops.").wait_for()
    assert "invalid fields" not in result.inner_text()
    assert "Kazuo Okamoto" in result.inner_text()
    # The results sit below the graph, not in the narrow side column.
    box_graph, box_result = page.locator("#cy").bounding_box(), result.bounding_box()
    assert box_result["y"] >= box_graph["y"] + box_graph["height"]
    screenshot(page, "rough-explorer-path-by-name")


def test_an_ambiguous_name_offers_a_choice(live_server, page, screenshot, crowd):
    _open_explorer(page, live_server, crowd["ada"])
    page.get_by_label("To researcher (a name, or a profile link)").fill("Li Wei")
    page.get_by_role("button", name="Find the shortest path").click()
    choices = page.locator("[data-path-choices] button")
    choices.first.wait_for()
    assert choices.count() == 2
    assert "Several researchers match" in page.locator("#path-result").inner_text()
    screenshot(page, "rough-explorer-path-choices")
    page.locator(f"[data-path-choices] button[data-slug='{crowd['li_two'].slug}']").click()
    wait_until(page, "document.getElementById('path-result').textContent.includes('Connected in')")
    assert "Connected in 3 hops." in page.locator("#path-result").inner_text()


def test_explorer_labels_are_readable_and_only_the_top_nodes_carry_one(live_server, page, screenshot, crowd):
    _open_explorer(page, live_server, crowd["ada"])
    page.wait_for_timeout(300)
    stats = page.evaluate("""() => {
        const cy = window.BZGraph.explorer.cy;
        const shown = cy.nodes().not('.filtered');
        const labelled = shown.filter(n => n.style('label') !== '');
        const sizes = labelled.map(n => parseFloat(n.style('font-size')) * cy.zoom());
        const ext = cy.extent(), vp = {w: cy.width(), h: cy.height()};
        return {shown: shown.length, labelled: labelled.length, minPx: Math.min(...sizes), zoom: cy.zoom(),
                centerInView: cy.nodes('[?center]').renderedPosition().x > 0};
    }""")
    assert stats["shown"] > 50
    assert 5 <= stats["labelled"] <= 25, stats
    assert stats["minPx"] >= 9.5, stats  # rendered text height in CSS px
    assert stats["centerInView"]
    screenshot(page, "rough-explorer-labels")


def test_the_explorer_and_the_me_merge_form_fit_a_360_px_screen(live_server, page, screenshot, crowd):
    # A long unbroken title (a URL-like token) must wrap in the path results too.
    from papers.models import Paper

    Paper.objects.filter(title="Paper by Bea Crowd (2021)").update(title="Self-" + "supervised" * 12 + "-learning")
    page.set_viewport_size({"width": 360, "height": 740})
    _open_explorer(page, live_server, crowd["ada"])
    assert _page_overflow(page) == 0
    page.get_by_label("To researcher (a name, or a profile link)").fill("Kazuo Okamoto")
    page.get_by_role("button", name="Find the shortest path").click()
    page.locator("#path-result").get_by_text("Connected in 2 hops.").wait_for()
    assert _page_overflow(page) == 0
    screenshot(page, "rough-explorer-360")

    user = VerifiedUserFactory()
    Author.objects.filter(pk=crowd["kazuo"].pk).update(owner=user, claim_state="claimed", verification_level=2)
    log_in(page, live_server, user, "/me/")
    assert _page_overflow(page) == 0
    form = page.locator("form.inline-form").first
    card = page.locator("section.panel").first
    f, c = form.bounding_box(), card.bounding_box()
    assert f["x"] + f["width"] <= c["x"] + c["width"] + 0.5
    # The nav wraps at 360 px; no wrapped line may start with the "·" separator.
    starts = page.evaluate("""() => {
        const items = [...document.querySelectorAll('.me-nav > *')];
        const left = Math.min(...items.map(i => i.getBoundingClientRect().left));
        return items.filter(i => Math.abs(i.getBoundingClientRect().left - left) < 1)
                    .map(i => getComputedStyle(i, '::before').content + i.textContent.trim().slice(0, 1));
    }""")
    assert len(starts) >= 2 and not any("·" in s for s in starts), starts
    screenshot(page, "rough-me-360")


def test_the_profile_preview_graph_fills_its_box(live_server, page, screenshot, crowd):
    page.goto(f"{live_server.url}/researchers/{crowd['ada'].slug}/")
    panel = page.locator("#graph-panel")
    panel.locator("[data-graph-status='ready'] .graph-compact canvas").first.wait_for(timeout=30_000)
    page.wait_for_timeout(300)  # the fit runs on the next animation frame
    filled = page.evaluate("""() => {
        const cy = document.querySelector('.graph-compact')._cy;
        const bb = cy.nodes().renderedBoundingBox();
        return {w: bb.w / cy.width(), h: bb.h / cy.height()};
    }""")
    assert filled["w"] >= 0.7 and filled["h"] >= 0.7, filled
    panel.scroll_into_view_if_needed()
    screenshot(page, "rough-profile-preview-graph")


def test_a_typed_profile_slug_outside_the_graph_still_works(live_server, page, crowd):
    _open_explorer(page, live_server, crowd["ada"])
    page.get_by_label("To researcher (a name, or a profile link)").fill(crowd["li_two"].slug)
    page.get_by_role("button", name="Find the shortest path").click()
    wait_until(page, "document.getElementById('path-result').textContent.includes('Connected in')")
    assert "Connected in 3 hops." in page.locator("#path-result").inner_text()
