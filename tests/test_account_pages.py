"""/accounts/* pages use the site's own templates: one H1, sentence case (issue 18, rough edge 11)."""

import re

import pytest

from tests.factories import VerifiedUserFactory

pytestmark = pytest.mark.django_db

ANONYMOUS = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/accounts/password/reset/done/",
             "/accounts/confirm-email/", "/accounts/inactive/", "/accounts/password/reset/key/done/",
             "/accounts/password/reset/key/1-abc/", "/accounts/3rdparty/login/cancelled/",
             "/accounts/3rdparty/login/error/"]
SIGNED_IN = ["/accounts/email/", "/accounts/password/change/", "/accounts/logout/", "/accounts/reauthenticate/",
             "/accounts/3rdparty/"]


def _headings(html):
    return [re.sub(r"<[^>]+>|\s+", " ", h).strip() for h in re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)]


def _sentence_case(text):
    # After the first word, only proper names may be capitalised.
    words = text.split()[1:]
    return all(not w[:1].isupper() or w in {"BZPEER", "ORCID"} for w in words)


def _check(client, url):
    response = client.get(url)
    assert response.status_code == (401 if url.endswith("/login/error/") else 200), url
    html = response.content.decode()
    headings = _headings(html)
    assert len(headings) == 1, (url, headings)
    assert _sentence_case(headings[0]), (url, headings)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).split("·")[0].strip()
    assert _sentence_case(title), (url, title)
    assert "container site-main" in html  # the site's own layout, not allauth's


@pytest.mark.parametrize("url", ANONYMOUS)
def test_account_pages_have_one_sentence_case_heading(client, url):
    _check(client, url)


@pytest.mark.parametrize("url", SIGNED_IN)
def test_signed_in_account_pages_have_one_sentence_case_heading(client, url):
    client.force_login(VerifiedUserFactory())
    _check(client, url)
