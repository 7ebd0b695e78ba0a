"""/api/schema/ is a valid OpenAPI 3.1 document; /api/docs/ is Swagger UI served from our own /static/."""

import json
import re
import threading
import urllib.request

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIRequestFactory

from config.schema import SchemaView, _forget_documents

pytestmark = pytest.mark.django_db

CONTRACT_PATHS = [
    "/api/researchers/", "/api/researchers/{slug}/", "/api/researchers/{slug}/works/",
    "/api/researchers/{slug}/trust/", "/api/researchers/{slug}/graph/", "/api/graph/path",
    "/api/papers/", "/api/papers/{arxiv_id}/", "/api/topics/", "/api/topics/{slug}/",
    "/api/researchers/{slug}/claim/", "/api/researchers/{slug}/follow/", "/api/researchers/{slug}/unfollow/",
    "/api/researchers/{slug}/profile/", "/api/invitations/", "/api/invitations/{id}/accept/",
    "/api/invitations/{id}/decline/", "/api/conversations/{id}/messages/", "/api/auth/token/",
]


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return json.loads(response.content)


def test_schema_is_valid_openapi_3_1(schema):
    assert schema["openapi"] == "3.1.0"
    # The same JSON Schema check `manage.py spectacular --validate` runs; raises on any violation.
    validate_schema(schema)


def test_schema_is_served_as_yaml_by_default(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert yaml.safe_load(response.content)["openapi"] == "3.1.0"


def test_schema_generation_has_no_warnings_or_errors(tmp_path):
    # --fail-on-warn turns every drf-spectacular guess (unknown field types, missing serializers) into a failure.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert yaml.safe_load((tmp_path / "schema.yaml").read_text())["openapi"] == "3.1.0"


def test_schema_documents_every_endpoint_of_the_contract(schema):
    assert set(CONTRACT_PATHS) <= set(schema["paths"])


def test_every_operation_documents_problem_details_for_its_errors(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for code in ("400", "401", "403", "404", "429"):
                content = operation["responses"][code]["content"]
                assert content["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}, (
                    method, path, code)
            if method != "get":
                assert "409" in operation["responses"], (method, path)
    assert set(schema["components"]["schemas"]["Problem"]["required"]) == {"type", "title", "status", "detail"}


def test_token_and_session_auth_are_declared(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"]["type"] == "apiKey" and schemes["tokenAuth"]["name"] == "Authorization"
    assert schemes["cookieAuth"]["in"] == "cookie"
    # The token endpoint itself needs no credentials.
    assert schema["paths"]["/api/auth/token/"]["post"].get("security") in ([], [{}], None)


def test_lists_are_documented_as_cursor_pages(schema):
    for path in ("/api/researchers/", "/api/papers/", "/api/researchers/{slug}/works/", "/api/topics/"):
        operation = schema["paths"][path]["get"]
        assert "cursor" in {p["name"] for p in operation["parameters"]}, path
        ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        page = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        assert {"next", "previous", "results"} <= set(page["properties"]), path


def test_researcher_list_documents_its_filters(schema):
    names = {p["name"] for p in schema["paths"]["/api/researchers/"]["get"]["parameters"]}
    assert {"search", "topic", "claimed", "level"} <= names


def _local_assets(html):
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', html)


def test_swagger_ui_loads_its_assets_from_our_static_files_not_a_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    # The page's set-up script is a file of its own (no inline script under the CSP) naming our schema.
    assert "/api/docs/?script=" in html
    assert "/api/schema/" in client.get("/api/docs/?script=").content.decode()
    assets = _local_assets(html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any(a.endswith("swagger-ui.css") for a in assets)
    # No third-party hosts at all: every src/href is ours.
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)
    for cdn in ("cdn.jsdelivr", "unpkg.com", "cdnjs", "googleapis"):
        assert cdn not in html
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset


def test_swagger_ui_assets_are_served_by_the_live_app(live_server, client):
    html = client.get("/api/docs/").content.decode()
    for asset in _local_assets(html):
        with urllib.request.urlopen(live_server.url + asset, timeout=30) as response:  # noqa: S310 (our server)
            assert response.status == 200 and len(response.read()) > 0, asset


def test_details_document_their_etag_and_304(schema):
    for path in ("/api/researchers/{slug}/", "/api/papers/{arxiv_id}/"):
        operation = schema["paths"][path]["get"]
        assert "If-None-Match" in {p["name"] for p in operation["parameters"] if p["in"] == "header"}, path
        assert "ETag" in operation["responses"]["200"]["headers"], path
        assert "304" in operation["responses"], path


def test_the_document_is_generated_once_per_process_and_served_from_memory_after():
    runs = []

    class CountingGenerator(SchemaGenerator):
        def get_schema(self, *args, **kwargs):
            runs.append(1)
            return super().get_schema(*args, **kwargs)

    _forget_documents()
    view = SchemaView.as_view(generator_class=CountingGenerator)
    factory = APIRequestFactory()
    first = view(factory.get("/api/schema/", {"format": "json"})).render()
    second = view(factory.get("/api/schema/", {"format": "json"})).render()
    yaml_answer = view(factory.get("/api/schema/")).render()
    assert len(runs) == 1
    assert first.content == second.content and json.loads(first.content)["openapi"] == "3.1.0"
    assert yaml.safe_load(yaml_answer.content) == json.loads(first.content)


@pytest.mark.django_db(transaction=True)
def test_schema_requests_beside_other_api_requests_all_succeed():
    """Threads, as under runserver or gthread workers: the first generation races API requests."""
    _forget_documents()
    statuses: list[int] = []

    def get(path):
        statuses.append(Client().get(path).status_code)

    threads = [threading.Thread(target=get, args=(path,))
               for path in ["/api/schema/", "/api/papers/", "/api/topics/", "/api/schema/", "/api/researchers/",
                            "/api/papers/?topic=none", "/api/schema/"]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses == [200] * len(threads), statuses
