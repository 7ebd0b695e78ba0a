"""OAI-PMH harvesting with sickle: page by page, checkpointed, polite under 503.

``harvest`` is the network loop and knows nothing of the database: it fetches a page, hands
its records and resumptionToken to ``on_page`` and only then asks for the next page, so a
caller that stores the token in ``on_page`` can always resume where a killed harvest stopped.
``papers.services.harvest_run`` is the service on top: it loads each page and its checkpoint
in one transaction, so a page is never counted twice after a resume.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import requests
from sickle import Sickle

from papers.ingest.http import BACKOFF_BASE_SECONDS, RETRY_STATUS_CODES, backoff_delay, read_body_capped
from papers.ingest.parsers import SourceError, parse_oai_page
from papers.ingest.records import PaperRecord, RecordError

logger = logging.getLogger(__name__)

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
            return self.session.get(self.endpoint, params=kwargs, stream=True, **self.request_args)
        return self.session.post(self.endpoint, data=kwargs, stream=True, **self.request_args)

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
                        response.close()
                        raise HarvestError(f"{self.endpoint} answered HTTP {response.status_code} to {params}")
                    return read_body_capped(response)
                response.close()
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
