"""Writes of the papers app: import runs and the bulk loader behind them."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from papers.models import ImportRun, ImportState

__all__ = [
    "ImportSourceError", "import_run_start", "import_run_checkpoint", "import_run_resume", "import_run_expect",
    "import_run_finish", "import_run_load",
    "import_arxiv_source", "import_arxiv_enqueue",
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
    from papers.ingest.loader import load_records

    load_records(records, run=run, batch_size=batch_size)
    return run


class ImportSourceError(Exception):
    """A source could not be read to the end; the message says which and why."""


def import_arxiv_source(*, run: ImportRun, batch_size: int | None = None, on_batch=None, on_read=None) -> ImportRun:
    """Open ``run.source``, detect its format when ``run.format`` is "auto", load it, finish the run.

    Records read before a file-level fault are committed; the fault then finishes the run as
    failed and raises ImportSourceError. A rerun is idempotent.
    """
    from papers.ingest.loader import load_records
    from papers.ingest.parsers import SourceError, detect_format, iter_records
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
    from papers.tasks import import_arxiv_source as task

    with transaction.atomic():
        params = {"batch_size": batch_size} if batch_size else {}
        run = ImportRun.objects.create(source=source, format=format, params=params)
        transaction.on_commit(lambda: task.delay(run.id))
    return run
