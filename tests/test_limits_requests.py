"""Hostile request shapes answer 4xx, never 500: deep JSON, huge bodies, too many fields, NUL bytes."""

import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import AuthorFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def _problem_status(response):
    assert response["Content-Type"].startswith("application/problem+json"), response.content[:200]
    return response.json()["status"]


def test_deeply_nested_json_is_a_400_problem_not_a_500():
    body = "[" * 100_000 + "]" * 100_000
    response = APIClient().post("/api/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert _problem_status(response) == 400
    assert "nested" in response.json()["detail"]


def test_a_json_body_over_the_upload_limit_is_a_413_problem():
    body = json.dumps({"email": "a@example.org", "password": "x" * (3 * 1024 * 1024)})
    response = APIClient().post("/api/auth/token/", body, content_type="application/json")
    assert response.status_code == 413
    assert _problem_status(response) == 413


def test_a_form_with_more_than_twenty_thousand_fields_is_a_400_on_the_api():
    fields = "&".join(f"f{i}=1" for i in range(20_100))
    response = APIClient().post("/api/auth/token/", fields, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert _problem_status(response) == 400


def test_a_form_with_more_than_twenty_thousand_fields_is_a_400_on_a_page():
    user = VerifiedUserFactory()
    client = Client()
    client.force_login(user)
    author = AuthorFactory()
    fields = "&".join(f"paper={i}" for i in range(20_100))
    response = client.post(f"/researchers/{author.slug}/claim/", fields,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/papers/%00/", "/researchers/ab%00cd/", "/search?q=%00", "/api/papers/%00/",
                                  "/api/researchers/?search=a%00b"])
def test_nul_bytes_in_the_url_are_a_400(path):
    response = Client().get(path)
    assert response.status_code == 400
