"""Record preparation, pure Python and safe off the main thread: validation, content hashes,
name and institution keys, code links, phrase counts and version merging (papers/ingest/load/)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass

import orjson

from papers.ingest import keys
from papers.ingest.load.limits import MAX_POSITION, TOPIC_WINDOW
from papers.ingest.memo import short_memo
from papers.ingest.records import PaperRecord
from papers.ingest.topics import (
    PhraseExtractor,
    canonical_category,
    category_name,
    category_slug,
    is_category_code,
    phrase_slug,
)
from papers.models import TopicKind

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
    try:
        # orjson writes exactly what json.dumps(ensure_ascii=False, separators=(",", ":")) writes
        # for these types (a test holds them equal), in a third of the time.
        encoded = orjson.dumps(payload)
    except TypeError:  # orjson refuses what it cannot encode (a lone surrogate): the old path decides
        encoded = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.md5(encoded).hexdigest()


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


# Names recur across a corpus (an author per paper they wrote), so their keys are memoised (short
# inputs only: a name with its affiliation is a few dozen characters).
MEMO_MAX_CHARS = 1000


@short_memo(maxsize=200_000, max_chars=MEMO_MAX_CHARS,
            size=lambda keyname, forenames, suffix, raw, _collab: len(keyname) + len(forenames) + len(suffix) + len(raw))
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


@short_memo(maxsize=50_000, max_chars=MEMO_MAX_CHARS)
def _institution_keys(affiliation: str) -> tuple[str, str, str]:
    key = keys.institution_key(affiliation)
    if not key:
        return "", "", ""
    return key, affiliation[:500], keys.slug_base(affiliation, max_length=180, fallback="institution")


@dataclass
class Prepared:
    """The pure-Python work of one batch, done ahead in the parse thread (see ``_prefetched``).

    Keyed by ``id(record)``: the batch list keeps the records alive. The hashes, bylines and
    new-paper rows are functions of the records alone, so computing them early changes no
    result. The topics also depend on the phrase vocabulary of the batches before (``known``):
    the parse thread owns the extractor and selects batch after batch in file order, so they
    come out exactly as if the main thread had selected them.
    """

    digests: dict[int, str] | None
    bylines: dict[int, list[str]] | None  # COPY text lines of each record's bylines, without the paper id
    new_papers: dict[int, str] | None  # each record's stg_paper COPY line, as a paper not yet stored
    topics: dict[int, list[str]] | None  # COPY text lines of each record's topics, without the paper id


def prepare(items: list, *, extractor: PhraseExtractor | None = None) -> Prepared:
    recs = [r for r in items if isinstance(r, PaperRecord) and not r.deleted and validate(r) is None]
    try:
        digests = {id(r): content_hash(r) for r in recs}
        bylines = {id(r): byline_lines(r) for r in recs}
        new_papers = {id(r): paper_line(r, digests[id(r)], merge_versions([], r)) for r in recs}
    except Exception:  # noqa: BLE001 - an odd record: the main thread redoes the work and reports it
        digests = bylines = new_papers = None
    # No fallback for the topics: the extractor's vocabulary grows window after window, so the
    # selection happens exactly once per batch, in order. A fault propagates as the main thread's would.
    topics = None if extractor is None else dict(zip(map(id, recs), topic_lines(recs, extractor), strict=True))
    return Prepared(digests=digests, bylines=bylines, new_papers=new_papers, topics=topics)


def count_windows(docs: list[tuple[str, str]]) -> list:
    return [PhraseExtractor.count(docs[i:i + TOPIC_WINDOW]) for i in range(0, len(docs), TOPIC_WINDOW)]


def select_phrases(recs: list[PaperRecord], extractor: PhraseExtractor) -> list[list[tuple[str, float]]]:
    """The phrase topics of each record, scored per TOPIC_WINDOW; each window's new phrases are
    known to the next one, exactly as with one batch per window."""
    phrases: list = []
    for number, window in enumerate(count_windows([(r.title, r.abstract) for r in recs])):
        window_size = min(TOPIC_WINDOW, len(recs) - number * TOPIC_WINDOW)
        chosen_in_window = extractor.select(window_size, window)
        extractor.learn(phrase for chosen in chosen_in_window for phrase, _w in chosen if phrase_slug(phrase))
        phrases.extend(chosen_in_window)
    return phrases


_CATEGORY, _PHRASE = TopicKind.CATEGORY.value, TopicKind.PHRASE.value


def topic_lines(recs: list[PaperRecord], extractor: PhraseExtractor) -> list[list[str]]:
    """Each record's category and phrase topics as COPY text lines of stg_ptopic without the paper
    id (~7 a paper: written as text directly, a fifth of the cost of write_row's adaptation)."""
    out = []
    for rec, chosen in zip(recs, select_phrases(recs, extractor), strict=True):
        lines = []
        primary = canonical_category(rec.primary_category or (rec.categories[0] if rec.categories else ""))
        seen_codes = set()
        for code in [primary, *map(canonical_category, rec.categories)]:
            if not code or code in seen_codes or not is_category_code(code):
                continue
            seen_codes.add(code)
            lines.append(f"{category_slug(code)}\t{_CATEGORY}\t{copy_text(category_name(code))}\t{code}\t"
                         f"{1.0 if code == primary else 0.5}\n")
        for phrase, weight in chosen:
            slug = phrase_slug(phrase)
            if slug:
                lines.append(f"{slug}\t{_PHRASE}\t{copy_text(phrase[:200])}\t\\N\t{weight!r}\n")
        out.append(lines)
    return out


# A name recurs on every paper of its author, usually spelled and affiliated the same way: the
# formatted fields are memoised whole. On a corpus of 50k people writing 550k bylines this took
# the byline work from ~8 to ~3.5 µs a byline; the name keys behind it are memoised too, for the
# bylines that differ only in affiliation.
@short_memo(maxsize=200_000, max_chars=MEMO_MAX_CHARS,
            size=lambda raw, keyname, forenames, suffix, affiliation, _collab, orcid:
            len(raw) + len(keyname) + len(forenames) + len(suffix) + len(affiliation) + len(orcid))
def _byline_fields(raw: str, keyname: str, forenames: str, suffix: str, affiliation: str, is_collaboration: bool,
                   orcid: str) -> str:
    """A byline's stg_byline columns after its position, as COPY text fields (_BYLINE_COLS order)."""
    keyname, forenames, name_key, initials_key, initials_only, display, slug = _name_keys(
        keyname, forenames, suffix, raw, is_collaboration
    )
    affiliation = clean(affiliation).strip()
    inst_key, inst_name, inst_slug = _institution_keys(affiliation) if affiliation else ("", "", "")
    return "\t".join([
        *map(copy_text, (clean(raw), keyname, forenames, clean(suffix, 40), affiliation, inst_key, inst_name,
                         inst_slug, name_key, initials_key)),
        "t" if initials_only else "f", "t" if is_collaboration else "f",
        *map(copy_text, (display, slug, display, (orcid or "").strip()[:19])),
    ])


def copy_text(value: str) -> str:
    """``value`` as a field of COPY's text format: backslash, tab, newline and carriage return
    escaped.

    Called ~40 times a paper. Most values (names, keys, slugs) hold none of the four, and four
    substring scans in C find that out in well under a tenth of what ``str.translate`` with a
    mapping table costs, which looks every character up in a dict (1.8 µs for a 1.2 KB abstract
    against 0.08). The backslash goes first, so that the escapes added after it stay single.
    """
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def byline_lines(rec: PaperRecord) -> list[str]:
    """Each byline of ``rec`` as a COPY text line of stg_byline without its leading paper id.

    Formatted here, in the parse thread, so that the main thread only prefixes the paper id: with
    psycopg's write_row, adapting ~18 values a byline was a tenth of the main thread's time.
    """
    return [
        f"{position}\t"
        + _byline_fields(a.raw, a.keyname, a.forenames, a.suffix, a.affiliation, bool(a.is_collaboration), a.orcid or "")
        for position, a in enumerate(rec.authors)
    ]


def _copy_array(items: list[str]) -> str:
    """A text[] value in COPY text format: each element double-quoted, then the field escaped."""
    quoted = ('"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"' for item in items)
    return copy_text("{" + ",".join(quoted) + "}")


def _versions_json(versions: list) -> str:
    # Stored as jsonb, which keeps no spacing: orjson's compact form is the same value, in a
    # fraction of json.dumps' time. orjson refuses a lone surrogate; json.dumps escapes it.
    try:
        return orjson.dumps(versions).decode()
    except TypeError:
        return json.dumps(versions)


_NULL = "\\N"


def paper_line(rec: PaperRecord, digest: str, versions: list) -> str:
    """The record's stg_paper row (batch._PAPER_COLS) as a COPY text line, its versions merged.

    Every field's type is known here, so each is written directly (text escaped, NULL as \\N)
    instead of through a type dispatch per value: twenty values a paper.
    """
    version = max([rec.version or 1] + [v["version"] for v in versions])
    submitted = rec.submitted
    if versions and versions[0].get("version") == 1 and versions[0].get("date"):
        submitted = dt.datetime.fromisoformat(versions[0]["date"])
    updated = rec.updated
    if updated is None and versions and versions[-1].get("date"):
        updated = dt.datetime.fromisoformat(versions[-1]["date"])
    categories = [clean(c, 40) for c in rec.categories if c]
    primary = clean(rec.primary_category or (categories[0] if categories else ""), 40)
    code_url = find_code_url(rec.abstract, rec.comments)
    text = copy_text
    return "\t".join((
        text(rec.arxiv_id), str(int(version)), text(_versions_json(versions)), text(clean(rec.title)),
        text(clean(rec.abstract)), _copy_array(categories), text(primary),
        submitted.isoformat() if submitted else _NULL, updated.isoformat() if updated else _NULL,
        str(submitted.year) if submitted else _NULL, text(clean(rec.doi, 300)), text(clean(rec.journal_ref)),
        text(clean(rec.comments)), text(clean(rec.license, 300)), text(clean(rec.report_no)),
        text(clean(rec.submitter, 300)), "t" if code_url else "f", text(code_url), "t" if rec.withdrawn else "f",
        str(len(rec.authors)), digest,
    )) + "\n"


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
