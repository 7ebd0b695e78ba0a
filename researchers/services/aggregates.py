"""Set-based refresh of the maintained counts on Author after authorships move."""

from django.db import connection
from django.utils import timezone

from researchers.models import Author

# One statement per aggregate family, each over the whole id set: cost grows with the
# authorships involved, never with a Python loop over authors.
_WORKS_SQL = """
WITH t AS (SELECT unnest(%(ids)s::bigint[]) AS id),
w AS (
    SELECT a.author_id AS id, count(DISTINCT a.paper_id) AS works, min(p.year) AS fy, max(p.year) AS ly
    FROM papers_authorship a JOIN papers_paper p ON p.id = a.paper_id
    WHERE a.author_id = ANY(%(ids)s) AND a.attribution <> 'pending'
    GROUP BY a.author_id
),
c AS (
    SELECT x.id, count(*) AS n FROM (
        SELECT a1.author_id AS id, a2.author_id AS co
        FROM papers_authorship a1
        JOIN papers_authorship a2 ON a2.paper_id = a1.paper_id AND a2.author_id <> a1.author_id
        WHERE a1.author_id = ANY(%(ids)s) AND a1.attribution <> 'pending' AND a2.attribution <> 'pending'
        GROUP BY a1.author_id, a2.author_id
        HAVING count(DISTINCT a1.paper_id) >= 2
    ) x GROUP BY x.id
)
UPDATE researchers_author r
SET works_count = coalesce(w.works, 0), first_year = w.fy, last_year = w.ly,
    close_collaborators_count = coalesce(c.n, 0)
FROM t LEFT JOIN w ON w.id = t.id LEFT JOIN c ON c.id = t.id
WHERE r.id = t.id
"""

_TOPICS_DELETE_SQL = "DELETE FROM papers_authortopic WHERE author_id = ANY(%(ids)s)"
_TOPICS_INSERT_SQL = """
INSERT INTO papers_authortopic (author_id, topic_id, weight, papers_count)
SELECT a.author_id, pt.topic_id, sum(pt.weight), count(DISTINCT a.paper_id)
FROM papers_authorship a JOIN papers_papertopic pt ON pt.paper_id = a.paper_id
WHERE a.author_id = ANY(%(ids)s) AND a.attribution <> 'pending'
GROUP BY a.author_id, pt.topic_id
"""
_TOPICS_COUNT_SQL = """
UPDATE researchers_author r SET topics_count = coalesce(
    (SELECT count(*) FROM papers_authortopic t WHERE t.author_id = r.id), 0)
WHERE r.id = ANY(%(ids)s)
"""

_COAUTHORS_SQL = """
SELECT DISTINCT a2.author_id FROM papers_authorship a2
WHERE a2.paper_id IN (SELECT paper_id FROM papers_authorship WHERE id = ANY(%(moved)s))
"""


def affected_author_ids(*, author_ids, moved_authorship_ids=()):
    """The records whose counts change when these authorships move: both ends and every coauthor."""
    ids = {int(i) for i in author_ids if i}
    if moved_authorship_ids:
        with connection.cursor() as cur:
            cur.execute(_COAUTHORS_SQL, {"moved": list(moved_authorship_ids)})
            ids.update(row[0] for row in cur.fetchall())
    return sorted(ids)


def author_aggregates_refresh(*, author_ids, bump=()):
    """Recompute works/topics/collaborator counts for author_ids set-based; bump data_changed_at on `bump`."""
    ids = sorted({int(i) for i in author_ids if i})
    if not ids:
        return
    with connection.cursor() as cur:
        cur.execute(_WORKS_SQL, {"ids": ids})
        cur.execute(_TOPICS_DELETE_SQL, {"ids": ids})
        cur.execute(_TOPICS_INSERT_SQL, {"ids": ids})
        cur.execute(_TOPICS_COUNT_SQL, {"ids": ids})
    if bump:
        Author.objects.filter(pk__in=list(bump)).update(data_changed_at=timezone.now())
