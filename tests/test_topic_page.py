"""The topic page /topics/<slug>/: description, top researchers, recent papers."""

import re

import pytest

from tests.factories import AuthorFactory, AuthorshipFactory, AuthorTopicFactory, PaperFactory, PaperTopicFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic():
    return TopicFactory(kind="category", name="Machine Learning", slug="cs-lg", code="cs.LG",
                        description="Papers on all aspects of machine learning research.", papers_count=30)


def test_topic_page_shows_description_top_researchers_and_newest_papers(client, topic):
    strong = AuthorFactory(display_name="Strong Author", slug="strong-author")
    weak = AuthorFactory(display_name="Weak Author", slug="weak-author")
    AuthorTopicFactory(author=strong, topic=topic, weight=0.9, papers_count=12)
    AuthorTopicFactory(author=weak, topic=topic, weight=0.1, papers_count=1)
    papers = PaperFactory.create_batch(3)  # PaperFactory sequences make each one older than the last
    for p in papers:
        PaperTopicFactory(paper=p, topic=topic)
        AuthorshipFactory(paper=p, author=strong, position=0)
    PaperFactory(title="Off-topic paper")

    html = client.get("/topics/cs-lg/").content.decode()
    assert "Machine Learning" in html and "Papers on all aspects of machine learning research." in html
    assert html.index("Strong Author</a>") < html.index("Weak Author</a>")
    titles = re.findall(r'id="paper-\d+-title"><a href="[^"]+">([^<]+)</a>', html)
    assert titles == [p.title for p in papers]
    assert "Off-topic paper" not in html


def test_top_researchers_rank_by_works_on_the_topic_before_weight(client, topic):
    # A one-paper author has a large share of their only paper on the topic; the researcher
    # with forty papers on it must still come first.
    newcomer = AuthorFactory(display_name="One Paper", slug="one-paper")
    veteran = AuthorFactory(display_name="Forty Papers", slug="forty-papers")
    AuthorTopicFactory(author=newcomer, topic=topic, weight=0.6, papers_count=1)
    AuthorTopicFactory(author=veteran, topic=topic, weight=0.25, papers_count=40)
    html = client.get("/topics/cs-lg/").content.decode()
    assert html.index("Forty Papers</a>") < html.index("One Paper</a>")


def test_topic_papers_page_with_a_next_link(client, topic):
    for p in PaperFactory.create_batch(25):
        PaperTopicFactory(paper=p, topic=topic)
    html = client.get("/topics/cs-lg/").content.decode()
    assert 'href="?page=2"' in html
    html = client.get("/topics/cs-lg/?page=2").content.decode()
    assert len(re.findall(r'class="paper-title"', html)) == 5 and 'rel="prev"' in html


def test_unknown_topic_is_a_404(client):
    assert client.get("/topics/no-such-topic/").status_code == 404


# Queries, in order:
#   1. the topic
#   2. top researchers by works on the topic, then weight (AuthorTopic join Author)
#   3. a page of recent papers on the topic (PaperTopic join Paper)
#   4. the bylines of those papers
TOPIC_QUERIES = 4


@pytest.mark.parametrize("n_papers", [2, 40])
def test_topic_page_costs_a_fixed_number_of_queries(client, topic, n_papers, django_assert_num_queries):
    for p in PaperFactory.create_batch(n_papers):
        PaperTopicFactory(paper=p, topic=topic)
        AuthorshipFactory(paper=p, position=0)
    for a in AuthorFactory.create_batch(5):
        AuthorTopicFactory(author=a, topic=topic)
    with django_assert_num_queries(TOPIC_QUERIES):
        assert client.get("/topics/cs-lg/").status_code == 200
