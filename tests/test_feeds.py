"""Atom feeds: a researcher's new papers, a topic, the daily list and a user's private feed."""

import datetime as dt

import feedparser
import pytest
from django.utils import timezone

from papers.discovery.services import feed_token_get_or_create
from researchers.models import Follow
from tests.factories import (
    AuthorshipFactory,
    PaperFactory,
    PaperTopicFactory,
    TopicFactory,
    TopicFollowFactory,
    UserFactory,
    paper_with_byline,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_cached():
    """Feeds name their site: django.contrib.sites reads the row once per process, then caches it."""
    from django.contrib.sites.models import Site

    Site.objects.clear_cache()
    Site.objects.get_current()


def parse_atom(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_a_researchers_feed_is_valid_atom_with_their_papers_newest_first(client, django_assert_num_queries):
    older = paper_with_byline("Zechun Liu", "Barlas Oguz", title="Older <b>work</b> & more",
                              submitted=timezone.now() - dt.timedelta(days=9), categories=["cs.LG", "cs.CL"])
    author = older.authorships.get(position=0).author
    newer = PaperFactory(title="Newer work", submitted=timezone.now() - dt.timedelta(days=1))
    AuthorshipFactory(paper=newer, author=author, position=0)
    AuthorshipFactory(author=author, position=0, attribution="pending")  # awaiting review: not theirs yet
    with django_assert_num_queries(3):
        # 1 the author, 2 their papers, 3 the papers' bylines
        response = client.get(f"/researchers/{author.slug}/feed.atom")
    feed = parse_atom(response)
    assert feed.feed.title == "New papers by Zechun Liu · BZPEER"
    assert [e.title for e in feed.entries] == ["Newer work", "Older <b>work</b> & more"]
    entry = feed.entries[1]
    assert entry.link.endswith(f"/papers/{older.arxiv_id}/")  # on the configured Site domain
    assert entry.author == "Zechun Liu, Barlas Oguz"
    assert [t.term for t in entry.tags] == ["cs.LG", "cs.CL"]
    assert entry.id == f"https://arxiv.org/abs/{older.arxiv_id}"


def test_a_topic_feed_lists_the_topics_papers(client, django_assert_num_queries):
    topic = TopicFactory(name="binarization", slug="binarization")
    on_topic = PaperTopicFactory(topic=topic).paper
    PaperFactory()  # another topic
    with django_assert_num_queries(3):
        # 1 the topic, 2 its papers, 3 their bylines
        feed = parse_atom(client.get("/topics/binarization/feed.atom"))
    assert [e.title for e in feed.entries] == [on_topic.title]


def test_unknown_researchers_and_topics_have_no_feed(client):
    assert client.get("/researchers/nobody/feed.atom").status_code == 404
    assert client.get("/topics/nothing/feed.atom").status_code == 404


def test_the_daily_feed_holds_the_newest_days_papers(client, django_assert_num_queries):
    today = timezone.now().replace(hour=12)
    PaperFactory(title="Yesterday", submitted=today - dt.timedelta(days=1))
    PaperFactory(title="Today", submitted=today)
    with django_assert_num_queries(3):
        # 1 the newest day, 2 its papers, 3 their bylines
        feed = parse_atom(client.get("/papers/daily/feed.atom"))
    assert [e.title for e in feed.entries] == ["Today"]


def test_the_private_feed_needs_its_token_and_holds_followed_people_and_topics(client, django_assert_num_queries):
    user = UserFactory()
    by_person = AuthorshipFactory(position=0)
    Follow.objects.create(user=user, author=by_person.author)
    on_topic = PaperTopicFactory()
    TopicFollowFactory(user=user, topic=on_topic.topic)
    PaperFactory(title="Unrelated")
    token = feed_token_get_or_create(user=user)
    with django_assert_num_queries(3):
        # 1 the token's user, 2 the papers of followed people or topics, 3 their bylines
        feed = parse_atom(client.get(f"/me/feed/{token}.atom"))
    assert {e.title for e in feed.entries} == {by_person.paper.title, on_topic.paper.title}
    assert client.get("/me/feed/not-a-token.atom").status_code == 404
    feed_token_get_or_create(user=user, regenerate=True)
    assert client.get(f"/me/feed/{token}.atom").status_code == 404
