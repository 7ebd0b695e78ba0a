"""OAI-PMH responses from arXiv: metadataPrefix arXiv, arXivRaw and oai_dc.

Elements are matched by local name, so a record whose ``<arXiv>`` lost its namespace (it
happens in re-serialised dumps) parses the same. Pages are at most a few MB: a page is parsed
as one document; a file of records is walked with ``iterparse`` and cleared as it goes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from papers.ingest.latex import normalize_space, to_unicode
from papers.ingest.names import from_keyname_forenames, split_author_string, split_personal_name
from papers.ingest.parsers.base import (
    EMPTY_RESULT_CODES,
    OAIError,
    SourceError,
    check_arxiv_id,
    clean,
    is_withdrawn,
    parse_day,
    parse_rfc2822,
    split_arxiv_id,
    split_categories,
)
from papers.ingest.records import AuthorName, PaperRecord, RecordError, VersionInfo

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"


def _local(tag) -> str:
    if not isinstance(tag, str):
        return ""  # comments and processing instructions
    return tag[tag.rfind("}") + 1:]


def _text(el) -> str:
    return "".join(el.itertext()) if el is not None else ""


def _children(el) -> dict[str, list]:
    out: dict[str, list] = {}
    for child in el:
        out.setdefault(_local(child.tag), []).append(child)
    return out


def _first(children: dict[str, list], name: str) -> str:
    found = children.get(name)
    return _text(found[0]) if found else ""


def _parser() -> etree.XMLParser:
    # No entity expansion or network access for documents fetched from anywhere.
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True)


# ---------------------------------------------------------------- metadata formats

def _parse_arxiv(meta, header_id: str) -> PaperRecord | RecordError:
    c = _children(meta)
    arxiv_id, _ = split_arxiv_id(_first(c, "id") or header_id)
    reason = check_arxiv_id(arxiv_id)
    if reason:
        return RecordError(arxiv_id or header_id, reason)
    authors: list[AuthorName] = []
    for authors_el in c.get("authors", ()):
        for author in authors_el:
            if _local(author.tag) != "author":
                continue
            ac = _children(author)
            keyname = _first(ac, "keyname")
            forenames = _first(ac, "forenames")
            if not keyname.strip() and not forenames.strip():
                continue
            if not keyname.strip():
                keyname, forenames = forenames, ""
            authors.append(from_keyname_forenames(
                keyname, forenames, _first(ac, "suffix"), [_text(a) for a in ac.get("affiliation", ())]
            ))
    title = to_unicode(_first(c, "title"))
    if not title:
        return RecordError(arxiv_id, "empty title")
    categories = split_categories(_first(c, "categories"))
    comments = clean(_first(c, "comments"))
    abstract = to_unicode(_first(c, "abstract"))
    created = parse_day(_first(c, "created"))
    updated = parse_day(_first(c, "updated"))
    return PaperRecord(
        arxiv_id=arxiv_id,
        title=title,
        abstract=abstract,
        authors=authors,
        categories=categories,
        primary_category=categories[0] if categories else "",
        # The arXiv format carries no version history: leave it empty so the loader keeps
        # whatever history it already has (from arXivRaw or the snapshot).
        versions=[],
        version=1,
        submitted=created,
        updated=updated or created,
        doi=clean(_first(c, "doi")),
        journal_ref=clean(_first(c, "journal-ref")),
        comments=comments,
        license=clean(_first(c, "license")),
        report_no=clean(_first(c, "report-no")),
        withdrawn=is_withdrawn(comments, abstract),
        source_format="oai-arXiv",
    )


def _parse_arxiv_raw(meta, header_id: str) -> PaperRecord | RecordError:
    c = _children(meta)
    arxiv_id, _ = split_arxiv_id(_first(c, "id") or header_id)
    reason = check_arxiv_id(arxiv_id)
    if reason:
        return RecordError(arxiv_id or header_id, reason)
    versions: list[VersionInfo] = []
    for v in c.get("version", ()):
        label = (v.get("version") or "").strip()
        if not (label[:1] == "v" and label[1:].isdigit()):
            return RecordError(arxiv_id, f"bad version attribute {label!r}")
        vc = _children(v)
        versions.append(VersionInfo(version=int(label[1:]), date=parse_rfc2822(_first(vc, "date")),
                                    size=_first(vc, "size").strip()))
    versions.sort(key=lambda x: x.version)
    title = to_unicode(_first(c, "title"))
    if not title:
        return RecordError(arxiv_id, "empty title")
    categories = split_categories(_first(c, "categories"))
    comments = clean(_first(c, "comments"))
    abstract = to_unicode(_first(c, "abstract"))
    return PaperRecord(
        arxiv_id=arxiv_id,
        title=title,
        abstract=abstract,
        authors=split_author_string(_first(c, "authors")),
        categories=categories,
        primary_category=categories[0] if categories else "",
        versions=versions,
        version=versions[-1].version if versions else 1,
        submitted=versions[0].date if versions else None,
        updated=versions[-1].date if versions else None,
        doi=clean(_first(c, "doi")),
        journal_ref=clean(_first(c, "journal-ref")),
        comments=comments,
        license=clean(_first(c, "license")),
        report_no=clean(_first(c, "report-no")),
        submitter=clean(_first(c, "submitter")),
        withdrawn=is_withdrawn(comments, abstract),
        source_format="oai-arXivRaw",
    )


def _parse_dc(meta, header_id: str) -> PaperRecord | RecordError:
    c = _children(meta)
    arxiv_id, doi, journal_ref = "", "", ""
    for ident in c.get("identifier", ()):
        value = _text(ident).strip()
        if "arxiv.org/abs/" in value:
            arxiv_id, _ = split_arxiv_id(value)
        elif value.lower().startswith("doi:"):
            doi = value[4:].strip()
        elif value and not value.startswith("http"):
            journal_ref = clean(value)
    if not arxiv_id:
        arxiv_id, _ = split_arxiv_id(header_id)
    reason = check_arxiv_id(arxiv_id)
    if reason:
        return RecordError(arxiv_id or header_id, reason)
    title = to_unicode(_first(c, "title"))
    if not title:
        return RecordError(arxiv_id, "empty title")
    abstract, comments = "", ""
    for desc in c.get("description", ()):
        text = _text(desc)
        if text.lstrip().startswith("Comment:"):
            comments = clean(text.lstrip()[len("Comment:"):])
        elif not abstract:
            abstract = to_unicode(text)
    authors = []
    for creator in c.get("creator", ()):
        raw = _text(creator).strip()
        if not raw:
            continue
        if "," in raw:  # oai_dc creators read "Surname, Forenames"
            keyname, _, forenames = raw.partition(",")
            authors.append(from_keyname_forenames(keyname.strip(), forenames.strip()))
            authors[-1].raw = raw
        else:
            keyname, forenames, suffix = split_personal_name(to_unicode(raw))
            authors.append(from_keyname_forenames(keyname, forenames, suffix))
            authors[-1].raw = raw
    dates = [d for d in (parse_day(_text(x)) for x in c.get("date", ())) if d]
    return PaperRecord(
        arxiv_id=arxiv_id,
        title=title,
        abstract=abstract,
        authors=authors,
        # dc:subject holds display names ("Computer Science - Information Theory"), not codes.
        categories=[],
        submitted=dates[0] if dates else None,
        updated=dates[-1] if dates else None,
        doi=doi,
        journal_ref=journal_ref,
        comments=comments,
        withdrawn=is_withdrawn(comments, abstract),
        source_format="oai-oai_dc",
    )


_METADATA_PARSERS = {"arXiv": _parse_arxiv, "arXivRaw": _parse_arxiv_raw, "dc": _parse_dc}


def parse_record(record) -> PaperRecord | RecordError:
    """One ``<record>`` element → PaperRecord (deleted records included) or RecordError."""
    header = metadata = None
    for child in record:
        name = _local(child.tag)
        if name == "header":
            header = child
        elif name == "metadata":
            metadata = child
    header_id = ""
    if header is not None:
        hc = _children(header)
        header_id = _first(hc, "identifier").strip()
        if header.get("status") == "deleted":
            arxiv_id, _ = split_arxiv_id(header_id)
            if check_arxiv_id(arxiv_id):
                return RecordError(header_id, check_arxiv_id(arxiv_id))
            return PaperRecord(arxiv_id=arxiv_id, title="", deleted=True,
                               updated=parse_day(_first(hc, "datestamp")), source_format="oai")
    if metadata is None or not len(metadata):
        return RecordError(header_id or "?", "record has no metadata")
    meta = next((m for m in metadata if isinstance(m.tag, str)), None)
    if meta is None:
        return RecordError(header_id or "?", "record has no metadata")
    parser = _METADATA_PARSERS.get(_local(meta.tag))
    if parser is None:
        return RecordError(header_id or "?", f"unsupported metadata format <{_local(meta.tag)}>")
    try:
        return parser(meta, header_id)
    except Exception as exc:  # noqa: BLE001 - a single odd record must not stop the page
        return RecordError(split_arxiv_id(header_id)[0] or "?", f"{type(exc).__name__}: {exc}")


def parse_dc_fragment(dc) -> PaperRecord | RecordError:
    """A bare ``<oai_dc:dc>`` element (as SHARE stores them), no OAI envelope."""
    try:
        return _parse_dc(dc, "")
    except Exception as exc:  # noqa: BLE001
        return RecordError("?", f"{type(exc).__name__}: {exc}")


def _raise_for_error(error_el) -> None:
    code = error_el.get("code") or "unknown"
    if code in EMPTY_RESULT_CODES:
        return
    raise OAIError(code, normalize_space(_text(error_el)))


# ---------------------------------------------------------------- whole pages / streams

def parse_oai_page(content: bytes) -> tuple[list[PaperRecord | RecordError], str | None, dict]:
    """One OAI-PMH response → (records, resumptionToken or None, token attributes).

    ``noRecordsMatch``/``idDoesNotExist`` are an empty result; any other ``<error>`` raises
    OAIError; XML that does not parse raises SourceError.
    """
    try:
        root = etree.fromstring(content, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"malformed OAI-PMH XML: {exc}") from exc
    if _local(root.tag) == "error":  # bare error, no envelope
        _raise_for_error(root)
        return [], None, {}
    if _local(root.tag) == "dc":
        return [parse_dc_fragment(root)], None, {}
    if _local(root.tag) != "OAI-PMH":
        raise SourceError(f"not an OAI-PMH response: root element <{_local(root.tag)}>")
    records: list[PaperRecord | RecordError] = []
    token, attrs = None, {}
    for child in root:
        name = _local(child.tag)
        if name == "error":
            _raise_for_error(child)
            return [], None, {}
        if name not in ("ListRecords", "GetRecord"):
            continue
        for item in child:
            item_name = _local(item.tag)
            if item_name == "record":
                records.append(parse_record(item))
            elif item_name == "resumptionToken":
                token = (item.text or "").strip() or None
                attrs = dict(item.attrib)
    return records, token, attrs


def iter_oai(stream: BinaryIO) -> Iterator[PaperRecord | RecordError]:
    """Records of an OAI-PMH file, streamed with iterparse (memory stays flat)."""
    context = etree.iterparse(stream, events=("end",), resolve_entities=False, no_network=True,
                              huge_tree=True, remove_comments=True)
    try:
        for _event, el in context:
            name = _local(el.tag)
            if name == "record":
                yield parse_record(el)
                el.clear()
                parent = el.getparent()
                if parent is not None:
                    while el.getprevious() is not None:
                        del parent[0]
            elif name == "dc" and el.tag.startswith("{" + OAI_DC_NS):
                parent = el.getparent()
                if parent is None or _local(parent.tag) != "metadata":
                    yield parse_dc_fragment(el)
            elif name == "error":
                parent = el.getparent()
                if parent is None or _local(parent.tag) == "OAI-PMH":
                    _raise_for_error(el)
            elif el.getparent() is None and name not in ("OAI-PMH", "dc", "error"):
                raise SourceError(f"not an OAI-PMH document: root element <{name}>")
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"malformed OAI-PMH XML: {exc}") from exc
