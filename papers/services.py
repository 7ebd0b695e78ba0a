"""Writes of the papers app: import runs and the bulk loader behind them."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from researchers.outbox.services import task_enqueue_on_commit
from papers.ingest.arxiv_api import author_query, fetch_author
from papers.ingest.harvest import METADATA_PREFIXES, harvest
from papers.ingest.http import BACKOFF_BASE_SECONDS
from papers.ingest.load import DEFAULT_BATCH_SIZE, load_records
from papers.ingest.load.search import derive_search_vectors, pending_search_vector_ids
from papers.ingest.parsers import OAIError, SourceError
from papers.models import ImportRun, ImportState

__all__ = [
    "ImportSourceError", "import_run_start", "import_run_checkpoint", "import_run_resume", "import_run_expect",
    "import_run_finish", "import_run_load",
    "import_arxiv_source", "import_arxiv_enqueue",
    "HarvestAlreadyFinished", "harvest_run_start", "harvest_run", "harvest_enqueue",
    "fetch_author_run_start", "fetch_author_run", "fetch_author_enqueue",
    "paper_search_vectors_derive", "paper_search_vectors_derive_pending",
]


@transaction.atomic
def import_run_start(*, source: str, format: str, params: dict | None = None) -> ImportRun:
    """Create a running ImportRun for one source (file, URL, OAI endpoint or API query)."""
    now = timezone.now()
    return ImportRun.objects.create(
        source=source, format=format, params=params or {}, state=ImportState.RUNNING, started_at=now,
        heartbeat_at=now,
    )


@transaction.atomic
def import_run_checkpoint(*, run: ImportRun, checkpoint: str) -> None:
    """Record how far the run got (offset, resumptionToken, start index) so it can resume."""
    run.checkpoint = checkpoint
    run.save(update_fields=["checkpoint"])


@transaction.atomic
def import_run_resume(*, run: ImportRun) -> ImportRun:
    """Reopen a failed or interrupted run so it continues from its checkpoint."""
    if run.state != ImportState.RUNNING or run.heartbeat_is_stale:
        run.state = ImportState.RUNNING
        run.message = ""
        run.finished_at = None
        run.heartbeat_at = timezone.now()
        run.save(update_fields=["state", "message", "finished_at", "heartbeat_at"])
    return run


@transaction.atomic
def import_runs_mark_interrupted(*, now=None) -> int:
    """Mark running runs whose heartbeat is stale as interrupted, with the command that resumes them.

    A SIGKILLed import never reaches import_run_finish; without this it would say "running" forever.
    Returns how many runs were marked.
    """
    from django.conf import settings
    from django.db.models import Q

    now = now or timezone.now()
    cutoff = now - timezone.timedelta(seconds=settings.IMPORT_HEARTBEAT_STALE_SECONDS)
    stale = list(
        ImportRun.objects.select_for_update(skip_locked=True)
        .filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff),
                state=ImportState.RUNNING)
    )
    for run in stale:
        last = run.heartbeat_at or run.started_at
        run.state = ImportState.INTERRUPTED
        run.finished_at = now
        run.message = (f"Interrupted: no progress since {last:%Y-%m-%d %H:%M:%S} UTC (the import process "
                       f"was killed or lost). Resume with: {run.resume_command}")
        run.save(update_fields=["state", "finished_at", "message"])
    return len(stale)


@transaction.atomic
def import_run_expect(*, run: ImportRun, total: int) -> None:
    """Record how many records the source announced, for the admin's progress bar."""
    if run.total_expected != total:
        run.total_expected = total
        run.save(update_fields=["total_expected"])


@transaction.atomic
def import_run_finish(*, run: ImportRun, error: str | None = None) -> ImportRun:
    """Close the run: failed with ``error``, partial when records failed, else succeeded."""
    if error:
        run.state = ImportState.FAILED
        run.message = error[:10_000]
    elif run.failed:
        run.state = ImportState.PARTIAL
        run.message = f"{run.failed} record(s) failed; see errors"
    else:
        run.state = ImportState.SUCCEEDED
    run.finished_at = timezone.now()
    run.save(update_fields=["state", "message", "finished_at"])
    return run


def import_run_load(*, run: ImportRun, records, batch_size: int | None = None) -> ImportRun:
    """Feed parsed records into the set-based loader under ``run`` (one transaction per batch)."""
    load_records(records, run=run, batch_size=batch_size)
    return run


class ImportSourceError(Exception):
    """A source could not be read to the end; the message says which and why."""


def import_arxiv_source(*, run: ImportRun, batch_size: int | None = None, on_batch=None, on_read=None) -> ImportRun:
    """Open ``run.source``, detect its format when ``run.format`` is "auto", load it, finish the run.

    Records read before a file-level fault are committed; the fault then finishes the run as
    failed and raises ImportSourceError. A rerun is idempotent.
    """
    from papers.ingest.parsers import detect_format, iter_records
    from papers.ingest.sources import SourceUnreadable, open_source, read_head

    if run.state != ImportState.RUNNING:
        run.state, run.started_at = ImportState.RUNNING, timezone.now()
        run.save(update_fields=["state", "started_at"])
    try:
        stream = open_source(run.source, on_read=on_read)
    except SourceUnreadable as exc:
        import_run_finish(run=run, error=str(exc))
        raise ImportSourceError(str(exc)) from exc
    try:
        with stream:
            if run.format in ("", "auto"):
                run.format = detect_format(read_head(stream))
                run.save(update_fields=["format"])
            load_records(iter_records(stream, run.format), run=run, batch_size=batch_size, on_batch=on_batch)
    except (SourceError, OSError, ValueError) as exc:
        message = f"{run.source}: {exc}"
        import_run_finish(run=run, error=message)
        raise ImportSourceError(message) from exc
    except BaseException as exc:
        import_run_finish(run=run, error=f"{run.source}: interrupted: {exc!r}")
        raise
    return import_run_finish(run=run)


def import_arxiv_enqueue(*, source: str, format: str = "auto", batch_size: int | None = None) -> ImportRun:
    """Create a pending run and hand it to the ingest worker once this transaction commits."""
    with transaction.atomic():
        params = {"batch_size": batch_size} if batch_size else {}
        run = ImportRun.objects.create(source=source, format=format, params=params)
        task_enqueue_on_commit(task=import_arxiv_source_task, args=[run.id])
    return run


# -- OAI-PMH harvests -------------------------------------------------------------------------

@transaction.atomic
def harvest_run_start(*, endpoint: str, metadata_prefix: str = "arXiv", set_spec: str | None = None,
                      from_date: str | None = None, until_date: str | None = None) -> ImportRun:
    """Open an ImportRun describing one OAI-PMH harvest (its params are what a resume reuses)."""
    if metadata_prefix not in METADATA_PREFIXES:
        raise ValueError(f"metadata prefix must be one of {', '.join(METADATA_PREFIXES)}")
    return import_run_start(
        source=endpoint,
        format=f"oai-{metadata_prefix}",
        params={"endpoint": endpoint, "metadata_prefix": metadata_prefix, "set": set_spec,
                "from": from_date, "until": until_date, "via": "harvest"},
    )


class HarvestAlreadyFinished(Exception):
    """The run was already harvested to its end; there is nothing to resume."""


def harvest_run(*, run, batch_size: int = 2000, max_retries: int = 5, sleep: Callable[[float], None] = time.sleep,
                max_pages: int | None = None, backoff_base: float = BACKOFF_BASE_SECONDS) -> ImportRun:
    """Harvest into ``run`` from its checkpoint (or the start), loading each page with its token.

    Finishes the run when the list is exhausted; on failure finishes it as failed and re-raises,
    keeping the checkpoint so ``harvest_run`` on the same run resumes. With ``max_pages`` it
    stops early and leaves the run open (running) at its checkpoint.
    """

    if run.state in (ImportState.SUCCEEDED, ImportState.PARTIAL):
        raise HarvestAlreadyFinished(f"import run #{run.pk} already finished ({run.state}); nothing to resume")
    params = run.params or {}
    import_run_resume(run=run)

    def on_page(records, token):
        # Page and checkpoint commit together: a kill can never load a page without its token.
        with transaction.atomic():
            load_records(records, run=run, batch_size=batch_size)
            import_run_checkpoint(run=run, checkpoint=token or "")

    def on_list_size(size: int):
        import_run_expect(run=run, total=size)

    try:
        result = harvest(
            endpoint=params.get("endpoint") or run.source,
            metadata_prefix=params.get("metadata_prefix") or "arXiv",
            set_spec=params.get("set"),
            from_date=params.get("from"),
            until_date=params.get("until"),
            resume_token=run.checkpoint or None,
            on_page=on_page,
            max_retries=max_retries,
            sleep=sleep,
            max_pages=max_pages,
            on_list_size=on_list_size,
            backoff_base=backoff_base,
        )
    except (SourceError, OAIError) as exc:
        import_run_finish(run=run, error=f"{exc} (resume with --resume {run.pk})")
        raise
    except BaseException as exc:
        import_run_finish(run=run, error=f"interrupted: {exc!r} (resume with --resume {run.pk})")
        raise
    if result.last_token is None:
        import_run_finish(run=run)
    return run


def harvest_enqueue(*, endpoint: str, metadata_prefix: str = "arXiv", set_spec: str | None = None,
                    from_date: str | None = None, until_date: str | None = None) -> ImportRun:
    """Open a harvest run and hand it to the ingest worker once this transaction commits."""
    with transaction.atomic():
        run = harvest_run_start(endpoint=endpoint, metadata_prefix=metadata_prefix, set_spec=set_spec,
                                from_date=from_date, until_date=until_date)
        task_enqueue_on_commit(task=harvest_arxiv_run_task, args=[run.pk])
    return run


# -- one author from the arXiv API ----------------------------------------------------------

@transaction.atomic
def fetch_author_run_start(*, name: str, endpoint: str | None = None, max_results: int = 500) -> ImportRun:
    """Open an ImportRun for one author fetch from the arXiv API."""
    endpoint = endpoint or settings.ARXIV_API_ENDPOINT
    return import_run_start(
        source=f"{endpoint}?search_query={author_query(name)}",
        format="atom",
        params={"name": name, "endpoint": endpoint, "max_results": max_results, "via": "fetch_author"},
    )


def fetch_author_run(*, run, page_size: int = 100, delay: float | None = None, session=None,
                     sleep: Callable[[float], None] = time.sleep, batch_size: int = 2000) -> ImportRun:
    """Load every page of the author's papers into ``run``, checkpointing the next start index."""

    params = run.params or {}
    start = int(run.checkpoint) if (run.checkpoint or "").isdigit() else 0
    try:
        for page in fetch_author(name=params["name"], endpoint=params.get("endpoint"),
                                 max_results=int(params.get("max_results", 500)) - start, page_size=page_size,
                                 delay=delay, session=session, start=start, sleep=sleep):
            start += len(page)
            with transaction.atomic():
                load_records(page, run=run, batch_size=batch_size)
                import_run_checkpoint(run=run, checkpoint=str(start))
    except BaseException as exc:
        import_run_finish(run=run, error=f"{exc}" if isinstance(exc, SourceError) else f"interrupted: {exc!r}")
        raise
    return import_run_finish(run=run)


def fetch_author_enqueue(*, name: str, endpoint: str | None = None, max_results: int = 500) -> ImportRun:
    """Open the run and hand it to the ingest worker once this transaction commits."""
    with transaction.atomic():
        run = fetch_author_run_start(name=name, endpoint=endpoint, max_results=max_results)
        task_enqueue_on_commit(task=fetch_arxiv_author_run_task, args=[run.pk])
    return run


# Tasks import this module inside their bodies; importing them here, last and aliased, keeps the
# two modules out of an import cycle (HackSoft styleguide).
from papers.tasks import (  # noqa: E402
    fetch_arxiv_author_run as fetch_arxiv_author_run_task,
    harvest_arxiv_run as harvest_arxiv_run_task,
    import_arxiv_source as import_arxiv_source_task,
)


# -- derived paper data ------------------------------------------------------------------------

@transaction.atomic
def paper_search_vectors_derive(*, paper_ids: list[int]) -> int:
    """Derive the missing search vectors of ``paper_ids`` (one committed import batch); returns how many."""
    return derive_search_vectors(paper_ids)


def paper_search_vectors_derive_pending(*, chunk: int = DEFAULT_BATCH_SIZE) -> int:
    """Derive every missing search vector, ``chunk`` papers a transaction; returns how many.

    The sweep behind the per-batch tasks: it finishes what a lost task or an interrupted load
    left, and concurrent sweeps take disjoint chunks.
    """
    total = 0
    while True:
        with transaction.atomic():
            ids = pending_search_vector_ids(limit=chunk)
            if not ids:
                return total
            total += derive_search_vectors(ids)
