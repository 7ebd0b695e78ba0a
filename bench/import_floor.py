"""The floor under any import: what the finished result costs to write, and to parse, with no loader logic.

``bench/import_throughput.py --floor`` calls this after its import, on the database the import
filled. It answers one question: how fast could *any* loader be, on this machine, that produces
the same tables? Two parts, each a lower bound because it leaves work out:

- **Postgres.** The finished rows of the tables the import writes (papers with their search
  vectors, author records, authorships, paper and author topics, topics, institutions) are read
  out with binary ``COPY`` and written with binary ``COPY`` into a fresh, migrated database:
  once into the tables as the schema declares them (every index maintained row by row, as a load
  into a live database must), and once with the secondary indexes and foreign keys dropped and
  rebuilt afterwards (only sound on an empty database). No matching, no aggregation, no
  staging: the rows are already final. The search vectors' ``to_tsvector`` is timed apart,
  since a binary copy of finished vectors skips it.
- **Python.** CPU time to parse the corpus into records and do the loader's database-free work
  on them (content hashes, name keys, row formatting, phrase topics: ``loader.prepare``), with nothing sent
  anywhere.

The CPU the target allows on this machine is ``cores × N / (COPY papers/s ÷ 8)``; the floor's
CPU is the Python part plus the cheaper of the two Postgres parts plus ``to_tsvector``.
"""

from __future__ import annotations

import gzip
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import BENCH_DIR, drop_database, fresh_database, migrate
from papers.ingest.load.search import search_vector_sql

# In foreign-key order: a binary COPY into a table whose keys are declared checks them row by row.
FLOOR_TABLES = ("papers_topic", "papers_institution", "researchers_author", "papers_paper", "papers_authorship",
                "papers_papertopic", "papers_authortopic")

_SECONDARY_INDEXES = """
SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), c.conname, i.indrelid::regclass::text,
       pg_get_constraintdef(c.oid)
FROM pg_index i
LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('u', 'x')
WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary
"""
_FOREIGN_KEYS = """
SELECT conname, conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint
WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)
"""


@dataclass
class Floor:
    papers: int
    rows_mb: float
    copy_indexed_s: float  # binary COPY of the finished rows into the declared (indexed) tables
    copy_bare_s: float  # the same into tables without secondary indexes or foreign keys ...
    rebuild_s: float  # ... plus building those afterwards
    tsvector_s: float  # to_tsvector over every paper's title and abstract
    python_cpu_s: float  # parse + the loader's database-free work, CPU seconds

    @property
    def postgres_s(self) -> float:
        return min(self.copy_indexed_s, self.copy_bare_s + self.rebuild_s) + self.tsvector_s

    @property
    def cpu_s(self) -> float:
        return self.postgres_s + self.python_cpu_s


def _copy_into(conn, dumps: dict[str, Path]) -> float:
    t0 = time.perf_counter()
    with conn.cursor() as cur:
        for table in FLOOR_TABLES:
            with cur.copy(f"COPY {table} FROM STDIN (FORMAT binary)") as cp, dumps[table].open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    cp.write(chunk)
    conn.commit()
    return time.perf_counter() - t0


def postgres_floor(filled_url: str, scratch_name: str) -> tuple[float, float, float, float, float]:
    """(MB, indexed COPY s, bare COPY s, index rebuild s, to_tsvector s) for the rows in ``filled_url``."""
    import psycopg

    # The rows go through files (gigabytes at 1M papers), read back from the page cache.
    workdir = Path(tempfile.mkdtemp(prefix="floor-", dir=BENCH_DIR))
    dumps = {table: workdir / f"{table}.bin" for table in FLOOR_TABLES}
    scratch_url = None
    try:
        with psycopg.connect(filled_url) as src, src.cursor() as cur:
            for table in FLOOR_TABLES:
                with cur.copy(f"COPY {table} TO STDOUT (FORMAT binary)") as cp, dumps[table].open("wb") as fh:
                    for chunk in cp:
                        fh.write(chunk)
        scratch_url = fresh_database(scratch_name, filled_url)
        migrate(scratch_url)
        with psycopg.connect(scratch_url) as conn:
            conn.execute("SET synchronous_commit = off")
            conn.execute("CHECKPOINT")
            # Migrations may seed rows (e.g. category topics); the floor writes the import's own.
            conn.execute(f"TRUNCATE {', '.join(FLOOR_TABLES)} CASCADE")
            conn.commit()
            indexed = _copy_into(conn, dumps)

            conn.execute(f"TRUNCATE {', '.join(FLOOR_TABLES)} CASCADE")
            indexes = conn.execute(_SECONDARY_INDEXES, [list(FLOOR_TABLES)]).fetchall()
            fkeys = conn.execute(_FOREIGN_KEYS, [list(FLOOR_TABLES)]).fetchall()
            for name, table, _definition in fkeys:
                conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for index, _definition, constraint, table, _cdef in indexes:
                conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"' if constraint
                             else f"DROP INDEX {index}")
            conn.commit()
            conn.execute("CHECKPOINT")
            bare = _copy_into(conn, dumps)
            t0 = time.perf_counter()
            conn.execute("SET maintenance_work_mem = '256MB'")
            for _index, definition, constraint, table, cdef in indexes:
                conn.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" {cdef}' if constraint else definition)
            for name, table, definition in fkeys:
                conn.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            conn.commit()
            rebuild = time.perf_counter() - t0

            t0 = time.perf_counter()
            conn.execute(
                f"SELECT sum(length({search_vector_sql()})) FROM papers_paper"
            ).fetchone()
            tsvector = time.perf_counter() - t0
        mb = sum(path.stat().st_size for path in dumps.values()) / 2**20
    finally:
        if scratch_url:
            drop_database(scratch_name, filled_url)
        shutil.rmtree(workdir, ignore_errors=True)
    return mb, indexed, bare, rebuild, tsvector


def python_floor(corpus: Path) -> tuple[int, float]:
    """(papers, CPU s) to parse ``corpus`` and do the loader's database-free work on every batch."""
    from papers.ingest import load as loader
    from papers.ingest.parsers import iter_records

    from papers.ingest.topics import PhraseExtractor

    c0 = time.process_time()
    papers = 0
    extractor = PhraseExtractor()
    with gzip.open(corpus, "rb") as fh:
        for batch, error in loader.batches(iter_records(fh, "kaggle"), loader.DEFAULT_BATCH_SIZE):
            loader.prepare(batch, extractor=extractor)
            papers += len(batch)
            if error is not None:
                raise error
    return papers, time.process_time() - c0


def measure_floor(filled_url: str, corpus: Path, scratch_name: str) -> Floor:
    mb, indexed, bare, rebuild, tsvector = postgres_floor(filled_url, scratch_name)
    papers, python_cpu = python_floor(corpus)
    return Floor(papers, mb, indexed, bare, rebuild, tsvector, python_cpu)
