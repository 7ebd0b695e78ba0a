"""The set-based loader every importer feeds: parsed records in, papers, authors and topics out.

Per batch, in one transaction:

1. Python compares each record's content hash with the stored one (one indexed query), so a
   re-import of unchanged data does no further work, and decides create / update / delete.
2. ``COPY`` puts the changed papers into a TEMP staging table; one ``INSERT … SELECT … ON
   CONFLICT`` upserts them, computing the weighted search vector in SQL.
3. Bylines are copied into staging, matched to author records by name key in SQL (ORCID, exact
   key, then the weak initials key), new records are inserted with DBLP-style numbered slugs,
   and authorships are upserted per (paper, position). A slot whose raw string is unchanged
   keeps its author, so a later split, merge or claim that re-pointed it survives re-imports.
4. Category and phrase topics and the per-paper weights are upserted the same way; topic
   counts move by deltas so a huge category is never recounted.
5. Every touched author is queued (papers_pendingauthorrefresh); the queue is drained set-based
   every REFRESH_EVERY_PAPERS records and at the end of the load, so a prolific author's counts
   are recomputed once per drain rather than once per batch.

After the last batch the tables the load grew are vacuumed and analysed. Memory stays bounded:
only a batch or two of records is alive at a time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import queue
import re
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection, transaction

from papers.ingest import keys
from papers.ingest.records import AuthorName, PaperRecord, RecordError
from papers.ingest.topics import (
    PhraseExtractor,
    canonical_category,
    category_name,
    category_slug,
    is_category_code,
    phrase_slug,
)
from papers.models import COLLABORATION_AUTHOR_LIMIT, ImportRun, TopicKind
from researchers.disambiguation.services import identity_blocks_dispatch, identity_blocks_queue_touched
from researchers.models import Author

__all__ = [
    "ERRORS_CAP",
    "BatchLoader",
    "content_hash",
    "drain_author_refresh",
    "find_code_url",
    "load_records",
    "refresh_author_aggregates",
]

# The stored error list is capped so a bad file cannot bloat the row; `failed` counts them all.
ERRORS_CAP = 500
# Close collaborators ignore big-collaboration papers: sharing two ATLAS papers with 3,000
# people does not make each of them a close collaborator, and the pair count would explode.
CLOSE_COLLAB_MAX_AUTHORS = COLLABORATION_AUTHOR_LIMIT
CLOSE_COLLAB_MIN_PAPERS = 2
# researchers.services.aggregates imports these limits so both refreshes agree.
AUTHOR_TOPICS_KEPT = 20
# The topics a profile names (its sidebar shows as many): the most recurrent, by weight.
PROFILE_TOPICS = 8
MAX_POSITION = 32767  # smallint byline position
MAX_VARIANTS = 50
# Records per loader transaction. Bigger batches amortise each batch's fixed cost (a dozen
# statements, staging DDL, a commit) and stay well inside the memory budget.
DEFAULT_BATCH_SIZE = 8000
# Phrase topics are scored per window of this many papers, whatever the batch size, so that
# a --batch-size that is a multiple of it changes speed and memory but not which topics a
# paper gets (windows then fall on the same records).
TOPIC_WINDOW = 2000
# Drains of the author refresh queue during a long import (every million papers; a full arXiv
# import drains three times): aggregates stay fresh enough while a prolific author is recounted
# rarely. Every drain rewrites each touched author row, so draining often multiplies the work.
REFRESH_EVERY_PAPERS = 1_000_000
# Connections that drain the author refresh queue side by side after a load (see
# drain_author_refresh): on a two-core server two took the final drain of a 100k-paper import
# from 32 s to 21 s.
AUTHOR_REFRESH_WORKERS = 2
# Below this many queued authors one connection is as fast (the chunk's fixed cost dominates).
PARALLEL_REFRESH_MIN_AUTHORS = 20_000

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


def _clean(text: str | None, limit: int | None = None) -> str:
    # Postgres text cannot hold NUL; everything else is kept exactly.
    text = (text or "").replace("\x00", "")
    return text[:limit] if limit else text


def _validate(rec: PaperRecord) -> str | None:
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
    keyname = _clean(keyname).strip()
    forenames = "" if is_collaboration else _clean(forenames).strip()
    if not keyname:  # a byline with nothing but forenames: treat the whole as the surname
        keyname, forenames = forenames or _clean(raw).strip() or "Unknown", ""
    display = keys.display_name(keyname, forenames, "" if is_collaboration else _clean(suffix))
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
class _Prepared:
    """The pure-Python work of one batch, done ahead in the parse thread (see ``_prefetched``).

    Everything here is a function of the records alone, never of the database, so computing it
    early changes no result. Keyed by ``id(record)``: the batch list keeps the records alive.
    """

    digests: dict[int, str]
    bylines: dict[int, list[tuple]]  # byline rows without the paper id
    doc_ids: tuple[int, ...]  # the records ``counted`` covers, in order
    counted: list  # PhraseExtractor.count() of their (title, abstract), per TOPIC_WINDOW


def _prepare(items: list) -> _Prepared | None:
    try:
        recs = [r for r in items if isinstance(r, PaperRecord) and not r.deleted and _validate(r) is None]
        return _Prepared(
            digests={id(r): content_hash(r) for r in recs},
            bylines={id(r): [_byline_tail(i, a) for i, a in enumerate(r.authors)] for r in recs},
            doc_ids=tuple(id(r) for r in recs),
            counted=_count_windows([(r.title, r.abstract) for r in recs]),
        )
    except Exception:  # noqa: BLE001 - an odd record: the main thread redoes the work and reports it
        return None


def _count_windows(docs: list[tuple[str, str]]) -> list:
    return [PhraseExtractor.count(docs[i:i + TOPIC_WINDOW]) for i in range(0, len(docs), TOPIC_WINDOW)]


def _byline_tail(position: int, a: AuthorName) -> tuple:
    keyname, forenames, name_key, initials_key, initials_only, display, slug = _name_keys(
        a.keyname, a.forenames, a.suffix, a.raw, bool(a.is_collaboration)
    )
    affiliation = _clean(a.affiliation).strip()
    inst_key, inst_name, inst_slug = _institution_keys(affiliation) if affiliation else ("", "", "")
    return (
        position, _clean(a.raw), keyname, forenames, _clean(a.suffix, 40), affiliation,
        inst_key, inst_name, inst_slug, name_key, initials_key, initials_only, bool(a.is_collaboration),
        display, slug, display, (a.orcid or "").strip()[:19],
    )


@dataclass
class _Existing:
    id: int
    content_hash: str
    version: int
    versions: list
    deleted: bool


@dataclass
class BatchStats:
    seen: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    authors_created: int = 0
    errors: list = field(default_factory=list)


def _merge_versions(stored: list, incoming: PaperRecord) -> list:
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


_STAGING_DDL = """
CREATE TEMP TABLE IF NOT EXISTS stg_paper (
    arxiv_id text PRIMARY KEY, version int, versions text, title text, abstract text, categories text[],
    primary_category text, submitted timestamptz, updated timestamptz, year int, doi text, journal_ref text,
    comments text, license text, report_no text, submitter text, has_code bool, code_url text, withdrawn bool,
    authors_count int, content_hash text
);
CREATE TEMP TABLE IF NOT EXISTS stg_byline (
    paper_id bigint, position int, raw_name text, keyname text, forenames text, suffix text, affiliation text,
    inst_key text, inst_name text, inst_slug text, name_key text, initials_key text, initials_only bool,
    is_collaboration bool, display_name text, slug_base text, variant text, orcid text,
    author_id bigint, attribution text, keep bool NOT NULL DEFAULT false,
    PRIMARY KEY (paper_id, position)
);
CREATE TEMP TABLE IF NOT EXISTS stg_ptopic (paper_id bigint, slug text, kind text, name text, code text, weight float8);
CREATE TEMP TABLE IF NOT EXISTS stg_touched (author_id bigint);
CREATE TEMP TABLE IF NOT EXISTS stg_changed (author_id bigint);
CREATE TEMP TABLE IF NOT EXISTS stg_tdelta (topic_id bigint, n int);
CREATE TEMP TABLE IF NOT EXISTS stg_t (author_id bigint PRIMARY KEY, changed bool NOT NULL DEFAULT false);
CREATE TEMP TABLE IF NOT EXISTS stg_works (author_id bigint, works int, fy int, ly int, aff text);
CREATE TEMP TABLE IF NOT EXISTS stg_close (author_id bigint, n int);
CREATE TEMP TABLE IF NOT EXISTS stg_counted (author_id bigint, n int);
"""
_STAGING_TABLES = "stg_paper, stg_byline, stg_ptopic, stg_touched, stg_changed, stg_tdelta, stg_t"

_PAPER_COLS = (
    "arxiv_id, version, versions, title, abstract, categories, primary_category, submitted, updated, year, doi, "
    "journal_ref, comments, license, report_no, submitter, has_code, code_url, withdrawn, authors_count, content_hash"
)
_BYLINE_COLS = (
    "paper_id, position, raw_name, keyname, forenames, suffix, affiliation, inst_key, inst_name, inst_slug, "
    "name_key, initials_key, initials_only, is_collaboration, display_name, slug_base, variant, orcid"
)


def _has_author_field(name: str) -> bool:
    return any(f.name == name for f in Author._meta.concrete_fields)


def _author_insert_sql() -> tuple[str, list]:
    """The column list and SELECT expressions for new Author rows.

    Built from the model so that a field another app adds to Author later gets its Python
    default here instead of breaking the bulk insert with a NOT NULL violation.
    """
    provided = {
        "display_name": "n.display_name",
        "name_key": "n.name_key",
        "initials_key": "n.initials_key",
        "name_variants": "ARRAY[n.variant]::varchar(300)[]",
        "slug": "CASE WHEN coalesce(t.mx, 0) + n.rn = 1 THEN n.slug_base "
        "ELSE n.slug_base || '-' || (coalesce(t.mx, 0) + n.rn) END",
        "is_collaboration": "n.is_collaboration",
        "data_changed_at": "now()",
        "created_at": "now()",
        "updated_at": "now()",
    }
    cols, exprs, params = [], [], []
    for f in Author._meta.concrete_fields:
        if f.primary_key:
            continue
        cols.append(f.column)
        if f.column in provided:
            exprs.append(provided[f.column])
        else:
            default = f.get_default() if f.has_default() else None
            if default is None and not f.null:
                default = f.get_default()
            exprs.append("%s")
            params.append(f.get_db_prep_save(default, connection))
    return ", ".join(cols), ", ".join(exprs), params


class BatchLoader:
    def __init__(self, *, run: ImportRun):
        self.run = run
        self.extractor: PhraseExtractor | None = None
        self._prepared: _Prepared | None = None
        # Bylines in stg_byline when it was last analysed: its statistics survive TRUNCATE, and
        # batches are alike, so it is re-analysed only when a batch is much bigger.
        self._analyzed_bylines = 0

    # -- entry points --------------------------------------------------------------------------

    def fail(self, stats: BatchStats, record_id: str, reason: str) -> None:
        stats.failed += 1
        stats.seen += 1
        if len(self.run.errors) + len(stats.errors) < ERRORS_CAP:
            stats.errors.append({"record_id": str(record_id)[:100], "reason": str(reason)[:500]})

    def load_batch(
        self, items: list, *, checkpoint: str | None = None, prepared: _Prepared | None = None
    ) -> BatchStats:
        stats = BatchStats()
        self._prepared = prepared
        records: dict[str, PaperRecord] = {}
        for item in items:
            if isinstance(item, RecordError):
                self.fail(stats, item.record_id, item.reason)
                continue
            reason = _validate(item)
            if reason:
                self.fail(stats, getattr(item, "arxiv_id", "?"), reason)
                continue
            stats.seen += 1
            prev = records.get(item.arxiv_id)
            if prev is not None:
                # The same paper twice in a batch: the later, higher version wins; the
                # other one counts as unchanged (it adds nothing the winner lacks).
                stats.unchanged += 1
                if (item.version or 0) < (prev.version or 0):
                    continue
            records[item.arxiv_id] = item
        outermost = not connection.in_atomic_block
        try:
            with transaction.atomic():
                if outermost:
                    _loader_transaction_settings()
                if records:
                    self._load(records, stats)
                self._save_run(stats, checkpoint)
        finally:
            self._prepared = None
        return stats

    # -- the batch -----------------------------------------------------------------------------

    def _load(self, records: dict[str, PaperRecord], stats: BatchStats) -> None:
        with connection.cursor() as cur:
            cur.execute(_STAGING_DDL)
            cur.execute(f"TRUNCATE {_STAGING_TABLES}")
            cur.execute(
                "SELECT arxiv_id, id, content_hash, version, versions, deleted FROM papers_paper "
                "WHERE arxiv_id = ANY(%s)",
                [list(records)],
            )
            existing = {
                row[0]: _Existing(row[1], row[2], row[3], row[4] if isinstance(row[4], list) else json.loads(row[4] or "[]"), row[5])
                for row in cur.fetchall()
            }
            upserts: list[tuple[PaperRecord, str, list]] = []  # (record, hash, merged versions)
            version_only: list[tuple[int, int, list]] = []
            deletes: list[int] = []
            prepared = self._prepared
            for arxiv_id, rec in records.items():
                old = existing.get(arxiv_id)
                if rec.deleted:
                    if old is None or old.deleted:
                        stats.unchanged += 1
                    else:
                        deletes.append(old.id)
                        stats.updated += 1
                    continue
                digest = (prepared.digests.get(id(rec)) if prepared else None) or content_hash(rec)
                if old is None:
                    upserts.append((rec, digest, _merge_versions([], rec)))
                    stats.created += 1
                    continue
                if old.content_hash == digest and not old.deleted:
                    stats.unchanged += 1
                    continue
                merged = _merge_versions(old.versions, rec)
                if (rec.version or 1) < (old.version or 1) and not old.deleted:
                    # An older version arriving late: keep the newer content, learn its dates.
                    if merged != old.versions:
                        version_only.append((old.id, old.version, merged))
                        stats.updated += 1
                    else:
                        stats.unchanged += 1
                    continue
                upserts.append((rec, digest, merged))
                stats.updated += 1

            if version_only:
                cur.execute(
                    "UPDATE papers_paper p SET versions = v.versions::jsonb, modified_at = now() "
                    "FROM unnest(%s::bigint[], %s::text[]) AS v(id, versions) WHERE p.id = v.id",
                    [[v[0] for v in version_only], [json.dumps(v[2]) for v in version_only]],
                )
            if deletes:
                self._mark_deleted(cur, deletes)
            if upserts:
                self._upsert_papers(cur, upserts, stats)
            self._refresh_aggregates(cur)

    def _mark_deleted(self, cur, ids: list[int]) -> None:
        cur.execute("UPDATE papers_paper SET deleted = true, modified_at = now() WHERE id = ANY(%s)", [ids])
        cur.execute("INSERT INTO stg_touched SELECT author_id FROM papers_authorship WHERE paper_id = ANY(%s)", [ids])
        cur.execute("INSERT INTO stg_changed SELECT author_id FROM papers_authorship WHERE paper_id = ANY(%s)", [ids])
        cur.execute(
            "WITH del AS (DELETE FROM papers_papertopic WHERE paper_id = ANY(%s) RETURNING topic_id) "
            "INSERT INTO stg_tdelta SELECT topic_id, -1 FROM del",
            [ids],
        )

    def _upsert_papers(self, cur, upserts: list, stats: BatchStats) -> None:
        with cur.copy(f"COPY stg_paper ({_PAPER_COLS}) FROM STDIN") as copy:
            for rec, digest, versions in upserts:
                version = max([rec.version or 1] + [v["version"] for v in versions])
                submitted = rec.submitted
                if versions and versions[0].get("version") == 1 and versions[0].get("date"):
                    submitted = dt.datetime.fromisoformat(versions[0]["date"])
                updated = rec.updated
                if updated is None and versions and versions[-1].get("date"):
                    updated = dt.datetime.fromisoformat(versions[-1]["date"])
                categories = [_clean(c, 40) for c in rec.categories if c]
                primary = _clean(rec.primary_category or (categories[0] if categories else ""), 40)
                code_url = find_code_url(rec.abstract, rec.comments)
                copy.write_row((
                    rec.arxiv_id, version, json.dumps(versions), _clean(rec.title), _clean(rec.abstract),
                    categories, primary, submitted, updated, submitted.year if submitted else None,
                    _clean(rec.doi, 300), _clean(rec.journal_ref), _clean(rec.comments), _clean(rec.license, 300),
                    _clean(rec.report_no), _clean(rec.submitter, 300), bool(code_url), code_url,
                    bool(rec.withdrawn), len(rec.authors), digest,
                ))
        # The search vector is built here, in the same statement, so it can never drift from the text.
        cur.execute(
            f"""
            INSERT INTO papers_paper ({_PAPER_COLS}, deleted, search_vector, created_at, modified_at)
            SELECT arxiv_id, version, versions::jsonb, title, abstract, categories, primary_category, submitted,
                   updated, year, doi, journal_ref, comments, license, report_no, submitter, has_code, code_url,
                   withdrawn, authors_count, content_hash, false,
                   setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', abstract), 'B'),
                   now(), now()
            FROM stg_paper
            ON CONFLICT (arxiv_id) DO UPDATE SET
                version = EXCLUDED.version, versions = EXCLUDED.versions, title = EXCLUDED.title,
                abstract = EXCLUDED.abstract, categories = EXCLUDED.categories,
                primary_category = EXCLUDED.primary_category, submitted = EXCLUDED.submitted,
                updated = EXCLUDED.updated, year = EXCLUDED.year, doi = EXCLUDED.doi,
                journal_ref = EXCLUDED.journal_ref, comments = EXCLUDED.comments, license = EXCLUDED.license,
                report_no = EXCLUDED.report_no, submitter = EXCLUDED.submitter, has_code = EXCLUDED.has_code,
                code_url = EXCLUDED.code_url, withdrawn = EXCLUDED.withdrawn, deleted = false,
                authors_count = EXCLUDED.authors_count, search_vector = EXCLUDED.search_vector,
                content_hash = EXCLUDED.content_hash, modified_at = now()
            RETURNING arxiv_id, id, (xmax = 0) AS inserted
            """
        )
        ids: dict[str, int] = {}
        updated_ids: list[int] = []
        for arxiv_id, pid, inserted in cur.fetchall():
            ids[arxiv_id] = pid
            if not inserted:
                updated_ids.append(pid)

        bylines = self._stage_bylines(cur, upserts, ids)
        if updated_ids:
            self._retire_old_bylines(cur, updated_ids)
        stats.authors_created += self._match_authors(cur, bylines=bylines)
        self._write_authorships(cur, updated_ids)
        self._write_topics(cur, upserts, ids, updated_ids)

    # -- bylines and authors ---------------------------------------------------------------------

    def _stage_bylines(self, cur, upserts: list, ids: dict[str, int]) -> int:
        """COPY the bylines of ``upserts`` into stg_byline; returns how many rows."""
        ready = self._prepared.bylines if self._prepared else {}
        staged = 0
        with cur.copy(f"COPY stg_byline ({_BYLINE_COLS}) FROM STDIN") as copy:
            for rec, _digest, _versions in upserts:
                pid = ids[rec.arxiv_id]
                rows = ready.get(id(rec))
                if rows is None:
                    rows = [_byline_tail(position, a) for position, a in enumerate(rec.authors)]
                for row in rows:
                    copy.write_row((pid, *row))
                staged += len(rows)
        return staged

    def _retire_old_bylines(self, cur, updated_ids: list[int]) -> None:
        # Every author of an updated paper may see its year or topics move.
        cur.execute("INSERT INTO stg_touched SELECT author_id FROM papers_authorship WHERE paper_id = ANY(%s)",
                    [updated_ids])
        # A slot whose raw string is unchanged keeps its author and attribution: a claim,
        # split or merge that re-pointed it must survive a re-import.
        cur.execute(
            """
            UPDATE stg_byline b SET author_id = a.author_id, attribution = a.attribution, keep = true
            FROM papers_authorship a
            WHERE a.paper_id = b.paper_id AND a.position = b.position AND a.raw_name = b.raw_name
              AND a.paper_id = ANY(%s)
            """,
            [updated_ids],
        )
        cur.execute(
            """
            INSERT INTO stg_changed
            SELECT a.author_id FROM papers_authorship a
            LEFT JOIN stg_byline b ON b.paper_id = a.paper_id AND b.position = a.position
            WHERE a.paper_id = ANY(%s) AND b.keep IS NOT TRUE
            """,
            [updated_ids],
        )
        cur.execute(
            """
            DELETE FROM papers_authorship a WHERE a.paper_id = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM stg_byline b WHERE b.paper_id = a.paper_id AND b.position = a.position)
            """,
            [updated_ids],
        )

    @staticmethod
    def _exact_match_sql() -> str:
        # A record merged into another forwards its bylines to the survivor; live records win.
        merged = "merged_into_id" if _has_author_field("merged_into") else "id * NULL"
        return f"""
        UPDATE stg_byline b SET author_id = m.id, attribution = 'name'
        FROM (
            SELECT DISTINCT ON (a.name_key, a.is_collaboration) coalesce(a.{merged}, a.id) AS id, a.name_key,
                   a.is_collaboration
            FROM (SELECT DISTINCT name_key FROM stg_byline WHERE author_id IS NULL) k
            JOIN researchers_author a ON a.name_key = k.name_key
            ORDER BY a.name_key, a.is_collaboration, (a.{merged} IS NOT NULL), a.id
        ) m
        WHERE b.author_id IS NULL AND m.name_key = b.name_key AND m.is_collaboration = b.is_collaboration
        """

    @staticmethod
    def _weak_match_sql() -> str:
        # An initials-only byline ("J. Smith") joins the one record with that surname and first
        # initial, and only when there is exactly one: two candidates mean we cannot tell. Its
        # further initials must not contradict the record's forenames either: "E. L. Berger" is
        # not "Ernst-Dieter G. Berger", while "E. Berger" and "E. D. Berger" may be.
        live = "AND a.merged_into_id IS NULL" if _has_author_field("merged_into") else ""
        # The initials of a name key's forenames: "berger|ernst-dieter g" → "edg", "berger|e l" → "el".
        initials = r"regexp_replace(split_part({}, '|', 2), '([^\s-])[^\s-]*[\s-]*', '\1', 'g')"
        theirs, ours = initials.format("m.name_key"), initials.format("b.name_key")
        return f"""
        UPDATE stg_byline b SET author_id = m.id, attribution = 'initials'
        FROM (
            SELECT a.initials_key, min(a.id) AS id, min(a.name_key) AS name_key
            FROM (SELECT DISTINCT initials_key FROM stg_byline WHERE author_id IS NULL AND initials_only) k
            JOIN researchers_author a ON a.initials_key = k.initials_key
            WHERE NOT a.is_collaboration {live}
            GROUP BY a.initials_key HAVING count(*) = 1
        ) m
        WHERE b.author_id IS NULL AND b.initials_only AND NOT b.is_collaboration AND m.initials_key = b.initials_key
          AND (starts_with({theirs}, {ours}) OR starts_with({ours}, {theirs}))
        """

    def _create_authors(self, cur, where: str) -> int:
        cols, exprs, params = _author_insert_sql()
        # Slugs: "zechun-liu", then "-2", "-3" … after the highest number already taken for that
        # base. The ~>=~ / ~<~ range uses the slug's varchar_pattern_ops index.
        cur.execute(
            f"""
            WITH cand AS (
                SELECT DISTINCT ON (name_key, is_collaboration)
                       name_key, is_collaboration, initials_key, display_name, slug_base, variant
                FROM stg_byline WHERE author_id IS NULL AND {where}
                ORDER BY name_key, is_collaboration, paper_id, position
            ), n AS (
                SELECT cand.*, row_number() OVER (PARTITION BY slug_base ORDER BY name_key, is_collaboration) AS rn
                FROM cand
            ), t AS (
                SELECT bases.slug_base, greatest(exact.mx, numbered.mx) AS mx
                FROM (SELECT DISTINCT slug_base FROM cand) bases
                LEFT JOIN LATERAL (
                    SELECT 1 AS mx FROM researchers_author a WHERE a.slug = bases.slug_base
                ) exact ON true
                LEFT JOIN LATERAL (
                    SELECT max(substring(a.slug FROM '-([0-9]+)$')::int) AS mx FROM researchers_author a
                    WHERE a.slug ~>=~ (bases.slug_base || '-') AND a.slug ~<~ (bases.slug_base || '.')
                      AND a.slug ~ ('^' || bases.slug_base || '-[0-9]+$')
                ) numbered ON true
            )
            INSERT INTO researchers_author ({cols})
            SELECT {exprs} FROM n LEFT JOIN t ON t.slug_base = n.slug_base
            """,
            params,
        )
        return cur.rowcount

    def _match_authors(self, cur, *, bylines: int) -> int:
        if bylines > 2 * self._analyzed_bylines:
            cur.execute("ANALYZE stg_byline")
            self._analyzed_bylines = bylines
        cur.execute(
            """
            UPDATE stg_byline b SET author_id = a.id, attribution = 'orcid'
            FROM researchers_author a WHERE b.author_id IS NULL AND b.orcid <> '' AND a.orcid = b.orcid
            """
        )
        cur.execute(self._exact_match_sql())
        created = self._create_authors(cur, "NOT initials_only")
        if created:
            cur.execute(self._exact_match_sql())
        cur.execute(self._weak_match_sql())
        more = self._create_authors(cur, "true")
        if more:
            cur.execute(self._exact_match_sql())
        # Name-only matches onto an owned record wait for the owner's review, unless the owner
        # chose to accept them automatically.
        cur.execute(
            """
            UPDATE stg_byline b SET attribution = 'pending'
            FROM researchers_author a
            WHERE a.id = b.author_id AND NOT b.keep AND b.attribution IN ('name', 'initials')
              AND a.owner_id IS NOT NULL AND NOT a.auto_accept_name_matches
            """
        )
        # New ORCIDs go onto records that have none yet, once per ORCID.
        cur.execute(
            """
            UPDATE researchers_author a SET orcid = o.orcid
            FROM (SELECT DISTINCT ON (orcid) orcid, author_id FROM stg_byline
                  WHERE orcid <> '' AND NOT keep ORDER BY orcid, author_id) o
            WHERE a.id = o.author_id AND a.orcid IS NULL
              AND NOT EXISTS (SELECT 1 FROM researchers_author x WHERE x.orcid = o.orcid)
            """
        )
        return created + more

    def _write_authorships(self, cur, updated_ids: list[int]) -> None:
        cur.execute(
            """
            INSERT INTO papers_institution (name, key, slug, authorships_count)
            SELECT DISTINCT ON (inst_key) inst_name, inst_key, inst_slug, 0 FROM stg_byline b
            WHERE inst_key <> '' AND NOT EXISTS (SELECT 1 FROM papers_institution i WHERE i.key = b.inst_key)
            ORDER BY inst_key
            ON CONFLICT DO NOTHING
            """
        )
        # Two different institutions whose names slugify alike: the second gets a hash suffix.
        cur.execute(
            """
            INSERT INTO papers_institution (name, key, slug, authorships_count)
            SELECT DISTINCT ON (inst_key) inst_name, inst_key, inst_slug || '-' || left(md5(inst_key), 8), 0
            FROM stg_byline b
            WHERE inst_key <> '' AND NOT EXISTS (SELECT 1 FROM papers_institution i WHERE i.key = b.inst_key)
            ORDER BY inst_key
            ON CONFLICT DO NOTHING
            """
        )
        insert = """
            INSERT INTO papers_authorship (paper_id, author_id, position, raw_name, keyname, forenames, suffix,
                                           affiliation, institution_id, attribution, evidence)
            SELECT b.paper_id, b.author_id, b.position, b.raw_name, b.keyname, b.forenames, b.suffix,
                   b.affiliation, i.id, b.attribution, ''
            FROM stg_byline b LEFT JOIN papers_institution i ON b.inst_key <> '' AND i.key = b.inst_key
        """
        # A paper created by this batch has no slots yet: a plain INSERT, a third cheaper than
        # the upsert's speculative insertion. Only updated papers have slots to upsert.
        cur.execute(insert + "WHERE NOT (b.paper_id = ANY(%s))", [updated_ids])
        if updated_ids:
            cur.execute(
                insert
                + """
                WHERE b.paper_id = ANY(%s)
                ON CONFLICT (paper_id, position) DO UPDATE SET
                    author_id = EXCLUDED.author_id, raw_name = EXCLUDED.raw_name, keyname = EXCLUDED.keyname,
                    forenames = EXCLUDED.forenames, suffix = EXCLUDED.suffix, affiliation = EXCLUDED.affiliation,
                    institution_id = EXCLUDED.institution_id, attribution = EXCLUDED.attribution
                WHERE (papers_authorship.author_id, papers_authorship.raw_name, papers_authorship.keyname,
                       papers_authorship.forenames, papers_authorship.suffix, papers_authorship.affiliation,
                       papers_authorship.institution_id, papers_authorship.attribution)
                      IS DISTINCT FROM (EXCLUDED.author_id, EXCLUDED.raw_name, EXCLUDED.keyname, EXCLUDED.forenames,
                       EXCLUDED.suffix, EXCLUDED.affiliation, EXCLUDED.institution_id, EXCLUDED.attribution)
                """,
                [updated_ids],
            )
        cur.execute("INSERT INTO stg_touched SELECT author_id FROM stg_byline")
        cur.execute("INSERT INTO stg_changed SELECT author_id FROM stg_byline WHERE NOT keep")
        cur.execute(
            f"""
            UPDATE researchers_author a
            SET name_variants = (SELECT array_agg(DISTINCT v ORDER BY v) FROM unnest(a.name_variants || n.vs) v)
                                [1:{MAX_VARIANTS}]
            FROM (SELECT author_id, array_agg(DISTINCT variant)::varchar(300)[] AS vs
                  FROM stg_byline WHERE NOT keep GROUP BY author_id) n
            WHERE a.id = n.author_id AND NOT (n.vs <@ a.name_variants)
              AND cardinality(a.name_variants) < {MAX_VARIANTS}
            """
        )
        cur.execute(
            """
            UPDATE papers_institution i SET authorships_count = c.n
            FROM (SELECT a.institution_id, count(*) AS n FROM papers_authorship a
                  WHERE a.institution_id IN (SELECT i2.id FROM papers_institution i2
                                             WHERE i2.key IN (SELECT inst_key FROM stg_byline WHERE inst_key <> ''))
                  GROUP BY a.institution_id) c
            WHERE i.id = c.institution_id AND i.authorships_count <> c.n
            """
        )

    # -- topics ------------------------------------------------------------------------------

    def _phrase_extractor(self, cur) -> PhraseExtractor:
        if self.extractor is None:
            cur.execute("SELECT name FROM papers_topic WHERE kind = %s", [TopicKind.PHRASE])
            self.extractor = PhraseExtractor(known=(row[0] for row in cur.fetchall()))
        return self.extractor

    def _write_topics(self, cur, upserts: list, ids: dict[str, int], updated_ids: list[int]) -> None:
        extractor = self._phrase_extractor(cur)
        prepared = self._prepared
        if prepared is not None and prepared.doc_ids == tuple(id(rec) for rec, _d, _v in upserts):
            windows = prepared.counted  # counted ahead in the parse thread: same docs, same order
        else:
            windows = _count_windows([(rec.title, rec.abstract) for rec, _d, _v in upserts])
        # Each window's new phrases are known to the next one, exactly as with one batch per window.
        phrases: list = []
        for number, counted in enumerate(windows):
            window_size = min(TOPIC_WINDOW, len(upserts) - number * TOPIC_WINDOW)
            chosen_in_window = extractor.select(window_size, counted)
            extractor.known.update(phrase for chosen in chosen_in_window for phrase, _w in chosen
                                   if phrase_slug(phrase))
            phrases.extend(chosen_in_window)
        with cur.copy("COPY stg_ptopic (paper_id, slug, kind, name, code, weight) FROM STDIN") as copy:
            for (rec, _d, _v), chosen in zip(upserts, phrases, strict=True):
                pid = ids[rec.arxiv_id]
                primary = canonical_category(rec.primary_category or (rec.categories[0] if rec.categories else ""))
                seen_codes = set()
                for code in [primary, *map(canonical_category, rec.categories)]:
                    if not code or code in seen_codes or not is_category_code(code):
                        continue
                    seen_codes.add(code)
                    copy.write_row((pid, category_slug(code), TopicKind.CATEGORY, category_name(code), code,
                                    1.0 if code == primary else 0.5))
                for phrase, weight in chosen:
                    slug = phrase_slug(phrase)
                    if slug:
                        copy.write_row((pid, slug, TopicKind.PHRASE, phrase[:200], None, weight))
        cur.execute(
            """
            INSERT INTO papers_topic (kind, name, slug, code, description, papers_count)
            SELECT DISTINCT ON (slug) kind, name, slug, code, '', 0 FROM stg_ptopic s
            WHERE NOT EXISTS (SELECT 1 FROM papers_topic t WHERE t.slug = s.slug)
            ORDER BY slug
            ON CONFLICT DO NOTHING
            """
        )
        if updated_ids:
            cur.execute(
                "WITH del AS (DELETE FROM papers_papertopic WHERE paper_id = ANY(%s) RETURNING topic_id) "
                "INSERT INTO stg_tdelta SELECT topic_id, -1 FROM del",
                [updated_ids],
            )
        # Every paper here is new or has just lost its old links, so nothing can conflict: a plain
        # INSERT, a third cheaper than an upsert.
        cur.execute(
            """
            WITH ins AS (
                INSERT INTO papers_papertopic (paper_id, topic_id, weight)
                SELECT DISTINCT ON (s.paper_id, t.id) s.paper_id, t.id, s.weight
                FROM stg_ptopic s JOIN papers_topic t ON t.slug = s.slug
                ORDER BY s.paper_id, t.id, s.weight DESC
                RETURNING topic_id
            )
            INSERT INTO stg_tdelta SELECT topic_id, 1 FROM ins
            """
        )

    # -- aggregates --------------------------------------------------------------------------

    def _refresh_aggregates(self, cur) -> None:
        # Topic counts move by deltas, so a big category is never recounted.
        cur.execute(
            """
            UPDATE papers_topic t SET papers_count = greatest(0, t.papers_count + d.n)
            FROM (SELECT topic_id, sum(n)::int AS n FROM stg_tdelta GROUP BY topic_id HAVING sum(n) <> 0) d
            WHERE t.id = d.topic_id
            """
        )
        # Authors are only queued here; drain_author_refresh() recounts them set-based.
        cur.execute(
            """
            INSERT INTO papers_pendingauthorrefresh (author_id, authorships_changed, queued_at)
            SELECT author_id, bool_or(changed), now() FROM (
                SELECT author_id, false AS changed FROM stg_touched
                UNION ALL SELECT author_id, true FROM stg_changed
            ) x WHERE author_id IS NOT NULL GROUP BY author_id
            ON CONFLICT (author_id) DO UPDATE SET authorships_changed =
                papers_pendingauthorrefresh.authorships_changed OR EXCLUDED.authorships_changed
            """
        )
        identity_blocks_queue_touched(cur)  # the disambiguation task takes these blocks next

    # -- the run row -----------------------------------------------------------------------------

    def _save_run(self, stats: BatchStats, checkpoint: str | None) -> None:
        run = self.run
        run.seen += stats.seen
        run.created += stats.created
        run.updated += stats.updated
        run.unchanged += stats.unchanged
        run.failed += stats.failed
        run.authors_created += stats.authors_created
        # The heartbeat rides on the progress write: a stale one means the process died (issue 15).
        run.heartbeat_at = dt.datetime.now(dt.UTC)
        fields = ["seen", "created", "updated", "unchanged", "failed", "authors_created", "heartbeat_at"]
        if stats.errors:
            run.errors = [*run.errors, *stats.errors][:ERRORS_CAP]
            fields.append("errors")
        if checkpoint is not None:
            run.checkpoint = checkpoint
            fields.append("checkpoint")
        run.save(update_fields=fields)


def _refresh_authors(cur) -> None:
    """Recompute every maintained aggregate of the authors in stg_t (author_id, changed)."""
    # Pending authorships (name matches awaiting an owner's review) count for nobody yet,
    # exactly as in researchers.services.aggregates.
    # The author topics first: topics_count below is derived from them.
    cur.execute("DELETE FROM papers_authortopic WHERE author_id IN (SELECT author_id FROM stg_t)")
    cur.execute(
        f"""
        INSERT INTO papers_authortopic (author_id, topic_id, weight, papers_count)
        SELECT author_id, topic_id, w / sum(w) OVER (PARTITION BY author_id), n FROM (
        SELECT ap.author_id, pt.topic_id, sum(pt.weight) AS w, count(*)::int AS n,
               -- Ranked: topics that recur across the author's works first, then by weight.
               row_number() OVER (PARTITION BY ap.author_id
                                  ORDER BY count(*) >= least(2, max(ap.works)) DESC, sum(pt.weight) DESC,
                                           pt.topic_id) AS rk
        FROM (
            -- A paper counts once per author even where the record holds two of its slots (two
            -- namesakes on one byline): its topics must not weigh double. Deduplicated first, the
            -- pairs also let the planner hash-aggregate (a third faster than count(DISTINCT)).
            SELECT d.author_id, d.paper_id, count(*) OVER (PARTITION BY d.author_id) AS works FROM (
                SELECT DISTINCT a.author_id, a.paper_id FROM stg_t t
                JOIN papers_authorship a ON a.author_id = t.author_id AND a.attribution <> 'pending'
                JOIN papers_paper p ON p.id = a.paper_id AND NOT p.deleted
            ) d
        ) ap
        JOIN papers_papertopic pt ON pt.paper_id = ap.paper_id
        GROUP BY ap.author_id, pt.topic_id
        ) s WHERE rk <= {AUTHOR_TOPICS_KEPT}
        """
    )
    # The three aggregates are staged in analysed temp tables before the one UPDATE: as CTEs, their
    # GROUP BY outputs were estimated at 200 rows whatever the truth, and with 100k authors in a
    # chunk the planner joined them by nested loops, quadratic (minutes per chunk at 500k papers).
    cur.execute("TRUNCATE stg_works, stg_close, stg_counted")
    cur.execute(
        """
        INSERT INTO stg_works (author_id, works, fy, ly, aff)
        SELECT t.author_id, count(DISTINCT p.id)::int, min(p.year), max(p.year),
               (array_agg(a.affiliation ORDER BY p.submitted DESC NULLS LAST, p.id DESC)
                FILTER (WHERE a.affiliation <> '' AND p.id IS NOT NULL))[1]
        FROM stg_t t
        LEFT JOIN papers_authorship a ON a.author_id = t.author_id AND a.attribution <> 'pending'
        LEFT JOIN papers_paper p ON p.id = a.paper_id AND NOT p.deleted
        GROUP BY t.author_id
        """
    )
    # Close collaborators: coauthors on at least CLOSE_COLLAB_MIN_PAPERS papers of moderate size.
    cur.execute(
        f"""
        INSERT INTO stg_close (author_id, n)
        SELECT author_id, count(*)::int FROM (
            SELECT a1.author_id
            FROM stg_t t1
            JOIN papers_authorship a1 ON a1.author_id = t1.author_id AND a1.attribution <> 'pending'
            JOIN papers_paper p ON p.id = a1.paper_id AND NOT p.deleted
                    AND p.authors_count <= {CLOSE_COLLAB_MAX_AUTHORS}
            JOIN papers_authorship a2 ON a2.paper_id = a1.paper_id AND a2.author_id <> a1.author_id
                          AND a2.attribution <> 'pending'
            GROUP BY a1.author_id, a2.author_id
            HAVING count(DISTINCT a1.paper_id) >= {CLOSE_COLLAB_MIN_PAPERS}
        ) pairs GROUP BY author_id
        """
    )
    # A topic counts for an author once it recurs across their works (or, for a one-paper
    # author, when it is a topic of that paper), and a profile names at most PROFILE_TOPICS:
    # "8 topics for 15 works", not 60.
    cur.execute("ANALYZE stg_works")
    cur.execute(
        f"""
        INSERT INTO stg_counted (author_id, n)
        SELECT at.author_id, least(count(*), {PROFILE_TOPICS})::int FROM papers_authortopic at
        JOIN stg_works w ON w.author_id = at.author_id
        WHERE at.papers_count >= least(2, greatest(w.works, 1))
        GROUP BY at.author_id
        """
    )
    cur.execute("ANALYZE stg_close")
    cur.execute("ANALYZE stg_counted")
    # One UPDATE for every maintained column: each author row is rewritten at most once per
    # drain (every rewrite also touches its indexes, the trigram one included).
    # data_changed_at is the watermark graph slices and trust scores compare against.
    cur.execute(
        """
        UPDATE researchers_author r SET
        works_count = w.works, first_year = w.fy, last_year = w.ly,
        affiliation = CASE WHEN r.owner_id IS NULL AND w.aff IS NOT NULL THEN left(w.aff, 300)
                   ELSE r.affiliation END,
        close_collaborators_count = coalesce(c.n, 0),
        topics_count = coalesce(tc.n, 0),
        data_changed_at = CASE WHEN t.changed THEN statement_timestamp() ELSE r.data_changed_at END,
        updated_at = statement_timestamp()
        FROM stg_works w JOIN stg_t t ON t.author_id = w.author_id
           LEFT JOIN stg_close c ON c.author_id = w.author_id LEFT JOIN stg_counted tc ON tc.author_id = w.author_id
        WHERE r.id = w.author_id
          AND (t.changed
           OR (r.works_count, r.first_year, r.last_year, r.close_collaborators_count, r.topics_count)
              IS DISTINCT FROM (w.works, w.fy, w.ly, coalesce(c.n, 0), coalesce(tc.n, 0))
           OR (r.owner_id IS NULL AND w.aff IS NOT NULL AND r.affiliation <> left(w.aff, 300)))
        """
    )
    # Citation figures (h-index, citations) are computed over the works on the record, so they
    # follow every move that refreshes the counts above: imports, claims, merges, disambiguation.
    from papers.impact.store import refresh_impact_of_staged_authors

    refresh_impact_of_staged_authors(cur)


def refresh_author_aggregates(author_ids, *, authorships_changed: bool = True) -> int:
    """Refresh the maintained aggregates of ``author_ids`` now, in the caller's transaction."""
    ids = sorted({int(i) for i in author_ids if i})
    if not ids:
        return 0
    with connection.cursor() as cur:
        cur.execute(_STAGING_DDL)
        cur.execute("TRUNCATE stg_t")
        cur.execute(
            "INSERT INTO stg_t (author_id, changed) SELECT id, %s FROM researchers_author WHERE id = ANY(%s)",
            [authorships_changed, ids],
        )
        n = cur.rowcount
        cur.execute("ANALYZE stg_t")
        _refresh_authors(cur)
    return n


def drain_author_refresh(*, chunk: int = 250_000, workers: int | None = None) -> int:
    """Refresh the aggregates of every queued author, at most ``chunk`` authors per transaction.

    Outside a transaction, once PARALLEL_REFRESH_MIN_AUTHORS are queued, the queue is drained by
    ``workers`` connections at once (default AUTHOR_REFRESH_WORKERS): the refresh is
    database-bound and one backend uses one core. Inside the caller's transaction it runs
    there, alone, so the caller sees the result.
    Concurrent drains take disjoint chunks (SKIP LOCKED). Returns how many were refreshed.
    """
    workers = max(1, workers or AUTHOR_REFRESH_WORKERS)
    if workers == 1 or connection.in_atomic_block:
        return _drain_queue(chunk=chunk)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM papers_pendingauthorrefresh")
        queued = cur.fetchone()[0]
    if queued < PARALLEL_REFRESH_MIN_AUTHORS:
        return _drain_queue(chunk=chunk)
    # Equal chunks, so that every worker finishes at about the same time.
    rounds = math.ceil(queued / (workers * chunk))
    chunk = math.ceil(queued / (workers * rounds))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="author-refresh") as pool:
        done = [pool.submit(_drain_queue_in_thread, chunk=chunk) for _ in range(workers)]
        return sum(future.result() for future in done)


def _drain_queue_in_thread(*, chunk: int) -> int:
    try:
        return _drain_queue(chunk=chunk)
    finally:
        connection.close()  # this thread's own connection


def _drain_queue(*, chunk: int) -> int:
    total = 0
    while True:
        outermost = not connection.in_atomic_block
        with transaction.atomic(), connection.cursor() as cur:
            if outermost:
                _loader_transaction_settings()
            cur.execute(_STAGING_DDL)
            cur.execute("TRUNCATE stg_t")
            cur.execute(
                """
                WITH q AS (
                    DELETE FROM papers_pendingauthorrefresh WHERE author_id IN (
                        SELECT author_id FROM papers_pendingauthorrefresh ORDER BY author_id
                        LIMIT %s FOR UPDATE SKIP LOCKED)
                    RETURNING author_id, authorships_changed
                )
                INSERT INTO stg_t (author_id, changed)
                SELECT q.author_id, q.authorships_changed FROM q
                JOIN researchers_author a ON a.id = q.author_id
                """,
                [chunk],
            )
            if not cur.rowcount:
                # Either the queue is empty (or locked by another drain), or it held only
                # deleted authors, now gone too.
                cur.execute("SELECT EXISTS (SELECT 1 FROM papers_pendingauthorrefresh FOR UPDATE SKIP LOCKED)")
                if not cur.fetchone()[0]:
                    return total
                continue
            total += cur.rowcount
            cur.execute("ANALYZE stg_t")
            _refresh_authors(cur)


# The tables an import grows, whose planner statistics it keeps current (see _analyze_grown).
_GROWN_TABLES = ("papers_paper", "papers_authorship", "papers_papertopic", "papers_topic", "papers_institution",
                 "researchers_author", "papers_authortopic")
ANALYZE_EVERY_BATCHES = 5


def _analyze_grown() -> None:
    """ANALYZE the tables the import has grown by half (or 10k rows) since their last analysis.

    The set-based statements join staging tables against these; planned on the statistics of
    an empty table they pick nested loops that get slower with every batch. Autovacuum would
    do this, but it may be off or lag behind a bulk load; geometric growth keeps the total cost
    at O(log N) analyses.
    """
    _maintain_grown("ANALYZE", changed_rows="n_mod_since_analyze", share=0.5)


def _vacuum_grown() -> None:
    """VACUUM (ANALYZE) the tables this load grew by a fifth (or 10k rows) since their last vacuum.

    A bulk load leaves its rows without hint bits and its pages out of the visibility map, so
    the first readers would pay for both and index-only scans (coauthor lookups, graph slices)
    would still visit the heap. Autovacuum would get there, but it may be off or far behind; at
    1M papers this pass takes ~13 s and halves the NOT EXISTS probes of a graph slice build.
    VACUUM cannot run inside a transaction, so a load inside the caller's transaction only
    analyses.
    """
    if connection.in_atomic_block:
        return
    _maintain_grown("VACUUM (ANALYZE)", changed_rows="n_ins_since_vacuum", share=0.2)


def _maintain_grown(command: str, *, changed_rows: str, share: float) -> None:
    """Run ``command`` on each of _GROWN_TABLES whose pg_stat_user_tables counter ``changed_rows``
    exceeds ``share`` of its rows (and 10k)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid "
            f"WHERE s.relname = ANY(%s) AND s.{changed_rows} > greatest(10000, %s * c.reltuples)",
            [list(_GROWN_TABLES), share],
        )
        for (table,) in cur.fetchall():
            cur.execute(f"{command} {connection.ops.quote_name(table)}")


def _loader_transaction_settings() -> None:
    """Settings for a transaction the loader owns (a caller's outer transaction keeps its own).

    - synchronous_commit off: COMMIT returns before its WAL reaches the disk. Safe here: a
      server crash can lose at most the last fraction of a second of acknowledged batches (never
      corrupt anything, and the ImportRun checkpoint rolls back with them), and every import is
      idempotent, so the rerun re-imports them. It saves a WAL flush per batch.
    - jit off: the batch statements are costed high enough to be JIT-compiled, and compiling
      them took longer (0.3-0.7 s each) than it saved, every batch again.
    """
    with connection.cursor() as cur:
        cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute("SET LOCAL jit = off")


def _batches(records: Iterable, size: int) -> Iterator[tuple[list, BaseException | None]]:
    """Batches of ``size`` items; a source that breaks mid-way yields its last good batch
    together with the exception, so the good records are committed before it propagates."""
    batch: list = []
    iterator = iter(records)
    while True:
        try:
            item = next(iterator)
        except StopIteration:
            break
        except Exception as exc:  # file-level fault in the source: keep what was read
            yield batch, exc
            return
        batch.append(item)
        if len(batch) >= size:
            yield batch, None
            batch = []
    if batch:
        yield batch, None


_DONE = object()


def _prefetched(batches: Iterator, depth: int = 2, prepare=None) -> Iterator:
    """Run the parser one or two batches ahead in a thread.

    While the main thread waits on Postgres (psycopg releases the GIL), the next batch is
    parsed, so parsing and SQL overlap on two cores. Memory stays bounded by ``depth``.
    With ``prepare``, items are (batch, error, prepare(batch)): the batch's database-free
    Python work (hashes, name keys, phrase counts) is done in the same thread.
    """
    slots: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce():
        try:
            for item in batches:
                if prepare is not None:
                    item = (*item, prepare(item[0]) if item[0] else None)
                while not stop.is_set():
                    try:
                        slots.put(item, timeout=0.5)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
        except BaseException as exc:  # pragma: no cover - _batches already turns faults into items
            slots.put(([], exc, None) if prepare is not None else ([], exc))
        finally:
            slots.put(_DONE)

    thread = threading.Thread(target=produce, name="arxiv-parse-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item = slots.get()
            if item is _DONE:
                return
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            try:
                slots.get_nowait()
            except queue.Empty:
                thread.join(timeout=0.1)


def load_records(
    records: Iterable[PaperRecord | RecordError],
    *,
    run: ImportRun,
    batch_size: int | None = None,
    on_batch=None,
    refresh_every: int | None = None,
) -> None:
    """Load parsed records under ``run`` in batches, one transaction each (see module doc).

    Author aggregates are refreshed every ``refresh_every`` batches (by default every
    REFRESH_EVERY_PAPERS records) and at the end. A source
    error raised by ``records`` propagates after the records read before it are committed and
    their authors refreshed. ``on_batch(stats)`` is called after each committed batch.
    """
    loader = BatchLoader(run=run)
    batches = 0
    batch_size = batch_size or DEFAULT_BATCH_SIZE
    if refresh_every is None:
        refresh_every = max(1, REFRESH_EVERY_PAPERS // max(1, batch_size))
    try:
        for batch, error, prepared in _prefetched(_batches(records, max(1, batch_size)), prepare=_prepare):
            if batch:
                stats = loader.load_batch(batch, prepared=prepared)
                batches += 1
                if on_batch:
                    on_batch(stats)
                if refresh_every and batches % refresh_every == 0:
                    drain_author_refresh()
                if batches % ANALYZE_EVERY_BATCHES == 0:
                    _analyze_grown()
            if error is not None:
                raise error
    finally:
        _analyze_grown()
        drain_author_refresh()
        _vacuum_grown()
        identity_blocks_dispatch()
