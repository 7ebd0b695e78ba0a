"""Home page (recent papers, active researchers) and /search (names by trigram, papers by full text)."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from papers.models import Authorship
from tests.factories import AuthorFactory, AuthorshipFactory, PaperFactory, TopicFactory, fill_search_vectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus():
    zechun = AuthorFactory(display_name="Zechun Liu", slug="zechun-liu", works_count=15)
    AuthorFactory(display_name="Zhuang Liu", slug="zhuang-liu", works_count=40)
    AuthorFactory(display_name="Barlas Oguz", slug="barlas-oguz", works_count=9)
    in_title = PaperFactory(title="Binary transformers for language models", abstract="We train networks.")
    in_abstract = PaperFactory(title="Efficient networks", abstract="We study binary transformers briefly.")
    unrelated = PaperFactory(title="Galaxy rotation curves", abstract="Dark matter halos.")
    for p in (in_title, in_abstract, unrelated):
        AuthorshipFactory(paper=p, author=zechun, position=0)
    fill_search_vectors()
    return {"zechun": zechun, "in_title": in_title, "in_abstract": in_abstract, "unrelated": unrelated}


def researcher_hits(html):
    block = re.search(r'data-results="researchers".*?</ul>', html, re.S)
    return re.findall(r'href="/researchers/([^"]+)/"', block.group(0)) if block else []


@pytest.mark.parametrize("q", ["zechun lu", "Zéchun", "ZECHUN LIU", "zechn liu", "Liu"])
def test_researcher_search_tolerates_typos_accents_and_case(client, corpus, q):
    html = client.get("/search", {"q": q}).content.decode()
    assert "zechun-liu" in researcher_hits(html)
    assert 'href="/researchers/zechun-liu/"' in html


def test_best_name_match_comes_first(client, corpus):
    html = client.get("/search", {"q": "zechun lu"}).content.decode()
    assert researcher_hits(html)[0] == "zechun-liu"
    assert "barlas-oguz" not in researcher_hits(html)


def test_paper_search_ranks_title_matches_above_abstract_matches(client, corpus):
    html = client.get("/search", {"q": "binary transformers"}).content.decode()
    block = re.search(r'data-results="papers".*?</ol>', html, re.S).group(0)
    found = re.findall(r'href="/papers/([^"]+)/"', block)
    assert found == [corpus["in_title"].arxiv_id, corpus["in_abstract"].arxiv_id]


def test_paper_search_understands_web_search_syntax(client, corpus):
    html = client.get("/search", {"q": "binary -language"}).content.decode()
    assert corpus["in_abstract"].arxiv_id in html and corpus["in_title"].arxiv_id not in html


def test_search_without_results_or_with_bad_input_explains_instead_of_failing(client, corpus):
    html = client.get("/search", {"q": "qqqqxxxxzzzz"}).content.decode()
    assert "No researcher name resembles" in html and "No paper title or abstract matches" in html
    response = client.get("/search", {"q": "x" * 500})
    assert response.status_code == 200 and "at most 200 characters" in response.content.decode()
    assert client.get("/search", {"q": "", "page": "-4"}).status_code == 200
    assert client.get("/search").status_code == 200


def test_paper_results_are_paged(client):
    for p in PaperFactory.create_batch(23, title="Quantization study"):
        AuthorshipFactory(paper=p, position=0)
    fill_search_vectors()
    html = client.get("/search", {"q": "quantization"}).content.decode()
    assert html.count('class="paper-title"') == 20 and "q=quantization&amp;page=2" in html
    html = client.get("/search", {"q": "quantization", "page": 2}).content.decode()
    assert html.count('class="paper-title"') == 3


def test_home_lists_recent_papers_daily_papers_style_and_active_researchers(client, corpus):
    newest = PaperFactory(title="The newest paper", abstract="Excerpt of the newest abstract. " * 30,
                          submitted=timezone.now() + dt.timedelta(hours=1))
    people = AuthorFactory.create_batch(9)
    Authorship.objects.bulk_create(
        [Authorship(paper=newest, author=a, position=i, raw_name=a.display_name) for i, a in enumerate(people)]
    )
    newest.authors_count = 9
    newest.save(update_fields=["authors_count"])
    html = client.get("/").content.decode()
    assert 'role="search"' in html and 'action="/search"' in html
    assert html.index("The newest paper") < html.index("Binary transformers for language models")
    assert "Excerpt of the newest abstract." in html
    assert "9 authors" in html
    assert "Active researchers" in html and 'href="/researchers/zechun-liu/"' in html


# Home queries: 1. newest papers  2. their short bylines  3. active researchers (one aggregate)
HOME_QUERIES = 3
# Search queries: 1. researchers by trigram  2. topics by name  3. a page of papers by full text
# 4. their bylines
SEARCH_QUERIES = 4


@pytest.mark.parametrize("n_papers", [3, 40])
def test_home_and_search_cost_a_fixed_number_of_queries(client, n_papers, django_assert_num_queries):
    author = AuthorFactory(display_name="Zechun Liu", slug="zechun-liu")
    for p in PaperFactory.create_batch(n_papers, title="Binary networks"):
        AuthorshipFactory(paper=p, author=author, position=0)
        AuthorshipFactory(paper=p, position=1)
    fill_search_vectors()
    with django_assert_num_queries(HOME_QUERIES):
        client.get("/")
    with django_assert_num_queries(SEARCH_QUERIES):
        client.get("/search", {"q": "binary networks"})


def test_error_pages_use_the_site_layout(client, rf):
    from config.views import server_error

    response = server_error(rf.get("/"))  # rendered without a request context: no DB, no user
    html = response.content.decode()
    assert response.status_code == 500 and "Something went wrong" in html and "Skip to content" in html
    response = client.get("/no/such/page/")
    assert response.status_code == 404 and "Page not found" in response.content.decode()
    assert "Django tried these URL patterns" not in response.content.decode()


def test_the_home_search_suggests_a_researcher_who_exists(client):
    paper = PaperFactory(title="Binary networks", submitted=timezone.now())
    AuthorshipFactory(paper=paper, author=AuthorFactory(display_name="Ada Quantova"), position=0)
    html = client.get("/").content.decode()
    assert 'placeholder="A name or a topic, e.g. Ada Quantova"' in html
    assert "Zechun Liu" not in html


def test_a_topic_query_offers_the_topic_page(client):
    topic = TopicFactory(name="quantization", slug="quantization", papers_count=12)
    TopicFactory(name="vector quantization", slug="vector-quantization", papers_count=3)
    html = client.get("/search", {"q": "Quantization"}).content.decode()
    assert 'data-results="topics"' in html
    first = html.index('href="/topics/quantization/"')
    assert first < html.index('href="/topics/vector-quantization/"')
    assert client.get(topic.get_absolute_url()).status_code == 200
