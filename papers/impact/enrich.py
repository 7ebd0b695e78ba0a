"""Enrichment from the citation APIs: papers with no figures first, then the oldest figures."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from papers.impact.clients import DOI_BATCH, PaperKey, client_for
from papers.impact.store import WorkBatchStats, drain_impact_refresh, store_work_batch
from papers.impact.works import WorkError
from papers.models import ImportRun

# Ids a paper can need in one OpenAlex OR filter: its arXiv DOI and its journal DOI.
PAPERS_PER_CALL = DOI_BATCH // 2
# Candidates are read from the database this many at a time.
SELECT_CHUNK = 1000

_CANDIDATES_SQL = """
SELECT p.id, p.arxiv_id, p.doi FROM papers_paper p
LEFT JOIN papers_papercitations c ON c.paper_id = p.id
WHERE NOT p.deleted AND p.id > %(after)s AND (c.paper_id IS NULL OR c.fetched_at IS NULL OR c.fetched_at < %(stale)s)
ORDER BY (c.paper_id IS NOT NULL), c.fetched_at NULLS FIRST, p.id
LIMIT %(limit)s
"""


def enrich_candidates(*, limit: int, max_age_days: int | None = None, after: int = 0) -> list[PaperKey]:
    """Papers owing figures: never fetched first, then the oldest fetch past ``max_age_days``."""
    age = settings.CITATIONS_MAX_AGE_DAYS if max_age_days is None else max_age_days
    with connection.cursor() as cur:
        cur.execute(_CANDIDATES_SQL, {"after": after, "stale": timezone.now() - dt.timedelta(days=age),
                                      "limit": limit})
        return [PaperKey(paper_id=r[0], arxiv_id=r[1], doi=r[2] or "") for r in cur.fetchall()]


def _mark_fetched(paper_ids: list[int], source: str) -> None:
    # Papers the source does not know are stamped too, so they wait their turn instead of being
    # asked again first on every run; with no sources they show no figure.
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO papers_papercitations AS pc (paper_id, cited_by_count, counts_by_year, openalex_ids, dois,
                                                     sources, fetched_at)
            SELECT id, NULL, '{}'::jsonb, '{}', '{}', '{}', now() FROM unnest(%s::bigint[]) AS ids(id)
            ON CONFLICT (paper_id) DO UPDATE SET fetched_at = now()
            """,
            [paper_ids],
        )


def citations_enrich_run(*, run: ImportRun, limit: int, source: str = "openalex", client=None) -> ImportRun:
    """Fetch figures for up to ``limit`` papers into ``run`` (progress and checkpoint on the run).

    Each call's works are stored in their own transaction, so an interrupted run keeps what it
    fetched; authors are recounted at the end.
    """
    from papers.services import import_run_expect, import_run_finish

    client = client or client_for(source)
    try:
        candidates = enrich_candidates(limit=limit)
        import_run_expect(run=run, total=len(candidates))
        step = PAPERS_PER_CALL if source == "openalex" else 1
        for start in range(0, len(candidates), step):
            chunk = candidates[start:start + step]
            works = list(client.works_for(chunk))
            stats = WorkBatchStats(seen=len(chunk))
            good = [w for w in works if not isinstance(w, WorkError)]
            with transaction.atomic():
                if good:
                    store_work_batch(good, stats=stats)
                _mark_fetched([p.paper_id for p in chunk], source)
                run.seen += len(chunk)
                run.created += stats.created
                run.updated += stats.updated
                run.failed += sum(1 for w in works if isinstance(w, WorkError))
                run.errors = [*run.errors, *({"record_id": "", "reason": str(w)[:500]}
                                             for w in works if isinstance(w, WorkError))][:500]
                run.checkpoint = str(chunk[-1].paper_id)
                run.params = {**(run.params or {}), "calls": client.http.calls}
                run.save(update_fields=["seen", "created", "updated", "failed", "errors", "checkpoint", "params"])
    except BaseException as exc:
        drain_impact_refresh()
        import_run_finish(run=run, error=f"{type(exc).__name__}: {exc}")
        raise
    drain_impact_refresh()
    return import_run_finish(run=run)


def citations_enrich_start(*, limit: int, source: str = "openalex") -> ImportRun:
    """Open the ImportRun of one enrichment pass."""
    from papers.services import import_run_start

    endpoint = settings.OPENALEX_ENDPOINT if source == "openalex" else settings.S2_ENDPOINT
    return import_run_start(source=endpoint, format=f"{source}-api", params={"limit": limit, "source": source})


def citations_enrich_enqueue(*, limit: int, source: str = "openalex") -> ImportRun:
    """Open the run and hand it to the ingest worker once this transaction commits."""
    from papers.tasks import enrich_citations_run

    with transaction.atomic():
        run = citations_enrich_start(limit=limit, source=source)
        transaction.on_commit(lambda: enrich_citations_run.delay(run.pk))
    return run
