"""Following a topic: the button, the feed's "Your topics" tab, the private feed and the email digest."""

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from papers.discovery import services
from papers.discovery.models import TopicFollow
from researchers.models import DigestFrequency, DigestPreference
from researchers.services import notifications
from researchers.services.errors import RateLimited
from tests.factories import PaperFactory, PaperTopicFactory, TopicFactory, TopicFollowFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def test_following_a_topic_from_its_page_is_idempotent(client):
    topic = TopicFactory(name="binarization", slug="binarization")
    assert "Follow topic" in client.get("/topics/binarization/").content.decode()
    user = UserFactory()
    client.force_login(user)
    for _ in range(2):
        response = client.post("/topics/binarization/follow/", HTTP_HX_REQUEST="true")
        assert response.status_code == 200 and "Following topic" in response.content.decode()
    assert TopicFollow.objects.filter(user=user, topic=topic).count() == 1
    assert "Following topic" in client.get("/topics/binarization/").content.decode()
    client.post("/topics/binarization/unfollow/")
    assert not TopicFollow.objects.filter(user=user).exists()


def test_topic_follows_are_rate_limited(monkeypatch):
    monkeypatch.setattr(services, "TOPIC_FOLLOWS_PER_HOUR", 2)
    user = UserFactory()
    for n in range(2):
        services.topic_follow_create(user=user, topic=TopicFactory())
    with pytest.raises(RateLimited):
        services.topic_follow_create(user=user, topic=TopicFactory())


def test_your_topics_tab_lists_papers_on_followed_topics_newest_first(client, django_assert_num_queries):
    user = UserFactory()
    follow = TopicFollowFactory(user=user, topic=TopicFactory(name="binarization"))
    old = PaperTopicFactory(topic=follow.topic, paper=PaperFactory(title="Older on topic",
                            submitted=timezone.now() - dt.timedelta(days=3))).paper
    new = PaperTopicFactory(topic=follow.topic, paper=PaperFactory(title="Newer on topic",
                            submitted=timezone.now() - dt.timedelta(days=1))).paper
    PaperFactory(title="Off topic")
    client.force_login(user)
    client.get("/me/feed/topics")  # the first visit creates the private feed token
    # 1 the session, 2 the user, 3 the page of papers, 4 their bylines, 5 followed topics, 6 the feed token
    with django_assert_num_queries(6):
        html = client.get("/me/feed/topics").content.decode()
    assert html.index(new.title) < html.index(old.title) and "Off topic" not in html
    assert "/me/feed/" in html and ".atom" in html
    assert 'href="/me/feed/topics"' in client.get("/me/feed").content.decode()  # the tab on the people feed


def test_the_digest_carries_papers_on_followed_topics():
    user = UserFactory()
    DigestPreference.objects.create(user=user, frequency=DigestFrequency.DAILY)
    follow = TopicFollowFactory(user=user)
    PaperTopicFactory(topic=follow.topic, paper=PaperFactory(title="Fresh on a followed topic"))
    assert notifications.digests_due() == [user.pk]
    assert notifications.digest_send(user_id=user.pk) == 1
    assert "Fresh on a followed topic" in mail.outbox[0].body
