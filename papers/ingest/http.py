"""HTTP retry policy shared by the arXiv clients: which answers are worth a retry, and how long to wait."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable

import requests

from papers.ingest.parsers import SourceError

RETRY_STATUS_CODES = (429, 500, 502, 503, 504)
BACKOFF_BASE_SECONDS = 5.0
BACKOFF_MAX_SECONDS = 600.0  # also caps a server's Retry-After: never park a worker for hours


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


def read_body_capped(response: requests.Response) -> requests.Response:
    """Read a streamed response's body (Content-Encoding undone) up to IMPORT_MAX_PAGE_BYTES; SourceError past it.

    `response.content` would inflate a gzip-encoded bomb into memory whole; read this way the
    cost is bounded by the cap, and `.content` then returns what was read.
    """
    from papers.ingest.limits import human, limit

    cap = limit("IMPORT_MAX_PAGE_BYTES")
    chunks, size = [], 0
    try:
        for chunk in response.iter_content(chunk_size=256 * 1024):
            size += len(chunk)
            if size > cap:
                raise SourceError(f"{response.url}: a page larger than {human(cap)} (IMPORT_MAX_PAGE_BYTES); refused")
            chunks.append(chunk)
    finally:
        response.close()
    response._content = b"".join(chunks)  # requests' own cache of the body, read by `.content`
    return response


def get_with_retries(session, endpoint: str, params: dict, *, max_retries: int,
                     sleep: Callable[[float], None]) -> requests.Response:
    """GET ``endpoint``, retrying 429/5xx and network errors with back-off; raises SourceError when exhausted."""
    problem = ""
    for attempt in range(max_retries + 1):
        try:
            response = session.get(endpoint, params=params, timeout=60, stream=True)
        except (requests.ConnectionError, requests.Timeout) as exc:
            problem, retry_after = f"{type(exc).__name__}: {exc}", None
        else:
            if response.status_code not in RETRY_STATUS_CODES:
                return read_body_capped(response)
            response.close()
            problem, retry_after = f"HTTP {response.status_code}", response.headers.get("Retry-After")
        if attempt < max_retries:
            sleep(backoff_delay(attempt, retry_after, base=BACKOFF_BASE_SECONDS))
    raise SourceError(f"{endpoint} still failing after {max_retries + 1} attempts ({problem})")
