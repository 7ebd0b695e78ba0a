"""Imported metadata is data, never markup: hostile titles, abstracts, names and links render as text."""

import pytest

from researchers.models import Author
from tests.factories import (
    AuthorFactory,
    AuthorshipFactory,
    AuthorTopicFactory,
    PaperFactory,
    PaperTopicFactory,
    TopicFactory,
    fill_search_vectors,
)

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('xss')</script>"
IMG = '<img src=x onerror="alert(1)">'
JS_LINK = '<a href="javascript:alert(2)">click</a>'


@pytest.fixture
def hostile():
    author = AuthorFactory(
        display_name=f"Mallory {SCRIPT}", slug="mallory",
        bio=f"Bio {IMG}", affiliation=f"Evil Corp {JS_LINK}", role="Researcher",
        links=[{"label": "home", "url": "javascript:alert(3)"}, "data:text/html,<b>x</b>",
               {"label": f"blog {SCRIPT}", "url": "https://example.org/blog"}],
    )
    topic = TopicFactory(name=f"topic {IMG}", slug="hostile-topic", description=f"About {SCRIPT}")
    paper = PaperFactory(
        arxiv_id="2401.66666",
        title=f"Quantum widgets {SCRIPT}",
        abstract=f"Widgets abstract {IMG} and a {JS_LINK} link. " * 10,
        journal_ref=f"J. Evil {SCRIPT}",
        comments=f"Comment {IMG}",
        code_url="javascript:alert(4)",
        has_code=True,
        license="javascript:alert(5)",
        categories=[f"cs.{SCRIPT}"],
    )
    AuthorshipFactory(paper=paper, author=author, position=0, affiliation=f"Lab {IMG}")
    PaperTopicFactory(paper=paper, topic=topic)
    AuthorTopicFactory(author=author, topic=topic)
    Author.objects.filter(pk=author.pk).update(works_count=1)
    fill_search_vectors()
    return paper


def assert_inert(html):
    for raw in (SCRIPT, IMG, JS_LINK, "<script>alert", "<img src=x", 'href="javascript:', "href='javascript:",
                'href="data:'):
        assert raw not in html, raw
    assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in html or "&lt;img src=x" in html


@pytest.mark.parametrize(
    "url",
    ["/", "/researchers/mallory/", "/papers/2401.66666/", "/topics/hostile-topic/", "/search?q=quantum+widgets",
     "/search?q=mallory"],
)
def test_hostile_metadata_renders_as_text_on_every_page(client, hostile, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_inert(response.content.decode())


def test_hostile_search_query_is_echoed_as_text(client, hostile):
    html = client.get("/search", {"q": '"><script>alert(9)</script>'}).content.decode()
    assert "<script>alert(9)" not in html and "&lt;script&gt;alert(9)&lt;/script&gt;" in html


def test_non_http_links_are_not_linked_but_http_ones_are(client, hostile):
    html = client.get("/researchers/mallory/").content.decode()
    assert 'href="https://example.org/blog"' in html
    assert "blog &lt;script&gt;" in html
    html = client.get("/papers/2401.66666/").content.decode()
    assert "javascript:alert(4)" not in html and "javascript:alert(5)" in html  # shown as text, not a link
    assert 'href="javascript:alert(5)"' not in html
