"""Browsers ask every page's host for /favicon.ico; pages that are not ours name no icon."""

import pytest


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_sites_own_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")
