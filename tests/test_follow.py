"""Follow/unfollow: htmx partial or redirect back, exact counts under concurrency, 100 an hour, feed pages."""

import threading

import pytest
from django.db import connections
from django.urls import reverse

from researchers.models import Author, Follow, FollowRateEvent
from researchers.services import follows
from researchers.services.errors import RateLimited
from tests.factories import AuthorFactory, AuthorshipFactory, PaperFactory, UserFactory, author_with_works

pytestmark = pytest.mark.django_db


def test_follow_then_unfollow_keeps_the_count_exact():
    author, user = AuthorFactory(), UserFactory()
    assert follows.follow_create(user=user, author=author) == (True, 1)
    assert follows.follow_create(user=user, author=author) == (False, 1)
    assert follows.follow_delete(user=user, author=author) == (True, 0)
    assert follows.follow_delete(user=user, author=author) == (False, 0)
    author.refresh_from_db()
    assert author.followers_count == 0


def test_plain_post_follows_and_redirects_back(client):
    author = AuthorFactory()
    client.force_login(UserFactory())
    url = reverse("researchers:follow", kwargs={"slug": author.slug})
    response = client.post(url, HTTP_REFERER=f"http://testserver{author.get_absolute_url()}")
    assert response.status_code == 302 and response["Location"].endswith(author.get_absolute_url())
    assert Author.objects.get(pk=author.pk).followers_count == 1


def test_htmx_follow_answers_the_button_partial_with_the_new_count(client):
    author = AuthorFactory(followers_count=0)
    client.force_login(UserFactory())
    response = client.post(f"/researchers/{author.slug}/follow/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="follow-{author.slug}"' in html and "Following" in html and ">1<" in html
    assert "/unfollow/" in html
    response = client.post(f"/researchers/{author.slug}/unfollow/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and ">0<" in response.content.decode() and "/follow/" in response.content.decode()


def test_anonymous_follow_is_sent_to_login_with_a_message(client):
    author = AuthorFactory()
    response = client.post(f"/researchers/{author.slug}/follow/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Follow.objects.count() == 0


def test_follow_requires_csrf(client):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(UserFactory())
    author = AuthorFactory()
    assert csrf_client.post(f"/researchers/{author.slug}/follow/").status_code == 403
    assert Follow.objects.count() == 0


def test_follow_rate_limit_is_100_an_hour_with_a_clear_429(client):
    user = UserFactory()
    FollowRateEvent.objects.bulk_create([FollowRateEvent(user=user) for _ in range(100)])
    author = AuthorFactory()
    with pytest.raises(RateLimited, match="at most 100"):
        follows.follow_create(user=user, author=author)
    client.force_login(user)
    response = client.post(f"/researchers/{author.slug}/follow/")
    assert response.status_code == 429 and b"at most 100 researchers an hour" in response.content
    htmx = client.post(f"/researchers/{author.slug}/follow/", HTTP_HX_REQUEST="true")
    assert htmx.status_code == 429 and "at most 100" in htmx.content.decode()


def test_unfollow_refollow_loops_still_count_against_the_limit():
    user, author = UserFactory(), AuthorFactory()
    for _ in range(3):
        follows.follow_create(user=user, author=author)
        follows.follow_delete(user=user, author=author)
    assert FollowRateEvent.objects.filter(user=user).count() == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_follows_and_double_unfollows_keep_counts_exact():
    author = AuthorFactory()
    users = [UserFactory() for _ in range(6)]
    barrier = threading.Barrier(12)

    def run(fn, user):
        try:
            barrier.wait(timeout=30)
            fn(user=user, author=author)
        finally:
            connections.close_all()

    # Every user follows twice at once; then every user unfollows twice at once.
    threads = [threading.Thread(target=run, args=(follows.follow_create, u)) for u in users for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    author.refresh_from_db()
    assert author.followers_count == 6 == Follow.objects.filter(author=author).count()
    barrier = threading.Barrier(12)
    threads = [threading.Thread(target=run, args=(follows.follow_delete, u)) for u in users for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    author.refresh_from_db()
    assert author.followers_count == 0 == Follow.objects.filter(author=author).count()


def test_me_following_lists_followed_researchers(client):
    user = UserFactory()
    author = AuthorFactory(display_name="Barbara Liskov")
    follows.follow_create(user=user, author=author)
    client.force_login(user)
    for url in ("/me/following", "/me/following/"):
        response = client.get(url)
        assert response.status_code == 200 and b"Barbara Liskov" in response.content


def test_me_feed_shows_new_papers_by_followed_researchers_newest_first_paginated(client):
    import datetime as dt

    from django.utils import timezone

    user = UserFactory()
    followed = AuthorFactory()
    other = AuthorFactory()
    now = timezone.now()
    for i in range(30):
        AuthorshipFactory(author=followed, paper=PaperFactory(title=f"Followed paper {i:02d}",
                                                              submitted=now - dt.timedelta(days=i)))
    AuthorshipFactory(author=other, paper=PaperFactory(title="Unrelated paper"))
    follows.follow_create(user=user, author=followed)
    client.force_login(user)
    first = client.get("/me/feed").content.decode()
    assert "Followed paper 00" in first and "Followed paper 24" in first and "Followed paper 25" not in first
    assert first.index("Followed paper 00") < first.index("Followed paper 01")
    assert "Unrelated paper" not in first
    second = client.get("/me/feed?page=2").content.decode()
    assert "Followed paper 25" in second and "Followed paper 29" in second


def test_me_feed_query_count_is_fixed(client, django_assert_num_queries):
    user = UserFactory()
    author = author_with_works(5)
    follows.follow_create(user=user, author=author)
    client.force_login(user)
    client.get("/me/feed")  # warm the session
    # session, user, page count, page rows, prefetch of bylines
    with django_assert_num_queries(5):
        assert client.get("/me/feed").status_code == 200


def test_me_pages_send_anonymous_visitors_to_login(client):
    for url in ("/me/following", "/me/feed", "/me/invitations"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/?next=" in response["Location"]


def test_api_follow_and_unfollow(client):
    author = AuthorFactory()
    client.force_login(UserFactory())
    body = client.post(f"/api/researchers/{author.slug}/follow/").json()
    assert body == {"author": author.slug, "following": True, "followers_count": 1, "changed": True}
    body = client.post(f"/api/researchers/{author.slug}/unfollow/").json()
    assert body["followers_count"] == 0 and body["following"] is False
