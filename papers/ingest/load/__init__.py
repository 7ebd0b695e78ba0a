"""The set-based loader every importer feeds: parsed records in, papers, authors and topics out.

Per batch, in one transaction:

1. Python compares each record's content hash with the stored one (one indexed query), so a
   re-import of unchanged data does no further work, and decides create / update / delete.
2. ``COPY`` puts the changed papers into a TEMP staging table; one ``INSERT … SELECT … ON
   CONFLICT`` upserts them. Their search vectors are derived after the commit by a task on the
   ``derive`` queue (search.py), or in the same statement when the load runs inside the
   caller's transaction.
3. Bylines are copied into staging, matched to author records by name key in SQL (ORCID, exact
   key, then the weak initials key), new records are inserted with DBLP-style numbered slugs,
   and authorships are upserted per (paper, position). A slot whose raw string is unchanged
   keeps its author, so a later split, merge or claim that re-pointed it survives re-imports.
4. Category and phrase topics and the per-paper weights are upserted the same way (the phrases
   chosen in the parse thread, batch after batch in file order). Topic counts move by deltas, so
   a huge category is never recounted; each batch queues its deltas
   (papers_pendingtopiccount) and drain_topic_counts applies them once at the end of the load.
5. Every touched author is queued (papers_pendingauthorrefresh); the queue is drained set-based
   every REFRESH_EVERY_PAPERS records and at the end of the load, so a prolific author's counts
   are recomputed once per drain rather than once per batch.

A first load (an empty database, a full first batch) runs in bulk mode (bulk.py): the indexes
only readers use are dropped after its first batch and built once after its final author
refresh. After the last batch the tables the load grew are vacuumed and analysed. Memory stays bounded:
only a batch or two of records is alive at a time.
"""

from papers.ingest.load.authors import drain_author_refresh, refresh_author_aggregates
from papers.ingest.load.batch import BatchLoader, BatchStats
from papers.ingest.load.limits import (
    AUTHOR_REFRESH_WORKERS,
    CLOSE_COLLAB_MAX_AUTHORS,
    DEFAULT_BATCH_SIZE,
    ERRORS_CAP,
    PROFILE_TOPICS,
)
from papers.ingest.load.pipeline import batches, load_records
from papers.ingest.load.prepare import Prepared, content_hash, find_code_url, prepare

__all__ = [
    "AUTHOR_REFRESH_WORKERS", "CLOSE_COLLAB_MAX_AUTHORS", "DEFAULT_BATCH_SIZE", "ERRORS_CAP", "PROFILE_TOPICS",
    "BatchLoader", "BatchStats", "Prepared", "batches", "content_hash", "drain_author_refresh", "find_code_url",
    "load_records", "prepare", "refresh_author_aggregates",
]
