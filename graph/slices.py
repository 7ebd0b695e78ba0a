"""Build the graph slice of one author: set-based SQL for the neighbourhood, networkx on the slice only.

Every query below is bounded by the author's own works and the top coauthors, never by the
corpus: the slice of a hub author costs the same handful of queries as anybody else's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import networkx as nx
from django.db import connection
from django.urls import reverse

from papers.models import COLLABORATION_AUTHOR_LIMIT

TOP_COAUTHORS = 30
TOP_SECOND_DEGREE = 30
TOP_WORKS = 25
NEARBY_PAPERS = 15
# At most this many of the nearby papers come from collaborators; topic papers fill the rest.
NEARBY_FROM_COLLABORATORS = 10
# Candidates per shown coauthor for the collaborator-nearby papers.
NEARBY_PER_COLLABORATOR = 10
TOP_TOPICS = 8
INSTITUTIONS_PER_PERSON = 2
CLOSE_COLLABORATOR_MIN_PAPERS = 2
# Papers with more authors than this (ATLAS, CMS, LIGO... with hundreds or thousands of names)
# contribute no pairwise coauthor edges: one such paper would add thousands of "coauthors" who
# never worked together in any meaningful sense, swamp the top 30, and blow up both the slice
# query (n² pairs) and the path search. They still count as the author's works.
MAX_AUTHORS_FOR_COAUTHOR_EDGES = COLLABORATION_AUTHOR_LIMIT
LOUVAIN_SEED = 42
# Weak byline attributions: a coauthor linked only through these is drawn as low-confidence.
WEAK_ATTRIBUTIONS = ["initials", "pending"]


def person_id(pk):
    return f"a{pk}"


def paper_id(pk):
    return f"p{pk}"


def topic_id(pk):
    return f"t{pk}"


def institution_id(pk):
    return f"i{pk}"


def years_text(first, last):
    if first is None and last is None:
        return ""
    if first is None or last is None or first == last:
        return str(first if first is not None else last)
    return f"{first}–{last}"


def coauthored_label(papers, first, last):
    parts = ["coauthored", f"{papers} paper" if papers == 1 else f"{papers} papers"]
    span = years_text(first, last)
    if span:
        parts.append(span)
    return " · ".join(parts)


def weight_text(weight):
    return f"{weight:.2f}"


@dataclass
class SliceResult:
    elements: dict
    watermark: object
    watched_author_ids: list = field(default_factory=list)


def _rows(cursor):
    cols = [c.name for c in cursor.description]
    return [dict(zip(cols, row)) for row in cursor.fetchall()]


# The author's record, totals and watermark inputs in one round trip.
CENTER_SQL = """
SELECT au.id, au.display_name, au.slug, au.claim_state, au.verification_level, au.is_collaboration,
       au.works_count, au.affiliation, au.data_changed_at, au.uncertain_works_count
FROM researchers_author au WHERE au.id = %(aid)s
"""

# Coauthors ranked by shared papers, with first/last shared year, in one query. The window
# totals give exact counts over all coauthors while only the top rows travel; the watched ids
# and the watermark cover every direct coauthor, not just the ones shown.
COAUTHORS_SQL = """
WITH mine AS (
    SELECT a.paper_id, p.year
    FROM papers_authorship a
    CROSS JOIN LATERAL (SELECT p.year FROM papers_paper p
                        WHERE p.id = a.paper_id AND p.authors_count <= %(cap)s OFFSET 0) p
    WHERE a.author_id = %(aid)s
),
ranked AS (
    SELECT b.author_id,
           count(DISTINCT b.paper_id) AS shared,
           min(m.year) AS first_year,
           max(m.year) AS last_year,
           bool_and(b.attribution = ANY(%(weak)s::text[])) AS weak_only
    FROM mine m
    JOIN papers_authorship b ON b.paper_id = m.paper_id AND b.author_id <> %(aid)s
    GROUP BY b.author_id
),
totals AS (
    SELECT count(*) AS total,
           count(*) FILTER (WHERE shared >= %(close)s) AS close_total,
           coalesce(array_agg(author_id), '{}') AS all_ids
    FROM ranked
)
SELECT r.author_id, r.shared, r.first_year, r.last_year, r.weak_only,
       au.display_name, au.slug, au.claim_state, au.verification_level, au.is_collaboration, au.works_count,
       au.uncertain_works_count, t.total, t.close_total, t.all_ids
FROM totals t
LEFT JOIN LATERAL (
    SELECT * FROM ranked ORDER BY shared DESC, last_year DESC NULLS LAST, author_id LIMIT %(top)s
) r ON TRUE
LEFT JOIN researchers_author au ON au.id = r.author_id
ORDER BY r.shared DESC, r.last_year DESC NULLS LAST, r.author_id
"""

# Max data_changed_at over the author and all direct coauthors: the build's watermark.
WATERMARK_SQL = """
SELECT max(data_changed_at) FROM researchers_author WHERE id = ANY(%(ids)s::bigint[])
"""

# Second degree and the edges among first-degree coauthors, from the shown coauthors' papers.
# Candidates are people linked to >= 2 shown coauthors (the rule), ranked by how many
# they link to, then by total shared papers.
SECOND_DEGREE_SQL = """
WITH fp AS (
    SELECT DISTINCT a.author_id AS f, a.paper_id, p.year
    FROM papers_authorship a
    CROSS JOIN LATERAL (SELECT p.year FROM papers_paper p
                        WHERE p.id = a.paper_id AND p.authors_count <= %(cap)s OFFSET 0) p
    WHERE a.author_id = ANY(%(first)s::bigint[])
),
-- One row per (paper, person): a person twice on one byline must not count a paper twice.
-- Plain GROUP BY everywhere (hash aggregates) instead of count(DISTINCT), which would sort
-- every pair row of prolific coauthors.
bylines AS (
    SELECT b.paper_id, b.author_id, bool_and(b.attribution = ANY(%(weak)s::text[])) AS weak
    FROM papers_authorship b
    WHERE b.paper_id IN (SELECT paper_id FROM fp) AND b.author_id <> %(aid)s
    GROUP BY b.paper_id, b.author_id
),
pairs AS (
    SELECT fp.f, b.author_id AS x, count(*) AS shared,
           min(fp.year) AS first_year, max(fp.year) AS last_year, bool_and(b.weak) AS weak_only
    FROM fp JOIN bylines b ON b.paper_id = fp.paper_id AND b.author_id <> fp.f
    GROUP BY fp.f, b.author_id
),
second AS (
    SELECT x, count(*) AS links, sum(shared) AS total
    FROM pairs WHERE NOT (x = ANY(%(first)s::bigint[]))
    GROUP BY x HAVING count(*) >= 2
    ORDER BY count(*) DESC, sum(shared) DESC, x
    LIMIT %(top)s
)
SELECT pairs.f, pairs.x, pairs.shared, pairs.first_year, pairs.last_year, pairs.weak_only, s.links
FROM pairs
LEFT JOIN second s ON s.x = pairs.x
WHERE s.x IS NOT NULL OR (pairs.x = ANY(%(first)s::bigint[]) AND pairs.f < pairs.x)
"""

# The records of the chosen second-degree people: a primary-key lookup of at most 30 ids.
PEOPLE_SQL = """
SELECT id, display_name, slug, claim_state, verification_level, is_collaboration, works_count, uncertain_works_count
FROM researchers_author WHERE id = ANY(%(ids)s::bigint[])
"""

# The author's works (most recent first) and, for those works, which shown people wrote them.
WORKS_SQL = """
WITH works AS (
    SELECT p.id, p.arxiv_id, p.title, p.year, p.submitted, p.authors_count
    FROM papers_authorship a JOIN papers_paper p ON p.id = a.paper_id
    WHERE a.author_id = %(aid)s
    ORDER BY p.submitted DESC NULLS LAST, p.id DESC
    LIMIT %(top)s
)
SELECT w.id, w.arxiv_id, w.title, w.year, w.authors_count,
       coalesce(array_agg(DISTINCT b.author_id) FILTER (WHERE b.author_id IS NOT NULL), '{}') AS people
FROM works w
LEFT JOIN papers_authorship b ON b.paper_id = w.id AND b.author_id = ANY(%(people)s::bigint[])
GROUP BY w.id, w.arxiv_id, w.title, w.year, w.submitted, w.authors_count
ORDER BY w.submitted DESC NULLS LAST, w.id DESC
"""

TOPICS_SQL = """
SELECT t.id, t.name, t.slug, t.kind, at.weight, at.papers_count
FROM papers_authortopic at JOIN papers_topic t ON t.id = at.topic_id
WHERE at.author_id = %(aid)s
ORDER BY at.weight DESC, at.papers_count DESC, t.id
LIMIT %(top)s
"""

# Which shown papers sit on which shown topics ("about" edges).
PAPER_TOPICS_SQL = """
SELECT pt.paper_id, pt.topic_id, pt.weight
FROM papers_papertopic pt
WHERE pt.paper_id = ANY(%(papers)s::bigint[]) AND pt.topic_id = ANY(%(topics)s::bigint[])
"""

# Recent papers by the shown coauthors that the author did not write, those shared by most of
# them first. Each coauthor contributes its latest few (walking its (author, paper) index
# backwards: ids follow import order), so prolific coauthors cost the same as anyone else.
NEARBY_COLLAB_SQL = """
SELECT p.id, p.arxiv_id, p.title, p.year, array_agg(DISTINCT c.f) AS people
FROM unnest(%(first)s::bigint[]) AS f0(f)
CROSS JOIN LATERAL (
    SELECT a.paper_id, f0.f FROM papers_authorship a
    WHERE a.author_id = f0.f
      AND NOT EXISTS (SELECT 1 FROM papers_authorship own WHERE own.paper_id = a.paper_id AND own.author_id = %(aid)s)
    ORDER BY a.paper_id DESC
    LIMIT %(per_person)s
) c
JOIN papers_paper p ON p.id = c.paper_id AND p.authors_count <= %(cap)s
GROUP BY p.id, p.arxiv_id, p.title, p.year, p.submitted
ORDER BY count(DISTINCT c.f) DESC, p.submitted DESC NULLS LAST, p.id DESC
LIMIT %(top)s
"""

# Recent papers on the author's top topics that the author did not write. Each topic walks its
# (topic, paper) index backwards with a small LATERAL limit, so a category with 100k papers
# costs the same as a niche phrase.
NEARBY_TOPIC_SQL = """
SELECT DISTINCT ON (p.id) p.id, p.arxiv_id, p.title, p.year, t.topic_id, t.weight
FROM unnest(%(topics)s::bigint[]) WITH ORDINALITY AS t0(topic_id, rank)
CROSS JOIN LATERAL (
    SELECT pt.paper_id, pt.topic_id, pt.weight, t0.rank
    FROM papers_papertopic pt
    WHERE pt.topic_id = t0.topic_id
      AND NOT EXISTS (SELECT 1 FROM papers_authorship own WHERE own.paper_id = pt.paper_id AND own.author_id = %(aid)s)
    ORDER BY pt.paper_id DESC
    LIMIT %(per_topic)s
) t
JOIN papers_paper p ON p.id = t.paper_id
ORDER BY p.id, t.rank
"""

# Affiliations of the shown people, latest first per (person, institution), capped per person.
INSTITUTIONS_SQL = """
WITH per_pair AS (
    SELECT DISTINCT ON (a.author_id, a.institution_id)
           a.author_id, a.institution_id, p.arxiv_id, p.year, p.submitted
    FROM papers_authorship a
    CROSS JOIN LATERAL (SELECT p.arxiv_id, p.year, p.submitted, p.id FROM papers_paper p
                        WHERE p.id = a.paper_id OFFSET 0) p
    WHERE a.author_id = ANY(%(people)s::bigint[]) AND a.institution_id IS NOT NULL
    ORDER BY a.author_id, a.institution_id, p.submitted DESC NULLS LAST, p.id DESC
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY author_id ORDER BY submitted DESC NULLS LAST) AS rn FROM per_pair
)
SELECT r.author_id, r.institution_id, r.arxiv_id, r.year, i.name, i.slug
FROM ranked r JOIN papers_institution i ON i.id = r.institution_id
WHERE r.rn <= %(per_person)s
"""


def _model_unsure(row):
    """The disambiguation model doubts some of this unclaimed record's works (researchers.confidence)."""
    from researchers.confidence import record_is_low_confidence

    return record_is_low_confidence(claim_state=row["claim_state"],
                                    uncertain_works_count=row.get("uncertain_works_count") or 0)


def _person_node(row, *, pk, degree, center=False):
    claim_state = row["claim_state"]
    return {
        "id": person_id(pk),
        "type": "person",
        "label": row["display_name"],
        "slug": row["slug"],
        "url": reverse("researchers:profile", kwargs={"slug": row["slug"]}),
        "degree": degree,
        "center": center,
        "claimed": claim_state == "claimed",
        "claim_state": claim_state,
        "verification_level": row["verification_level"],
        "is_collaboration": row["is_collaboration"],
        "works_count": row["works_count"],
        "uncertain_works_count": row.get("uncertain_works_count") or 0,
        # Unclaimed records linked only by weak byline matches, and disputed records, are
        # drawn dashed: the edge may belong to a namesake.
        "low_confidence": claim_state == "disputed" or bool(row.get("weak_only")) or _model_unsure(row),
    }


def _paper_node(row, *, own):
    return {
        "id": paper_id(row["id"]),
        "type": "paper",
        "label": row["title"],
        "arxiv_id": row["arxiv_id"],
        "year": row["year"],
        "url": reverse("papers:detail", kwargs={"arxiv_id": row["arxiv_id"]}),
        "own": own,
        "nearby": not own,
    }


def _edge(source, target, type_, label, weight=1.0, **extra):
    return {"id": f"{type_}:{source}-{target}", "source": source, "target": target, "type": type_,
            "label": label, "weight": weight, **extra}


def build_slice(author_id: int) -> SliceResult | None:
    """Read the neighbourhood of `author_id` and return its Cytoscape elements (None if no such author)."""
    params = {"aid": author_id, "cap": MAX_AUTHORS_FOR_COAUTHOR_EDGES, "weak": WEAK_ATTRIBUTIONS,
              "close": CLOSE_COLLABORATOR_MIN_PAPERS}
    nodes: dict[str, dict] = {}
    edges: dict[str, dict] = {}

    with connection.cursor() as cur:
        cur.execute(CENTER_SQL, params)
        center_rows = _rows(cur)
        if not center_rows:
            return None
        center = center_rows[0]
        me = person_id(author_id)
        nodes[me] = _person_node(center, pk=author_id, degree=0, center=True)
        nodes[me]["low_confidence"] = center["claim_state"] == "disputed" or _model_unsure(center)

        # 1. First-degree coauthors.
        cur.execute(COAUTHORS_SQL, {**params, "top": TOP_COAUTHORS})
        rows = _rows(cur)
        totals = rows[0] if rows else {"total": 0, "close_total": 0, "all_ids": []}
        first_ids = []
        for row in rows:
            if row["author_id"] is None:
                continue
            pk = row["author_id"]
            first_ids.append(pk)
            node = _person_node(row, pk=pk, degree=1)
            node.update(shared_papers=row["shared"], first_year=row["first_year"], last_year=row["last_year"],
                        close=row["shared"] >= CLOSE_COLLABORATOR_MIN_PAPERS)
            nodes[node["id"]] = node
            e = _edge(me, node["id"], "coauthored",
                              coauthored_label(row["shared"], row["first_year"], row["last_year"]),
                              weight=float(row["shared"]), papers=row["shared"], first_year=row["first_year"],
                              last_year=row["last_year"], close=node["close"])
            edges[e["id"]] = e
        watched = [author_id, *(totals["all_ids"] or [])]
        cur.execute(WATERMARK_SQL, {"ids": watched})
        watermark = cur.fetchone()[0]

        # 2. Second degree, and coauthorships among the first degree.
        second_total = 0
        if first_ids:
            cur.execute(SECOND_DEGREE_SQL, {**params, "first": first_ids, "top": TOP_SECOND_DEGREE})
            pair_rows = _rows(cur)
            second_ids = sorted({r["x"] for r in pair_rows if r["links"] is not None})
            records = {}
            if second_ids:
                cur.execute(PEOPLE_SQL, {"ids": second_ids})
                records = {r["id"]: r for r in _rows(cur)}
            for row in pair_rows:
                f, x = person_id(row["f"]), person_id(row["x"])
                if row["links"] is not None:
                    if x not in nodes:
                        node = _person_node({**records[row["x"]], "weak_only": row["weak_only"]}, pk=row["x"], degree=2)
                        node.update(linked_coauthors=row["links"])
                        nodes[x] = node
                        second_total += 1
                    elif not row["weak_only"] and nodes[x]["claim_state"] != "disputed" and not _model_unsure(nodes[x]):
                        # Low-confidence only while every link into the slice is a weak match.
                        nodes[x]["low_confidence"] = False
                e = _edge(f, x, "coauthored", coauthored_label(row["shared"], row["first_year"], row["last_year"]),
                          weight=float(row["shared"]), papers=row["shared"], first_year=row["first_year"],
                          last_year=row["last_year"], close=row["shared"] >= CLOSE_COLLABORATOR_MIN_PAPERS)
                edges[e["id"]] = e

        people_pks = [author_id, *first_ids]

        # 3. Works, and who among the shown people wrote them.
        cur.execute(WORKS_SQL, {"aid": author_id, "top": TOP_WORKS, "people": people_pks})
        work_ids = []
        for row in _rows(cur):
            node = _paper_node(row, own=True)
            node["authors_count"] = row["authors_count"]
            nodes[node["id"]] = node
            work_ids.append(row["id"])
            for person in row["people"]:
                e = _edge(person_id(person), node["id"], "wrote", "wrote")
                edges[e["id"]] = e

        # 4. Topics.
        cur.execute(TOPICS_SQL, {"aid": author_id, "top": TOP_TOPICS})
        topic_rows = _rows(cur)
        topic_names = {}
        for row in topic_rows:
            tid = topic_id(row["id"])
            topic_names[row["id"]] = row["name"]
            nodes[tid] = {
                "id": tid, "type": "topic", "label": row["name"], "slug": row["slug"], "kind": row["kind"],
                "url": reverse("papers:topic", kwargs={"slug": row["slug"]}), "weight": row["weight"],
                "papers_count": row["papers_count"],
            }
            e = _edge(me, tid, "works_on", f"works on · weight {weight_text(row['weight'])}", weight=row["weight"])
            edges[e["id"]] = e

        # 5. Nearby papers: collaborators' papers first, then recent papers on the top topics.
        nearby = []
        if first_ids:
            cur.execute(NEARBY_COLLAB_SQL, {**params, "first": first_ids, "top": NEARBY_PAPERS,
                                            "per_person": NEARBY_PER_COLLABORATOR})
            for row in _rows(cur)[:NEARBY_FROM_COLLABORATORS]:
                nearby.append(("collab", row))
        if topic_rows:
            cur.execute(NEARBY_TOPIC_SQL, {"aid": author_id, "topics": [r["id"] for r in topic_rows],
                                           "per_topic": NEARBY_PAPERS})
            topic_rank = {r["id"]: i for i, r in enumerate(topic_rows)}
            seen = {row["id"] for _, row in nearby}
            topic_candidates = sorted(
                (r for r in _rows(cur) if r["id"] not in seen),
                key=lambda r: (topic_rank[r["topic_id"]], -r["id"]),
            )
            nearby.extend(("topic", r) for r in topic_candidates)
        for source, row in nearby[:NEARBY_PAPERS]:
            node = _paper_node(row, own=False)
            nodes[node["id"]] = node
            if source == "collab":
                names = [nodes[person_id(pk)]["label"] for pk in row["people"] if person_id(pk) in nodes]
                node["reason"] = "collaborators"
                e = _edge(me, node["id"], "nearby", f"nearby · by collaborator {names[0]}"
                          + (f" and {len(names) - 1} more" if len(names) > 1 else ""))
                edges[e["id"]] = e
                for pk in row["people"]:
                    e = _edge(person_id(pk), node["id"], "wrote", "wrote")
                    edges[e["id"]] = e
            else:
                tname = topic_names[row["topic_id"]]
                node["reason"] = "topic"
                e = _edge(topic_id(row["topic_id"]), node["id"], "nearby", f'nearby · shared topic "{tname}"',
                          weight=row["weight"])
                edges[e["id"]] = e

        # 5b. Nearby papers by meaning: neighbours of the shown works (discovery.SimilarPaper).
        from papers.discovery.selectors import nearby_by_meaning

        own_pks = [int(n["id"][1:]) for n in nodes.values() if n["type"] == "paper" and n.get("own")]
        for pk, arxiv, title, year, score, near in nearby_by_meaning(cur, author_id=author_id, paper_ids=own_pks):
            node = nodes.setdefault(paper_id(pk), _paper_node(
                {"id": pk, "arxiv_id": arxiv, "title": title, "year": year}, own=False) | {"reason": "similar"})
            e = _edge(paper_id(near), node["id"], "nearby", f"nearby · similar in meaning ({score:.2f})", weight=score)
            edges[e["id"]] = e

        # 6. "About" edges between shown papers and shown topics.
        paper_pks = [int(n["id"][1:]) for n in nodes.values() if n["type"] == "paper"]
        if paper_pks and topic_rows:
            cur.execute(PAPER_TOPICS_SQL, {"papers": paper_pks, "topics": [r["id"] for r in topic_rows]})
            for row in _rows(cur):
                e = _edge(paper_id(row["paper_id"]), topic_id(row["topic_id"]), "about",
                          f"about · weight {weight_text(row['weight'])}", weight=row["weight"])
                edges.setdefault(e["id"], e)

        # 7. Institutions of the author and the first-degree coauthors.
        cur.execute(INSTITUTIONS_SQL, {"people": people_pks, "per_person": INSTITUTIONS_PER_PERSON})
        for row in _rows(cur):
            iid = institution_id(row["institution_id"])
            nodes.setdefault(iid, {"id": iid, "type": "institution", "label": row["name"], "slug": row["slug"]})
            e = _edge(person_id(row["author_id"]), iid, "affiliated", f"affiliated · from arXiv {row['arxiv_id']}",
                      arxiv_id=row["arxiv_id"], year=row["year"])
            edges[e["id"]] = e

    _add_metrics(nodes, edges)
    meta = {
        "center": me,
        "coauthors_total": totals["total"] or 0,
        "close_collaborators_total": totals["close_total"] or 0,
        "second_degree_shown": second_total,
        "works_total": center["works_count"],
        "max_authors_for_coauthor_edges": MAX_AUTHORS_FOR_COAUTHOR_EDGES,
    }
    elements = {
        "nodes": [{"data": n} for n in nodes.values()],
        "edges": [{"data": e} for e in edges.values()],
        "meta": meta,
    }
    return SliceResult(elements=elements, watermark=watermark, watched_author_ids=watched)


def _add_metrics(nodes: dict, edges: dict) -> None:
    """Weighted degree, betweenness and Louvain communities, on the slice graph only.

    Weighted degree is taken over every typed edge. Betweenness and communities are computed on
    the slice's collaboration network (people and their coauthorships): that is where brokerage
    and groups mean something, and it keeps Brandes' O(V·E) to ~60 people instead of every
    paper, topic and institution leaf. Other nodes join the community of the people they link to.
    """
    g = nx.Graph()
    g.add_nodes_from(nodes)
    people = nx.Graph()
    people.add_nodes_from(nid for nid, n in nodes.items() if n["type"] == "person")
    for e in edges.values():
        s, t = e["source"], e["target"]
        if s not in nodes or t not in nodes:
            continue
        w = float(e.get("weight") or 1.0)
        if g.has_edge(s, t):
            g[s][t]["weight"] += w
        else:
            g.add_edge(s, t, weight=w)
        if e["type"] == "coauthored":
            people.add_edge(s, t, weight=w)
    degree = dict(g.degree(weight="weight"))
    # Unweighted: shared-paper counts are strengths, not distances.
    betweenness = nx.betweenness_centrality(people, normalized=True) if people.number_of_nodes() > 2 else {}
    communities = (
        nx.community.louvain_communities(people, weight="weight", seed=LOUVAIN_SEED)
        if people.number_of_edges() else [set(people)]
    )
    # Number communities by size so colours are stable between rebuilds of the same data.
    community_of = {}
    for index, members in enumerate(sorted(communities, key=lambda c: (-len(c), min(c, default="")))):
        for member in members:
            community_of[member] = index
    for nid in nodes:
        if nid in community_of:
            continue
        votes = {}
        for other in g.neighbors(nid):
            if other in community_of:
                votes[community_of[other]] = votes.get(community_of[other], 0) + g[nid][other]["weight"]
        community_of[nid] = max(votes, key=lambda c: (votes[c], -c)) if votes else 0
    for nid, node in nodes.items():
        node["weighted_degree"] = round(degree.get(nid, 0.0), 3)
        b = betweenness.get(nid, 0.0)
        node["betweenness"] = round(b, 4) if not math.isnan(b) else 0.0
        node["community"] = community_of[nid]
