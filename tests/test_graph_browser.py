"""The explorer in a real Chromium: it loads, a filter hides nodes, a node expands, a path shows."""


import pytest
from django.core.cache import cache

from graph.services import build_lock_key, graph_slice_build
from tests.browser import wait_until
from tests.factories import AuthorFactory, AuthorshipFactory, AuthorTopicFactory, PaperFactory, TopicFactory


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def write(year, *authors):
    paper = PaperFactory(year=year, authors_count=len(authors), title=f"Paper by {authors[0].display_name} ({year})")
    for i, a in enumerate(authors):
        AuthorshipFactory(paper=paper, author=a, position=i)


@pytest.fixture
def corpus(db):
    names = ["Ada Browser", "Bea Browser", "Cy Browser", "Dan Browser", "Xia Browser", "Yul Browser", "Zed Browser"]
    ada, bea, cy, dan, xia, yul, zed = (AuthorFactory(display_name=n) for n in names)
    write(2019, ada, bea)
    write(2021, ada, bea, cy)
    write(2023, ada, cy)
    write(2024, ada, dan)
    write(2020, bea, xia)
    write(2022, bea, yul)
    write(2022, yul, zed)
    AuthorTopicFactory(author=ada, topic=TopicFactory(name="graph drawing"), weight=0.6)
    everyone = (ada, bea, cy, dan, xia, yul, zed)
    cache.delete_many([build_lock_key(a.pk) for a in everyone])
    graph_slice_build(author_id=ada.pk)
    yield dict(ada=ada, bea=bea, zed=zed)
    cache.delete_many([build_lock_key(a.pk) for a in everyone])


def node_count(page, selector="node"):
    return page.evaluate(f"window.BZGraph.explorer.cy.nodes({selector!r}).not('.filtered').length")


def test_the_explorer_loads_filters_expands_and_finds_a_path(live_server, page, screenshot, corpus):
    page.goto(f"{live_server.url}/researchers/{corpus['ada'].slug}/graph/")
    wait_until(page, "window.BZGraph && window.BZGraph.explorer && window.BZGraph.explorer.cy.nodes().length > 0")
    wait_until(page, "document.getElementById('explorer').dataset.state === 'ready'")
    screenshot(page, "graph_explorer_loaded")
    assert page.get_by_role("heading", name="Ada Browser in context").is_visible()
    total = node_count(page)
    papers = node_count(page, "[type = 'paper']")
    assert papers > 0

    # A filter hides nodes: untick "Papers".
    page.get_by_role("checkbox", name="Papers", exact=True).uncheck()
    assert node_count(page, "[type = 'paper']") == 0
    assert node_count(page) == total - papers
    screenshot(page, "graph_explorer_papers_hidden")
    page.get_by_role("checkbox", name="Papers", exact=True).check()
    assert node_count(page) == total

    # Select Bea through the search box, then expand her slice into the view.
    assert page.evaluate("window.BZGraph.explorer.cy.nodes('[label = \"Yul Browser\"]').length") == 0
    page.get_by_label("Search in this graph").fill("Bea Browser")
    page.get_by_label("Search in this graph").press("Enter")
    details = page.locator("#details")
    assert details.get_by_role("heading", name="Bea Browser").is_visible()
    assert "coauthored · 2 papers · 2019–2021" in details.inner_text()
    details.get_by_role("button", name="Expand").click()
    wait_until(page, "window.BZGraph.explorer.cy.nodes('[label = \"Yul Browser\"]').length === 1",
                timeout_ms=30_000)
    assert node_count(page) > total
    screenshot(page, "graph_explorer_expanded")

    # How am I connected to Zed? Ada → Bea → Yul → Zed.
    page.get_by_label("To researcher (a name, or a profile link)").fill(corpus["zed"].slug)
    page.get_by_role("button", name="Find the shortest path").click()
    result = page.locator("#path-result")
    result.get_by_text("Connected in 3 hops.").wait_for()
    assert "Yul Browser" in result.inner_text()
    assert page.evaluate("window.BZGraph.explorer.cy.elements('.path').length") == 7  # 4 people, 3 hops
    screenshot(page, "graph_explorer_path")


def test_double_click_opens_the_node_page_and_json_export_downloads(live_server, page, screenshot, corpus):
    page.goto(f"{live_server.url}/researchers/{corpus['ada'].slug}/graph/")
    wait_until(page, "document.getElementById('explorer').dataset.state === 'ready'")
    with page.expect_download() as download:
        page.get_by_role("button", name="JSON").click()
    assert download.value.suggested_filename == f"{corpus['ada'].slug}-graph.json"
    with page.expect_download() as png:
        page.get_by_role("button", name="PNG").click()
    assert png.value.suggested_filename.endswith(".png")
    page.evaluate("""() => {
        const n = window.BZGraph.explorer.cy.nodes('[label = "Bea Browser"]')[0];
        n.emit('dbltap');
    }""")
    page.wait_for_url(f"**/researchers/{corpus['bea'].slug}/")
    screenshot(page, "graph_explorer_dbltap_profile")


def test_the_profile_panel_polls_until_the_slice_is_built_then_draws_it(live_server, page, screenshot, corpus):
    bea = corpus["bea"]  # no slice yet: the first request queues the build (run in-process in tests)
    page.goto(f"{live_server.url}/researchers/{bea.slug}/")
    panel = page.locator("#graph-panel")
    assert "Building this graph slice…" in panel.inner_text()
    screenshot(page, "graph_profile_panel_building")
    # htmx re-fetches the stage every 2 s and swaps in the drawn slice.
    panel.locator("[data-graph-status='ready'] .graph-compact canvas").first.wait_for(timeout=30_000)
    assert page.evaluate("document.querySelector('.graph-compact')._cy.nodes().length") >= 4
    assert "hx-trigger" not in panel.inner_html()
    panel.scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # let the fit after the htmx swap paint before the screenshot; no assertion depends on it
    screenshot(page, "graph_profile_panel_ready")
