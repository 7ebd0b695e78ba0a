"""The arXiv API's Atom feed (``/api/query``), read with feedparser.

feedparser keeps only the last ``<arxiv:affiliation>`` of an entry, so per-author
affiliations are read in a second, tiny lxml pass over the same bytes.
"""

from __future__ import annotations

import calendar
import re
import datetime as dt
from collections.abc import Iterator

import feedparser
from lxml import etree

from papers.ingest.latex import normalize_space, to_unicode
from papers.ingest.names import is_collaboration_name, split_author_string
from papers.ingest.parsers.base import (
    CATEGORY_RE,
    UTC,
    ArxivAPIError,
    SourceError,
    check_arxiv_id,
    clean,
    is_withdrawn,
    split_arxiv_id,
)
from papers.ingest.records import AuthorName, PaperRecord, RecordError, VersionInfo

ATOM_NS = "{http://www.w3.org/2005/Atom}"
ARXIV_NS = "{http://arxiv.org/schemas/atom}"
FORMAT = "atom"
_FOR_COLLAB_RE = re.compile(r"^\s*(?:for|on behalf of)\s+(?:the\s+)?", re.I)


def _when(struct) -> dt.datetime | None:
    if not struct:
        return None
    return dt.datetime.fromtimestamp(calendar.timegm(struct), tz=UTC)


def _author_affiliations(content: bytes) -> list[list[list[str]]]:
    """Per entry, per author, the ``<arxiv:affiliation>`` texts, in document order."""
    try:
        root = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return []
    return [
        [[normalize_space(a.text or "") for a in author.iter(f"{ARXIV_NS}affiliation")]
         for author in entry.iter(f"{ATOM_NS}author")]
        for entry in root.iter(f"{ATOM_NS}entry")
    ]


def _authors(entry, affiliations: list[list[str]]) -> list[AuthorName]:
    out: list[AuthorName] = []
    collaborations: list[AuthorName] = []
    for idx, author in enumerate(entry.get("authors") or ()):
        raw = (author.get("name") or "").strip()
        if not raw:
            continue
        names = split_author_string(raw)
        affs = [a for a in (affiliations[idx] if idx < len(affiliations) else []) if a]
        # arXiv files "for the ATLAS and CMS Collaborations" under <arxiv:affiliation>: that is
        # a collaboration author, not a place.
        for aff in [a for a in affs if _FOR_COLLAB_RE.match(a) and is_collaboration_name(a)]:
            affs.remove(aff)
            name = _FOR_COLLAB_RE.sub("", aff)
            if all(c.keyname != name for c in collaborations):
                collaborations.append(AuthorName(raw=aff, keyname=name, is_collaboration=True))
        if affs and len(names) == 1:
            names[0].affiliation = "; ".join(dict.fromkeys(affs))
        if len(names) == 1:
            names[0].raw = raw
        out.extend(names)
    return out + collaborations


def _entry_record(entry, affiliations) -> PaperRecord | RecordError:
    entry_id = entry.get("id") or ""
    arxiv_id, version = split_arxiv_id(entry_id)
    reason = check_arxiv_id(arxiv_id)
    if reason:
        return RecordError(entry_id or "?", reason)
    title = to_unicode(entry.get("title"))
    if not title:
        return RecordError(arxiv_id, "empty title")
    published = _when(entry.get("published_parsed"))
    updated = _when(entry.get("updated_parsed"))
    version = version or 1
    versions = [VersionInfo(version=1, date=published)]
    if version > 1:
        versions.append(VersionInfo(version=version, date=updated))
    categories = [t.get("term") for t in entry.get("tags") or () if CATEGORY_RE.match(t.get("term") or "")]
    primary = (entry.get("arxiv_primary_category") or {}).get("term") or (categories[0] if categories else "")
    if primary and primary not in categories:
        categories.insert(0, primary)
    elif primary:
        categories.remove(primary)
        categories.insert(0, primary)
    comments = clean(entry.get("arxiv_comment"))
    abstract = to_unicode(entry.get("summary"))
    return PaperRecord(
        arxiv_id=arxiv_id,
        title=title,
        abstract=abstract,
        authors=_authors(entry, affiliations),
        categories=categories,
        primary_category=primary,
        versions=versions,
        version=version,
        submitted=published,
        updated=updated or published,
        doi=clean(entry.get("arxiv_doi")),
        journal_ref=clean(entry.get("arxiv_journal_ref")),
        comments=comments,
        withdrawn=is_withdrawn(comments, abstract),
        source_format=FORMAT,
    )


def _int(value, default: int = 0) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def parse_atom_feed(content: bytes) -> tuple[list[PaperRecord | RecordError], int, int, int]:
    """An arXiv API response → (records, totalResults, startIndex, itemsPerPage).

    The API's error feed (one entry titled "Error", id under /api/errors) raises ArxivAPIError.
    """
    feed = feedparser.parse(content)
    if feed.bozo and not feed.entries and not feed.feed.get("title"):
        raise SourceError(f"malformed Atom feed: {feed.get('bozo_exception')}")
    if feed.get("version", "") and not feed.version.startswith("atom"):
        raise SourceError(f"not an Atom feed (feedparser saw {feed.version})")
    for entry in feed.entries:
        if (entry.get("title") or "").strip() == "Error" and "/api/errors" in (entry.get("id") or ""):
            raise ArxivAPIError(normalize_space(entry.get("summary") or "unknown error"), entry.get("id", ""))
    affiliations = _author_affiliations(content)
    records: list[PaperRecord | RecordError] = []
    for idx, entry in enumerate(feed.entries):
        try:
            records.append(_entry_record(entry, affiliations[idx] if idx < len(affiliations) else []))
        except Exception as exc:  # noqa: BLE001
            records.append(RecordError(entry.get("id") or "?", f"{type(exc).__name__}: {exc}"))
    meta = feed.feed
    return (
        records,
        _int(meta.get("opensearch_totalresults"), len(records)),
        _int(meta.get("opensearch_startindex")),
        _int(meta.get("opensearch_itemsperpage"), len(records)),
    )


# Entries handed to feedparser per call: big enough to amortise it, small enough to stay flat.
_ENTRIES_PER_CHUNK = 200
_CHUNK_HEAD = b'<feed xmlns="http://www.w3.org/2005/Atom">'


def iter_atom(stream) -> Iterator[PaperRecord | RecordError]:
    """Records of an Atom file, streamed: entries are cut out with iterparse and parsed a chunk at a time.

    Memory stays flat however long the feed; the file is capped at IMPORT_MAX_ATOM_BYTES and one
    entry at IMPORT_MAX_ATOM_ENTRY_BYTES. A fault in the XML raises SourceError after every
    complete entry before it has been yielded.
    """
    from papers.ingest.limits import CountingReader, human, limit

    counted = CountingReader(stream, max_bytes=limit("IMPORT_MAX_ATOM_BYTES"), what="the Atom feed",
                             setting="IMPORT_MAX_ATOM_BYTES")
    max_entry = limit("IMPORT_MAX_ATOM_ENTRY_BYTES")
    chunk: list[bytes] = []

    def flush():
        records, _total, _start, _per_page = parse_atom_feed(_CHUNK_HEAD + b"".join(chunk) + b"</feed>")
        chunk.clear()
        return records

    context = etree.iterparse(counted, events=("end",), tag=f"{ATOM_NS}entry", resolve_entities=False,
                              no_network=True, remove_comments=True)
    try:
        for _event, entry in context:
            data = etree.tostring(entry)
            entry.clear()
            while entry.getprevious() is not None:
                del entry.getparent()[0]
            if len(data) > max_entry:
                yield RecordError(_entry_id(data), f"entry larger than {human(max_entry)} (IMPORT_MAX_ATOM_ENTRY_BYTES)")
                continue
            chunk.append(data)
            if len(chunk) >= _ENTRIES_PER_CHUNK:
                yield from flush()
    except etree.XMLSyntaxError as exc:
        if chunk:
            yield from flush()
        raise SourceError(f"malformed Atom feed: {exc}") from exc
    except SourceError:
        if chunk:
            yield from flush()
        raise
    if chunk:
        yield from flush()


def _entry_id(data: bytes) -> str:
    match = re.search(rb"<(?:\w+:)?id>([^<]{1,200})</", data[:4096])
    return match.group(1).decode("utf-8", "replace") if match else "?"
