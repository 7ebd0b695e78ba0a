"""OAI-PMH harvesting with sickle: page by page, checkpointed, polite under 503.

``harvest`` is the network loop and knows nothing of the database: it fetches a page, hands
its records and resumptionToken to ``on_page`` and only then asks for the next page, so a
caller that stores the token in ``on_page`` can always resume where a killed harvest stopped.
``harvest_run`` is the service on top: it loads each page and its checkpoint in one
transaction, so a page is never counted twice after a resume.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import requests
from django.db import transaction
from sickle import Sickle

from papers.ingest.parsers import OAIError, SourceError, parse_oai_page
from papers.ingest.records import PaperRecord, RecordError

logger = logging.getLogger(__name__)

RETRY_STATUS_CODES = (429, 500, 502, 503, 504)
BACKOFF_BASE_SECONDS = 5.0
BACKOFF_MAX_SECONDS = 600.0  # also caps a server's Retry-After: never park a worker for hours
METADATA_PREFIXES = ("arXiv", "arXivRaw", "oai_dc")

OnPage = Callable[[list[PaperRecord | RecordError], str | None], None]


class HarvestError(SourceError):
    """The endpoint kept failing (HTTP errors or network) after every allowed retry."""


@dataclass
class HarvestResult:
    pages: int = 0
    records: int = 0
    last_token: str | None = None  # None when the list was harvested to its end
    complete_list_size: int | None = None


def backoff_delay(attempt: int, retry_after: str | None = None, *, base: float = BACKOFF_BASE_SECONDS,
                  cap: float = BACKOFF_MAX_SECONDS) -> float:
    """Seconds to wait before retry ``attempt`` (0-based): the server's Retry-After if it gave
    one (seconds or an HTTP date), else ``base * 2**attempt``; always capped at ``cap``."""
    if retry_after:
        value = retry_after.strip()
        if value.isdigit():
            return min(float(value), cap)
        try:
            when = email.utils.parsedate_to_datetime(value)
            return max(0.0, min(when.timestamp() - time.time(), cap))
        except (TypeError, ValueError, IndexError):
            pass
    return min(base * (2 ** attempt), cap)


class PoliteSickle(Sickle):
    """Sickle whose retries are bounded, exponential and use an injectable ``sleep``.

    Sickle's own loop waits ``default_retry_after`` every time and calls ``time.sleep``
    directly; harvesting arXiv for days needs back-off, and tests must not wait.
    """

    def __init__(self, endpoint: str, *, max_retries: int = 5, sleep: Callable[[float], None] = time.sleep,
                 backoff_base: float = BACKOFF_BASE_SECONDS, timeout: float = 120.0):
        super().__init__(endpoint, max_retries=max_retries, retry_status_codes=list(RETRY_STATUS_CODES),
                         default_retry_after=backoff_base, timeout=timeout)
        self.sleep = sleep
        self.backoff_base = backoff_base
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "bzpeer-harvester/1.0 (+OAI-PMH; polite)"

    def _request(self, kwargs):
        if self.http_method == "GET":
            return self.session.get(self.endpoint, params=kwargs, **self.request_args)
        return self.session.post(self.endpoint, data=kwargs, **self.request_args)

    def fetch(self, **params) -> requests.Response:
        """GET one OAI-PMH response, retrying 429/5xx and network errors with back-off."""
        last_problem = ""
        for attempt in range(self.max_retries + 1):
            try:
                response = self._request(params)
            except (requests.ConnectionError, requests.Timeout) as exc:
                last_problem = f"{type(exc).__name__}: {exc}"
                retry_after = None
            else:
                if response.status_code not in self.retry_status_codes:
                    if response.status_code >= 400:
                        raise HarvestError(f"{self.endpoint} answered HTTP {response.status_code} to {params}")
                    return response
                last_problem = f"HTTP {response.status_code}"
                retry_after = response.headers.get("Retry-After")
            if attempt == self.max_retries:
                break
            delay = backoff_delay(attempt, retry_after, base=self.backoff_base)
            logger.warning("OAI-PMH %s from %s; retry %d/%d in %.0fs", last_problem, self.endpoint,
                           attempt + 1, self.max_retries, delay)
            self.sleep(delay)
        raise HarvestError(
            f"{self.endpoint} still failing after {self.max_retries + 1} attempts ({last_problem}); "
            "the last checkpoint is kept, resume later"
        )

    def harvest(self, **kwargs):  # sickle's own iterators, should anyone use them, get the same policy
        from sickle.response import OAIResponse

        return OAIResponse(self.fetch(**kwargs), params=kwargs)


def harvest(
    *,
    endpoint: str,
    metadata_prefix: str = "arXiv",
    set_spec: str | None = None,
    from_date: str | None = None,
    until_date: str | None = None,
    resume_token: str | None = None,
    on_page: OnPage,
    max_retries: int = 5,
    sleep: Callable[[float], None] = time.sleep,
    max_pages: int | None = None,
    on_list_size: Callable[[int], None] | None = None,
    backoff_base: float = BACKOFF_BASE_SECONDS,
) -> HarvestResult:
    """ListRecords from ``endpoint`` page by page; ``on_page(records, next_token)`` per page.

    ``noRecordsMatch`` is an empty harvest. Other OAI errors raise OAIError, exhausted retries
    raise HarvestError; either way every page already handed to ``on_page`` stays handled.
    """
    if metadata_prefix not in METADATA_PREFIXES:
        raise ValueError(f"metadata prefix must be one of {', '.join(METADATA_PREFIXES)}")
    client = PoliteSickle(endpoint, max_retries=max_retries, sleep=sleep, backoff_base=backoff_base)
    if resume_token:
        params = {"verb": "ListRecords", "resumptionToken": resume_token}
    else:
        params = {"verb": "ListRecords", "metadataPrefix": metadata_prefix}
        if set_spec:
            params["set"] = set_spec
        if from_date:
            params["from"] = from_date
        if until_date:
            params["until"] = until_date
    result = HarvestResult(last_token=resume_token)
    while True:
        response = client.fetch(**params)
        records, token, attrs = parse_oai_page(response.content)
        size = attrs.get("completeListSize", "")
        if size.isdigit():
            result.complete_list_size = int(size)
            if on_list_size:
                on_list_size(int(size))
        on_page(records, token)
        result.pages += 1
        result.records += len(records)
        result.last_token = token
        if not token or (max_pages is not None and result.pages >= max_pages):
            return result
        params = {"verb": "ListRecords", "resumptionToken": token}


# ------------------------------------------------------------------ service layer

def harvest_run_start(*, endpoint: str, metadata_prefix: str = "arXiv", set_spec: str | None = None,
                      from_date: str | None = None, until_date: str | None = None):
    """Open an ImportRun describing one OAI-PMH harvest (its params are what a resume reuses)."""
    from papers.services import import_run_start

    if metadata_prefix not in METADATA_PREFIXES:
        raise ValueError(f"metadata prefix must be one of {', '.join(METADATA_PREFIXES)}")
    return import_run_start(
        source=endpoint,
        format=f"oai-{metadata_prefix}",
        params={"endpoint": endpoint, "metadata_prefix": metadata_prefix, "set": set_spec,
                "from": from_date, "until": until_date, "via": "harvest"},
    )


class HarvestAlreadyFinished(Exception):
    pass


def harvest_run(*, run, batch_size: int = 2000, max_retries: int = 5, sleep: Callable[[float], None] = time.sleep,
                max_pages: int | None = None, backoff_base: float = BACKOFF_BASE_SECONDS):
    """Harvest into ``run`` from its checkpoint (or the start), loading each page with its token.

    Finishes the run when the list is exhausted; on failure finishes it as failed and re-raises,
    keeping the checkpoint so ``harvest_run`` on the same run resumes. With ``max_pages`` it
    stops early and leaves the run open (running) at its checkpoint.
    """
    from papers.ingest.loader import load_records
    from papers.models import ImportState
    from papers.services import import_run_checkpoint, import_run_expect, import_run_finish, import_run_resume

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
                    from_date: str | None = None, until_date: str | None = None):
    """Open a harvest run and hand it to the ingest worker once this transaction commits."""
    from papers.tasks import harvest_arxiv_run

    with transaction.atomic():
        run = harvest_run_start(endpoint=endpoint, metadata_prefix=metadata_prefix, set_spec=set_spec,
                                from_date=from_date, until_date=until_date)
        transaction.on_commit(lambda: harvest_arxiv_run.delay(run.pk))
    return run
