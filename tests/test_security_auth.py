"""Password guessing and API tokens (issue 15, items 1 and 15).

The token endpoint shares allauth's per-account lockout with the login form; throttles and the
lockout key on the socket address unless the deployment trusts a proxy (TRUSTED_PROXY_COUNT);
a password change or reset deletes the account's API tokens.
"""

import pytest
from django.core import mail
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from tests.factories import VerifiedUserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


@pytest.fixture
def clean_rate_limits():
    # Throttle and lockout history lives in the (Redis) cache and outlives each test.
    cache.clear()
    yield
    cache.clear()


def _token(client, email, password, **extra):
    return client.post("/api/auth/token/", {"email": email, "password": password}, format="json", **extra)


def test_after_the_login_form_locks_an_account_the_token_endpoint_refuses_the_right_password(client,
                                                                                             clean_rate_limits):
    user = VerifiedUserFactory()
    for _ in range(5):
        client.post("/accounts/login/", {"login": user.email, "password": "wrong guess"})
    locked = client.post("/accounts/login/", {"login": user.email, "password": "wrong guess"})
    assert "Too many failed login attempts" in locked.content.decode()

    response = _token(APIClient(), user.email, PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    assert "Too many failed login attempts" in response.json()["detail"]
    assert not Token.objects.filter(user=user).exists()


def test_failed_token_requests_count_towards_the_login_forms_lockout(client, clean_rate_limits, monkeypatch):
    # Lift the endpoint's own per-address throttle so only the per-account lockout can stop the guesses.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "100000/min", "user": "100000/min"})
    user = VerifiedUserFactory()
    api = APIClient()
    codes = [_token(api, user.email, "guess", REMOTE_ADDR=f"203.0.113.{i}").status_code for i in range(1, 7)]
    assert codes == [401] * 5 + [429]
    form = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert "Too many failed login attempts" in form.content.decode()


def test_rotating_x_forwarded_for_does_not_evade_the_token_throttle(clean_rate_limits, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "50/min", "user": "50/min"})
    api = APIClient()
    # A different address per guess and a different account per guess, so only the client throttle applies.
    codes = [
        _token(api, f"nobody{i}@example.org", "guess", HTTP_X_FORWARDED_FOR=f"10.0.{i}.1").status_code
        for i in range(6)
    ]
    assert codes == [401] * 5 + [429]


def test_rotating_x_forwarded_for_does_not_evade_the_anonymous_api_throttle(clean_rate_limits, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "3/min"})
    api = APIClient()
    codes = [api.get("/api/researchers/", HTTP_X_FORWARDED_FOR=f"10.1.{i}.1").status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]


def test_behind_a_trusted_proxy_the_client_is_the_address_that_proxy_appended(clean_rate_limits, monkeypatch,
                                                                              settings):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/min", "user": "2/min"})
    from rest_framework.settings import api_settings

    monkeypatch.setattr(api_settings, "NUM_PROXIES", 1)
    api = APIClient()
    # The client forges the left part; the proxy appends the real address last.
    first = [api.get("/api/researchers/", HTTP_X_FORWARDED_FOR=f"10.2.{i}.1, 192.0.2.10").status_code
             for i in range(3)]
    other = api.get("/api/researchers/", HTTP_X_FORWARDED_FOR="10.2.9.1, 192.0.2.11").status_code
    assert first == [200, 200, 429]
    assert other == 200


def test_the_deployment_trusts_no_proxy_unless_configured(settings):
    assert settings.TRUSTED_PROXY_COUNT == 0
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0


# ---------------------------------------------------------------- item 15: tokens die with the password

def test_changing_the_password_deletes_the_accounts_api_tokens(client):
    user = VerifiedUserFactory()
    Token.objects.create(user=user)
    client.force_login(user)
    response = client.post("/accounts/password/change/", {
        "oldpassword": PASSWORD, "password1": "a new long passphrase 42", "password2": "a new long passphrase 42",
    })
    assert response.status_code == 302
    assert not Token.objects.filter(user=user).exists()


def test_a_password_reset_deletes_the_accounts_api_tokens(client):
    user = VerifiedUserFactory()
    old = Token.objects.create(user=user).key
    client.post("/accounts/password/reset/", {"email": user.email})
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/accounts/password/reset/key/" in line)
    path = link.strip()[link.strip().index("/accounts/"):]
    form = client.get(path, follow=True)
    response = client.post(form.redirect_chain[-1][0] if form.redirect_chain else path, {
        "password1": "a new long passphrase 42", "password2": "a new long passphrase 42",
    })
    assert response.status_code == 302
    assert not Token.objects.filter(user=user).exists()
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert bad.get("/api/invitations/").status_code == 401
