"""Follow digest: per-user frequency, subject/text/html emails, and a signed unsubscribe link with no login."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from researchers.models import DigestPreference
from researchers.services import follows, notifications, profile
from researchers.services.errors import ServiceError
from researchers.tasks import send_due_digests
from tests.factories import AuthorshipFactory, PaperFactory, UserFactory, author_with_works

pytestmark = pytest.mark.django_db


def _follower_with_new_paper(frequency="weekly", title="Binary networks, revisited"):
    user = UserFactory()
    author = author_with_works(0)
    follows.follow_create(user=user, author=author)
    profile.digest_preference_update(user=user, frequency=frequency)
    AuthorshipFactory(author=author, paper=PaperFactory(title=title))
    return user, author


def test_beat_schedule_runs_the_digest_sweep():
    entry = settings.CELERY_BEAT_SCHEDULE["researchers-send-due-digests"]
    assert entry["task"] == "researchers.tasks.send_due_digests"


def test_digest_sends_new_papers_as_text_and_html_with_an_unsubscribe_link():
    user, _ = _follower_with_new_paper(title="Binary <b>networks</b>, revisited")
    assert send_due_digests() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert "new paper" in message.subject
    assert "Binary <b>networks</b>, revisited" in message.body
    html = message.alternatives[0][0]
    assert "Binary &lt;b&gt;networks&lt;/b&gt;, revisited" in html
    assert "/me/unsubscribe/" in message.body and message.extra_headers["List-Unsubscribe"].startswith("<http")


def test_digest_is_not_sent_twice_in_one_period():
    _follower_with_new_paper(frequency="daily")
    send_due_digests()
    send_due_digests()
    assert len(mail.outbox) == 1


def test_daily_digest_goes_again_after_a_day_with_only_newer_papers():
    user, author = _follower_with_new_paper(frequency="daily", title="First paper")
    send_due_digests()
    DigestPreference.objects.filter(user=user).update(last_sent_at=timezone.now() - dt.timedelta(days=1, hours=1))
    pref = DigestPreference.objects.get(user=user)
    AuthorshipFactory(author=author, paper=PaperFactory(title="Second paper"))
    from papers.models import Paper

    Paper.objects.filter(title="First paper").update(created_at=pref.last_sent_at - dt.timedelta(minutes=5))
    send_due_digests()
    assert len(mail.outbox) == 2
    assert "Second paper" in mail.outbox[1].body and "First paper" not in mail.outbox[1].body


def test_digest_off_sends_nothing():
    _follower_with_new_paper(frequency="off")
    assert send_due_digests() == 0
    assert mail.outbox == []


def test_unsubscribe_link_works_without_login(client):
    user, _ = _follower_with_new_paper()
    send_due_digests()
    url = re.search(r"(/me/unsubscribe/[^\s>]+)", mail.outbox[0].body).group(1)
    page = client.get(url)
    assert page.status_code == 200 and b"Unsubscribe" in page.content
    assert DigestPreference.objects.get(user=user).frequency == "weekly"  # GET changes nothing
    done = client.post(url)
    assert done.status_code == 200 and b"You are unsubscribed" in done.content
    assert DigestPreference.objects.get(user=user).frequency == "off"


def test_a_tampered_unsubscribe_token_is_refused_clearly(client):
    user = UserFactory()
    token = profile.digest_unsubscribe_token(user)
    with pytest.raises(ServiceError, match="not valid"):
        profile.digest_unsubscribe(token=token[:-2] + "xx")
    response = client.post(f"/me/unsubscribe/{token[:-2]}xx/")
    assert response.status_code == 400


def test_settings_page_changes_frequency(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/me/settings").status_code == 200
    response = client.post("/me/settings", {"frequency": "daily", "notify_messages": "on"})
    assert response.status_code == 302
    assert DigestPreference.objects.get(user=user).frequency == "daily"
    assert client.post("/me/settings", {"frequency": "hourly"}).status_code == 200  # form error, nothing saved
    assert DigestPreference.objects.get(user=user).frequency == "daily"


def test_digests_due_only_lists_followers_with_a_due_preference():
    due_user, _ = _follower_with_new_paper()
    UserFactory()  # no preference, follows nobody
    assert notifications.digests_due() == [due_user.pk]


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_digest_sweep_runs_on_a_real_worker(celery_not_eager):
    user, _ = _follower_with_new_paper()
    result = send_due_digests.delay()
    assert result.get(timeout=60, disable_sync_subtasks=False) == 1
    pref = DigestPreference.objects.get(user=user)
    for _ in range(120):
        pref.refresh_from_db()
        if pref.last_sent_at:
            break
        import time

        time.sleep(0.5)
    assert pref.last_sent_at is not None
