"""The load itself: records in batches, prepared a batch ahead on a second thread, each batch
loaded in its own transaction, the author refresh drained as the load goes and at its end."""

from __future__ import annotations

import gc
import logging
import queue
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import partial

from django.db import connection

from papers.ingest.load.authors import drain_author_refresh
from papers.ingest.load.batch import BatchLoader
from papers.ingest.load.bulk import BULK_MAX_STORED_PAPERS, BulkMode, reader_indexes_ensure, stored_papers_at_most
from papers.ingest.load.counts import drain_topic_counts
from papers.ingest.load.limits import DEFAULT_BATCH_SIZE, REFRESH_EVERY_PAPERS, TOPIC_WINDOW
from papers.ingest.load.maintenance import (
    ANALYZE_EVERY_BATCHES,
    FINAL_ANALYZE_CONNECTIONS,
    BackgroundAnalyze,
    analyze_grown,
    vacuum_grown_beside,
)
from papers.ingest.load.prepare import prepare
from papers.ingest.records import PaperRecord, RecordError
from papers.models import ImportRun
from researchers.disambiguation.services import identity_blocks_dispatch


def batches(records: Iterable, size: int, *, first: int | None = None) -> Iterator[tuple[list, BaseException | None]]:
    """Batches of ``size`` items (the first of ``first``, when given); a source that breaks mid-way
    yields its last good batch together with the exception, so the good records are committed
    before it propagates."""
    batch: list = []
    iterator = iter(records)
    goal = first or size
    while True:
        try:
            item = next(iterator)
        except StopIteration:
            break
        except Exception as exc:  # file-level fault in the source: keep what was read
            yield batch, exc
            return
        batch.append(item)
        if len(batch) >= goal:
            yield batch, None
            batch, goal = [], size
    if batch:
        yield batch, None


log = logging.getLogger(__name__)

_DONE = object()

# The cyclic garbage collector's thresholds while a load runs. The defaults (700, 10, 10) run a
# collection every 700 container allocations and, every hundredth, walk every tracked object:
# the batch's records, the name-key and phrase caches (hundreds of thousands of entries). A load
# allocates millions of short-lived containers and makes almost no cycles, so on a 100k-paper
# corpus the defaults ran ~3,600 collections, 4.6-4.7 s of its parsing (a quarter on our corpus)
# to free a few thousand objects; with these, ~35 collections, 0.6-0.8 s. Memory is unchanged:
# what the collector would free is refcounted garbage the thresholds do not hold back.
LOAD_GC_THRESHOLDS = (50_000, 20, 100)
# The interpreter's thread switch interval while a load runs (the default is 5 ms). The main thread
# spends most of a load waiting on Postgres with the GIL released, and each time a statement
# returns it needs the GIL back, from a parse thread that holds it for up to the whole interval
# (a ready thread asks, the holder yields at the interval's end). That wait sits on the load's
# critical path once for every wake-up of the database conversation, thousands of times a load.
# With 1 ms, paired runs of a 100k-paper load (bench/import_profile.py) spent 28.2 s in their
# batches against 31.4 s with 5 ms; the parse thread's own work is unchanged, it only yields sooner.
LOAD_SWITCH_INTERVAL = 0.001
_runtime_lock = threading.Lock()
_runtime_loads = 0
_runtime_saved: tuple[tuple[int, int, int], float] | None = None


@contextmanager
def _load_runtime() -> Iterator[None]:
    """LOAD_GC_THRESHOLDS and LOAD_SWITCH_INTERVAL for the duration (process-wide; the last of
    overlapping loads restores what was set before the first)."""
    global _runtime_loads, _runtime_saved
    with _runtime_lock:
        if _runtime_loads == 0:
            _runtime_saved = (gc.get_threshold(), sys.getswitchinterval())
            gc.set_threshold(*LOAD_GC_THRESHOLDS)
            sys.setswitchinterval(min(LOAD_SWITCH_INTERVAL, _runtime_saved[1]))
        _runtime_loads += 1
    try:
        yield
    finally:
        with _runtime_lock:
            _runtime_loads -= 1
            if _runtime_loads == 0 and _runtime_saved is not None:
                thresholds, interval = _runtime_saved
                gc.set_threshold(*thresholds)
                sys.setswitchinterval(interval)


def _prefetched(batches: Iterator, depth: int = 1, prepare=None) -> Iterator:
    """Run the parser a batch ahead in a thread.

    While the main thread waits on Postgres (psycopg releases the GIL), the next batch is
    parsed, so parsing and SQL overlap on two cores. Memory stays bounded by ``depth``: a batch
    waiting here, one being parsed and the one loading. One waiting batch is enough to keep the
    database busy, and each batch of papers with an unusual vocabulary holds ~100 MB of phrase
    counts, so a second one would cost more memory than it saves time.
    With ``prepare``, items are (batch, error, prepare(batch)): the batch's database-free
    Python work (hashes, name keys, row formatting, phrase topics) is done in the same thread.
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
        except BaseException as exc:  # pragma: no cover - batches already turns faults into items
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

    Author aggregates and topic counts are brought up to date every ``refresh_every`` batches (by
    default every REFRESH_EVERY_PAPERS records) and at the end. A source
    error raised by ``records`` propagates after the records read before it are committed and
    their authors refreshed. ``on_batch(stats)`` is called after each committed batch.
    """
    with _load_runtime():
        _load_records(records, run=run, batch_size=batch_size, on_batch=on_batch, refresh_every=refresh_every)


def _load_records(records, *, run, batch_size, on_batch, refresh_every) -> None:
    loader = BatchLoader(run=run)
    # Resolved here, so that a caller (bench/import_profile.py) can wrap the module's function.
    analyzer = BackgroundAnalyze(analyze_grown)
    # Indexes a killed first load left unbuilt come back before anything else (see bulk.py).
    reader_indexes_ensure()
    bulk = BulkMode()
    first_load = not connection.in_atomic_block and stored_papers_at_most(BULK_MAX_STORED_PAPERS)
    loaded = 0
    batch_size = batch_size or DEFAULT_BATCH_SIZE
    if refresh_every is None:
        refresh_every = max(1, REFRESH_EVERY_PAPERS // max(1, batch_size))
    try:
        batch_size = max(1, batch_size)
        # Nothing overlaps the parsing of the first batch, so it is one topic window: the database
        # starts a few seconds sooner, and windows (hence topics) fall exactly as without it.
        first = TOPIC_WINDOW if batch_size > TOPIC_WINDOW and batch_size % TOPIC_WINDOW == 0 else None
        # The parse thread owns the phrase extractor from here on (see Prepared).
        prep = partial(prepare, extractor=loader.phrase_extractor())
        for batch, error, prepared in _prefetched(batches(records, batch_size, first=first), prepare=prep):
            if batch:
                stats = loader.load_batch(batch, prepared=prepared)
                loaded += 1
                if loaded == 1 and first_load and error is None and len(batch) >= (first or batch_size):
                    # A full first batch on an empty database: more follows, so the readers'
                    # indexes are built once at the end instead of row by row.
                    bulk.enter()
                if on_batch:
                    on_batch(stats)
                if refresh_every and loaded % refresh_every == 0:
                    drain_topic_counts()
                    drain_author_refresh()
                if loaded % ANALYZE_EVERY_BATCHES == 0:
                    analyzer.start()
            if error is not None:
                raise error
    finally:
        try:
            analyzer.wait()
            drain_topic_counts()
            analyze_grown(connections=FINAL_ANALYZE_CONNECTIONS)
            drain_author_refresh()
        finally:
            try:
                bulk.leave()
            except Exception:  # noqa: BLE001 - e.g. the connection is gone: the load's own error matters
                log.exception("bulk mode: the reader indexes were not built; the next load or beat builds them")
        vacuum_grown_beside(identity_blocks_dispatch)
