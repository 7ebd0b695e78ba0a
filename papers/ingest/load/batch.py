"""One batch, in one transaction: COPY into staging, then set-based upserts of papers, authors,
authorships and topics (papers/ingest/load/; the steps are described in papers/ingest/load/__init__.py)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from django.db import connection, transaction

from papers.ingest.load.limits import ERRORS_CAP, MAX_VARIANTS
from papers.ingest.load.maintenance import loader_transaction_settings
from papers.ingest.load.prepare import (
    Prepared,
    byline_lines,
    content_hash,
    merge_versions,
    paper_line,
    topic_lines,
    validate,
)
from papers.ingest.load.search import search_vector_sql
from papers.ingest.records import PaperRecord, RecordError
from papers.ingest.topics import PhraseExtractor
from papers.models import ImportRun, TopicKind
from papers.tasks import derive_search_vectors as derive_search_vectors_task
from researchers.disambiguation.services import identity_blocks_queue_touched
from researchers.models import Author
from researchers.outbox.services import task_enqueue_on_commit


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



STAGING_DDL = """
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
CREATE TEMP TABLE IF NOT EXISTS stg_newtopic (topic_id bigint);
CREATE TEMP TABLE IF NOT EXISTS stg_t (author_id bigint PRIMARY KEY, changed bool NOT NULL DEFAULT false);
CREATE TEMP TABLE IF NOT EXISTS stg_works (author_id bigint, works int, fy int, ly int, aff text);
CREATE TEMP TABLE IF NOT EXISTS stg_close (author_id bigint, n int);
CREATE TEMP TABLE IF NOT EXISTS stg_counted (author_id bigint, n int);
"""
_STAGING_TABLES = "stg_paper, stg_byline, stg_ptopic, stg_touched, stg_changed, stg_tdelta, stg_newtopic, stg_t"

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
        self._prepared: Prepared | None = None
        # Whether this batch commits on its own, so that its search vectors can be derived by the
        # derive queue after the commit (papers/ingest/load/search.py).
        self._defer_search = False
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
        self, items: list, *, checkpoint: str | None = None, prepared: Prepared | None = None
    ) -> BatchStats:
        stats = BatchStats()
        self._prepared = prepared
        records: dict[str, PaperRecord] = {}
        for item in items:
            if isinstance(item, RecordError):
                self.fail(stats, item.record_id, item.reason)
                continue
            reason = validate(item)
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
            self._defer_search = outermost
            with transaction.atomic():
                if outermost:
                    loader_transaction_settings()
                if records:
                    self._load(records, stats)
                self._save_run(stats, checkpoint)
        finally:
            self._prepared = None
        return stats

    # -- the batch -----------------------------------------------------------------------------

    def _load(self, records: dict[str, PaperRecord], stats: BatchStats) -> None:
        with connection.cursor() as cur:
            cur.execute(STAGING_DDL)
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
                digest = (prepared.digests.get(id(rec)) if prepared and prepared.digests else None) or content_hash(rec)
                if old is None:
                    upserts.append((rec, digest, None))  # None: a new paper, its versions as the record's
                    stats.created += 1
                    continue
                if old.content_hash == digest and not old.deleted:
                    stats.unchanged += 1
                    continue
                merged = merge_versions(old.versions, rec)
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
        # The rows of new papers were formatted in the parse thread; an update merges the stored
        # versions, known only now.
        ready = (self._prepared.new_papers if self._prepared else None) or {}
        lines = []
        for rec, digest, versions in upserts:
            line = ready.get(id(rec)) if versions is None else None
            lines.append(line or paper_line(rec, digest, merge_versions([], rec) if versions is None else versions))
        with cur.copy(f"COPY stg_paper ({_PAPER_COLS}) FROM STDIN") as copy:
            copy.write("".join(lines))
        # Every write of the text writes its search vector or clears it for the derive queue, so
        # the vector can never drift from the text.
        vector = "NULL" if self._defer_search else search_vector_sql()
        cur.execute(
            f"""
            INSERT INTO papers_paper ({_PAPER_COLS}, deleted, search_vector, created_at, modified_at)
            SELECT arxiv_id, version, versions::jsonb, title, abstract, categories, primary_category, submitted,
                   updated, year, doi, journal_ref, comments, license, report_no, submitter, has_code, code_url,
                   withdrawn, authors_count, content_hash, false, {vector}, now(), now()
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
        if self._defer_search:
            task_enqueue_on_commit(task=derive_search_vectors_task, args=[sorted(ids.values())])

        bylines = self._stage_bylines(cur, upserts, ids)
        if updated_ids:
            self._retire_old_bylines(cur, updated_ids)
        stats.authors_created += self._match_authors(cur, bylines=bylines)
        self._write_authorships(cur, updated_ids)
        self._write_topics(cur, upserts, ids, updated_ids)

    # -- bylines and authors ---------------------------------------------------------------------

    def _stage_bylines(self, cur, upserts: list, ids: dict[str, int]) -> int:
        """COPY the bylines of ``upserts`` into stg_byline; returns how many rows."""
        ready = (self._prepared.bylines if self._prepared else None) or {}
        lines: list[str] = []
        for rec, _digest, _versions in upserts:
            prefix = f"{ids[rec.arxiv_id]}\t"
            rows = ready.get(id(rec))
            lines.extend(prefix + row + "\n" for row in (byline_lines(rec) if rows is None else rows))
        with cur.copy(f"COPY stg_byline ({_BYLINE_COLS}) FROM STDIN") as copy:
            copy.write("".join(lines))
        return len(lines)

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
        """Create a record for each unmatched name key of the bylines ``where`` holds, and point
        every unmatched byline of that key at it (as an exact match would); returns how many."""
        cols, exprs, params = _author_insert_sql()
        # Slugs: "zechun-liu", then "-2", "-3" … after the highest number already taken for that
        # base. The ~>=~ / ~<~ range uses the slug's varchar_pattern_ops index.
        # The new records' ids come back from the INSERT itself: matching the batch against the
        # whole author table again only to find them cost a sixth of the batch's author work.
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
            , created AS (
                INSERT INTO researchers_author ({cols})
                SELECT {exprs} FROM n LEFT JOIN t ON t.slug_base = n.slug_base
                RETURNING id, name_key, is_collaboration
            ), matched AS (
                UPDATE stg_byline b SET author_id = c.id, attribution = 'name' FROM created c
                WHERE b.author_id IS NULL AND b.name_key = c.name_key AND b.is_collaboration = c.is_collaboration
            )
            SELECT count(*) FROM created
            """,
            params,
        )
        return cur.fetchone()[0]

    def _match_authors(self, cur, *, bylines: int) -> int:
        if bylines > 2 * self._analyzed_bylines:
            # Only the columns the matching statements join and filter on: the names and
            # affiliations themselves (most of the table) steer no plan.
            cur.execute("ANALYZE stg_byline (paper_id, position, raw_name, name_key, initials_key, initials_only, "
                        "is_collaboration, inst_key, orcid, author_id)")
            self._analyzed_bylines = bylines
        cur.execute(
            """
            UPDATE stg_byline b SET author_id = a.id, attribution = 'orcid'
            FROM researchers_author a WHERE b.author_id IS NULL AND b.orcid <> '' AND a.orcid = b.orcid
            """
        )
        cur.execute(self._exact_match_sql())
        created = self._create_authors(cur, "NOT initials_only")
        cur.execute(self._weak_match_sql())
        more = self._create_authors(cur, "true")
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

    def phrase_extractor(self) -> PhraseExtractor:
        """The batches' phrase extractor, its vocabulary the phrase topics stored when first asked.

        load_records hands it to the parse thread, which then selects every batch's topics; the
        main thread uses it only for batches that come unprepared.
        """
        if self.extractor is None:
            with connection.cursor() as cur:
                cur.execute("SELECT name FROM papers_topic WHERE kind = %s", [TopicKind.PHRASE])
                self.extractor = PhraseExtractor(known=(row[0] for row in cur.fetchall()))
        return self.extractor

    def _write_topics(self, cur, upserts: list, ids: dict[str, int], updated_ids: list[int]) -> None:
        ready = self._prepared.topics if self._prepared else None
        if ready is None:
            recs = [rec for rec, _d, _v in upserts]
            ready = dict(zip(map(id, recs), topic_lines(recs, self.phrase_extractor()), strict=True))
        lines = [f"{ids[rec.arxiv_id]}\t{line}" for rec, _d, _v in upserts for line in ready[id(rec)]]
        with cur.copy("COPY stg_ptopic (paper_id, slug, kind, name, code, weight) FROM STDIN") as copy:
            copy.write("".join(lines))
        # A new topic is written with its count: updating it by its delta in the same transaction
        # would write every new row twice, and papers_count is indexed, so the second version
        # goes into every index of the table (no HOT update). A topic a concurrent import
        # created first is not ours (ON CONFLICT) and takes the delta like any other.
        cur.execute(
            """
            WITH fresh AS MATERIALIZED (
                -- Only the rows of slugs not stored yet are counted: counting every row of the
                -- batch first (most of them on topics that exist) was three quarters of this.
                SELECT s.slug, s.kind, s.name, s.code, s.paper_id FROM stg_ptopic s
                WHERE NOT EXISTS (SELECT 1 FROM papers_topic t WHERE t.slug = s.slug)
            ), new AS (
                INSERT INTO papers_topic (kind, name, slug, code, description, papers_count)
                SELECT DISTINCT ON (f.slug) f.kind, f.name, f.slug, f.code, '', c.n FROM fresh f
                JOIN (SELECT slug, count(DISTINCT paper_id)::int AS n FROM fresh GROUP BY slug) c
                  ON c.slug = f.slug
                ORDER BY f.slug
                ON CONFLICT DO NOTHING
                RETURNING id
            )
            INSERT INTO stg_newtopic SELECT id FROM new
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
            WHERE NOT EXISTS (SELECT 1 FROM stg_newtopic n WHERE n.topic_id = ins.topic_id)
            """
        )

    # -- aggregates --------------------------------------------------------------------------

    def _refresh_aggregates(self, cur) -> None:
        # Topic counts move by deltas, so a big category is never recounted. The batch only queues
        # its deltas; drain_topic_counts() applies them at the end of the load: every batch touches
        # most topics, and papers_count is indexed, so updating them per batch rewrote each topic
        # row and its index entries once per batch (a tenth of the load on made-up vocabularies).
        cur.execute(
            """
            INSERT INTO papers_pendingtopiccount (topic_id, n)
            SELECT topic_id, sum(n)::int FROM stg_tdelta GROUP BY topic_id HAVING sum(n) <> 0
            """
        )
        # Authors are only queued here; drain_author_refresh() recounts them set-based. The
        # batch's own bylines are read from staging (a byline kept from before touches its record,
        # a new one changes it); stg_touched and stg_changed hold the slots of updated and deleted
        # papers. An author already queued as changed is left as it is: most authors of a load
        # recur batch after batch, and rewriting their queue row each time only made dead rows.
        cur.execute(
            """
            INSERT INTO papers_pendingauthorrefresh (author_id, authorships_changed, queued_at)
            SELECT author_id, bool_or(changed), now() FROM (
                SELECT author_id, NOT keep AS changed FROM stg_byline
                UNION ALL SELECT author_id, false FROM stg_touched
                UNION ALL SELECT author_id, true FROM stg_changed
            ) x WHERE author_id IS NOT NULL GROUP BY author_id
            ON CONFLICT (author_id) DO UPDATE SET authorships_changed = true
            WHERE EXCLUDED.authorships_changed AND NOT papers_pendingauthorrefresh.authorships_changed
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
