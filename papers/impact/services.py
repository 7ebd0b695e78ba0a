"""Writes of the impact feature: OpenAlex files and API enrichment into the citation tables."""

from __future__ import annotations

from django.utils import timezone

from papers.impact.store import DEFAULT_BATCH_SIZE, load_works
from papers.impact.works import iter_works
from papers.models import ImportRun, ImportState


class OpenAlexImportError(Exception):
    """A works file could not be read to the end; the message says which and why."""


def openalex_file_import(*, run: ImportRun, batch_size: int = DEFAULT_BATCH_SIZE) -> ImportRun:
    """Read the OpenAlex works file ``run.source`` into the citation tables and finish the run.

    Works read before a file-level fault are committed; the fault then finishes the run as failed
    and raises OpenAlexImportError. A rerun is idempotent (works are keyed by their OpenAlex id).
    """
    from papers.ingest.parsers import SourceError
    from papers.ingest.sources import SourceUnreadable, open_source
    from papers.services import import_run_finish

    if run.state != ImportState.RUNNING:
        run.state, run.started_at = ImportState.RUNNING, timezone.now()
        run.save(update_fields=["state", "started_at"])
    try:
        stream = open_source(run.source)
    except SourceUnreadable as exc:
        import_run_finish(run=run, error=str(exc))
        raise OpenAlexImportError(str(exc)) from exc
    try:
        with stream:
            load_works(iter_works(stream), run=run, batch_size=batch_size)
    except (SourceError, OSError, ValueError, EOFError) as exc:
        message = f"{run.source}: {exc}"
        import_run_finish(run=run, error=message)
        raise OpenAlexImportError(message) from exc
    except BaseException as exc:
        import_run_finish(run=run, error=f"{run.source}: interrupted: {exc!r}")
        raise
    return import_run_finish(run=run)
