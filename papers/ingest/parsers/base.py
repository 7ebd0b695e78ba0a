"""Errors and small helpers shared by the format parsers."""

from __future__ import annotations

import datetime as dt
import re
from email.utils import parsedate_to_datetime

from papers.ingest.latex import normalize_space

UTC = dt.UTC


class SourceError(Exception):
    """The source as a whole cannot be read (malformed XML/JSON, not an arXiv format).

    Raised after every good record before the fault has been yielded, so nothing already
    parsed is lost and a rerun can resume from the last checkpoint.
    """


class OAIError(SourceError):
    """An OAI-PMH ``<error code="...">`` response (badArgument, badResumptionToken, ...)."""

    def __init__(self, code: str, message: str = ""):
        self.code = code
        self.message = message
        super().__init__(f"OAI-PMH error {code}: {message}" if message else f"OAI-PMH error {code}")


class ArxivAPIError(SourceError):
    """The arXiv API answered with its error feed (an entry titled "Error")."""

    def __init__(self, message: str, url: str = ""):
        self.message = message
        self.url = url
        super().__init__(f"arXiv API error: {message}" + (f" ({url})" if url else ""))


# OAI-PMH errors that only mean "nothing here": an empty result, not a failure.
EMPTY_RESULT_CODES = frozenset({"noRecordsMatch", "idDoesNotExist"})

_VERSIONED_RE = re.compile(r"v(\d+)$")
_ID_PREFIX_RE = re.compile(r"^(?:oai:arXiv\.org:|https?://(?:export\.)?arxiv\.org/(?:abs|pdf)/|arXiv:)", re.I)
# New-style 0704.0001 / 1501.00001 and old-style hep-ex/0307015, math.GT/0309136.
ARXIV_ID_RE = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Za-z\-]+)?/\d{7})$")
CATEGORY_RE = re.compile(r"^[a-z][a-z\-]*(?:\.[A-Za-z\-]+)?$")
WITHDRAWN_RE = re.compile(
    r"(?:paper|article|submission|manuscript|preprint|version)\s+(?:has\s+been|is|was)\s+withdrawn"
    r"|^\s*withdrawn\b",
    re.I,
)


def split_arxiv_id(raw: str) -> tuple[str, int | None]:
    """'oai:arXiv.org:hep-ex/0307015', 'http://arxiv.org/abs/1201.4869v2' → ('1201.4869', 2)."""
    text = _ID_PREFIX_RE.sub("", (raw or "").strip())
    m = _VERSIONED_RE.search(text)
    if m:
        return text[: m.start()], int(m.group(1))
    return text, None


def check_arxiv_id(arxiv_id: str) -> str | None:
    """A reason string when ``arxiv_id`` is not an arXiv identifier, else None."""
    if not arxiv_id:
        return "missing arXiv id"
    if not ARXIV_ID_RE.match(arxiv_id):
        return f"not an arXiv id: {arxiv_id!r}"
    return None


_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}


def parse_rfc2822(value: str | None) -> dt.datetime | None:
    """'Mon, 2 Apr 2007 19:18:42 GMT' → aware datetime (UTC)."""
    if not value:
        return None
    parts = value.split()
    # arXiv always writes this exact shape; parse it directly (5x faster than email.utils).
    if len(parts) == 6 and parts[5] in ("GMT", "UTC") and parts[2] in _MONTHS and len(parts[4]) == 8:
        try:
            hh, mm, ss = parts[4].split(":")
            return dt.datetime(int(parts[3]), _MONTHS[parts[2]], int(parts[1]), int(hh), int(mm), int(ss),
                               tzinfo=UTC)
        except ValueError:
            pass
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_day(value: str | None) -> dt.datetime | None:
    """'2007-04-30' → 2007-04-30T00:00Z; also accepts full ISO timestamps."""
    if not value:
        return None
    value = value.strip()
    try:
        if len(value) == 10:
            return dt.datetime(int(value[:4]), int(value[5:7]), int(value[8:10]), tzinfo=UTC)
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def split_categories(value: str | None) -> list[str]:
    return [c for c in (value or "").split() if c]


def clean(value) -> str:
    """Metadata field (None, str) → whitespace-normalised str, no LaTeX conversion (URLs survive)."""
    if value is None:
        return ""
    return normalize_space(str(value))


def is_withdrawn(comments: str, abstract: str = "") -> bool:
    head = (abstract or "")[:200]
    return ("withdrawn" in (comments or "").lower() and bool(WITHDRAWN_RE.search(comments))) or (
        "withdrawn" in head.lower() and bool(WITHDRAWN_RE.search(head))
    )
