"""The arXiv API (Atom feed at /api/query) for "import this author now".

Pages through ``search_query=au:"Forenames Surname"`` with start/max_results, waiting the
politeness delay arXiv asks for between requests (3 s by default, settings.ARXIV_API_DELAY_SECONDS).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator

import requests
from django.conf import settings
from django.db import transaction

from papers.ingest.harvest import BACKOFF_BASE_SECONDS, RETRY_STATUS_CODES, backoff_delay
from papers.ingest.parsers import ArxivAPIError, SourceError, parse_atom_feed
from papers.ingest.records import PaperRecord, RecordError

logger = logging.getLogger(__name__)

API_MAX_PAGE = 2000  # arXiv refuses larger slices
EMPTY_PAGE_RETRIES = 2  # the API sometimes answers an empty page mid-result; asking again helps


def author_query(name: str) -> str:
    """'Zechun Liu' → 'au:"Zechun Liu"' (a phrase search in the author field)."""
    cleaned = " ".join(name.replace('"', " ").split())
    if not cleaned:
        raise ValueError("author name is empty")
    return f'au:"{cleaned}"'


def _get(session, endpoint: str, params: dict, *, max_retries: int, sleep: Callable[[float], None]):
    problem = ""
    for attempt in range(max_retries + 1):
        try:
            response = session.get(endpoint, params=params, timeout=60)
        except (requests.ConnectionError, requests.Timeout) as exc:
            problem, retry_after = f"{type(exc).__name__}: {exc}", None
        else:
            if response.status_code not in RETRY_STATUS_CODES:
                return response
            problem, retry_after = f"HTTP {response.status_code}", response.headers.get("Retry-After")
        if attempt < max_retries:
            sleep(backoff_delay(attempt, retry_after, base=BACKOFF_BASE_SECONDS))
    raise SourceError(f"arXiv API {endpoint} still failing after {max_retries + 1} attempts ({problem})")


def fetch_author(
    *,
    name: str,
    endpoint: str | None = None,
    max_results: int = 500,
    page_size: int = 100,
    delay: float | None = None,
    session: requests.Session | None = None,
    start: int = 0,
    sleep: Callable[[float], None] = time.sleep,
    max_retries: int = 3,
) -> Iterator[list[PaperRecord | RecordError]]:
    """Yield the author's papers page by page (newest first), at most ``max_results`` in all.

    An entry that cannot be parsed comes as a RecordError in its page so the loader logs it.
    The API's error feed raises ArxivAPIError; other HTTP failures raise SourceError.
    """
    endpoint = endpoint or settings.ARXIV_API_ENDPOINT
    delay = settings.ARXIV_API_DELAY_SECONDS if delay is None else delay
    page_size = max(1, min(page_size, API_MAX_PAGE))
    query = author_query(name)
    own_session = session is None
    session = session or requests.Session()
    session.headers.setdefault("User-Agent", "bzpeer/1.0 (author import; polite)")
    fetched = 0
    requested = 0
    empty_retries = 0
    try:
        while fetched < max_results:
            if requested and delay:
                sleep(delay)  # arXiv's terms: no more than one request every 3 seconds
            params = {"search_query": query, "start": start, "max_results": min(page_size, max_results - fetched),
                      "sortBy": "submittedDate", "sortOrder": "descending"}
            response = _get(session, endpoint, params, max_retries=max_retries, sleep=sleep)
            requested += 1
            if response.status_code >= 400:
                try:
                    parse_atom_feed(response.content)  # raises ArxivAPIError with arXiv's own message
                except ArxivAPIError:
                    raise
                except SourceError:
                    pass
                raise SourceError(f"arXiv API answered HTTP {response.status_code} for {query}")
            records, total, _start_index, _per_page = parse_atom_feed(response.content)
            if not records:
                if start < total and empty_retries < EMPTY_PAGE_RETRIES:
                    empty_retries += 1
                    continue
                return
            empty_retries = 0
            records = records[: max_results - fetched]  # a server may send more than asked
            yield records
            fetched += len(records)
            start += len(records)
            if start >= total:
                return
    finally:
        if own_session:
            session.close()


# ------------------------------------------------------------------ service layer

def fetch_author_run_start(*, name: str, endpoint: str | None = None, max_results: int = 500):
    """Open an ImportRun for one author fetch from the arXiv API."""
    from papers.services import import_run_start

    endpoint = endpoint or settings.ARXIV_API_ENDPOINT
    return import_run_start(
        source=f"{endpoint}?search_query={author_query(name)}",
        format="atom",
        params={"name": name, "endpoint": endpoint, "max_results": max_results, "via": "fetch_author"},
    )


def fetch_author_run(*, run, page_size: int = 100, delay: float | None = None, session=None,
                     sleep: Callable[[float], None] = time.sleep, batch_size: int = 2000):
    """Load every page of the author's papers into ``run``, checkpointing the next start index."""
    from papers.ingest.loader import load_records
    from papers.services import import_run_checkpoint, import_run_finish

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


def fetch_author_enqueue(*, name: str, endpoint: str | None = None, max_results: int = 500):
    """Open the run and hand it to the ingest worker once this transaction commits."""
    from papers.tasks import fetch_arxiv_author_run

    with transaction.atomic():
        run = fetch_author_run_start(name=name, endpoint=endpoint, max_results=max_results)
        transaction.on_commit(lambda: fetch_arxiv_author_run.delay(run.pk))
    return run
