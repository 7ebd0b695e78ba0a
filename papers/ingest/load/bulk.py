"""Bulk mode: a first load into an empty database maintains no index that only readers use, and
builds those indexes once at its end (PostgreSQL's own advice for populating a database).

A B-tree or GIN index filled row by row in random key order costs several times what building it
from the finished table costs. Five tables a load grows carry indexes that no statement of a
first load needs: author topics by topic (1.19M rows for 100k papers; ~3 µs a row maintained
against ~0.7 built), paper topics by topic, the author table's trigram name search and works
order (the author rows are written twice a load: inserted, then refreshed), bylines by author
(profiles, coauthors), and the paper table's category filter, newest-first order and year. On a
100k-paper first load of our generator's corpus the first four of these eight took ~3 s off ~40
(paired runs; the end-of-load builds included); the other four save another 1-1.5 s of the
batches' statements.

Only a load that starts on a database holding at most one batch of papers, and whose first batch
comes full (so more follows), runs in bulk mode, and only outside a caller's transaction. The
indexes go after that first batch has committed (``DROP INDEX CONCURRENTLY``), and come back after
the final author refresh, before the final VACUUM, two at a time. Until then a search, topic or
profile page reads without them: correct, only slower, on a site whose data is still arriving.
Unique indexes are never dropped (they decide every upsert), nor any index a load statement needs
(the final refresh of a bulk load covers every author it met, and hash-joins whole tables).

The author table is also filled only half full for the load's length (``fillfactor`` 50, reset at
its end): every author row is written a second time by the final refresh, and with room on its
page and no index on a column the refresh writes (works order gone with the reader indexes), that
write is a heap-only (HOT) update that touches none of the table's other indexes: on a 100k-paper
load, 132,798 rows refreshed in 0.5 s instead of 4.0 s. The pages end up as full as the second
write leaves them anyway, so the table is no bigger.

A load killed in bulk mode leaves the indexes missing (or, killed while building them, invalid).
The load holds a session advisory lock while in bulk mode; ``reader_indexes_ensure`` (at the
start of every load, and from beat every few minutes) rebuilds what is missing or invalid, and
resets the author table's fill factor, unless that lock is held, that is unless a bulk load is
still running.
"""

from __future__ import annotations

import logging
from functools import partial

from django.apps import apps
from django.db import OperationalError, connection

from papers.ingest.load.limits import DEFAULT_BATCH_SIZE
from papers.ingest.load.maintenance import side_by_side

log = logging.getLogger(__name__)

# (app label, model, index name): each is declared in its model's Meta.indexes, so the index
# rebuilt here is exactly the one the migrations made.
# The costliest to build first (measured on a 100k-paper load: 0.70, 0.62, 0.26, 0.23, 0.09, 0.06,
# 0.05, 0.02 s), so that two connections finish together.
# Maintained row by row on the batches' own connection, the works-by-author index cost 0.7-1.1 s
# over 380k bylines (0.23 s to build), and the paper table's three (category filter, newest
# first, by year) 0.43-0.63 s over 100k papers (0.12 s to build). The load's author refresh reads
# bylines by author too, but a bulk load's refreshes are large and hash-join the whole table.
READER_INDEXES = (
    ("papers", "AuthorTopic", "authortopic_topic_papers_idx"),
    ("researchers", "Author", "author_name_trgm_idx"),
    ("papers", "PaperTopic", "papertopic_topic_idx"),
    ("papers", "Authorship", "authorship_author_paper_idx"),
    ("researchers", "Author", "author_works_idx"),
    ("papers", "Paper", "paper_categories_gin"),
    ("papers", "Paper", "paper_submitted_idx"),
    ("papers", "Paper", "paper_year_idx"),
)
# A load starting on at most one default batch of stored papers is a first load.
BULK_MAX_STORED_PAPERS = DEFAULT_BATCH_SIZE
# Built side by side: each build is one backend on one core.
BUILD_CONNECTIONS = 2
# Author pages are filled this full during a bulk load, leaving room for each row's refresh.
BULK_AUTHOR_FILLFACTOR = 50
# Setting it waits for no one for longer (an ANALYZE of the author table holds the same lock).
FILLFACTOR_LOCK_TIMEOUT = "2s"
# pg_advisory_lock key held by a load in bulk mode (any constant unique to this use).
_BULK_LOCK = 0x627A_6275  # "bzbu"


def _declared():
    for app_label, model_name, name in READER_INDEXES:
        model = apps.get_model(app_label, model_name)
        index = next(i for i in model._meta.indexes if i.name == name)
        yield model, index


def _present(cur) -> dict[str, bool]:
    """The reader indexes that exist, by name: True if valid."""
    cur.execute(
        "SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE c.relname = ANY(%s) AND pg_table_is_visible(c.oid)",
        [[name for _a, _m, name in READER_INDEXES]],
    )
    return dict(cur.fetchall())


def stored_papers_at_most(limit: int) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM (SELECT 1 FROM papers_paper LIMIT %s) p", [limit + 1])
        return cur.fetchone()[0] <= limit


class BulkMode:
    """Drops the reader indexes for one load and builds them back at its end (see module doc)."""

    def __init__(self):
        self.active = False

    def enter(self) -> bool:
        """Drop the reader indexes and hold the bulk lock; False (nothing done) when another load
        holds it or the caller's transaction is open."""
        if self.active or connection.in_atomic_block:
            return self.active
        with connection.cursor() as cur:
            cur.execute("SELECT pg_try_advisory_lock(%s)", [_BULK_LOCK])
            if not cur.fetchone()[0]:
                return False
            self.active = True
            for name in _present(cur):
                cur.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {connection.ops.quote_name(name)}")
        _author_fillfactor(BULK_AUTHOR_FILLFACTOR)
        log.info("bulk mode: first load, %d reader indexes built at the end", len(READER_INDEXES))
        return True

    def leave(self) -> list[str]:
        """Build the reader indexes back and release the lock. Returns the names built."""
        if not self.active:
            return []
        try:
            _author_fillfactor(None)
            return _build_missing(concurrently=False)
        finally:
            self.active = False
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_unlock(%s)", [_BULK_LOCK])


def reader_indexes_ensure() -> list[str]:
    """Rebuild the reader indexes a killed bulk load left missing or invalid, and reset the author
    table's fill factor it left, unless a bulk load is running (it holds the lock and does both
    itself). Returns the names built."""
    if connection.in_atomic_block:
        return []
    with connection.cursor() as cur:
        present = _present(cur)
        cur.execute("SELECT reloptions FROM pg_class WHERE oid = %s::regclass", [_author_table()])
        # Only the bulk load's own setting: one a DBA chose is theirs.
        fillfactor_left = f"fillfactor={BULK_AUTHOR_FILLFACTOR}" in (cur.fetchone()[0] or [])
        if len(present) == len(READER_INDEXES) and all(present.values()) and not fillfactor_left:
            return []  # the usual case: two catalog reads
        cur.execute("SELECT pg_try_advisory_lock(%s)", [_BULK_LOCK])
        if not cur.fetchone()[0]:
            return []
    try:
        if fillfactor_left:
            _author_fillfactor(None)
        built = _build_missing(concurrently=True)
    finally:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock(%s)", [_BULK_LOCK])
    if built:
        log.warning("reader indexes rebuilt after an interrupted bulk load: %s", ", ".join(built))
    return built


def _author_table() -> str:
    return apps.get_model("researchers", "Author")._meta.db_table


def _author_fillfactor(value: int | None) -> None:
    """Set (or with None reset) the author table's fill factor. It only steers where later rows
    go, so a busy table is left as it is: logged, never raised over a load."""
    action = f"SET (fillfactor = {int(value)})" if value else "RESET (fillfactor)"

    def alter():
        with connection.cursor() as cur:
            cur.execute(f"ALTER TABLE {connection.ops.quote_name(_author_table())} {action}")

    if not _waiting_at_most(FILLFACTOR_LOCK_TIMEOUT, alter):
        log.warning("bulk mode: the author table is busy, its fill factor is left as it is (%s)", action)


def _waiting_at_most(lock_timeout: str, work) -> bool:
    """Run ``work()`` with ``lock_timeout`` set on this connection; False when it gave up waiting
    for a lock (any other error propagates)."""
    with connection.cursor() as cur:
        cur.execute("SELECT set_config('lock_timeout', %s, false)", [lock_timeout])
    try:
        work()
        return True
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != "55P03":  # lock_not_available
            raise
        return False
    finally:
        with connection.cursor() as cur:
            cur.execute("RESET lock_timeout")


def _build_missing(*, concurrently: bool) -> list[str]:
    """Build the missing or invalid reader indexes.

    At the end of a first load they are built plainly, side by side: a plain build holds off
    writers to its table for its second or so (readers go on) and is a fifth cheaper, and two
    concurrent builds would only wait for each other (each waits for every older transaction).
    Healing a live site, they are built concurrently, one after the other, holding off nobody.
    """
    with connection.cursor() as cur:
        present = _present(cur)
        for name, valid in present.items():
            if not valid:  # a build that was interrupted: it is dropped and built again
                cur.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {connection.ops.quote_name(name)}")
    todo = [(model, index) for model, index in _declared() if present.get(index.name) is not True]
    if not todo:
        return []
    side_by_side([partial(_build, model, index, concurrently=concurrently) for model, index in todo],
                 1 if concurrently else BUILD_CONNECTIONS, name="index-build")
    if concurrently:
        # The trigram index is on an expression, whose statistics only ANALYZE gathers (after a
        # load, its final VACUUM (ANALYZE) of the rewritten author table does).
        with connection.cursor() as cur:
            for table in sorted({model._meta.db_table for model, index in todo if index.expressions}):
                cur.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return [index.name for _model, index in todo]


# A plain build waits for the table's open writers and holds off new ones meanwhile: past this, it
# gives up and builds concurrently instead (an unexpected long transaction on the table).
PLAIN_BUILD_LOCK_TIMEOUT = "5s"


def _build(model, index, *, concurrently: bool) -> None:
    if not concurrently:
        def plain():
            with connection.schema_editor(atomic=False) as editor:
                editor.add_index(model, index)

        if _waiting_at_most(PLAIN_BUILD_LOCK_TIMEOUT, plain):
            return
        log.warning("%s: the table is busy, building it concurrently", index.name)
    with connection.schema_editor(atomic=False) as editor:
        editor.add_index(model, index, concurrently=True)
