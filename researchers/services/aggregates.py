"""Set-based refresh of the maintained counts on Author after authorships move."""

from django.db import connection
from django.utils import timezone

from researchers.models import Author

# The importer's own refresh (papers/ingest/load/) does the recount, so a record reads the
# same whether its last change came from an import or from a claim: pending authorships and
# deleted papers count for nobody; close collaborators share >= 2 papers of at most
# COLLABORATION_AUTHOR_LIMIT authors.
def _limits():
    from papers.models import COLLABORATION_AUTHOR_LIMIT

    return {"max_authors": COLLABORATION_AUTHOR_LIMIT}


# Only papers small enough to make close collaborators change anyone else's counts.
_COAUTHORS_SQL = """
SELECT DISTINCT a2.author_id FROM papers_authorship a2
JOIN papers_paper p ON p.id = a2.paper_id AND p.authors_count <= %(max_authors)s
WHERE a2.paper_id IN (SELECT paper_id FROM papers_authorship WHERE id = ANY(%(moved)s))
"""


def affected_author_ids(*, author_ids, moved_authorship_ids=()) -> list[int]:
    """The records whose counts change when these authorships move: both ends and every coauthor."""
    ids = {int(i) for i in author_ids if i}
    if moved_authorship_ids:
        with connection.cursor() as cur:
            cur.execute(_COAUTHORS_SQL, {"moved": list(moved_authorship_ids), **_limits()})
            ids.update(row[0] for row in cur.fetchall())
    return sorted(ids)


def author_uncertain_recount(*, author_ids) -> None:
    """Recount Author.uncertain_works_count set-based (works under the confidence threshold; researchers.confidence)."""
    from researchers.confidence import LOW_CONFIDENCE_THRESHOLD, UNCERTAIN_SLOT_SQL

    ids = sorted({int(i) for i in author_ids if i})
    if not ids:
        return
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE researchers_author a SET uncertain_works_count = coalesce(u.n, 0)"
            " FROM (SELECT id FROM researchers_author WHERE id = ANY(%s)) t"
            " LEFT JOIN (SELECT s.author_id, count(DISTINCT s.paper_id) AS n FROM papers_authorship s"
            "  JOIN papers_paper p ON p.id = s.paper_id AND NOT p.deleted"
            f"  WHERE s.author_id = ANY(%s) AND {UNCERTAIN_SLOT_SQL} GROUP BY s.author_id) u ON u.author_id = t.id"
            " WHERE a.id = t.id AND a.uncertain_works_count <> coalesce(u.n, 0)",
            [ids, ids, LOW_CONFIDENCE_THRESHOLD],
        )


def author_aggregates_refresh(*, author_ids, bump=()) -> None:
    """Recompute works/topics/collaborator counts for author_ids set-based; bump data_changed_at on `bump`."""
    from papers.ingest.load import refresh_author_aggregates

    ids = {int(i) for i in author_ids if i}
    bumped = {int(i) for i in bump if i}
    # "Changed" records get a fresh data_changed_at watermark (graph slices, trust) in the same UPDATE.
    refresh_author_aggregates(ids & bumped, authorships_changed=True)
    refresh_author_aggregates(ids - bumped, authorships_changed=False)
    if bumped - ids:
        Author.objects.filter(pk__in=list(bumped - ids)).update(data_changed_at=timezone.now())
    # Works moved between records carry their model confidence: the "Low confidence" flags follow.
    author_uncertain_recount(author_ids=ids | bumped)
