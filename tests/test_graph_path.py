"""Shortest coauthor paths from the SQL bidirectional BFS, checked against networkx."""

import itertools
import random

import networkx as nx
import pytest
from django.utils.text import slugify

from graph.paths import MAX_HOPS, shortest_coauthor_path
from graph.slices import MAX_AUTHORS_FOR_COAUTHOR_EDGES
from papers.models import Authorship, Paper
from researchers.models import Author

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(db):
    """400 authors on a ring of loose groups, 700 small papers with local coauthors (so some
    pairs are far apart and some unreachable), plus one 80-author collaboration paper that
    must not shortcut anything."""
    rng = random.Random(7)
    n_authors = 400
    authors = Author.objects.bulk_create(
        Author(display_name=f"Gen Author{i}", name_key=f"author{i}|gen", initials_key=f"author{i}|g",
               slug=slugify(f"gen-author-{i}"))
        for i in range(n_authors)
    )
    ids = [a.pk for a in authors]
    papers, bylines = [], []
    for n in range(700):
        # Authors 350..399 form a separate island; the rest a ring where coauthors sit close.
        if n % 14 == 0:
            members = rng.sample(ids[350:], rng.randint(2, 3))
        else:
            start = rng.randrange(350)
            members = sorted({ids[(start + rng.randint(0, 6)) % 350] for _ in range(rng.randint(2, 4))})
            if len(members) < 2:
                members.append(ids[(start + 7) % 350])
        papers.append(Paper(arxiv_id=f"2501.{n:05d}", title=f"Generated {n}", year=2000 + n % 25,
                            authors_count=len(members)))
        bylines.append(members)
    crowd = ids[0:350:4][:MAX_AUTHORS_FOR_COAUTHOR_EDGES + 30]
    papers.append(Paper(arxiv_id="2501.99999", title="A very large collaboration", year=2024,
                        authors_count=len(crowd)))
    bylines.append(crowd)
    papers = Paper.objects.bulk_create(papers)
    Authorship.objects.bulk_create(
        Authorship(paper=p, author_id=a, position=i, raw_name=f"A{a}")
        for p, members in zip(papers, bylines) for i, a in enumerate(members)
    )
    graph = nx.Graph()
    graph.add_nodes_from(ids)
    for p, members in zip(papers, bylines):
        if p.authors_count <= MAX_AUTHORS_FOR_COAUTHOR_EDGES:
            graph.add_edges_from(itertools.combinations(members, 2))
    return graph, ids, rng


def shares_a_small_paper(a, b):
    return Authorship.objects.filter(
        author_id=a, paper__authors_count__lte=MAX_AUTHORS_FOR_COAUTHOR_EDGES,
        paper__authorships__author_id=b,
    ).exists()


def test_path_lengths_match_networkx_and_every_hop_is_a_real_coauthorship(corpus):
    graph, ids, rng = corpus
    pairs = [tuple(rng.sample(ids, 2)) for _ in range(40)]
    found = unreachable = too_far = 0
    for a, b in pairs:
        result = shortest_coauthor_path(a, b)
        try:
            expected = nx.shortest_path_length(graph, a, b)
        except nx.NetworkXNoPath:
            expected = None
        if expected is None or expected > MAX_HOPS:
            assert not result.found, (a, b, expected, result)
            unreachable += expected is None
            too_far += expected is not None
            continue
        found += 1
        assert result.found and result.hops == expected, (a, b, expected, result)
        path = result.author_ids
        assert path[0] == a and path[-1] == b and len(path) == expected + 1 and len(set(path)) == len(path)
        for u, v in zip(path, path[1:]):
            assert graph.has_edge(u, v)
            assert shares_a_small_paper(u, v)
    # The generated corpus exercises all three outcomes.
    assert found and unreachable, (found, unreachable, too_far)


def test_the_hop_limit_is_respected(corpus):
    graph, ids, rng = corpus
    lengths = dict(nx.single_source_shortest_path_length(graph, ids[0]))
    far = next(n for n, d in sorted(lengths.items(), key=lambda kv: -kv[1]) if d >= 3)
    d = lengths[far]
    assert shortest_coauthor_path(ids[0], far, max_hops=d).hops == d
    assert not shortest_coauthor_path(ids[0], far, max_hops=d - 1).found


def test_a_researcher_is_zero_hops_from_themselves(corpus):
    _, ids, _ = corpus
    result = shortest_coauthor_path(ids[5], ids[5])
    assert result.found and result.hops == 0 and result.author_ids == [ids[5]]
