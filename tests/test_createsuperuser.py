"""`createsuperuser --noinput` with only DJANGO_SUPERUSER_EMAIL and DJANGO_SUPERUSER_PASSWORD (README: Admin)."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_createsuperuser_needs_only_an_email_and_a_password(monkeypatch, client):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "admin@example.org")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-Long-admin-passphrase-7")
    monkeypatch.delenv("DJANGO_SUPERUSER_USERNAME", raising=False)
    call_command("createsuperuser", interactive=False, verbosity=0)
    admin = get_user_model().objects.get(email="admin@example.org")
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password("a-Long-admin-passphrase-7")
    assert EmailAddress.objects.get(user=admin).verified
    # The admin's own login form takes the email.
    response = client.post("/admin/login/?next=/admin/",
                           {"username": "admin@example.org", "password": "a-Long-admin-passphrase-7"})
    assert response.status_code == 302 and response.url == "/admin/"


def test_an_explicit_username_is_still_honoured(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-Long-admin-passphrase-7")
    call_command("createsuperuser", interactive=False, verbosity=0, username="root", email="root@example.org")
    assert get_user_model().objects.get(username="root").email == "root@example.org"
