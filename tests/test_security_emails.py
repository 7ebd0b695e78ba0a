"""Emails name and link the real host, and subjects are plain text (issue 15, item 13)."""

import pytest
from django.contrib.sites.models import Site
from django.core import mail
from django.core.management import call_command

from researchers.services import claims, collaboration, profile
from tests.factories import VerifiedUserFactory, author_with_works

pytestmark = pytest.mark.django_db


def _claimed(display_name):
    user = VerifiedUserFactory()
    author = author_with_works(1, display_name=display_name)
    claims.claim_submit(user=user, author=author)
    profile.author_profile_update(user=user, author=author, open_to_collaborate=True)
    author.refresh_from_db()
    return user, author


def test_the_site_row_follows_site_url_after_migrate(settings):
    settings.SITE_URL = "https://bzpeer.example.net"
    call_command("migrate", "researchers", verbosity=0)
    site = Site.objects.get_current()
    assert site.domain == "bzpeer.example.net"
    assert site.name == "BZPEER"


def test_the_test_database_does_not_say_example_com():
    assert Site.objects.get_current().domain != "example.com"


def test_allauth_mails_link_the_configured_host_not_example_com(client, settings):
    settings.SITE_URL = "https://bzpeer.example.net"
    call_command("migrate", "researchers", verbosity=0)
    user = VerifiedUserFactory()
    client.post("/accounts/password/reset/", {"email": user.email})
    body = mail.outbox[-1].body
    assert "example.com" not in body and "example.com" not in mail.outbox[-1].subject
    assert "Hello from BZPEER" in body


def test_notification_subjects_are_not_html_escaped(django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://bzpeer.example.net"
    alice, _ = _claimed("Siobhán O'Brien")
    bob, bob_rec = _claimed("Bob Smith")
    with django_capture_on_commit_callbacks(execute=True):
        collaboration.invitation_send(sender=alice, recipient_author=bob_rec, subject="Q&A on <gauge> theory",
                                      message="Hello")
    sent = mail.outbox[-1]
    assert sent.subject == "[BZPEER] Siobhán O'Brien invites you to collaborate: Q&A on <gauge> theory"
    assert "&#x27;" not in sent.body and "https://bzpeer.example.net/me/invitations" in sent.body
