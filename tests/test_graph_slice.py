"""Slice contents on a small corpus whose graph is known by construction."""

import datetime as dt

import pytest
from django.utils import timezone

from graph.models import GraphSlice
from graph.services import graph_slice_build
from graph.slices import MAX_AUTHORS_FOR_COAUTHOR_EDGES
from tests.factories import (
    AuthorFactory,
    AuthorshipFactory,
    AuthorTopicFactory,
    InstitutionFactory,
    PaperFactory,
    PaperTopicFactory,
    TopicFactory,
)


def paper(arxiv_id, year, *authors, weak=(), institution=None):
    """A paper written by `authors` in byline order; authors in `weak` are initials-only matches."""
    p = PaperFactory(arxiv_id=arxiv_id, year=year, authors_count=len(authors),
                     submitted=timezone.make_aware(dt.datetime(year, 6, 1)))
    for position, author in enumerate(authors):
        AuthorshipFactory(paper=p, author=author, position=position,
                          attribution="initials" if author in weak else "name",
                          institution=institution if position == 0 else None)
    return p


@pytest.fixture
def corpus(db):
    """Ada's neighbourhood.

    Ada wrote P1 (with Bea, 2019), P2 (Bea, Cy, 2020), P3 (Bea, 2024), P4 (Cy, 2020),
    P5 (Dan, 2022), P6 (Eve as an initials-only match, 2023) and P7, a 61-author collaboration.
    Away from Ada: Q1 (Bea, Xia), Q2 (Cy, Xia), Q3 (Bea, Yul), R1 (Zed, on "quantization").
    """
    ada, bea, cy, dan, eve, xia, yul, zed = (AuthorFactory(display_name=n) for n in
                                             ["Ada Lovelace", "Bea Bell", "Cy Cole", "Dan Dorn", "Eve Eck",
                                              "Xia Xu", "Yul Yap", "Zed Zorn"])
    meta = InstitutionFactory(name="Meta AI")
    works = {
        "P1": paper("2401.00001", 2019, ada, bea, institution=meta),
        "P2": paper("2401.00002", 2020, ada, bea, cy),
        "P3": paper("2401.00003", 2024, ada, bea),
        "P4": paper("2401.00004", 2020, ada, cy),
        "P5": paper("2401.00005", 2022, ada, dan),
        "P6": paper("2401.00006", 2023, ada, eve, weak=(eve,)),
    }
    crowd = [AuthorFactory(display_name=f"Crowd Member{i}") for i in range(MAX_AUTHORS_FOR_COAUTHOR_EDGES + 10)]
    works["P7"] = paper("2401.00007", 2021, ada, *crowd)
    others = {
        "Q1": paper("2402.00001", 2022, bea, xia),
        "Q2": paper("2402.00002", 2023, cy, xia),
        "Q3": paper("2402.00003", 2021, bea, yul),
        "R1": paper("2402.00004", 2024, zed),
    }
    quant = TopicFactory(name="quantization")
    binary = TopicFactory(name="binary networks")
    AuthorTopicFactory(author=ada, topic=quant, weight=0.42, papers_count=2)
    AuthorTopicFactory(author=ada, topic=binary, weight=0.3, papers_count=1)
    PaperTopicFactory(paper=works["P1"], topic=quant, weight=0.8)
    PaperTopicFactory(paper=others["R1"], topic=quant, weight=0.6)
    ada.works_count = 7
    ada.save(update_fields=["works_count"])
    return dict(ada=ada, bea=bea, cy=cy, dan=dan, eve=eve, xia=xia, yul=yul, zed=zed, crowd=crowd,
                works=works, others=others, quant=quant, meta=meta)


def build(author):
    graph_slice_build(author_id=author.pk)
    return GraphSlice.objects.get(author=author).elements


def nodes_of(elements, type_=None):
    return {n["data"]["id"]: n["data"] for n in elements["nodes"] if type_ is None or n["data"]["type"] == type_}


def edge(elements, source, target, type_):
    found = [e["data"] for e in elements["edges"]
             if e["data"]["type"] == type_ and {e["data"]["source"], e["data"]["target"]} == {source, target}]
    assert len(found) == 1, (source, target, type_, found)
    return found[0]


def pid(obj):
    return f"a{obj.pk}" if hasattr(obj, "display_name") else f"p{obj.pk}"


def test_coauthors_are_counted_exactly_and_ranked_by_shared_papers(corpus):
    elements = build(corpus["ada"])
    assert elements["meta"]["coauthors_total"] == 4
    assert elements["meta"]["close_collaborators_total"] == 2
    people = nodes_of(elements, "person")
    first = sorted((p for p in people.values() if p["degree"] == 1), key=lambda p: -p["shared_papers"])
    assert [p["label"] for p in first] == ["Bea Bell", "Cy Cole", "Eve Eck", "Dan Dorn"]
    assert [p["shared_papers"] for p in first] == [3, 2, 1, 1]


def test_close_collaborators_are_marked_and_others_are_not(corpus):
    people = nodes_of(build(corpus["ada"]), "person")
    close = {p["label"] for p in people.values() if p.get("close")}
    assert close == {"Bea Bell", "Cy Cole"}


def test_collaboration_papers_add_no_coauthors(corpus):
    people = nodes_of(build(corpus["ada"]), "person")
    assert not any(p["label"].startswith("Crowd Member") for p in people.values())


def test_coauthor_edge_labels_name_papers_and_years(corpus):
    elements = build(corpus["ada"])
    ada, bea, cy, dan = (pid(corpus[k]) for k in ("ada", "bea", "cy", "dan"))
    assert edge(elements, ada, bea, "coauthored")["label"] == "coauthored · 3 papers · 2019–2024"
    assert edge(elements, ada, cy, "coauthored")["label"] == "coauthored · 2 papers · 2020"
    assert edge(elements, ada, dan, "coauthored")["label"] == "coauthored · 1 paper · 2022"
    # Coauthorships among the first degree are part of the slice too.
    assert edge(elements, bea, cy, "coauthored")["label"] == "coauthored · 1 paper · 2020"


def test_second_degree_needs_two_first_degree_links(corpus):
    people = nodes_of(build(corpus["ada"]), "person")
    second = {p["label"]: p for p in people.values() if p["degree"] == 2}
    assert set(second) == {"Xia Xu"}
    assert second["Xia Xu"]["linked_coauthors"] == 2


def test_topics_carry_weights_in_works_on_labels(corpus):
    elements = build(corpus["ada"])
    topics = nodes_of(elements, "topic")
    assert {t["label"] for t in topics.values()} == {"quantization", "binary networks"}
    label = edge(elements, pid(corpus["ada"]), f"t{corpus['quant'].pk}", "works_on")["label"]
    assert label == "works on · weight 0.42"


def test_nearby_papers_exclude_own_papers_and_say_why(corpus):
    elements = build(corpus["ada"])
    papers = nodes_of(elements, "paper")
    own = {p["arxiv_id"] for p in papers.values() if p["own"]}
    nearby = {p["arxiv_id"] for p in papers.values() if p["nearby"]}
    assert own == {f"2401.0000{i}" for i in range(1, 8)}
    assert nearby == {"2402.00001", "2402.00002", "2402.00003", "2402.00004"}
    r1 = pid(corpus["others"]["R1"])
    assert edge(elements, f"t{corpus['quant'].pk}", r1, "nearby")["label"] == 'nearby · shared topic "quantization"'
    q1 = pid(corpus["others"]["Q1"])
    assert edge(elements, pid(corpus["ada"]), q1, "nearby")["label"] == "nearby · by collaborator Bea Bell"
    assert edge(elements, pid(corpus["bea"]), q1, "wrote")["label"] == "wrote"


def test_works_have_wrote_edges_from_the_author(corpus):
    elements = build(corpus["ada"])
    assert edge(elements, pid(corpus["ada"]), pid(corpus["works"]["P3"]), "wrote")["label"] == "wrote"
    assert edge(elements, pid(corpus["bea"]), pid(corpus["works"]["P3"]), "wrote")["label"] == "wrote"


def test_institutions_are_linked_with_their_source_paper(corpus):
    elements = build(corpus["ada"])
    institutions = nodes_of(elements, "institution")
    assert [i["label"] for i in institutions.values()] == ["Meta AI"]
    label = edge(elements, pid(corpus["ada"]), f"i{corpus['meta'].pk}", "affiliated")["label"]
    assert label == "affiliated · from arXiv 2401.00001"


def test_unclaimed_and_low_confidence_people_are_flagged_for_the_renderer(corpus):
    bea = corpus["bea"]
    bea.claim_state = "claimed"
    bea.save(update_fields=["claim_state"])
    people = nodes_of(build(corpus["ada"]), "person")
    assert people[pid(bea)]["claimed"] is True
    assert people[pid(corpus["cy"])]["claimed"] is False
    assert people[pid(corpus["eve"])]["low_confidence"] is True
    assert people[pid(corpus["dan"])]["low_confidence"] is False


def test_node_metrics_come_from_networkx_on_the_slice(corpus):
    elements = build(corpus["ada"])
    people = nodes_of(elements, "person")
    ada = people[pid(corpus["ada"])]
    assert ada["center"] is True
    # Ada sits between almost everything in her own slice.
    assert ada["betweenness"] == max(n["betweenness"] for n in nodes_of(elements).values())
    assert ada["weighted_degree"] > people[pid(corpus["bea"])]["weighted_degree"] > 0
    assert all(isinstance(n["community"], int) for n in nodes_of(elements).values())


def test_rebuilding_the_same_data_gives_the_same_slice(corpus):
    first = build(corpus["ada"])
    second = build(corpus["ada"])
    assert first == second
    assert GraphSlice.objects.get(author=corpus["ada"]).revision == 2


def test_every_edge_has_type_label_and_weight(corpus):
    elements = build(corpus["ada"])
    ids = set(nodes_of(elements))
    for e in elements["edges"]:
        data = e["data"]
        assert data["type"] in {"coauthored", "works_on", "affiliated", "wrote", "nearby", "about"}
        assert data["label"] and isinstance(data["weight"], float | int)
        assert data["source"] in ids and data["target"] in ids
