"""Planner statistics and vacuum for the tables a load grew, and the loader's session settings."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from django.db import connection

log = logging.getLogger(__name__)

_GROWN_TABLES = ("papers_paper", "papers_authorship", "papers_papertopic", "papers_topic", "papers_institution",
                 "researchers_author", "papers_authortopic")
ANALYZE_EVERY_BATCHES = 5
# The final ANALYZE, before the author refresh, has the server to itself: its tables side by side.
FINAL_ANALYZE_CONNECTIONS = 2
# During a load, papers, bylines and author records are analysed on the columns the loader's
# statements join and filter on: sampling their free text (titles and abstracts; names and
# affiliations; the author name search's expression index) was most of the cost, and steers none
# of those plans (on 100k papers: 0.6 against 0.16 s, 0.13 against 0.05 s and 0.23-0.29 against
# 0.09 s a pass). The final vacuum_grown analyses them again, as readers need them.
_LOAD_COLUMNS = {
    "papers_paper": "(id, arxiv_id, deleted, year, submitted, authors_count)",
    "papers_authorship": "(id, paper_id, author_id, position, attribution, institution_id)",
    "researchers_author": "(id, name_key, initials_key, is_collaboration, merged_into_id, slug, orcid, owner_id, "
                          "auto_accept_name_matches)",
}
# ... every column of bylines and author records, and the paper columns that queries filter, sort
# and join on. The papers' free text (title, abstract, comments, version history, references,
# submitter, code link, content hash) steers no plan: sorting 30k sampled abstracts by collation
# for their common values was 0.4 of the paper table's 0.6 s. Their search vectors are not
# analysed either: a load leaves them NULL for the derive queue, and statistics taken now would
# tell the planner that every paper lacks one.
_FINAL_COLUMNS = {
    "papers_paper": "(id, arxiv_id, version, categories, primary_category, submitted, updated, year, doi, license, "
                    "has_code, withdrawn, deleted, authors_count, created_at, modified_at)",
}


def analyze_grown(connections: int = 1) -> None:
    """ANALYZE the tables the import has grown by half (or 10k rows) since their last analysis.

    The set-based statements join staging tables against these; planned on the statistics of
    an empty table they pick nested loops that get slower with every batch. Autovacuum would
    do this, but it may be off or lag behind a bulk load; geometric growth keeps the total cost
    at O(log N) analyses.
    With ``connections`` > 1 (the end of a load, when nothing else runs) the tables are analysed
    side by side, each on its own connection; inside a caller's transaction, always on its own,
    which alone sees the rows.
    """
    with connection.cursor() as cur:
        tables = _grown(cur, changed_rows="n_mod_since_analyze", share=0.5)
    if connection.in_atomic_block:
        connections = 1
    side_by_side([partial(_analyze, table) for table in tables], connections, name="analyze")


def _analyze(table: str) -> None:
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {connection.ops.quote_name(table)} {_LOAD_COLUMNS.get(table, '')}")


# VACUUMs run side by side at the end of a load: each is one backend on one core, and nothing else
# runs then (on two cores, two took a 100k-paper load's 1.6-1.9 s of vacuuming to about one).
VACUUM_CONNECTIONS = 2


def vacuum_grown_beside(work) -> None:
    """``vacuum_grown()`` on its own thread and connections while this thread runs ``work()``:
    the end of a load sends its identity tasks (a statement and the broker's round trips, mostly
    Python) while the vacuum's backends use the cores. Inside a caller's transaction there is no
    vacuum, and ``work()`` runs alone. The first error of either propagates, after both ended."""
    if connection.in_atomic_block:
        work()
        return
    errors: list[BaseException] = []

    def run() -> None:
        try:
            in_own_thread(vacuum_grown)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread below
            errors.append(exc)

    thread = threading.Thread(target=run, name="vacuum", daemon=True)
    thread.start()
    try:
        work()
    finally:
        thread.join()
    if errors:
        raise errors[0]


def vacuum_grown() -> None:
    """VACUUM the tables this load grew by a fifth (or 10k rows) since their last vacuum, with
    ANALYZE where their statistics are stale; the biggest first, on VACUUM_CONNECTIONS
    connections at once.

    A bulk load leaves its rows without hint bits and its pages out of the visibility map, so
    the first readers would pay for both and index-only scans (coauthor lookups, graph slices)
    would still visit the heap. Autovacuum would get there, but it may be off or far behind; at
    1M papers this pass takes ~13 s and halves the NOT EXISTS probes of a graph slice build.
    A table analysed since its last tenth of changes (the load analyses as it goes, and once
    more before its final author refresh) is not analysed again, except those the load analysed
    on a few columns only (_LOAD_COLUMNS); the paper table on the columns of _FINAL_COLUMNS.
    VACUUM cannot run inside a transaction, so a load inside the caller's transaction only
    analyses.
    """
    if connection.in_atomic_block:
        return
    with connection.cursor() as cur:
        cur.execute(
            "SELECT s.relname, s.n_mod_since_analyze > greatest(10000, 0.1 * c.reltuples) FROM pg_stat_user_tables s "
            "JOIN pg_class c ON c.oid = s.relid "
            "WHERE s.relname = ANY(%s) AND s.n_ins_since_vacuum > greatest(10000, 0.2 * c.reltuples) "
            "ORDER BY c.relpages DESC, s.relname",
            [list(_GROWN_TABLES)],
        )
        jobs = [(table, stale or table in _LOAD_COLUMNS) for table, stale in cur.fetchall()]
    side_by_side([partial(_vacuum, table, analyse) for table, analyse in jobs], VACUUM_CONNECTIONS, name="vacuum")


def _vacuum(table: str, analyse: bool) -> None:
    columns = f" {_FINAL_COLUMNS[table]}" if analyse and table in _FINAL_COLUMNS else ""
    with connection.cursor() as cur:
        cur.execute(f"VACUUM {'(ANALYZE) ' if analyse else ''}{connection.ops.quote_name(table)}{columns}")


def in_own_thread(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` on a worker thread's own connection, closed after: Django opens one
    per thread, and a pool thread would otherwise leave it open behind the load."""
    try:
        return fn(*args, **kwargs)
    finally:
        connection.close()


def side_by_side(calls: list, connections: int, *, name: str) -> list:
    """Each of ``calls`` (no-argument callables) on up to ``connections`` pool threads, each on its
    own connection, in order of submission; in this thread, one after the other, when there are
    fewer than two calls or connections. Returns their results; the first error propagates."""
    if len(calls) < 2 or connections < 2:
        return [call() for call in calls]
    with ThreadPoolExecutor(max_workers=connections, thread_name_prefix=name) as pool:
        futures = [pool.submit(in_own_thread, call) for call in calls]
        return [future.result() for future in futures]


class BackgroundAnalyze:
    """The load's mid-way ANALYZE (analyze_grown) on its own connection, beside the batches.

    On the loader's connection it stopped the batches for a second each time; beside them it uses
    the core the batch statements leave free, and its statistics serve the batches after. One runs
    at a time (a request while one runs is skipped). Inside a caller's transaction the rows are not
    visible to another connection, so it runs there, in line. ``wait()`` before anything that needs
    the statistics current.
    """

    def __init__(self, analyze=None):
        self._analyze = analyze or analyze_grown
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if connection.in_atomic_block:
            self._analyze()
            return
        if self._thread is not None and self._thread.is_alive():
            return
        self._thread = threading.Thread(target=self._run, name="load-analyze", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        try:
            in_own_thread(self._analyze)
        except Exception:  # statistics only steer plans: the load goes on without them
            log.warning("mid-load ANALYZE failed", exc_info=True)


def _grown(cur, *, changed_rows: str, share: float) -> list[str]:
    """The tables of _GROWN_TABLES whose pg_stat_user_tables counter ``changed_rows`` exceeds
    ``share`` of their rows (and 10k)."""
    cur.execute(
        "SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid "
        f"WHERE s.relname = ANY(%s) AND s.{changed_rows} > greatest(10000, %s * c.reltuples)",
        [list(_GROWN_TABLES), share],
    )
    return [row[0] for row in cur.fetchall()]


def loader_transaction_settings() -> None:
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
