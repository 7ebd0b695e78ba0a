"""OpenAlex works JSON in, WorkRecord out: API list pages, single works and snapshot JSON lines.

Only what BZPEER stores is kept from a work: its id, DOI, the arXiv id it carries (from the arXiv
DOI 10.48550/arXiv.<id> or an arxiv.org location), cited_by_count, counts_by_year, title and the
ids of its references. Everything else in the (large, drifting) schema is ignored, so a newer or
older schema parses the same.
"""

from __future__ import annotations

import gzip
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from papers.ingest.parsers import SourceError

# A whole-document file (an API page, a single work) is read into memory; snapshot files are
# JSON lines and stream. Real API pages are at most a few MB (200 full works).
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024
# A single snapshot line longer than this is a broken file, not a work.
MAX_LINE_BYTES = 32 * 1024 * 1024
MAX_REFERENCES = 5000

_ARXIV_DOI_RE = re.compile(r"^10\.48550/arxiv\.(.+)$", re.I)
_ARXIV_URL_RE = re.compile(r"arxiv\.org/(?:abs|pdf)/([^?#\s]+?)(?:v\d+)?(?:\.pdf)?/?$", re.I)
_ARXIV_ID_RE = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Za-z\-]+)?/\d{7})$")
_WORK_ID_RE = re.compile(r"^W\d{1,20}$")


class WorkError(ValueError):
    """One work that cannot be used; the import logs it and goes on."""


@dataclass
class WorkRecord:
    work_id: str
    doi: str = ""  # lower-case, without https://doi.org/
    arxiv_id: str = ""  # without version
    is_preprint: bool = False
    title: str = ""
    cited_by_count: int = 0
    counts_by_year: dict[str, int] = field(default_factory=dict)
    referenced_works: list[str] = field(default_factory=list)
    source: str = "openalex"
    influential_count: int | None = None  # Semantic Scholar only


def short_work_id(value) -> str:
    """'https://openalex.org/W3188841554' → 'W3188841554'; '' when it is not a work id."""
    if not isinstance(value, str):
        return ""
    tail = value.rstrip("/").rsplit("/", 1)[-1].upper()
    return tail if _WORK_ID_RE.match(tail) else ""


def normalise_doi(value) -> str:
    """'https://doi.org/10.48550/arXiv.2108.04680' → '10.48550/arxiv.2108.04680' (DOIs are case-insensitive)."""
    if not isinstance(value, str):
        return ""
    doi = value.strip()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:"):
        if doi.lower().startswith(prefix):
            doi = doi[len(prefix):]
            break
    doi = doi.strip().lower()
    return doi if doi.startswith("10.") and len(doi) <= 300 else ""


def arxiv_doi(arxiv_id: str) -> str:
    """The DataCite DOI arXiv gives every paper: 2108.04680 → 10.48550/arxiv.2108.04680."""
    return f"10.48550/arxiv.{arxiv_id}".lower()


def clean_arxiv_id(value: str) -> str:
    value = re.sub(r"v\d+$", "", value.strip())
    # Old-style ids keep their lower-case archive; new-style are digits.
    return value if _ARXIV_ID_RE.match(value) else ""


def arxiv_id_of(doi: str, locations) -> str:
    """The arXiv id a work carries: from its arXiv DOI, else from an arxiv.org location."""
    match = _ARXIV_DOI_RE.match(doi or "")
    if match:
        found = clean_arxiv_id(match.group(1))
        if found:
            return found
    for loc in locations or ():
        if not isinstance(loc, dict):
            continue
        for key in ("landing_page_url", "pdf_url"):
            url = loc.get(key)
            if isinstance(url, str):
                m = _ARXIV_URL_RE.search(url)
                if m and (found := clean_arxiv_id(m.group(1))):
                    return found
    return ""


def safe_count(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        return 0
    return min(int(value), 2_000_000_000)


def parse_work(obj) -> WorkRecord:
    """One OpenAlex work object → WorkRecord; raises WorkError when it has no usable id."""
    if not isinstance(obj, dict):
        raise WorkError("not a JSON object")
    ids = obj.get("ids") if isinstance(obj.get("ids"), dict) else {}
    # select=ids projections carry the id only under ids.openalex.
    work_id = short_work_id(obj.get("id")) or short_work_id(ids.get("openalex"))
    if not work_id:
        raise WorkError(f"no OpenAlex work id ({str(obj.get('id'))[:80]!r})")
    doi = normalise_doi(obj.get("doi")) or normalise_doi(ids.get("doi"))
    locations = obj.get("locations")
    if not locations and isinstance(obj.get("primary_location"), dict):
        locations = [obj["primary_location"]]
    by_year: dict[str, int] = {}
    for row in obj.get("counts_by_year") or ():
        if isinstance(row, dict) and isinstance(row.get("year"), int) and 1900 <= row["year"] <= 2200:
            n = safe_count(row.get("cited_by_count"))
            if n:
                by_year[str(row["year"])] = by_year.get(str(row["year"]), 0) + n
    refs = []
    seen = set()
    for ref in (obj.get("referenced_works") or ())[:MAX_REFERENCES]:
        rid = short_work_id(ref)
        if rid and rid not in seen and rid != work_id:
            seen.add(rid)
            refs.append(rid)
    arxiv = arxiv_id_of(doi, locations)
    title = obj.get("title") or obj.get("display_name") or ""
    return WorkRecord(
        work_id=work_id,
        doi=doi,
        arxiv_id=arxiv,
        is_preprint=bool(_ARXIV_DOI_RE.match(doi)) or obj.get("type") == "preprint",
        title=title[:1000] if isinstance(title, str) else "",
        cited_by_count=safe_count(obj.get("cited_by_count")),
        counts_by_year=by_year,
        referenced_works=refs,
    )


def works_of_document(doc) -> tuple[list, dict]:
    """The work objects of one decoded document (list page or single work) and its meta."""
    if isinstance(doc, dict) and isinstance(doc.get("results"), list):
        return doc["results"], doc.get("meta") or {}
    if isinstance(doc, dict) and ("id" in doc or "ids" in doc):
        return [doc], {}
    if isinstance(doc, dict) and "error" in doc:
        raise SourceError(f"an OpenAlex error document, not works: {str(doc.get('error'))[:200]}")
    raise SourceError("not OpenAlex works JSON (expected a list page with results, a work, or JSON lines)")


def _text_stream(stream: BinaryIO) -> BinaryIO:
    head = stream.peek(2)[:2] if hasattr(stream, "peek") else b""
    if head == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=stream)
    return stream


def iter_works(stream: BinaryIO) -> Iterator[WorkRecord | WorkError]:
    """Works of one file, in order: a WorkError in place of each unusable work.

    The shape is told from the first line: a line that is a whole JSON object followed by more
    lines is a snapshot (JSON lines, streamed); anything else is one document.
    """
    raw = _text_stream(stream if hasattr(stream, "peek") else io.BufferedReader(stream))
    first = raw.readline(MAX_LINE_BYTES + 1)
    if len(first) > MAX_LINE_BYTES:
        raise SourceError(f"a line longer than {MAX_LINE_BYTES} bytes")
    rest_head = raw.readline(MAX_LINE_BYTES + 1)
    first_obj = _try_json(first)
    if first_obj is not None and rest_head.strip() and _looks_like_work_line(rest_head):
        yield from _work_or_error(first_obj, 1)
        line_no = 2
        line = rest_head
        while line:
            if len(line) > MAX_LINE_BYTES:
                raise SourceError(f"line {line_no}: longer than {MAX_LINE_BYTES} bytes")
            if line.strip():
                try:
                    obj = json.loads(line)
                except ValueError as exc:
                    yield WorkError(f"line {line_no}: not JSON ({exc})")
                else:
                    yield from _work_or_error(obj, line_no)
            line_no += 1
            line = raw.readline(MAX_LINE_BYTES + 1)
        return
    body = first + rest_head + raw.read(MAX_DOCUMENT_BYTES + 1 - len(first) - len(rest_head))
    if len(body) > MAX_DOCUMENT_BYTES:
        raise SourceError(f"a JSON document larger than {MAX_DOCUMENT_BYTES} bytes; use JSON lines")
    try:
        doc = json.loads(body)
    except ValueError as exc:
        raise SourceError(f"not JSON: {exc}") from exc
    objs, _meta = works_of_document(doc)
    for i, obj in enumerate(objs, 1):
        yield from _work_or_error(obj, i)


def _try_json(line: bytes):
    text = line.strip()
    if not text.startswith(b"{"):
        return None
    try:
        obj = json.loads(text)
    except ValueError:
        return None
    return obj if isinstance(obj, dict) else None


def _looks_like_work_line(line: bytes) -> bool:
    return line.lstrip().startswith(b"{")


def _work_or_error(obj, position: int) -> Iterator[WorkRecord | WorkError]:
    if isinstance(obj, dict) and isinstance(obj.get("results"), list):
        # A JSON-lines file of whole API pages (as some harvesters save them).
        for i, inner in enumerate(obj["results"], 1):
            yield from _work_or_error(inner, position * 100_000 + i)
        return
    try:
        yield parse_work(obj)
    except WorkError as exc:
        yield WorkError(f"work {position}: {exc}")
