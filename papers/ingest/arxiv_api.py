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

from papers.ingest.http import get_with_retries
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
            response = get_with_retries(session, endpoint, params, max_retries=max_retries, sleep=sleep)
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
