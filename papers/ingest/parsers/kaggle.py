"""Kaggle ``arxiv-metadata-oai-snapshot.json``: one JSON object per line, 14 fields.

Streamed line by line; the 4 GB snapshot is never held in memory. A line that is not valid
JSON (or lacks an id) is one broken record; a file whose first line is not a JSON object is not
a snapshot at all and fails as a whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import orjson

from papers.ingest.latex import to_unicode
from papers.ingest.names import from_authors_parsed, split_author_string
from papers.ingest.parsers.base import (
    SourceError,
    check_arxiv_id,
    clean,
    is_withdrawn,
    parse_day,
    parse_rfc2822,
    split_arxiv_id,
    split_categories,
)
from papers.ingest.records import PaperRecord, RecordError, VersionInfo

FORMAT = "kaggle"
_BOM = b"\xef\xbb\xbf"  # a UTF-8 byte order mark some exports put before the first line


def parse_kaggle_object(obj: dict) -> PaperRecord | RecordError:
    """One decoded snapshot object → PaperRecord (or RecordError naming the id and the fault)."""
    raw_id = obj.get("id")
    if not isinstance(raw_id, str):
        # Some re-exports turned ids into floats (704.0001), which loses digits: refuse, don't guess.
        return RecordError(str(raw_id), f"id must be a string, got {type(raw_id).__name__}")
    arxiv_id, _ = split_arxiv_id(raw_id)
    reason = check_arxiv_id(arxiv_id)
    if reason:
        return RecordError(raw_id, reason)
    title = to_unicode(obj.get("title"))
    if not title:
        return RecordError(arxiv_id, "empty title")

    versions: list[VersionInfo] = []
    for item in obj.get("versions") or ():
        label = item.get("version", "") if isinstance(item, dict) else ""
        if not (isinstance(label, str) and label[:1] == "v" and label[1:].isdigit()):
            return RecordError(arxiv_id, f"bad version entry {item!r}")
        versions.append(VersionInfo(version=int(label[1:]), date=parse_rfc2822(item.get("created"))))
    versions.sort(key=lambda v: v.version)

    authors_str = obj.get("authors") or ""
    parsed = obj.get("authors_parsed")
    authors = from_authors_parsed(parsed, authors_str) if parsed else split_author_string(authors_str)

    categories = split_categories(obj.get("categories"))
    abstract = to_unicode(obj.get("abstract"))
    comments = clean(obj.get("comments"))
    update_date = parse_day(obj.get("update_date"))
    return PaperRecord(
        arxiv_id=arxiv_id,
        title=title,
        abstract=abstract,
        authors=authors,
        categories=categories,
        primary_category=categories[0] if categories else "",
        versions=versions,
        version=versions[-1].version if versions else 1,
        submitted=versions[0].date if versions else update_date,
        updated=(versions[-1].date if versions else None) or update_date,
        doi=clean(obj.get("doi")),
        journal_ref=clean(obj.get("journal-ref")),
        comments=comments,
        license=clean(obj.get("license")),
        report_no=clean(obj.get("report-no")),
        submitter=clean(obj.get("submitter")),
        withdrawn=is_withdrawn(comments, abstract),
        source_format=FORMAT,
    )


def _lines(stream: BinaryIO, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) pairs; a line longer than `max_bytes` comes as None, skipped in bounded memory."""
    lineno = 0
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        lineno += 1
        if len(line) <= max_bytes or line.endswith(b"\n"):
            yield lineno, line
            continue
        while line and not line.endswith(b"\n"):
            line = stream.readline(1024 * 1024)
        yield lineno, None


def iter_kaggle(stream: BinaryIO) -> Iterator[PaperRecord | RecordError]:
    from papers.ingest.limits import human, limit

    max_line = limit("IMPORT_MAX_KAGGLE_LINE_BYTES")
    seen_object = False
    for lineno, line in _lines(stream, max_line):
        if line is None:
            if not seen_object:
                raise SourceError(f"not a Kaggle JSON-lines snapshot: line {lineno} is longer than {human(max_line)}")
            yield RecordError(f"line {lineno}", f"line longer than {human(max_line)} (IMPORT_MAX_KAGGLE_LINE_BYTES)")
            continue
        if not line.strip():
            continue
        if not seen_object and line.startswith(_BOM):
            line = line[len(_BOM):]
        try:
            obj = orjson.loads(line)
        except (UnicodeDecodeError, ValueError) as exc:
            if not seen_object:
                raise SourceError(f"not a Kaggle JSON-lines snapshot: line {lineno} is not JSON ({exc})") from exc
            yield RecordError(f"line {lineno}", f"invalid JSON: {exc}")
            continue
        if not isinstance(obj, dict):
            if not seen_object:
                raise SourceError(
                    f"not a Kaggle JSON-lines snapshot: line {lineno} is a JSON {type(obj).__name__}, "
                    "expected one object per line"
                )
            yield RecordError(f"line {lineno}", f"expected a JSON object, got {type(obj).__name__}")
            continue
        if not seen_object and "id" not in obj and "title" not in obj:
            raise SourceError(
                f"not a Kaggle arXiv snapshot: line {lineno} has no id/title (keys: {', '.join(sorted(obj)[:8])})"
            )
        seen_object = True
        try:
            yield parse_kaggle_object(obj)
        except Exception as exc:  # noqa: BLE001 - one odd record must not stop millions
            yield RecordError(str(obj.get("id") or f"line {lineno}"), f"{type(exc).__name__}: {exc}")
