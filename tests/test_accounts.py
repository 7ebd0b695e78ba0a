"""Accounts through django-allauth: sign-up with mandatory email verification, sign-in, password reset,
email management, and the ORCID button that only shows when keys are configured."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-unusual-passphrase-42"


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    # allauth's rate limits live in the shared Redis cache and outlast a test run; a re-run
    # within minutes would otherwise be refused its verification email.
    settings.ACCOUNT_RATE_LIMITS = False


def link_in(message):
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


@pytest.fixture
def verified_user():
    user = UserFactory(email="ada@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/accounts/confirm-email/"]
)
def test_account_pages_use_the_site_layout(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Skip to content" in html and 'class="auth-card"' in html and "/static/css/bzpeer.css" in html


def test_orcid_button_is_hidden_without_keys(client):
    html = client.get("/accounts/login/").content.decode()
    assert "Sign in with ORCID" not in html


def test_orcid_button_shows_when_keys_are_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "orcid": {"BASE_DOMAIN": "sandbox.orcid.org", "MEMBER_API": False,
                  "APPS": [{"client_id": "APP-TEST", "secret": "s3cret", "key": ""}]}
    }
    html = client.get("/accounts/login/").content.decode()
    assert "Sign in with ORCID" in html and 'href="/accounts/orcid/login/' in html
    # The hand-off page asks for a POST before leaving for orcid.org, in the site's layout.
    handoff = client.get("/accounts/orcid/login/?process=login")
    assert handoff.status_code == 200
    assert 'class="auth-card"' in handoff.content.decode() and 'method="post"' in handoff.content.decode()


def test_account_settings_pages_use_the_account_layout(client, verified_user):
    client.force_login(verified_user)
    for url in ("/accounts/3rdparty/", "/accounts/password/change/"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert 'class="manage-nav"' in html and 'aria-current="page"' in html


def test_sign_up_requires_email_verification_then_logs_in(client):
    response = client.post(
        "/accounts/signup/", {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert len(mail.outbox) == 1 and mail.outbox[0].subject.startswith("[BZPEER]")
    assert not EmailAddress.objects.get(email="new@example.org").verified

    confirm_url = link_in(mail.outbox[0])
    page = client.get(confirm_url)
    assert page.status_code == 200 and 'method="post"' in page.content.decode()
    response = client.post(confirm_url)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="new@example.org").verified
    home = client.get("/").content.decode()
    assert "new@example.org" in home and "Sign out" in home


def test_unverified_account_cannot_sign_in_until_verified(client):
    client.post("/accounts/signup/", {"email": "late@example.org", "password1": PASSWORD, "password2": PASSWORD})
    client.logout()
    response = client.post("/accounts/login/", {"login": "late@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert ">Sign in<" in client.get("/").content.decode()


def test_verified_user_signs_in_and_the_header_shows_the_account_menu(client, verified_user):
    response = client.post("/accounts/login/", {"login": "ada@example.org", "password": "correct horse battery"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert "ada@example.org" in html and "/accounts/email/" in html
    assert ">Sign in<" not in html


def test_wrong_password_shows_a_clear_error(client, verified_user):
    response = client.post("/accounts/login/", {"login": "ada@example.org", "password": "nope"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_password_reset_sends_a_link_that_sets_a_new_password(client, verified_user):
    response = client.post("/accounts/password/reset/", {"email": "ada@example.org"})
    assert response.status_code == 302
    reset_url = link_in(mail.outbox[-1])
    form_page = client.get(reset_url, follow=True)
    assert form_page.status_code == 200 and "password1" in form_page.content.decode()
    set_password_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else reset_url
    response = client.post(set_password_url, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    response = client.post("/accounts/login/", {"login": "ada@example.org", "password": PASSWORD})
    assert response.status_code == 302  # a failed sign-in re-renders the form with 200


def test_email_management_adds_a_second_address_and_sends_its_verification(client, verified_user):
    client.force_login(verified_user)
    page = client.get("/accounts/email/")
    assert page.status_code == 200 and "ada@example.org" in page.content.decode()
    response = client.post("/accounts/email/", {"action_add": "", "email": "ada@work.example.org"})
    assert response.status_code == 302
    assert EmailAddress.objects.filter(user=verified_user).count() == 2
    assert mail.outbox[-1].to == ["ada@work.example.org"]
    html = client.get("/accounts/email/").content.decode()
    assert "ada@work.example.org" in html and "Unverified" in html and "Make primary" in html


def test_sign_out_asks_for_confirmation_with_a_post_form(client, verified_user):
    client.force_login(verified_user)
    html = client.get("/accounts/logout/").content.decode()
    assert 'method="post"' in html and "csrfmiddlewaretoken" in html
    client.post("/accounts/logout/")
    assert ">Sign in<" in client.get("/").content.decode()
