"""HTTP clients of the citation sources, behind one interface: ``works_for(papers) -> [WorkRecord]``.

OpenAlex (the default): works looked up by arXiv DOI and journal DOI, 50 ids a call
(``filter=doi:a|b|…``), cursor paging, the polite pool (``mailto``) and the optional API key.
Semantic Scholar (optional, ``S2_API_KEY``): one paper a call by arXiv id, citationCount and
influentialCitationCount.

Every call is bounded: a connect/read timeout, a cap on the body size, a cap on retries. 429 and
5xx are retried after the server's Retry-After or an exponential backoff; a 404 that answers
HTML (OpenAlex's Flask default page) is "not found", not a parse error.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import requests
from django.conf import settings

from papers.impact.works import (
    WorkError,
    WorkRecord,
    arxiv_doi,
    clean_arxiv_id,
    normalise_doi,
    parse_work,
    safe_count,
    short_work_id,
)
from papers.ingest.http import RETRY_STATUS_CODES, backoff_delay

DOI_BATCH = 50  # OpenAlex accepts up to 50 values in one OR filter
PER_PAGE = 200
TIMEOUT = (10, 60)  # connect, read (seconds)
MAX_BODY_BYTES = 64 * 1024 * 1024
MAX_PAGES = 50  # 50 DOIs match at most ~100 works; a runaway cursor stops here
BACKOFF_BASE_SECONDS = 2.0
USER_AGENT = "bzpeer/1.0 (citations; +https://github.com/bzpeer)"


class CitationSourceError(Exception):
    """The source kept failing or answered something that is not its API (after every retry)."""


class CitationSourceRefused(CitationSourceError):
    """401/403/400: retrying cannot help (bad key, bad query)."""


@dataclass(frozen=True)
class PaperKey:
    """What a client needs to know about one of our papers."""

    paper_id: int
    arxiv_id: str
    doi: str = ""


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str


class _HTTP:
    def __init__(self, *, session: requests.Session | None, sleep: Callable[[float], None], max_retries: int,
                 name: str):
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", USER_AGENT)
        self.sleep = sleep
        self.max_retries = max_retries
        self.name = name
        self.calls = 0

    def get(self, url: str, params: dict, headers: dict | None = None) -> Response:
        problem = ""
        for attempt in range(self.max_retries + 1):
            retry_after = None
            try:
                self.calls += 1
                with self.session.get(url, params=params, headers=headers, timeout=TIMEOUT, stream=True) as r:
                    body = _read_bounded(r)
                    status, ctype = r.status_code, r.headers.get("Content-Type", "")
                    retry_after = r.headers.get("Retry-After")
            except (requests.ConnectionError, requests.Timeout) as exc:
                problem = f"{type(exc).__name__}: {exc}"
            else:
                if status not in RETRY_STATUS_CODES:
                    return Response(status, body, ctype)
                problem = f"HTTP {status}"
            if attempt < self.max_retries:
                self.sleep(backoff_delay(attempt, retry_after, base=BACKOFF_BASE_SECONDS))
        raise CitationSourceError(f"{self.name} still failing after {self.max_retries + 1} attempts ({problem})")


def _read_bounded(response: requests.Response) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise CitationSourceError(f"response of {declared} bytes exceeds the {MAX_BODY_BYTES}-byte cap")
    chunks, size = [], 0
    for chunk in response.iter_content(chunk_size=256 * 1024):
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise CitationSourceError(f"response exceeds the {MAX_BODY_BYTES}-byte cap")
        chunks.append(chunk)
    return b"".join(chunks)


def _json(resp: Response, name: str):
    try:
        return json.loads(resp.body)
    except ValueError as exc:
        kind = "HTML" if b"<html" in resp.body[:500].lower() else "non-JSON"
        raise CitationSourceError(f"{name} answered {kind} with HTTP {resp.status}") from exc


def _error_message(resp: Response) -> str:
    try:
        doc = json.loads(resp.body)
    except ValueError:
        return resp.body[:200].decode("utf-8", "replace")
    if isinstance(doc, dict):
        return str(doc.get("message") or doc.get("error") or doc)[:300]
    return str(doc)[:300]


class OpenAlexClient:
    """OpenAlex works by DOI, 50 a call, cursor-paged."""

    name = "OpenAlex"

    def __init__(self, *, endpoint: str | None = None, mailto: str | None = None, api_key: str | None = None,
                 session: requests.Session | None = None, sleep: Callable[[float], None] = time.sleep,
                 max_retries: int = 4):
        self.endpoint = (endpoint or settings.OPENALEX_ENDPOINT).rstrip("/")
        self.mailto = settings.OPENALEX_MAILTO if mailto is None else mailto
        self.api_key = settings.OPENALEX_API_KEY if api_key is None else api_key
        self.http = _HTTP(session=session, sleep=sleep, max_retries=max_retries, name="OpenAlex")

    def _params(self, **params) -> dict:
        if self.mailto:
            params["mailto"] = self.mailto  # the polite pool
        if self.api_key:
            params["api_key"] = self.api_key
        return params

    def work(self, work_id_or_doi: str) -> WorkRecord | None:
        """One work by OpenAlex id or DOI; None when OpenAlex does not know it (its 404 is HTML)."""
        key = short_work_id(work_id_or_doi) or f"https://doi.org/{normalise_doi(work_id_or_doi)}"
        resp = self.http.get(f"{self.endpoint}/works/{key}", self._params())
        if resp.status == 404:
            return None
        if resp.status >= 400:
            raise (CitationSourceRefused if resp.status < 500 else CitationSourceError)(
                f"OpenAlex HTTP {resp.status}: {_error_message(resp)}")
        return parse_work(_json(resp, self.name))

    def works_by_dois(self, dois: Iterable[str]) -> Iterator[WorkRecord | WorkError]:
        """Every work whose DOI is one of ``dois``, asked 50 at a time, following the cursor."""
        wanted = sorted({d for d in (normalise_doi(x) for x in dois) if d and "|" not in d and "," not in d})
        for start in range(0, len(wanted), DOI_BATCH):
            chunk = wanted[start:start + DOI_BATCH]
            cursor = "*"
            for _page in range(MAX_PAGES):
                resp = self.http.get(f"{self.endpoint}/works", self._params(
                    filter="doi:" + "|".join(chunk), per_page=PER_PAGE, cursor=cursor))
                if resp.status >= 400:
                    raise (CitationSourceRefused if resp.status < 500 else CitationSourceError)(
                        f"OpenAlex HTTP {resp.status}: {_error_message(resp)}")
                doc = _json(resp, self.name)
                results = doc.get("results") if isinstance(doc, dict) else None
                if not isinstance(results, list):
                    raise CitationSourceError("OpenAlex answered a document without results")
                for obj in results:
                    try:
                        yield parse_work(obj)
                    except WorkError as exc:
                        yield exc
                cursor = (doc.get("meta") or {}).get("next_cursor")
                if not results or not cursor:
                    break

    def works_for(self, papers: Iterable[PaperKey]) -> Iterator[WorkRecord | WorkError]:
        """The works of ``papers``: their arXiv DOIs and journal DOIs, looked up together."""
        dois = []
        for p in papers:
            dois.append(arxiv_doi(p.arxiv_id))
            if p.doi:
                dois.append(p.doi)
        yield from self.works_by_dois(dois)


class SemanticScholarClient:
    """Semantic Scholar papers by arXiv id: citationCount, influentialCitationCount, externalIds.ArXiv."""

    name = "Semantic Scholar"
    FIELDS = "externalIds,title,citationCount,influentialCitationCount"

    def __init__(self, *, endpoint: str | None = None, api_key: str | None = None,
                 session: requests.Session | None = None, sleep: Callable[[float], None] = time.sleep,
                 max_retries: int = 4):
        self.endpoint = (endpoint or settings.S2_ENDPOINT).rstrip("/")
        self.api_key = settings.S2_API_KEY if api_key is None else api_key
        self.http = _HTTP(session=session, sleep=sleep, max_retries=max_retries, name="Semantic Scholar")

    def paper(self, key: str) -> WorkRecord | None:
        """One paper by S2 id form ('ARXIV:2312.07559', 'DOI:10.…'); None on 404."""
        headers = {"x-api-key": self.api_key} if self.api_key else None
        resp = self.http.get(f"{self.endpoint}/graph/v1/paper/{key}", {"fields": self.FIELDS}, headers=headers)
        if resp.status == 404:
            return None
        if resp.status >= 400:
            raise (CitationSourceRefused if resp.status < 500 else CitationSourceError)(
                f"Semantic Scholar HTTP {resp.status}: {_error_message(resp)}")
        return parse_s2_paper(_json(resp, self.name))

    def works_for(self, papers: Iterable[PaperKey]) -> Iterator[WorkRecord | WorkError]:
        for p in papers:
            try:
                record = self.paper(f"ARXIV:{p.arxiv_id}")
            except WorkError as exc:
                yield exc
                continue
            if record is not None:
                yield record


def parse_s2_paper(obj) -> WorkRecord:
    """A Semantic Scholar paper object → WorkRecord (source "s2", no reference list)."""
    if not isinstance(obj, dict) or not isinstance(obj.get("paperId"), str) or not obj["paperId"]:
        raise WorkError("not a Semantic Scholar paper (no paperId)")
    ids = obj.get("externalIds") if isinstance(obj.get("externalIds"), dict) else {}
    arxiv = clean_arxiv_id(str(ids.get("ArXiv") or ""))
    influential = obj.get("influentialCitationCount")
    return WorkRecord(
        work_id=f"S2:{obj['paperId'][:60]}",
        doi=normalise_doi(ids.get("DOI")),
        arxiv_id=arxiv,
        is_preprint=False,
        title=(obj.get("title") or "")[:1000] if isinstance(obj.get("title"), str) else "",
        cited_by_count=safe_count(obj.get("citationCount")),
        source="s2",
        influential_count=safe_count(influential) if influential is not None else None,
    )


def client_for(source: str, **kwargs):
    """The client of ``source`` ("openalex" or "s2")."""
    if source == "s2":
        return SemanticScholarClient(**kwargs)
    if source == "openalex":
        return OpenAlexClient(**kwargs)
    raise ValueError(f"unknown citation source {source!r}")
