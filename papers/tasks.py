"""Thin Celery tasks of the papers app: ids in, one service call out."""

import requests
from celery import shared_task
from django.db import InterfaceError, OperationalError

from papers.models import ImportRun

# Network blips and a database restart are worth a retry (the loader is idempotent);
# a malformed file is not, it would fail the same way again.
TRANSIENT = (requests.ConnectionError, requests.Timeout, OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(bind=True, autoretry_for=TRANSIENT, retry_backoff=30, retry_backoff_max=600, max_retries=5,
             time_limit=12 * 3600, soft_time_limit=12 * 3600 - 300, acks_late=True)
def import_arxiv_source(self, run_id: int) -> dict:
    """Import the source of ImportRun ``run_id``; returns its counts."""
    from papers.services import ImportSourceError, import_arxiv_source as import_source

    run = ImportRun.objects.get(pk=run_id)
    batch_size = (run.params or {}).get("batch_size")  # None: the loader's default
    try:
        import_source(run=run, batch_size=int(batch_size) if batch_size else None)
    except ImportSourceError:
        pass  # recorded on the run as failed with its message; retrying cannot help
    return {"run_id": run.pk, "state": run.state, "created": run.created, "updated": run.updated,
            "unchanged": run.unchanged, "failed": run.failed}


@shared_task(bind=True, autoretry_for=TRANSIENT, retry_backoff=60, retry_backoff_max=1800, max_retries=5,
             time_limit=48 * 3600, soft_time_limit=48 * 3600 - 300, acks_late=True)
def harvest_arxiv_run(self, run_id: int) -> dict:
    """OAI-PMH harvest into ImportRun ``run_id``, resuming from its checkpoint on a retry."""
    from papers.ingest.parsers import SourceError
    from papers.services import HarvestAlreadyFinished, harvest_run

    run = ImportRun.objects.get(pk=run_id)
    try:
        harvest_run(run=run, batch_size=int((run.params or {}).get("batch_size", 2000)))
    except HarvestAlreadyFinished:
        pass
    except SourceError:
        pass  # recorded on the run (failed, checkpoint kept); `harvest_arxiv --resume` continues it
    return {"run_id": run.pk, "state": run.state, "checkpoint": run.checkpoint, "created": run.created,
            "updated": run.updated, "unchanged": run.unchanged, "failed": run.failed}


@shared_task(bind=True, autoretry_for=TRANSIENT, retry_backoff=30, retry_backoff_max=600, max_retries=3,
             time_limit=3600, soft_time_limit=3300, acks_late=True)
def fetch_arxiv_author_run(self, run_id: int) -> dict:
    """Fetch one author's papers from the arXiv API into ImportRun ``run_id``."""
    from papers.ingest.parsers import SourceError
    from papers.services import fetch_author_run

    run = ImportRun.objects.get(pk=run_id)
    try:
        fetch_author_run(run=run)
    except SourceError:
        pass  # recorded on the run as failed with arXiv's message
    return {"run_id": run.pk, "state": run.state, "created": run.created, "updated": run.updated,
            "unchanged": run.unchanged, "failed": run.failed}


@shared_task(bind=True, autoretry_for=TRANSIENT, retry_backoff=60, retry_backoff_max=1800, max_retries=3,
             time_limit=12 * 3600, soft_time_limit=12 * 3600 - 300, acks_late=True)
def enrich_citations_run(self, run_id: int) -> dict:
    """Fetch citation figures (OpenAlex or Semantic Scholar) into ImportRun ``run_id``."""
    from papers.impact.clients import CitationSourceError
    from papers.impact.enrich import citations_enrich_run

    run = ImportRun.objects.get(pk=run_id)
    params = run.params or {}
    try:
        citations_enrich_run(run=run, limit=int(params.get("limit", 1000)), source=params.get("source", "openalex"))
    except CitationSourceError:
        pass  # recorded on the run as failed with the source's message
    return {"run_id": run.pk, "state": run.state, "seen": run.seen, "created": run.created, "updated": run.updated}


@shared_task
def mark_interrupted_imports() -> int:
    """Beat, every 5 minutes: runs whose heartbeat went stale are marked interrupted."""
    from papers.services import import_runs_mark_interrupted

    return import_runs_mark_interrupted()


@shared_task
def ensure_reader_indexes() -> list[str]:
    """Beat, every 5 minutes: indexes a killed first load left unbuilt are built (papers/ingest/load/bulk.py)."""
    from papers.ingest.load.bulk import reader_indexes_ensure

    return reader_indexes_ensure()


# The embed queue's task lives with the discovery code; imported here so the worker registers it.
from papers.discovery.tasks import embed_new_papers  # noqa: E402, F401


@shared_task(bind=True, autoretry_for=TRANSIENT, retry_backoff=5, retry_backoff_max=300, max_retries=5,
             time_limit=900, soft_time_limit=840, acks_late=True)
def derive_search_vectors(self, paper_ids: list[int]) -> int:
    """Derive the search vectors of one committed import batch (queue ``derive``)."""
    from papers.services import paper_search_vectors_derive

    return paper_search_vectors_derive(paper_ids=paper_ids)


@shared_task(bind=True, autoretry_for=TRANSIENT, retry_backoff=30, retry_backoff_max=600, max_retries=3,
             time_limit=3600, soft_time_limit=3300, acks_late=True)
def derive_pending_search_vectors(self) -> int:
    """Derive every search vector still missing (beat's safety net behind the per-batch tasks)."""
    from papers.services import paper_search_vectors_derive_pending

    return paper_search_vectors_derive_pending()
