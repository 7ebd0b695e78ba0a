"""Similar papers: embed new papers in batches, extend the persisted ANN index, store top neighbours.

The index is a usearch HNSW graph (cosine, f32) saved under settings.EMBEDDINGS_DIR. Postgres holds
every vector (PaperEmbedding), so a missing or stale index file is rebuilt from the table. Pages
never touch the index: each paper's neighbours are stored (SimilarPaper) with a reason to read them,
and a page reads them with one indexed query.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection, transaction

from papers.models import Paper

from .embeddings import DIMENSIONS, MODEL_NAME, encoder, from_bytes, paper_text, to_bytes
from .models import PaperEmbedding, SimilarPaper

EMBED_BATCH = 64
NEIGHBOURS = 10
# HNSW build/search breadth: recall@10 ≥ 0.95 against brute force at 100k papers (bench/embeddings.py).
CONNECTIVITY = 16
EXPANSION_ADD = 128
# Searches only run in the embed task (pages read stored neighbours), so search breadth is cheap.
EXPANSION_SEARCH = 256
# Both the index file and the neighbour rows are written by one worker at a time.
ADVISORY_LOCK = 0x5EED_17


def index_path() -> Path:
    return Path(settings.EMBEDDINGS_DIR) / "papers.usearch"


def new_index():
    from usearch.index import Index

    return Index(ndim=DIMENSIONS, metric="cos", dtype="f32", connectivity=CONNECTIVITY,
                 expansion_add=EXPANSION_ADD, expansion_search=EXPANSION_SEARCH)


def _stored_count() -> int:
    return PaperEmbedding.objects.count()


def load_index():
    """The saved index if it matches the table, else one rebuilt from every stored vector."""
    index, path = new_index(), index_path()
    if path.exists():
        index.load(str(path))
        if len(index) == _stored_count():
            return index
        index = new_index()
    with connection.cursor() as cur:
        cur.execute("SELECT paper_id, vector FROM papers_paperembedding ORDER BY paper_id")
        while rows := cur.fetchmany(5000):
            index.add(np.array([r[0] for r in rows], dtype=np.uint64),
                      np.stack([from_bytes(r[1]) for r in rows]))
    return index


def save_index(index) -> None:
    """Write to a temporary file and rename it, so a reader never sees half an index."""
    path = index_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    index.save(str(tmp))
    os.replace(tmp, path)


def _neighbour_rows(index, keys: np.ndarray, vectors: np.ndarray) -> list[SimilarPaper]:
    matches = index.search(vectors, NEIGHBOURS + 1)
    rows = []
    # One query vector gives 1-D results; make them rows like a batch's.
    for key, found, distances in zip(keys, np.atleast_2d(matches.keys), np.atleast_2d(matches.distances)):
        rank = 0
        for other, distance in zip(found, distances):
            if int(other) == int(key) or rank >= NEIGHBOURS:
                continue
            rows.append(SimilarPaper(paper_id=int(key), neighbour_id=int(other), rank=rank,
                                     score=round(1.0 - float(distance), 4)))
            rank += 1
    return rows


# Why a neighbour is worth reading: shared people first (a stronger signal), then shared topics.
WHY_SQL = """
UPDATE papers_similarpaper s SET why = left(coalesce(
    (SELECT 'Shared author: ' || string_agg(x.display_name, ', ')
     FROM (SELECT DISTINCT au.display_name FROM papers_authorship a1
           JOIN papers_authorship a2 ON a2.author_id = a1.author_id AND a2.paper_id = s.neighbour_id
           JOIN researchers_author au ON au.id = a1.author_id
           WHERE a1.paper_id = s.paper_id ORDER BY au.display_name LIMIT 3) x),
    (SELECT 'Shared topic: ' || string_agg(x.name, ', ')
     FROM (SELECT t.name FROM papers_papertopic p1
           JOIN papers_papertopic p2 ON p2.topic_id = p1.topic_id AND p2.paper_id = s.neighbour_id
           JOIN papers_topic t ON t.id = p1.topic_id
           WHERE p1.paper_id = s.paper_id ORDER BY t.kind = 'category', p1.weight DESC, t.name LIMIT 3) x),
    ''), 300)
WHERE s.paper_id = ANY(%s)
"""


def _store_neighbours(rows: list[SimilarPaper], paper_ids: list[int]) -> None:
    SimilarPaper.objects.filter(paper_id__in=paper_ids).delete()
    SimilarPaper.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cur:
        cur.execute(WHY_SQL, [paper_ids])


@transaction.atomic
def embeddings_extend(*, batch_size: int = EMBED_BATCH) -> int:
    """Embed up to `batch_size` papers that have no vector, add them to the index and store the
    neighbours of the new papers and of the papers they landed near. Returns how many were embedded;
    0 when all are done or another worker holds the lock."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_xact_lock(%s)", [ADVISORY_LOCK])
        if not cur.fetchone()[0]:
            return 0
    papers = list(
        Paper.objects.filter(deleted=False, embedding__isnull=True).only("id", "title", "abstract")
        .order_by("-id")[:batch_size]  # newest imports first: they are the ones readers open
    )
    if not papers:
        return 0
    index = load_index()  # before this batch's rows exist, so a current file matches the table's count
    vectors = encoder().encode([paper_text(p.title, p.abstract) for p in papers])
    PaperEmbedding.objects.bulk_create(
        [PaperEmbedding(paper_id=p.pk, vector=to_bytes(v), model=MODEL_NAME) for p, v in zip(papers, vectors)],
        ignore_conflicts=True,
    )
    keys = np.array([p.pk for p in papers], dtype=np.uint64)
    fresh = ~np.array([index.contains(int(k)) for k in keys])
    if fresh.any():
        index.add(keys[fresh], vectors[fresh])
    rows = _neighbour_rows(index, keys, vectors)
    # Older papers whose neighbourhood the new ones joined: refresh theirs too (bounded by batch × k).
    touched = sorted({r.neighbour_id for r in rows} - {int(k) for k in keys})
    if touched:
        stored = dict(PaperEmbedding.objects.filter(paper_id__in=touched).values_list("paper_id", "vector"))
        old_keys = np.array([k for k in touched if k in stored], dtype=np.uint64)
        if len(old_keys):
            rows += _neighbour_rows(index, old_keys, np.stack([from_bytes(stored[int(k)]) for k in old_keys]))
        touched = [int(k) for k in old_keys]
    _store_neighbours(rows, [int(k) for k in keys] + touched)
    transaction.on_commit(lambda: save_index(index))
    return len(papers)


def embeddings_pending() -> int:
    return Paper.objects.filter(deleted=False, embedding__isnull=True).count()
