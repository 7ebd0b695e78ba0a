"""The paper page /papers/<arxiv_id>/."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from papers.models import Authorship
from researchers.models import Author
from tests.factories import AuthorFactory, AuthorshipFactory, PaperFactory, PaperTopicFactory, TopicFactory

pytestmark = pytest.mark.django_db


def with_authors(paper, n):
    authors = Author.objects.bulk_create(
        [AuthorFactory.build(display_name=f"Author {paper.pk}-{i}", slug=f"author-{paper.pk}-{i}") for i in range(n)]
    )
    Authorship.objects.bulk_create(
        [Authorship(paper=paper, author=a, position=i, raw_name=a.display_name) for i, a in enumerate(authors)]
    )
    paper.authors_count = n
    paper.save(update_fields=["authors_count"])
    return authors


def test_paper_page_shows_the_full_record(client):
    submitted = timezone.make_aware(dt.datetime(2022, 5, 25, 12))
    paper = PaperFactory(
        arxiv_id="2205.13016", version=2, title="BiT: Robustly Binarized Multi-distilled Transformer",
        abstract="Modern pre-trained transformers have rapidly advanced the state-of-the-art.",
        categories=["cs.LG", "cs.CL"], submitted=submitted, updated=submitted + dt.timedelta(days=30),
        versions=[{"version": 1, "date": "2022-05-25T12:00:00+00:00", "size": "1mb"},
                  {"version": 2, "date": "2022-06-24T12:00:00+00:00", "size": "1mb"}],
        doi="10.1000/xyz123", journal_ref="NeurIPS 2022", code_url="https://github.com/facebookresearch/bit",
        has_code=True, comments="Accepted at NeurIPS", license="http://creativecommons.org/licenses/by/4.0/",
    )
    first = AuthorshipFactory(paper=paper, author=AuthorFactory(display_name="Zechun Liu", slug="zechun-liu"),
                              position=0, affiliation="Meta AI")
    AuthorshipFactory(paper=paper, author=AuthorFactory(display_name="Barlas Oguz", slug="barlas-oguz"), position=1)
    TopicFactory(kind="category", name="Machine Learning", slug="cs-lg", code="cs.LG")
    PaperTopicFactory(paper=paper, topic=TopicFactory(name="binarization", slug="binarization"), weight=0.7)

    response = client.get("/papers/2205.13016/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "BiT: Robustly Binarized Multi-distilled Transformer" in html
    assert html.index('href="/researchers/zechun-liu/"') < html.index('href="/researchers/barlas-oguz/"')
    assert first.affiliation in html
    assert "Modern pre-trained transformers" in html
    assert "25 May 2022" in html and "24 Jun 2022" in html and "v2" in html
    assert 'href="/topics/cs-lg/"' in html and ">cs.CL<" in html and 'href="/topics/binarization/"' in html
    assert "NeurIPS 2022" in html and 'href="https://doi.org/10.1000/xyz123"' in html
    assert 'href="https://arxiv.org/abs/2205.13016"' in html and 'href="https://arxiv.org/pdf/2205.13016"' in html
    assert 'href="https://github.com/facebookresearch/bit"' in html
    assert "Accepted at NeurIPS" in html


def test_old_style_arxiv_ids_with_a_slash_have_a_page(client):
    PaperFactory(arxiv_id="hep-th/9901001", title="Old style identifier")
    response = client.get("/papers/hep-th/9901001/")
    assert response.status_code == 200
    assert "Old style identifier" in response.content.decode()
    assert 'href="https://arxiv.org/abs/hep-th/9901001"' in response.content.decode()


def test_unknown_and_deleted_papers_are_styled_404s(client):
    PaperFactory(arxiv_id="2401.99999", deleted=True)
    for url in ("/papers/0000.00000/", "/papers/2401.99999/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()


# Queries, in order:
#   1. the paper
#   2. every byline slot with its author and institution (one join)
#   3. its topics
#   4-6. papers.impact.selectors.paper_impact: its citation figures, its references, our papers citing it
# Category chips link by the importer's slug function (papers.ingest.topics.category_slug): no query.
PAPER_QUERIES = 6


@pytest.mark.parametrize("n_authors", [3, 300])
def test_paper_page_costs_a_fixed_number_of_queries_whatever_the_byline_length(
    client, n_authors, django_assert_num_queries
):
    paper = PaperFactory(arxiv_id="2301.00001")
    with_authors(paper, n_authors)
    for _ in range(3):
        PaperTopicFactory(paper=paper, topic=TopicFactory())
    with django_assert_num_queries(PAPER_QUERIES):
        response = client.get("/papers/2301.00001/")
    html = response.content.decode()
    assert len(re.findall(r'href="/researchers/author-\d+-\d+/"', html)) == n_authors
