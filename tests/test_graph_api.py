"""The graph API: Cytoscape JSON of a slice, its filters and statuses, and the path endpoint."""

import pytest
from django.core.cache import cache

from graph.services import build_lock_key, graph_slice_build
from tests.factories import AuthorFactory, AuthorshipFactory, AuthorTopicFactory, PaperFactory, TopicFactory

pytestmark = pytest.mark.django_db


def write(year, *authors):
    paper = PaperFactory(year=year, authors_count=len(authors))
    for i, author in enumerate(authors):
        AuthorshipFactory(paper=paper, author=author, position=i)
    return paper


@pytest.fixture
def small(db):
    ada, bea, cy, dan = (AuthorFactory(display_name=n) for n in ["Ada Api", "Bea Api", "Cy Api", "Dan Api"])
    write(2018, ada, bea)
    write(2023, ada, bea)
    write(2023, ada, cy)
    write(2020, bea, dan)
    write(2021, cy, dan)
    topic = TopicFactory(name="graph theory")
    AuthorTopicFactory(author=ada, topic=topic, weight=0.5)
    cache.delete_many([build_lock_key(a.pk) for a in (ada, bea, cy, dan)])
    yield dict(ada=ada, bea=bea, cy=cy, dan=dan)
    cache.delete_many([build_lock_key(a.pk) for a in (ada, bea, cy, dan)])


def test_a_ready_slice_is_served_as_cytoscape_elements(client, small, django_assert_num_queries):
    graph_slice_build(author_id=small["ada"].pk)
    # 1: the slice row joined to its author, with the staleness check as a subquery.
    with django_assert_num_queries(1):
        response = client.get(f"/api/researchers/{small['ada'].slug}/graph/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["built_at"]
    assert set(body) >= {"nodes", "edges", "status", "built_at"}
    node = body["nodes"][0]["data"]
    assert {"id", "type", "label"} <= set(node)
    edge = body["edges"][0]["data"]
    assert {"source", "target", "type", "label", "weight"} <= set(edge)
    labels = {e["data"]["label"] for e in body["edges"]}
    assert "coauthored · 2 papers · 2018–2023" in labels


def test_an_unbuilt_slice_answers_building_and_queues_one_build(client, small):
    response = client.get(f"/api/researchers/{small['ada'].slug}/graph/")
    assert response.status_code == 200
    assert response.json() == {"status": "building", "built_at": None, "stale": False, "revision": 0, "error": "",
                               "nodes": [], "edges": [], "meta": {}}
    # The build lock is taken: a second request does not queue another build.
    assert cache.get(build_lock_key(small["ada"].pk)) is not None


def test_depth_one_leaves_out_second_degree_people(client, small):
    graph_slice_build(author_id=small["ada"].pk)
    deep = client.get(f"/api/researchers/{small['ada'].slug}/graph/?depth=2").json()
    shallow = client.get(f"/api/researchers/{small['ada'].slug}/graph/?depth=1").json()
    label = lambda body: {n["data"]["label"] for n in body["nodes"] if n["data"]["type"] == "person"}  # noqa: E731
    assert "Dan Api" in label(deep)
    assert label(shallow) == {"Ada Api", "Bea Api", "Cy Api"}


def test_types_keep_only_the_named_node_types_and_the_centre(client, small):
    graph_slice_build(author_id=small["ada"].pk)
    body = client.get(f"/api/researchers/{small['ada'].slug}/graph/?types=topic").json()
    types = sorted((n["data"]["type"], n["data"].get("center", False)) for n in body["nodes"])
    assert types == [("person", True), ("topic", False)]
    assert [e["data"]["type"] for e in body["edges"]] == ["works_on"]


def test_a_year_range_drops_papers_and_coauthors_outside_it(client, small):
    graph_slice_build(author_id=small["ada"].pk)
    body = client.get(f"/api/researchers/{small['ada'].slug}/graph/?from_year=2022&to_year=2024&depth=1").json()
    people = {n["data"]["label"] for n in body["nodes"] if n["data"]["type"] == "person"}
    years = {n["data"]["year"] for n in body["nodes"] if n["data"]["type"] == "paper"}
    assert people == {"Ada Api", "Bea Api", "Cy Api"}
    assert years == {2023}
    body = client.get(f"/api/researchers/{small['ada'].slug}/graph/?to_year=2019&depth=1").json()
    assert {n["data"]["label"] for n in body["nodes"] if n["data"]["type"] == "person"} == {"Ada Api", "Bea Api"}


@pytest.mark.parametrize("query", ["depth=3", "types=person,spaceship", "from_year=abc", "from_year=2024&to_year=2020"])
def test_bad_parameters_get_a_400_problem(client, small, query):
    response = client.get(f"/api/researchers/{small['ada'].slug}/graph/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")


def test_an_unknown_researcher_is_a_404(client, db):
    assert client.get("/api/researchers/nobody-at-all/graph/").status_code == 404


def test_the_path_endpoint_lists_people_hops_and_connecting_papers(client, small):
    response = client.get(f"/api/graph/path?from={small['ada'].slug}&to={small['dan'].slug}")
    assert response.status_code == 200
    body = response.json()
    assert body["found"] is True and body["hops"] == 2
    assert body["nodes"][0]["slug"] == small["ada"].slug and body["nodes"][-1]["slug"] == small["dan"].slug
    assert len(body["steps"]) == 2
    assert all(step["papers"] and step["shared_papers"] >= 1 for step in body["steps"])


def test_no_path_within_six_hops_is_a_clear_result(client, small):
    loner = AuthorFactory(display_name="Lone Wolf")
    body = client.get(f"/api/graph/path?from={small['ada'].slug}&to={loner.slug}").json()
    assert body["found"] is False and body["hops"] is None
    assert body["message"] == "No coauthor path within 6 hops."


def test_the_path_endpoint_rejects_unknown_slugs_and_missing_parameters(client, small):
    assert client.get(f"/api/graph/path?from={small['ada'].slug}&to=ghost").status_code == 404
    assert client.get(f"/api/graph/path?from={small['ada'].slug}").status_code == 400
    assert client.get(f"/api/graph/path?from={small['ada'].slug}&to={small['bea'].slug}&max_hops=9").status_code == 400


def test_the_schema_documents_both_graph_endpoints(client, db):
    schema = client.get("/api/schema/?format=json").json()
    assert "/api/researchers/{slug}/graph/" in schema["paths"]
    assert "/api/graph/path" in schema["paths"]
    graph = schema["components"]["schemas"]["GraphSlice"]
    assert {"status", "built_at", "nodes", "edges"} <= set(graph["properties"])


def test_the_explorer_page_renders_its_controls_in_one_query(client, small, django_assert_num_queries):
    # 1: the author by slug (the slice itself is fetched by the page's script from the API).
    with django_assert_num_queries(1):
        response = client.get(f"/researchers/{small['ada'].slug}/graph/")
    html = response.content.decode()
    assert response.status_code == 200
    for text in ["Ada Api</a> in context", "How am I connected to …?", "Minimum shared papers", "Search in this graph",
                 'data-api-url="/api/researchers/ada-api/graph/"', "cytoscape.min.js"]:
        assert text in html


def test_the_explorer_of_an_unknown_researcher_is_a_404(client, db):
    assert client.get("/researchers/nobody-at-all/graph/").status_code == 404
    assert client.get("/researchers/nobody-at-all/graph/panel/").status_code == 404
