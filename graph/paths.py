"""Shortest coauthor path between two authors: bidirectional BFS over the authorship tables.

Each BFS level is one set-based query that expands a whole frontier at once; the smaller
frontier is expanded first, so a hub on one side does not drag the other side's cost up.
Coauthorship means sharing a paper with at most MAX_AUTHORS_FOR_COAUTHOR_EDGES authors, the
same rule as the slices: a 3,000-author collaboration paper would otherwise make everyone in
high-energy physics one hop from everyone else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.urls import reverse

from .slices import MAX_AUTHORS_FOR_COAUTHOR_EDGES

MAX_HOPS = 6
PAPERS_PER_HOP = 5

# Every coauthor of every frontier author, with one parent each (the smallest id, for determinism).
# GROUP BY rather than DISTINCT ON: a hash aggregate, no sort of the whole level.
EXPAND_SQL = """
SELECT b.author_id, min(a.author_id) AS parent
FROM papers_authorship a
JOIN papers_paper p ON p.id = a.paper_id
JOIN papers_authorship b ON b.paper_id = a.paper_id AND b.author_id <> a.author_id
WHERE a.author_id = ANY(%(frontier)s::bigint[]) AND p.authors_count <= %(cap)s
GROUP BY b.author_id
"""

# Up to PAPERS_PER_HOP connecting papers per consecutive pair, newest first, with the pair's total.
HOP_PAPERS_SQL = """
SELECT x.hop, q.arxiv_id, q.title, q.year, q.total
FROM unnest(%(us)s::bigint[], %(vs)s::bigint[]) WITH ORDINALITY AS x(u, v, hop)
CROSS JOIN LATERAL (
    SELECT p.arxiv_id, p.title, p.year, count(*) OVER () AS total
    FROM papers_authorship a
    JOIN papers_authorship b ON b.paper_id = a.paper_id AND b.author_id = x.v
    JOIN papers_paper p ON p.id = a.paper_id
    WHERE a.author_id = x.u AND p.authors_count <= %(cap)s
    ORDER BY p.submitted DESC NULLS LAST, p.id DESC
    LIMIT %(per_hop)s
) q
ORDER BY x.hop
"""

AUTHORS_SQL = """
SELECT id, slug, display_name, claim_state, verification_level FROM researchers_author WHERE id = ANY(%(ids)s::bigint[])
"""


@dataclass
class PathResult:
    found: bool
    hops: int | None
    author_ids: list


def shortest_coauthor_path(source_id: int, target_id: int, *, max_hops: int = MAX_HOPS) -> PathResult:
    """The author ids of one shortest coauthor path of at most `max_hops` edges, if any."""
    if source_id == target_id:
        return PathResult(found=True, hops=0, author_ids=[source_id])
    parents = ({source_id: None}, {target_id: None})
    depths = ({source_id: 0}, {target_id: 0})
    frontiers = ([source_id], [target_id])
    level = [0, 0]
    with connection.cursor() as cur:
        while frontiers[0] and frontiers[1] and level[0] + level[1] < max_hops:
            side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
            other = 1 - side
            cur.execute(EXPAND_SQL, {"frontier": frontiers[side], "cap": MAX_AUTHORS_FOR_COAUTHOR_EDGES})
            level[side] += 1
            new = []
            seen, depth = parents[side], depths[side]
            for node, parent in cur.fetchall():
                if node not in seen:
                    seen[node] = parent
                    depth[node] = level[side]
                    new.append(node)
            meets = [n for n in new if n in parents[other]]
            if meets:
                # All new nodes are at the same depth on this side; the other side's depth decides.
                meet = min(meets, key=lambda n: (depths[other][n], n))
                return PathResult(found=True, hops=level[side] + depths[other][meet],
                                  author_ids=_join(parents, meet))
            frontiers = (new, frontiers[1]) if side == 0 else (frontiers[0], new)
    return PathResult(found=False, hops=None, author_ids=[])


def _join(parents, meet):
    forward, node = [], meet
    while node is not None:
        forward.append(node)
        node = parents[0][node]
    forward.reverse()
    node = parents[1][meet]
    while node is not None:
        forward.append(node)
        node = parents[1][node]
    return forward


def describe_path(source_slug: str, target_slug: str, result: PathResult, *, max_hops: int = MAX_HOPS) -> dict:
    """The API/explorer shape of a path: its people, and the connecting papers of each hop."""
    base = {"from": source_slug, "to": target_slug, "max_hops": max_hops, "found": result.found,
            "hops": result.hops, "nodes": [], "steps": []}
    if not result.found:
        base["message"] = f"No coauthor path within {max_hops} hops."
        return base
    with connection.cursor() as cur:
        cur.execute(AUTHORS_SQL, {"ids": result.author_ids})
        people = {row[0]: row for row in cur.fetchall()}
        papers_by_hop: dict[int, list] = {}
        total_by_hop: dict[int, int] = {}
        if len(result.author_ids) > 1:
            cur.execute(HOP_PAPERS_SQL, {"us": result.author_ids[:-1], "vs": result.author_ids[1:],
                                         "cap": MAX_AUTHORS_FOR_COAUTHOR_EDGES, "per_hop": PAPERS_PER_HOP})
            for hop, arxiv_id, title, year, total in cur.fetchall():
                papers_by_hop.setdefault(hop, []).append({
                    "arxiv_id": arxiv_id, "title": title, "year": year,
                    "url": reverse("papers:detail", kwargs={"arxiv_id": arxiv_id}),
                })
                total_by_hop[hop] = total
    for pk in result.author_ids:
        _, slug, name, claim_state, level = people[pk]
        base["nodes"].append({"id": f"a{pk}", "slug": slug, "label": name, "claim_state": claim_state,
                              "verification_level": level,
                              "url": reverse("researchers:profile", kwargs={"slug": slug})})
    for i in range(len(result.author_ids) - 1):
        hop = i + 1
        base["steps"].append({
            "hop": hop, "source": base["nodes"][i]["id"], "target": base["nodes"][i + 1]["id"],
            "shared_papers": total_by_hop.get(hop, 0), "papers": papers_by_hop.get(hop, []),
        })
    base["message"] = (
        "Same researcher." if result.hops == 0 else f"Connected in {result.hops} hop{'s' if result.hops != 1 else ''}."
    )
    return base
