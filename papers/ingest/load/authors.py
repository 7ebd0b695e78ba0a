"""The author refresh: every maintained aggregate of the queued author records, recomputed
set-based (works, years, topics, close collaborators), on one connection or several."""

from __future__ import annotations

import math
from functools import partial

from django.db import connection, transaction

from papers.ingest.load.batch import STAGING_DDL
from papers.ingest.load.limits import (
    AUTHOR_REFRESH_WORKERS,
    AUTHOR_TOPICS_KEPT,
    CLOSE_COLLAB_MAX_AUTHORS,
    CLOSE_COLLAB_MIN_PAPERS,
    PARALLEL_REFRESH_MIN_AUTHORS,
    PROFILE_TOPICS,
)
from papers.ingest.load.maintenance import loader_transaction_settings, side_by_side


def _refresh_authors(cur) -> None:
    """Recompute every maintained aggregate of the authors in stg_t (author_id, changed)."""
    # Pending authorships (name matches awaiting an owner's review) count for nobody yet,
    # exactly as in researchers.services.aggregates.
    # The aggregates are staged in analysed temp tables before the one UPDATE: as CTEs, their
    # GROUP BY outputs were estimated at 200 rows whatever the truth, and with 100k authors in a
    # chunk the planner joined them by nested loops, quadratic (minutes per chunk at 500k papers).
    # The records are locked first, in id order, and counted after: under READ COMMITTED every
    # statement below then sees whatever a transaction that held one of them committed. Counted
    # first and locked only by the UPDATE, a refresh could read the authorships before another
    # transaction (an identity task moving works, refreshing the same record in line) committed,
    # wait on its row, and overwrite its right counts with older ones; nothing would queue the
    # record again. Locking 130k records costs ~0.3 s, about 1.5% of their refresh.
    cur.execute(
        "SELECT count(*) FROM (SELECT 1 FROM researchers_author a WHERE a.id IN (SELECT author_id FROM stg_t) "
        "ORDER BY a.id FOR UPDATE OF a) locked"
    )
    # Works and years first: the topic ranking below needs each author's number of works.
    cur.execute("TRUNCATE stg_works, stg_close, stg_counted")
    cur.execute(
        """
        INSERT INTO stg_works (author_id, works, fy, ly, aff)
        SELECT t.author_id, count(DISTINCT p.id)::int, min(p.year), max(p.year),
               (array_agg(a.affiliation ORDER BY p.submitted DESC NULLS LAST, p.id DESC)
                FILTER (WHERE a.affiliation <> '' AND p.id IS NOT NULL))[1]
        FROM stg_t t
        LEFT JOIN papers_authorship a ON a.author_id = t.author_id AND a.attribution <> 'pending'
        LEFT JOIN papers_paper p ON p.id = a.paper_id AND NOT p.deleted
        GROUP BY t.author_id
        """
    )
    cur.execute("ANALYZE stg_works")
    # Then the author topics: topics_count below is derived from them.
    cur.execute("DELETE FROM papers_authortopic WHERE author_id IN (SELECT author_id FROM stg_t)")
    cur.execute(
        f"""
        INSERT INTO papers_authortopic (author_id, topic_id, weight, papers_count)
        SELECT author_id, topic_id, w / sum(w) OVER (PARTITION BY author_id), n FROM (
        SELECT g.author_id, g.topic_id, g.w, g.n,
               -- Ranked: topics that recur across the author's works first, then by weight.
               row_number() OVER (PARTITION BY g.author_id
                                  ORDER BY g.n >= least(2, w.works) DESC, g.w DESC, g.topic_id) AS rk
        FROM (
            SELECT ap.author_id, pt.topic_id, sum(pt.weight) AS w, count(*)::int AS n
            FROM (
                -- A paper counts once per author even where the record holds two of its slots
                -- (two namesakes on one byline): its topics must not weigh double. Deduplicated
                -- first, the pairs also let the planner hash-aggregate (a third faster than
                -- count(DISTINCT)).
                SELECT DISTINCT a.author_id, a.paper_id FROM stg_t t
                JOIN papers_authorship a ON a.author_id = t.author_id AND a.attribution <> 'pending'
                JOIN papers_paper p ON p.id = a.paper_id AND NOT p.deleted
            ) ap
            JOIN papers_papertopic pt ON pt.paper_id = ap.paper_id
            GROUP BY ap.author_id, pt.topic_id
        ) g
        -- The works counted above (the same pairs), rather than a window over the pairs: a
        -- quarter of this statement's time.
        JOIN stg_works w ON w.author_id = g.author_id
        ) s WHERE rk <= {AUTHOR_TOPICS_KEPT}
        """
    )
    # Close collaborators: coauthors on at least CLOSE_COLLAB_MIN_PAPERS papers of moderate size.
    cur.execute(
        f"""
        INSERT INTO stg_close (author_id, n)
        SELECT author_id, count(*)::int FROM (
            SELECT a1.author_id
            FROM stg_t t1
            JOIN papers_authorship a1 ON a1.author_id = t1.author_id AND a1.attribution <> 'pending'
            JOIN papers_paper p ON p.id = a1.paper_id AND NOT p.deleted
                    AND p.authors_count <= {CLOSE_COLLAB_MAX_AUTHORS}
            JOIN papers_authorship a2 ON a2.paper_id = a1.paper_id AND a2.author_id <> a1.author_id
                          AND a2.attribution <> 'pending'
            GROUP BY a1.author_id, a2.author_id
            HAVING count(DISTINCT a1.paper_id) >= {CLOSE_COLLAB_MIN_PAPERS}
        ) pairs GROUP BY author_id
        """
    )
    # A topic counts for an author once it recurs across their works (or, for a one-paper
    # author, when it is a topic of that paper), and a profile names at most PROFILE_TOPICS:
    # "8 topics for 15 works", not 60.
    cur.execute(
        f"""
        INSERT INTO stg_counted (author_id, n)
        SELECT at.author_id, least(count(*), {PROFILE_TOPICS})::int FROM papers_authortopic at
        JOIN stg_works w ON w.author_id = at.author_id
        WHERE at.papers_count >= least(2, greatest(w.works, 1))
        GROUP BY at.author_id
        """
    )
    cur.execute("ANALYZE stg_close")
    cur.execute("ANALYZE stg_counted")
    # One UPDATE for every maintained column: each author row is rewritten at most once per
    # drain (every rewrite also touches its indexes, the trigram one included).
    # data_changed_at is the watermark graph slices and trust scores compare against.
    cur.execute(
        """
        UPDATE researchers_author r SET
        works_count = w.works, first_year = w.fy, last_year = w.ly,
        affiliation = CASE WHEN r.owner_id IS NULL AND w.aff IS NOT NULL THEN left(w.aff, 300)
                   ELSE r.affiliation END,
        close_collaborators_count = coalesce(c.n, 0),
        topics_count = coalesce(tc.n, 0),
        data_changed_at = CASE WHEN t.changed THEN statement_timestamp() ELSE r.data_changed_at END,
        updated_at = statement_timestamp()
        FROM stg_works w JOIN stg_t t ON t.author_id = w.author_id
           LEFT JOIN stg_close c ON c.author_id = w.author_id LEFT JOIN stg_counted tc ON tc.author_id = w.author_id
        WHERE r.id = w.author_id
          AND (t.changed
           OR (r.works_count, r.first_year, r.last_year, r.close_collaborators_count, r.topics_count)
              IS DISTINCT FROM (w.works, w.fy, w.ly, coalesce(c.n, 0), coalesce(tc.n, 0))
           OR (r.owner_id IS NULL AND w.aff IS NOT NULL AND r.affiliation <> left(w.aff, 300)))
        """
    )
    # Citation figures (h-index, citations) are computed over the works on the record, so they
    # follow every move that refreshes the counts above: imports, claims, merges, disambiguation.
    from papers.impact.store import refresh_impact_of_staged_authors

    refresh_impact_of_staged_authors(cur)


def refresh_author_aggregates(author_ids, *, authorships_changed: bool = True) -> int:
    """Refresh the maintained aggregates of ``author_ids`` now, in the caller's transaction."""
    ids = sorted({int(i) for i in author_ids if i})
    if not ids:
        return 0
    with connection.cursor() as cur:
        cur.execute(STAGING_DDL)
        cur.execute("TRUNCATE stg_t")
        cur.execute(
            "INSERT INTO stg_t (author_id, changed) SELECT id, %s FROM researchers_author WHERE id = ANY(%s)",
            [authorships_changed, ids],
        )
        n = cur.rowcount
        cur.execute("ANALYZE stg_t")
        _refresh_authors(cur)
    return n


def drain_author_refresh(*, chunk: int = 250_000, workers: int | None = None) -> int:
    """Refresh the aggregates of every queued author, at most ``chunk`` authors per transaction.

    Outside a transaction, once PARALLEL_REFRESH_MIN_AUTHORS are queued, the queue is drained by
    ``workers`` connections at once (default AUTHOR_REFRESH_WORKERS): the refresh is
    database-bound and one backend uses one core. Inside the caller's transaction it runs
    there, alone, so the caller sees the result.
    Concurrent drains take disjoint chunks (SKIP LOCKED). Returns how many were refreshed.

    The connections split the queue by author id modulo their number, not into id ranges: ids
    follow the order in which a load met its authors, so the lowest hold the prolific ones, and
    of two ranges the first carried ~25% more works (1.27M against 0.97M author-topic rows on a
    100k-paper load), leaving one connection alone for the last second of the drain.
    """
    workers = max(1, workers or AUTHOR_REFRESH_WORKERS)
    if workers == 1 or connection.in_atomic_block:
        return _drain_queue(chunk=chunk)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM papers_pendingauthorrefresh")
        queued = cur.fetchone()[0]
    if queued < PARALLEL_REFRESH_MIN_AUTHORS:
        return _drain_queue(chunk=chunk)
    # Equal chunks, so that every worker finishes at about the same time.
    rounds = math.ceil(queued / (workers * chunk))
    chunk = math.ceil(queued / (workers * rounds))
    calls = [partial(_drain_queue, chunk=chunk, part=(k, workers)) for k in range(workers)]
    return sum(side_by_side(calls, workers, name="author-refresh"))


def _drain_queue(*, chunk: int, part: tuple[int, int] = (0, 1)) -> int:
    """Drain the queued authors whose id modulo ``part[1]`` is ``part[0]`` (all by default)."""
    remainder, modulus = part
    total = 0
    while True:
        outermost = not connection.in_atomic_block
        with transaction.atomic(), connection.cursor() as cur:
            if outermost:
                loader_transaction_settings()
            cur.execute(STAGING_DDL)
            cur.execute("TRUNCATE stg_t")
            cur.execute(
                """
                WITH q AS (
                    DELETE FROM papers_pendingauthorrefresh WHERE author_id IN (
                        SELECT author_id FROM papers_pendingauthorrefresh WHERE mod(author_id, %s) = %s
                        ORDER BY author_id
                        LIMIT %s FOR UPDATE SKIP LOCKED)
                    RETURNING author_id, authorships_changed
                )
                INSERT INTO stg_t (author_id, changed)
                SELECT q.author_id, q.authorships_changed FROM q
                JOIN researchers_author a ON a.id = q.author_id
                """,
                [modulus, remainder, chunk],
            )
            if not cur.rowcount:
                # Either the queue is empty (or locked by another drain), or it held only
                # deleted authors, now gone too.
                cur.execute("SELECT EXISTS (SELECT 1 FROM papers_pendingauthorrefresh WHERE mod(author_id, %s) = %s "
                            "FOR UPDATE SKIP LOCKED)", [modulus, remainder])
                if not cur.fetchone()[0]:
                    return total
                continue
            total += cur.rowcount
            cur.execute("ANALYZE stg_t")
            _refresh_authors(cur)


# The tables an import grows, whose planner statistics it keeps current (see analyze_grown).
