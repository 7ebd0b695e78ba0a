"""With Redis unreachable, pages render, the API answers, writes commit once and fast, and enqueues wait in the outbox.

Redis is made unreachable for real: the cache, the broker and the result backend point at a port
nothing listens on (redis://127.0.0.1:1/0). Nothing about Redis is mocked.
"""

import time

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from config import cache as fail_soft
from config.celery_app import app as celery_app
from researchers.outbox.models import PendingTask
from researchers.outbox.services import outbox_drain
from researchers.models import Message
from researchers.services import claims, collaboration, profile
from tests.factories import VerifiedUserFactory, author_with_works

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"
PASSWORD = "correct horse battery"
# Far below the 19 s a publish took before, with room for a loaded test machine.
FAST = 2.0


def _point_celery_at(broker_url, *, eager):
    celery_app.conf.broker_url = broker_url
    celery_app.conf.task_always_eager = eager
    # The app caches its connection and producer pools; new ones pick up the new URL.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def redis_down(settings):
    live_broker = celery_app.conf.broker_url
    settings.REDIS_URL = settings.CELERY_BROKER_URL = DEAD_REDIS
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": DEAD_REDIS}}
    fail_soft._down_until.clear()
    _point_celery_at(DEAD_REDIS, eager=False)
    yield
    _point_celery_at(live_broker, eager=True)
    fail_soft._down_until.clear()


def _timed(call):
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def test_a_profile_whose_graph_slice_is_missing_renders_and_keeps_one_build_for_later(redis_down):
    author = author_with_works(2)
    client = Client()
    client.get(author.get_absolute_url())  # the first render of a process imports and compiles
    for _ in range(3):
        response, took = _timed(lambda: client.get(author.get_absolute_url()))
        assert response.status_code == 200
        assert took < FAST
    assert 'data-graph-status="building"' in response.content.decode() or b"graph" in response.content
    kept = PendingTask.objects.filter(task_name="graph.tasks.build_graph_slice")
    assert [row.args for row in kept] == [[author.pk]]


def test_the_graph_panel_renders_while_redis_is_down(redis_down):
    author = author_with_works(1)
    response, took = _timed(lambda: Client().get(reverse("graph:panel", kwargs={"slug": author.slug})))
    assert response.status_code == 200
    assert took < FAST


def test_the_api_answers_while_redis_is_down(redis_down):
    author_with_works(1)
    response, took = _timed(lambda: Client().get("/api/researchers/"))
    assert response.status_code == 200
    assert response.json()["results"]
    assert took < FAST


def test_signing_in_works_while_redis_is_down(redis_down):
    user = VerifiedUserFactory()
    response, took = _timed(lambda: Client().post(reverse("account_login"),
                                                  {"login": user.email, "password": PASSWORD}))
    assert response.status_code == 302
    assert took < FAST


def _conversation():
    people = []
    for _ in range(2):
        user, record = VerifiedUserFactory(), author_with_works(1)
        claims.claim_submit(user=user, author=record)
        profile.author_profile_update(user=user, author=record, open_to_collaborate=True)
        people.append((user, record))
    (alice, _), (bob, bob_record) = people
    invitation = collaboration.invitation_send(sender=alice, recipient_author=bob_record, subject="Hi", message="?")
    return alice, bob, collaboration.invitation_accept(user=bob, invitation=invitation)


def test_a_message_sent_while_redis_is_down_commits_once_answers_fast_and_is_notified_later(
    settings, django_capture_on_commit_callbacks
):
    alice, bob, conversation = _conversation()
    url = reverse("me:conversation", kwargs={"pk": conversation.pk})
    client = Client()
    client.force_login(alice)
    before = Message.objects.filter(conversation=conversation).count()
    mail.outbox.clear()
    live_broker = celery_app.conf.broker_url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": DEAD_REDIS}}
    _point_celery_at(DEAD_REDIS, eager=False)
    try:
        for _ in range(2):  # the user's retry of a send that looked stuck
            with django_capture_on_commit_callbacks(execute=True):
                response, took = _timed(lambda: client.post(url, {"body": "Shall we meet on Monday?"}))
            assert response.status_code == 302
            assert took < FAST
    finally:
        _point_celery_at(live_broker, eager=True)
        fail_soft._down_until.clear()
    assert Message.objects.filter(conversation=conversation).count() == before + 1
    kept = PendingTask.objects.get()
    assert kept.task_name == "researchers.tasks.notify_message" and kept.attempts == 0
    assert mail.outbox == []

    # Redis is back: beat's drain sends the notification once and empties the outbox.
    assert outbox_drain() == {"sent": 1, "failed": 0, "left": 0}
    assert [m.to for m in mail.outbox] == [[bob.email]]
    assert outbox_drain() == {"sent": 0, "failed": 0, "left": 0}


def test_a_drain_while_redis_is_still_down_keeps_every_task(redis_down):
    from graph.tasks import build_graph_slice
    from researchers.outbox.services import task_send_now_or_keep

    assert task_send_now_or_keep(task=build_graph_slice, args=[1]) is False
    assert task_send_now_or_keep(task=build_graph_slice, args=[1]) is False
    assert task_send_now_or_keep(task=build_graph_slice, args=[2]) is False
    result, took = _timed(outbox_drain)
    assert result == {"sent": 0, "failed": 1, "left": 2}
    assert took < FAST
    assert PendingTask.objects.order_by("id").first().attempts == 1


def test_healthz_answers_503_in_under_a_second_when_redis_is_down(redis_down):
    response, took = _timed(lambda: Client().get("/healthz"))
    assert response.status_code == 503
    assert set(response.json()["failing"]) >= {"redis", "celery"}
    assert took < 1.0
