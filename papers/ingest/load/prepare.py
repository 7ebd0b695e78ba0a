"""Record preparation, pure Python and safe off the main thread: validation, content hashes,
name and institution keys, code links, phrase counts and version merging (papers/ingest/load/)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache

from papers.ingest import keys
from papers.ingest.load.limits import MAX_POSITION, TOPIC_WINDOW
from papers.ingest.records import AuthorName, PaperRecord
from papers.ingest.topics import (
    PhraseExtractor,
)

ARXIV_ID_RE = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Za-z\-]+)?/\d{7})$")
_CODE_URL_RE = re.compile(
    r"(?:https?://)?(?:www\.)?(?:github\.com|gitlab\.com)/[A-Za-z0-9_.\-]+/[A-Za-z0-9_.\-]+(?:/[^\s,;<>\"'{}|\\^`\]]*)?",
    re.I,
)

_TRAILING_PUNCT = ".,;:!?)]}>'\""


def find_code_url(*texts: str) -> str:
    """The first github.com / gitlab.com repository URL in the texts, trailing punctuation cut."""
    for text in texts:
        if not text or ("github" not in text.lower() and "gitlab" not in text.lower()):
            continue
        match = _CODE_URL_RE.search(text)
        if match:
            url = match.group(0).rstrip(_TRAILING_PUNCT)
            # "(see https://github.com/a/b)" leaves an unbalanced ")" inside the match.
            while url.count("(") < url.count(")") and url.endswith(")"):
                url = url[:-1]
            if not url.lower().startswith("http"):
                url = "https://" + url
            return url[:500]
    return ""


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def content_hash(rec: PaperRecord) -> str:
    """md5 of the normalised record: equal hashes mean a re-import has nothing to change."""
    payload = [
        rec.arxiv_id, rec.version, rec.title, rec.abstract, rec.categories, rec.primary_category,
        [[v.version, _iso(v.date), v.size] for v in rec.versions], _iso(rec.submitted), _iso(rec.updated),
        rec.doi, rec.journal_ref, rec.comments, rec.license, rec.report_no, rec.submitter, rec.withdrawn,
        [[a.raw, a.keyname, a.forenames, a.suffix, a.affiliation, a.is_collaboration, a.orcid] for a in rec.authors],
    ]
    return hashlib.md5(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def clean(text: str | None, limit: int | None = None) -> str:
    # Postgres text cannot hold NUL; everything else is kept exactly.
    text = (text or "").replace("\x00", "")
    return text[:limit] if limit else text


def validate(rec: PaperRecord) -> str | None:
    if not isinstance(rec, PaperRecord):
        return f"not a paper record: {type(rec).__name__}"
    if not rec.arxiv_id or not ARXIV_ID_RE.match(rec.arxiv_id):
        return f"invalid arXiv id: {rec.arxiv_id!r}"
    if rec.deleted:
        return None
    if not (rec.title or "").strip():
        return "missing title"
    if rec.version is not None and not (0 < int(rec.version) < 32768):
        return f"invalid version: {rec.version!r}"
    if len(rec.authors) > MAX_POSITION:
        return f"too many authors ({len(rec.authors)})"
    return None


# Names recur across a corpus (an author per paper they wrote), so their keys are memoised.
@lru_cache(maxsize=200_000)
def _name_keys(keyname: str, forenames: str, suffix: str, raw: str, is_collaboration: bool) -> tuple:
    keyname = clean(keyname).strip()
    forenames = "" if is_collaboration else clean(forenames).strip()
    if not keyname:  # a byline with nothing but forenames: treat the whole as the surname
        keyname, forenames = forenames or clean(raw).strip() or "Unknown", ""
    display = keys.display_name(keyname, forenames, "" if is_collaboration else clean(suffix))
    return (
        keyname[:300], forenames[:300], keys.name_key(keyname, forenames), keys.initials_key(keyname, forenames),
        keys.is_initials_only(forenames), display, keys.slug_base(display),
    )


@lru_cache(maxsize=50_000)
def _institution_keys(affiliation: str) -> tuple[str, str, str]:
    key = keys.institution_key(affiliation)
    if not key:
        return "", "", ""
    return key, affiliation[:500], keys.slug_base(affiliation, max_length=180, fallback="institution")


@dataclass
class Prepared:
    """The pure-Python work of one batch, done ahead in the parse thread (see ``_prefetched``).

    Everything here is a function of the records alone, never of the database, so computing it
    early changes no result. Keyed by ``id(record)``: the batch list keeps the records alive.
    """

    digests: dict[int, str]
    bylines: dict[int, str]  # COPY text lines of the record's bylines, each without its paper id
    doc_ids: tuple[int, ...]  # the records ``counted`` covers, in order
    counted: list  # PhraseExtractor.count() of their (title, abstract), per TOPIC_WINDOW


def prepare(items: list) -> Prepared | None:
    try:
        recs = [r for r in items if isinstance(r, PaperRecord) and not r.deleted and validate(r) is None]
        return Prepared(
            digests={id(r): content_hash(r) for r in recs},
            bylines={id(r): byline_lines(r) for r in recs},
            doc_ids=tuple(id(r) for r in recs),
            counted=count_windows([(r.title, r.abstract) for r in recs]),
        )
    except Exception:  # noqa: BLE001 - an odd record: the main thread redoes the work and reports it
        return None


def count_windows(docs: list[tuple[str, str]]) -> list:
    return [PhraseExtractor.count(docs[i:i + TOPIC_WINDOW]) for i in range(0, len(docs), TOPIC_WINDOW)]


def byline_tail(position: int, a: AuthorName) -> tuple:
    keyname, forenames, name_key, initials_key, initials_only, display, slug = _name_keys(
        a.keyname, a.forenames, a.suffix, a.raw, bool(a.is_collaboration)
    )
    affiliation = clean(a.affiliation).strip()
    inst_key, inst_name, inst_slug = _institution_keys(affiliation) if affiliation else ("", "", "")
    return (
        position, clean(a.raw), keyname, forenames, clean(a.suffix, 40), affiliation,
        inst_key, inst_name, inst_slug, name_key, initials_key, initials_only, bool(a.is_collaboration),
        display, slug, display, (a.orcid or "").strip()[:19],
    )


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value: str) -> str:
    """``value`` as a field of COPY's text format."""
    return value.translate(_COPY_ESCAPES)


def byline_lines(rec: PaperRecord) -> list[str]:
    """Each byline of ``rec`` as a COPY text line of stg_byline without its leading paper id.

    Formatted here, in the parse thread, so that the main thread only prefixes the paper id: with
    psycopg's write_row, adapting ~18 values a byline was a tenth of the main thread's time.
    """
    lines = []
    for position, a in enumerate(rec.authors):
        row = byline_tail(position, a)
        lines.append("\t".join([
            str(position), *map(copy_text, row[1:11]), "t" if row[11] else "f", "t" if row[12] else "f",
            *map(copy_text, row[13:]),
        ]))
    return lines


def merge_versions(stored: list, incoming: PaperRecord) -> list:
    by_number: dict[int, dict] = {}
    for item in stored or []:
        try:
            by_number[int(item["version"])] = dict(item)
        except (KeyError, TypeError, ValueError):
            continue
    for v in incoming.versions:
        entry = by_number.get(v.version, {"version": v.version, "date": None, "size": ""})
        if v.date:
            entry["date"] = v.date.isoformat()
        if v.size:
            entry["size"] = v.size
        by_number[v.version] = entry
    return [by_number[k] for k in sorted(by_number)]
