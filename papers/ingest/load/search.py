"""Paper search vectors: derived from the title and abstract, set-based, after the batch commits.

The vector (title weighted A over abstract B, the 'english' configuration) and its GIN entry cost
~300 µs a paper in Postgres on an abstract of unusual words (~100 µs on arXiv's English), a third
of what a batch spends on the database. It is derived data, so a load that owns its transactions
writes the paper with no vector and hands the batch's ids to the ``derive`` queue once it commits
(``derive_search_vectors``); workers there derive batches side by side, and a vector can never
drift from the text because every write of the text clears it. A load inside the caller's
transaction derives in the same statement instead: no worker could see its rows yet.
"""

from __future__ import annotations

from django.db import connection

# The one definition of a paper's search vector; tests and the sweep below use it too.
SEARCH_VECTOR_SQL = (
    "setweight(to_tsvector('english', coalesce({title}, '')), 'A')"
    " || setweight(to_tsvector('english', coalesce({abstract}, '')), 'B')"
)


def search_vector_sql(title: str = "title", abstract: str = "abstract") -> str:
    return SEARCH_VECTOR_SQL.format(title=title, abstract=abstract)


def derive_search_vectors(paper_ids: list[int]) -> int:
    """Fill the missing search vectors of ``paper_ids``; returns how many were written.

    Only papers still without one are written, so a repeated or late task changes nothing, and
    a vector derived after a newer version landed is derived from that newer text.
    """
    if not paper_ids:
        return 0
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE papers_paper SET search_vector = {search_vector_sql()} "
            "WHERE id = ANY(%s) AND search_vector IS NULL",
            [sorted({int(i) for i in paper_ids})],
        )
        return cur.rowcount


def pending_search_vector_ids(*, limit: int) -> list[int]:
    """Up to ``limit`` papers owed a search vector, oldest first, locked for this transaction
    (a concurrent sweep takes the next ones)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id FROM papers_paper WHERE search_vector IS NULL ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
            [limit],
        )
        return [row[0] for row in cur.fetchall()]
