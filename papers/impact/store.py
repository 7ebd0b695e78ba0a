"""Citation records in, per-paper and per-author figures out, set-based.

Per batch of works (one transaction):

1. ``COPY`` the works into a TEMP staging table; match each to our paper by arXiv id (from the
   arXiv DOI or an arxiv.org location) or by the paper's journal DOI. A preprint record and its
   published version both land on the same paper.
2. ``INSERT … ON CONFLICT`` the matched works into papers_citationwork (one row per external id,
   so a re-import replaces, never adds) and their reference lists into papers_paperreference;
   references to a work we match, in this batch or any later one, are resolved to our paper.
3. The touched papers' PaperCitations are recomputed from their works: OpenAlex works are
   summed, minus the citations we can see twice (one of our papers citing both versions, or
   both versions of one of our papers citing it); Semantic Scholar is used only where OpenAlex
   has nothing, as it merges versions itself. A file import (load_works) queues the touched
   papers instead (papers_pendingcitationrecount) and recounts them once at the end
   (drain_citation_recount): an old paper cited from every batch of a snapshot would otherwise
   have its whole cited-by list re-read once per batch.
4. The authors of papers whose figures moved are queued (papers_pendingimpactrefresh) and
   recounted once at the end (drain_impact_refresh), as the importer's author refresh does.

Author figures (AuthorImpact) are our own computation over the works on the record, so they
also follow merges, splits and claims: the importer's author refresh
(papers.ingest.load.authors._refresh_authors) calls refresh_impact_of_staged_authors.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction

from papers.impact.works import WorkError, WorkRecord
from papers.models import ImportRun

DEFAULT_BATCH_SIZE = 10_000
ERRORS_CAP = 500
IMPACT_DRAIN_CHUNK = 50_000
RECOUNT_DRAIN_CHUNK = 50_000

_STAGING_DDL = """
CREATE TEMP TABLE IF NOT EXISTS stg_oaw (
    work_id text, source text, doi text, arxiv_id text, is_preprint bool, title text, cited_by_count int,
    influential_count int, counts_by_year jsonb, refs text[], paper_id bigint, had_refs bool DEFAULT false);
CREATE TEMP TABLE IF NOT EXISTS stg_tp (paper_id bigint PRIMARY KEY);
CREATE TEMP TABLE IF NOT EXISTS stg_tp_changed (paper_id bigint);
CREATE TEMP TABLE IF NOT EXISTS stg_ia (author_id bigint PRIMARY KEY);
CREATE TEMP TABLE IF NOT EXISTS stg_impact (
    author_id bigint, citations bigint, h int, i10 int, works int, by_year jsonb);
"""


@dataclass
class WorkBatchStats:
    seen: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unmatched: int = 0
    failed: int = 0
    errors: list = field(default_factory=list)


def _batches(records: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in records:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def load_works(records: Iterable[WorkRecord | WorkError], *, run: ImportRun | None = None,
               batch_size: int = DEFAULT_BATCH_SIZE, drain: bool = True) -> WorkBatchStats:
    """Store ``records`` batch by batch (one transaction each), then recount the queued papers and authors.

    Counts go onto ``run`` after every batch (seen/created/updated/unchanged/failed, unmatched in
    params), so the admin shows progress. A source error raised by ``records`` propagates after
    the batches read before it are committed.
    """
    total = WorkBatchStats()
    try:
        for batch in _batches(records, max(1, batch_size)):
            stats = WorkBatchStats()
            good = []
            for item in batch:
                if isinstance(item, WorkError):
                    stats.failed += 1
                    stats.errors.append({"record_id": "", "reason": str(item)[:500]})
                else:
                    good.append(item)
            stats.seen = len(batch)
            with transaction.atomic():
                with connection.cursor() as cur:
                    # A bulk load need not wait for its commits to reach the disk: a crash loses
                    # at most the last batches, whose works a rerun of the same file (idempotent,
                    # keyed by work id) stores again; the run then shows as interrupted.
                    cur.execute("SET LOCAL synchronous_commit = off")
                if good:
                    store_work_batch(good, stats=stats, defer_recount=True)
                if run is not None:
                    _save_run(run, stats)
            for name in ("seen", "created", "updated", "unchanged", "unmatched", "failed"):
                setattr(total, name, getattr(total, name) + getattr(stats, name))
    finally:
        if drain:
            drain_impact_refresh()  # recounts the queued papers first
    return total


def _save_run(run: ImportRun, stats: WorkBatchStats) -> None:
    run.seen += stats.seen
    run.created += stats.created
    run.updated += stats.updated
    run.unchanged += stats.unchanged
    run.failed += stats.failed
    run.params = {**(run.params or {}), "unmatched": int((run.params or {}).get("unmatched", 0)) + stats.unmatched}
    fields = ["seen", "created", "updated", "unchanged", "failed", "params"]
    if stats.errors:
        run.errors = [*run.errors, *stats.errors][:ERRORS_CAP]
        fields.append("errors")
    run.save(update_fields=fields)


def store_work_batch(works: list[WorkRecord], *, stats: WorkBatchStats | None = None,
                     defer_recount: bool = False) -> WorkBatchStats:
    """Match and store one batch of works in the caller's transaction (see module doc).

    ``defer_recount``: queue the touched papers for drain_citation_recount instead of recounting
    them (and queueing their authors) now.
    """
    stats = stats or WorkBatchStats()
    with connection.cursor() as cur:
        cur.execute("SET LOCAL jit = off")  # the batch statements cost more to compile than to run
        # The reference statements hash and sort a batch's reference lists (~12 a work).
        cur.execute("SET LOCAL work_mem = '64MB'")
        cur.execute(_STAGING_DDL)
        cur.execute("TRUNCATE stg_oaw, stg_tp, stg_tp_changed")
        with cur.copy("COPY stg_oaw (work_id, source, doi, arxiv_id, is_preprint, title, cited_by_count, "
                      "influential_count, counts_by_year, refs) FROM STDIN") as copy:
            for w in works:
                copy.write_row((w.work_id, w.source, w.doi, w.arxiv_id, w.is_preprint, w.title.replace("\x00", ""),
                                w.cited_by_count, w.influential_count, json.dumps(w.counts_by_year),
                                w.referenced_works))
        cur.execute("ANALYZE stg_oaw")
        # Match: the arXiv id first (preprint records and published versions with an arXiv
        # location), then the journal DOI our paper carries (published versions).
        cur.execute("UPDATE stg_oaw s SET paper_id = p.id FROM papers_paper p "
                    "WHERE s.arxiv_id <> '' AND p.arxiv_id = s.arxiv_id")
        # A DOI that more than one of our papers carries (it happens in arXiv metadata) says
        # nothing about which one the work is: such works stay unmatched.
        cur.execute(
            """
            UPDATE stg_oaw s SET paper_id = m.id FROM (
                SELECT lower(p.doi) AS doi, min(p.id) AS id FROM papers_paper p
                WHERE p.doi <> '' AND lower(p.doi) IN (SELECT doi FROM stg_oaw WHERE paper_id IS NULL AND doi <> '')
                GROUP BY lower(p.doi) HAVING count(*) = 1
            ) m
            WHERE s.paper_id IS NULL AND s.doi = m.doi
            """
        )
        cur.execute("SELECT count(*) FILTER (WHERE paper_id IS NULL) FROM stg_oaw")
        stats.unmatched += cur.fetchone()[0]
        # The same work twice in one batch (overlapping files or pages): the last one wins.
        cur.execute(
            """
            DELETE FROM stg_oaw a USING stg_oaw b
            WHERE a.work_id = b.work_id AND a.ctid < b.ctid
            """
        )
        cur.execute(
            """
            WITH up AS (
                INSERT INTO papers_citationwork AS c (work_id, paper_id, source, doi, is_preprint, cited_by_count,
                                                      influential_count, counts_by_year, fetched_at)
                SELECT work_id, paper_id, source, doi, is_preprint, cited_by_count, influential_count,
                       counts_by_year, now()
                FROM stg_oaw WHERE paper_id IS NOT NULL
                ON CONFLICT (work_id) DO UPDATE SET
                    paper_id = EXCLUDED.paper_id, doi = EXCLUDED.doi, is_preprint = EXCLUDED.is_preprint,
                    cited_by_count = EXCLUDED.cited_by_count, influential_count = EXCLUDED.influential_count,
                    counts_by_year = EXCLUDED.counts_by_year, fetched_at = EXCLUDED.fetched_at
                RETURNING (xmax = 0) AS inserted, paper_id
            )
            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up
            """
        )
        created, refreshed = cur.fetchone()
        stats.created += created
        stats.updated += refreshed
        cur.execute("INSERT INTO stg_tp SELECT DISTINCT paper_id FROM stg_oaw WHERE paper_id IS NOT NULL")
        _store_references(cur)
        if defer_recount:
            cur.execute("INSERT INTO papers_pendingcitationrecount (paper_id) SELECT paper_id FROM stg_tp "
                        "ORDER BY paper_id ON CONFLICT DO NOTHING")
        else:
            cur.execute("ANALYZE stg_tp")
            _recompute_staged_papers(cur)
    return stats


def _recompute_staged_papers(cur) -> None:
    _recompute_papers(cur)
    # Authors of papers whose figures moved owe a recount (drained once per load).
    cur.execute(
        """
        INSERT INTO papers_pendingimpactrefresh (author_id, queued_at)
        SELECT DISTINCT a.author_id, now() FROM stg_tp_changed c
        JOIN papers_authorship a ON a.paper_id = c.paper_id
        ON CONFLICT (author_id) DO NOTHING
        """
    )


def drain_citation_recount(*, chunk: int = RECOUNT_DRAIN_CHUNK) -> int:
    """Recount every paper queued in papers_pendingcitationrecount, ``chunk`` per transaction.

    Queues the authors of the papers recounted (papers_pendingimpactrefresh); returns how many papers.
    """
    return _drain_queue(queue="papers_pendingcitationrecount", key="paper_id", staging="stg_tp",
                        truncate="stg_tp, stg_tp_changed", chunk=chunk, process=_recompute_staged_papers,
                        work_mem="64MB")


def _drain_queue(*, queue: str, key: str, staging: str, truncate: str, chunk: int, process,
                 join: str = "", work_mem: str | None = None) -> int:
    """Take ``chunk`` ids at a time off ``queue`` into ``staging`` (one transaction each) and run
    ``process(cur)`` on them, until the queue is empty; returns how many were taken. ``join``
    filters the ids (e.g. records deleted since they were queued); SKIP LOCKED lets two drains
    share a queue. All names are this module's own constants."""
    total = 0
    while True:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET LOCAL jit = off")
            if work_mem:
                cur.execute(f"SET LOCAL work_mem = '{work_mem}'")
            cur.execute(_STAGING_DDL)
            cur.execute(f"TRUNCATE {truncate}")
            cur.execute(
                f"""
                WITH q AS (
                    DELETE FROM {queue} WHERE {key} IN (
                        SELECT {key} FROM {queue} ORDER BY {key}
                        LIMIT %s FOR UPDATE SKIP LOCKED)
                    RETURNING {key}
                )
                INSERT INTO {staging} SELECT q.{key} FROM q {join}
                """,
                [chunk],
            )
            if not cur.rowcount:
                # Either the queue is empty (or locked by another drain), or ``join`` dropped
                # everything taken.
                cur.execute(f"SELECT EXISTS (SELECT 1 FROM {queue} FOR UPDATE SKIP LOCKED)")
                if not cur.fetchone()[0]:
                    return total
                continue
            total += cur.rowcount
            cur.execute(f"ANALYZE {staging}")
            process(cur)


def _store_references(cur) -> None:
    # A work's list replaces what we held for it: entries it no longer has go.
    cur.execute(
        """
        WITH gone AS (
            DELETE FROM papers_paperreference r USING stg_oaw s
            WHERE s.paper_id IS NOT NULL AND r.citing_work = s.work_id AND NOT (r.cited_work = ANY(s.refs))
            RETURNING r.cited_paper_id
        )
        INSERT INTO stg_tp SELECT DISTINCT cited_paper_id FROM gone WHERE cited_paper_id IS NOT NULL
        ON CONFLICT DO NOTHING
        """
    )
    # Only works whose list we already hold (a rerun, a refresh) can have entries to correct;
    # for the rest, all of a snapshot's first pass, every entry is new and is inserted without
    # looking for itself first.
    cur.execute(
        """
        UPDATE stg_oaw s SET had_refs = true
        WHERE s.paper_id IS NOT NULL AND EXISTS (SELECT 1 FROM papers_paperreference r WHERE r.citing_work = s.work_id)
        """
    )
    cur.execute(
        """
        UPDATE papers_paperreference r SET citing_paper_id = x.citing, cited_paper_id = x.cited
        FROM (
            SELECT r2.id, s.paper_id AS citing, coalesce(cw.paper_id, r2.cited_paper_id) AS cited
            FROM stg_oaw s JOIN papers_paperreference r2 ON r2.citing_work = s.work_id
            LEFT JOIN papers_citationwork cw ON cw.work_id = r2.cited_work
            WHERE s.had_refs
        ) x
        WHERE r.id = x.id AND (r.citing_paper_id, r.cited_paper_id) IS DISTINCT FROM (x.citing, x.cited)
        """
    )
    # In key order, so the unique index and the citing-paper index grow at their right edge.
    # DO NOTHING: an entry a concurrent import (enrichment) just wrote is the same entry.
    cur.execute(
        """
        INSERT INTO papers_paperreference AS r (citing_work, cited_work, citing_paper_id, cited_paper_id,
                                               cited_doi, cited_title)
        SELECT s.work_id, x.cited, s.paper_id, cw.paper_id, coalesce(cw.doi, ''), ''
        FROM stg_oaw s CROSS JOIN LATERAL unnest(s.refs) AS x(cited)
        LEFT JOIN papers_citationwork cw ON cw.work_id = x.cited
        WHERE s.paper_id IS NOT NULL AND NOT (s.had_refs AND EXISTS (
            SELECT 1 FROM papers_paperreference o WHERE o.citing_work = s.work_id AND o.cited_work = x.cited))
        ORDER BY s.work_id, x.cited
        ON CONFLICT (citing_work, cited_work) DO NOTHING
        """
    )
    # A new entry changes its cited paper's figure only when it makes a second link between the
    # same two of our papers (both versions citing, or citing both versions): the overlap moves.
    # Read per citing paper of the batch, in the order of its (citing, cited) index.
    cur.execute(
        """
        INSERT INTO stg_tp
        SELECT DISTINCT r.cited_paper_id FROM papers_paperreference r
        WHERE r.citing_paper_id IN (SELECT paper_id FROM stg_oaw WHERE paper_id IS NOT NULL)
          AND r.cited_paper_id IS NOT NULL AND r.cited_paper_id <> r.citing_paper_id
        GROUP BY r.citing_paper_id, r.cited_paper_id HAVING count(*) > 1
        ON CONFLICT DO NOTHING
        """
    )
    # Entries pointing at a work of this batch learn our paper when it is ours (they link to it),
    # else its DOI and title. Entries already right are not rewritten: in a snapshot most
    # references point at works of earlier batches, resolved when they were inserted.
    cur.execute(
        """
        WITH res AS (
            UPDATE papers_paperreference r SET
                cited_paper_id = coalesce(s.paper_id, r.cited_paper_id),
                cited_doi = CASE WHEN s.doi <> '' THEN s.doi ELSE r.cited_doi END,
                cited_title = CASE WHEN s.paper_id IS NULL AND s.title <> '' THEN left(s.title, 1000)
                                   ELSE r.cited_title END
            FROM stg_oaw s
            WHERE r.cited_work = s.work_id
              AND CASE WHEN s.paper_id IS NOT NULL THEN r.cited_paper_id IS DISTINCT FROM s.paper_id
                       ELSE (s.doi <> '' AND r.cited_doi <> s.doi)
                            OR (s.title <> '' AND r.cited_title <> left(s.title, 1000)) END
            RETURNING r.cited_paper_id
        )
        INSERT INTO stg_tp SELECT DISTINCT cited_paper_id FROM res WHERE cited_paper_id IS NOT NULL
        ON CONFLICT DO NOTHING
        """
    )


def _recompute_papers(cur) -> None:
    """PaperCitations of the papers in stg_tp from their works; changed ones into stg_tp_changed."""
    cur.execute(
        """
        WITH agg AS (
            SELECT w.paper_id,
                   bool_or(w.source = 'openalex') AS has_oa,
                   coalesce(sum(w.cited_by_count) FILTER (WHERE w.source = 'openalex'), 0) AS oa_sum,
                   max(w.cited_by_count) FILTER (WHERE w.source <> 'openalex') AS other_count,
                   max(w.influential_count) AS influential,
                   coalesce(array_agg(w.work_id ORDER BY w.is_preprint, w.work_id)
                            FILTER (WHERE w.source = 'openalex'), '{}') AS oa_ids,
                   coalesce(array_agg(DISTINCT w.doi) FILTER (WHERE w.doi <> ''), '{}') AS dois,
                   array_agg(DISTINCT w.source) AS sources,
                   max(w.fetched_at) AS fetched
            FROM stg_tp t JOIN papers_citationwork w ON w.paper_id = t.paper_id
            GROUP BY w.paper_id
        ), years AS (
            SELECT paper_id, jsonb_object_agg(y, n) AS by_year FROM (
                SELECT w.paper_id, e.key AS y, sum(e.value::int) AS n
                FROM stg_tp t JOIN papers_citationwork w ON w.paper_id = t.paper_id
                CROSS JOIN LATERAL jsonb_each_text(w.counts_by_year) e
                WHERE w.source = 'openalex' OR NOT EXISTS (
                    SELECT 1 FROM papers_citationwork o WHERE o.paper_id = w.paper_id AND o.source = 'openalex')
                GROUP BY 1, 2
            ) z GROUP BY paper_id
        ), overlap AS (
            -- Reference pairs beyond the first between one of our papers and this one: OpenAlex
            -- counted that citing paper once per pair.
            SELECT cited_paper_id AS paper_id, sum(n - 1) AS extra FROM (
                SELECT r.cited_paper_id, r.citing_paper_id, count(*) AS n
                FROM stg_tp t JOIN papers_paperreference r ON r.cited_paper_id = t.paper_id
                WHERE r.citing_paper_id <> r.cited_paper_id
                GROUP BY 1, 2 HAVING count(*) > 1
            ) pairs GROUP BY 1
        ), ins AS (
            INSERT INTO papers_papercitations AS pc (paper_id, cited_by_count, influential_count, counts_by_year,
                                                     openalex_ids, dois, sources, fetched_at)
            SELECT a.paper_id,
                   CASE WHEN a.has_oa THEN greatest(0, a.oa_sum - coalesce(o.extra, 0))
                        ELSE coalesce(a.other_count, 0) END,
                   a.influential, coalesce(y.by_year, '{}'::jsonb), a.oa_ids, a.dois, a.sources, a.fetched
            FROM agg a LEFT JOIN years y ON y.paper_id = a.paper_id LEFT JOIN overlap o ON o.paper_id = a.paper_id
            ON CONFLICT (paper_id) DO UPDATE SET
                cited_by_count = EXCLUDED.cited_by_count, influential_count = EXCLUDED.influential_count,
                counts_by_year = EXCLUDED.counts_by_year, openalex_ids = EXCLUDED.openalex_ids,
                dois = EXCLUDED.dois, sources = EXCLUDED.sources, fetched_at = EXCLUDED.fetched_at
            RETURNING pc.paper_id, (xmax = 0) AS inserted
        )
        INSERT INTO stg_tp_changed SELECT paper_id FROM ins
        """
    )


# -- author figures ----------------------------------------------------------------------------

def _compute_impact(cur, authors_table: str) -> None:
    """Recompute AuthorImpact for every author_id in ``authors_table`` (a staging table).

    The works are the record's accepted authorships on live papers, exactly as works_count
    counts them; each paper counts once even when the record holds two of its byline slots.
    h-index: the largest h such that h works have at least h citations each (works ranked by
    citations, a work counts while its citations ≥ its rank); i10: works with ≥ 10 citations.
    """
    cur.execute(_STAGING_DDL)
    cur.execute("TRUNCATE stg_impact")
    cur.execute(
        f"""
        INSERT INTO stg_impact (author_id, citations, h, i10, works, by_year)
        WITH aw AS (
            SELECT DISTINCT a.author_id, a.paper_id FROM {authors_table} t
            JOIN papers_authorship a ON a.author_id = t.author_id AND a.attribution <> 'pending'
            JOIN papers_paper p ON p.id = a.paper_id AND NOT p.deleted
        ), cw AS (
            SELECT aw.author_id, c.cited_by_count AS n, c.counts_by_year AS y,
                   row_number() OVER (PARTITION BY aw.author_id ORDER BY c.cited_by_count DESC) AS rk
            FROM aw JOIN papers_papercitations c ON c.paper_id = aw.paper_id AND c.cited_by_count IS NOT NULL
        ), tot AS (
            SELECT author_id, sum(n) AS s, count(*) FILTER (WHERE n >= rk) AS h,
                   count(*) FILTER (WHERE n >= 10) AS i10, count(*) AS works
            FROM cw GROUP BY author_id
        ), yr AS (
            SELECT author_id, jsonb_object_agg(k, v) AS by_year FROM (
                SELECT cw.author_id, e.key AS k, sum(e.value::int) AS v
                FROM cw CROSS JOIN LATERAL jsonb_each_text(cw.y) e GROUP BY 1, 2
            ) z GROUP BY author_id
        )
        SELECT tot.author_id, tot.s, tot.h, tot.i10, tot.works, coalesce(yr.by_year, '{{}}'::jsonb)
        FROM tot LEFT JOIN yr ON yr.author_id = tot.author_id
        """
    )
    cur.execute(
        f"""
        DELETE FROM papers_authorimpact ai USING {authors_table} t
        WHERE ai.author_id = t.author_id AND NOT EXISTS (SELECT 1 FROM stg_impact s WHERE s.author_id = t.author_id)
        """
    )
    cur.execute(
        """
        INSERT INTO papers_authorimpact AS ai (author_id, citations, h_index, i10_index, cited_works,
                                              citations_by_year, computed_at)
        SELECT author_id, least(citations, 2147483647), h, i10, works, by_year, now() FROM stg_impact
        ON CONFLICT (author_id) DO UPDATE SET
            citations = EXCLUDED.citations, h_index = EXCLUDED.h_index, i10_index = EXCLUDED.i10_index,
            cited_works = EXCLUDED.cited_works, citations_by_year = EXCLUDED.citations_by_year,
            computed_at = EXCLUDED.computed_at
        WHERE (ai.citations, ai.h_index, ai.i10_index, ai.cited_works, ai.citations_by_year)
              IS DISTINCT FROM (EXCLUDED.citations, EXCLUDED.h_index, EXCLUDED.i10_index, EXCLUDED.cited_works,
                                EXCLUDED.citations_by_year)
        """
    )


def refresh_impact_of_staged_authors(cur) -> None:
    """The importer's author refresh hook: recount AuthorImpact for the authors in its stg_t.

    Called from papers.ingest.load.authors._refresh_authors, so every path that refreshes an author's
    maintained counts (imports, claims, merges, splits, disambiguation) refreshes these too.
    """
    _compute_impact(cur, "stg_t")


def author_impact_refresh(*, author_ids) -> int:
    """Recount AuthorImpact of ``author_ids`` now, in the caller's transaction; returns how many."""
    ids = sorted({int(i) for i in author_ids if i})
    if not ids:
        return 0
    with connection.cursor() as cur:
        cur.execute(_STAGING_DDL)
        cur.execute("TRUNCATE stg_ia")
        cur.execute("INSERT INTO stg_ia SELECT id FROM researchers_author WHERE id = ANY(%s)", [ids])
        _compute_impact(cur, "stg_ia")
    return len(ids)


def drain_impact_refresh(*, chunk: int = IMPACT_DRAIN_CHUNK) -> int:
    """Recount every author queued in papers_pendingimpactrefresh, ``chunk`` per transaction.

    The papers queued for a recount go first: their authors join the queue.
    """
    drain_citation_recount()
    return _drain_queue(queue="papers_pendingimpactrefresh", key="author_id", staging="stg_ia", truncate="stg_ia",
                        chunk=chunk, process=lambda cur: _compute_impact(cur, "stg_ia"),
                        join="JOIN researchers_author a ON a.id = q.author_id")
