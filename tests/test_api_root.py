"""GET /api/: the API root lists working links."""

import pytest

pytestmark = pytest.mark.django_db


def test_api_root_links_every_collection_and_each_link_answers(client):
    response = client.get("/api/")
    assert response.status_code == 200
    links = response.json()
    for name in ("researchers", "papers", "topics", "schema", "docs", "token"):
        assert links[name].startswith("http://testserver/api/"), name
    assert "http://testserver/api/researchers/{slug}/trust/" in links["researcher"]
    assert links["health"] == "http://testserver/healthz"
    for name in ("researchers", "papers", "topics", "schema"):
        assert client.get(links[name]).status_code == 200, name
