"""Set-based refresh of the maintained counts on Author after authorships move."""

from django.db import connection
from django.utils import timezone

from researchers.models import Author

# The same definitions as the importer's batch refresh (papers/ingest/loader.py), so a record
# reads the same whether its last change came from an import or from a claim: pending
# authorships and deleted papers count for nobody; close collaborators share >= 2 papers of at
# most 50 authors; author topics are the top 20 by normalised weight; a topic counts once it
# recurs across the author's works. Each statement covers the whole id set: cost grows with the
# authorships involved, never with a Python loop over authors.
def _limits():
    from papers.ingest.loader import AUTHOR_TOPICS_KEPT, CLOSE_COLLAB_MAX_AUTHORS, CLOSE_COLLAB_MIN_PAPERS

    return {"kept": AUTHOR_TOPICS_KEPT, "max_authors": CLOSE_COLLAB_MAX_AUTHORS, "min_papers": CLOSE_COLLAB_MIN_PAPERS}


_TOPICS_DELETE_SQL = "DELETE FROM papers_authortopic WHERE author_id = ANY(%(ids)s)"
_TOPICS_INSERT_SQL = """
INSERT INTO papers_authortopic (author_id, topic_id, weight, papers_count)
SELECT author_id, topic_id, w / sum(w) OVER (PARTITION BY author_id), n FROM (
    SELECT a.author_id, pt.topic_id, sum(pt.weight) AS w, count(DISTINCT a.paper_id)::int AS n,
           row_number() OVER (PARTITION BY a.author_id ORDER BY sum(pt.weight) DESC, pt.topic_id) AS rk
    FROM papers_authorship a
    JOIN papers_paper p ON p.id = a.paper_id AND NOT p.deleted
    JOIN papers_papertopic pt ON pt.paper_id = a.paper_id
    WHERE a.author_id = ANY(%(ids)s) AND a.attribution <> 'pending'
    GROUP BY a.author_id, pt.topic_id
) s WHERE rk <= %(kept)s
"""
_COUNTS_SQL = """
WITH t AS (SELECT unnest(%(ids)s::bigint[]) AS id),
w AS (
    SELECT t.id, count(DISTINCT p.id)::int AS works, min(p.year) AS fy, max(p.year) AS ly
    FROM t
    LEFT JOIN papers_authorship a ON a.author_id = t.id AND a.attribution <> 'pending'
    LEFT JOIN papers_paper p ON p.id = a.paper_id AND NOT p.deleted
    GROUP BY t.id
),
c AS (
    SELECT id, count(*)::int AS n FROM (
        SELECT a1.author_id AS id, a2.author_id AS co
        FROM papers_authorship a1
        JOIN papers_paper p ON p.id = a1.paper_id AND NOT p.deleted AND p.authors_count <= %(max_authors)s
        JOIN papers_authorship a2 ON a2.paper_id = a1.paper_id AND a2.author_id <> a1.author_id
                                  AND a2.attribution <> 'pending'
        WHERE a1.author_id = ANY(%(ids)s) AND a1.attribution <> 'pending'
        GROUP BY a1.author_id, a2.author_id
        HAVING count(DISTINCT a1.paper_id) >= %(min_papers)s
    ) pairs GROUP BY id
),
tc AS (
    SELECT at.author_id AS id, count(*)::int AS n FROM papers_authortopic at
    JOIN w ON w.id = at.author_id
    WHERE at.papers_count >= least(2, greatest(w.works, 1))
    GROUP BY at.author_id
)
UPDATE researchers_author r
SET works_count = w.works, first_year = w.fy, last_year = w.ly,
    close_collaborators_count = coalesce(c.n, 0), topics_count = coalesce(tc.n, 0),
    updated_at = statement_timestamp()
FROM w LEFT JOIN c ON c.id = w.id LEFT JOIN tc ON tc.id = w.id
WHERE r.id = w.id
"""

# Only papers small enough to make close collaborators change anyone else's counts.
_COAUTHORS_SQL = """
SELECT DISTINCT a2.author_id FROM papers_authorship a2
JOIN papers_paper p ON p.id = a2.paper_id AND p.authors_count <= %(max_authors)s
WHERE a2.paper_id IN (SELECT paper_id FROM papers_authorship WHERE id = ANY(%(moved)s))
"""


def affected_author_ids(*, author_ids, moved_authorship_ids=()):
    """The records whose counts change when these authorships move: both ends and every coauthor."""
    ids = {int(i) for i in author_ids if i}
    if moved_authorship_ids:
        with connection.cursor() as cur:
            cur.execute(_COAUTHORS_SQL, {"moved": list(moved_authorship_ids), **_limits()})
            ids.update(row[0] for row in cur.fetchall())
    return sorted(ids)


def author_aggregates_refresh(*, author_ids, bump=()):
    """Recompute works/topics/collaborator counts for author_ids set-based; bump data_changed_at on `bump`."""
    ids = sorted({int(i) for i in author_ids if i})
    if not ids:
        return
    params = {"ids": ids, **_limits()}
    with connection.cursor() as cur:
        cur.execute(_TOPICS_DELETE_SQL, params)
        cur.execute(_TOPICS_INSERT_SQL, params)
        cur.execute(_COUNTS_SQL, params)
    if bump:
        Author.objects.filter(pk__in=list(bump)).update(data_changed_at=timezone.now())
