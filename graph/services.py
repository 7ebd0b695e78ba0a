"""Writes of the graph app: building slices, recording failures, and enqueueing builds once."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time

from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from config.cache import cache_unavailable

from .models import SLICE_FORMAT_VERSION, SliceStatus
from .selectors import SliceState, slice_state
from .slices import build_slice

logger = logging.getLogger(__name__)

# Longer than the task's hard time limit, so a crashed worker cannot block rebuilds for good.
BUILD_LOCK_SECONDS = 300
# A lock older than the build task's hard time limit (graph/tasks.py, 90 s) plus a margin belongs
# to a build that can no longer finish (its worker was killed): the next request takes it over.
BUILD_LOCK_STALE_SECONDS = 120
# Errors worth retrying: the database went away or a serialization conflict, not a bug.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)

UPSERT_SQL = """
INSERT INTO graph_graphslice
    (author_id, status, elements, format_version, revision, built_at, build_ms, watermark,
     watched_author_ids, error, failed_at, updated_at)
VALUES (%(author_id)s, %(status)s, %(elements)s::jsonb, %(format_version)s, 1, %(now)s, %(build_ms)s,
        %(watermark)s, %(watched)s, '', NULL, %(now)s)
ON CONFLICT (author_id) DO UPDATE SET
    status = EXCLUDED.status, elements = EXCLUDED.elements, format_version = EXCLUDED.format_version,
    revision = graph_graphslice.revision + 1, built_at = EXCLUDED.built_at, build_ms = EXCLUDED.build_ms,
    watermark = EXCLUDED.watermark, watched_author_ids = EXCLUDED.watched_author_ids,
    error = '', failed_at = NULL, updated_at = EXCLUDED.updated_at
RETURNING revision
"""

FAILURE_SQL = """
INSERT INTO graph_graphslice
    (author_id, status, elements, format_version, revision, watched_author_ids, error, failed_at, updated_at)
SELECT %(author_id)s, 'failed', NULL, %(format_version)s, 0, '{}', %(error)s, %(now)s, %(now)s
WHERE EXISTS (SELECT 1 FROM researchers_author WHERE id = %(author_id)s)
ON CONFLICT (author_id) DO UPDATE SET
    status = 'failed', error = EXCLUDED.error, failed_at = EXCLUDED.failed_at, updated_at = EXCLUDED.updated_at
"""


def build_lock_key(author_id: int) -> str:
    return f"graph:slice-build:{author_id}"


def graph_slice_request_build(*, author_id: int) -> bool:
    """Enqueue one build of the author's slice after commit; False if a build is already pending."""
    from researchers.outbox.services import task_enqueue_on_commit, task_keep

    from .tasks import build_graph_slice

    # cache.add is an atomic SET NX on Redis: of many concurrent requests exactly one wins.
    locked = cache.add(build_lock_key(author_id), _lock_value(), timeout=BUILD_LOCK_SECONDS)
    if cache_unavailable():
        # Redis (lock and broker) is down: the outbox keeps one build per record for later.
        task_keep(task_name=build_graph_slice.name, args=[author_id], error="cache unavailable")
        return True
    if not locked and not _take_over_stale_lock(author_id):
        return False
    task_enqueue_on_commit(task=build_graph_slice, args=[author_id])
    return True


def _lock_value() -> str:
    return timezone.now().isoformat()


def _take_over_stale_lock(author_id: int) -> bool:
    """Replace a lock whose build can no longer be running; True if this caller now holds it."""
    held = cache.get(build_lock_key(author_id))
    try:
        taken_at = dt.datetime.fromisoformat(held) if held else None
    except (TypeError, ValueError):
        taken_at = None
    if taken_at is not None and (timezone.now() - taken_at).total_seconds() < BUILD_LOCK_STALE_SECONDS:
        return False
    logger.warning("graph slice: taking over the stale build lock of author %s (taken at %s)", author_id, held)
    # Not a compare-and-swap: two takers may both enqueue, and the second build finds the slice
    # current and stops (skip_if_current), so the race costs one query, never a wrong slice.
    cache.set(build_lock_key(author_id), _lock_value(), timeout=BUILD_LOCK_SECONDS)
    return True


def graph_slice_retry(*, author_id: int, force: bool = False) -> bool:
    """Enqueue a fresh build of the author's slice unless one is already queued or running (False then).

    A failed build freed its lock (graph_slice_record_failure) and a crashed one's lock goes stale,
    so the public retry never drops a live lock: doing so let 300 posts queue 300 builds. Staff
    (the admin action) may `force` one.
    """
    if force:
        cache.delete(build_lock_key(author_id))
    return graph_slice_request_build(author_id=author_id)


def graph_slice_build(*, author_id: int, final_attempt: bool = True, skip_if_current: bool = False) -> int | None:
    """Build and store the author's slice (returns its new revision); failures are logged and recorded on the row (transient ones re-raised unless final)."""
    from .selectors import slice_state

    # The lock's age counts from the build's start, not its enqueue: a long queue is no crash.
    cache.set(build_lock_key(author_id), _lock_value(), timeout=BUILD_LOCK_SECONDS)
    # Queued builds: a request that read "missing" just before the previous build committed may
    # have taken the freed lock and enqueued again; a build that finds a current slice is done.
    if skip_if_current:
        current = slice_state(author_id=author_id)
        if current is not None and current.status == "ready":
            cache.delete(build_lock_key(author_id))
            return current.revision
    try:
        result = _build_and_store(author_id)
    except TRANSIENT_ERRORS as exc:
        if not final_attempt:
            raise
        graph_slice_record_failure(author_id=author_id, error=f"{type(exc).__name__}: {exc}")
        return None
    except Exception as exc:  # noqa: BLE001 - any bug must end as a visible failed slice, not a hung panel
        logger.exception("graph slice build failed for author %s", author_id)
        graph_slice_record_failure(author_id=author_id, error=f"{type(exc).__name__}: {exc}")
        return None
    cache.delete(build_lock_key(author_id))
    return result


@transaction.atomic
def _build_and_store(author_id: int) -> int | None:
    # One snapshot for every query of the build, so the watermark matches the data read.
    # (Inside an outer transaction, e.g. a test, the outer snapshot rules.)
    if len(transaction.get_connection().atomic_blocks) == 1:
        with connection.cursor() as cur:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    started = time.perf_counter()
    result = build_slice(author_id)
    if result is None:
        logger.info("graph slice: author %s no longer exists", author_id)
        cache.delete(build_lock_key(author_id))
        return None
    build_ms = round((time.perf_counter() - started) * 1000)
    payload = json.dumps(result.elements, separators=(",", ":"), ensure_ascii=False)
    result.elements["meta"]["content_hash"] = hashlib.md5(payload.encode()).hexdigest()
    payload = json.dumps(result.elements, separators=(",", ":"), ensure_ascii=False)
    with connection.cursor() as cur:
        # A slice is a rebuildable cache: not waiting for the WAL flush saves the commit's fsync,
        # and a crash can at worst lose a slice that the next request rebuilds.
        cur.execute("SET LOCAL synchronous_commit TO OFF")
        cur.execute(UPSERT_SQL, {
            "author_id": author_id, "status": SliceStatus.READY, "elements": payload,
            "format_version": SLICE_FORMAT_VERSION, "now": timezone.now(), "build_ms": build_ms,
            "watermark": result.watermark, "watched": result.watched_author_ids,
        })
        return cur.fetchone()[0]


@transaction.atomic
def graph_slice_record_failure(*, author_id: int, error: str) -> None:
    """Mark the author's slice failed with the error (keeping the last good elements) and free the build lock."""
    logger.error("graph slice build failed for author %s: %s", author_id, error)
    with connection.cursor() as cur:
        cur.execute(FAILURE_SQL, {"author_id": author_id, "format_version": SLICE_FORMAT_VERSION,
                                  "error": error[:2000], "now": timezone.now()})
    cache.delete(build_lock_key(author_id))


# -- reads that queue a build: services, because a selector never enqueues ------------------

def slice_state_requesting_build(*, author_id: int | None = None, slug: str | None = None,
                                 with_elements: bool = True) -> SliceState | None:
    """`slice_state`, and enqueue one (deduplicated) build when the slice is missing or stale.

    Slices are rebuilt lazily on request; the enqueue is a Redis SET NX plus an on-commit
    task send, so it adds no SQL query to the page.
    """
    state = slice_state(author_id=author_id, slug=slug, with_elements=with_elements)
    if state is not None and state.needs_build:
        graph_slice_request_build(author_id=state.author_id)
    return state


def graph_panel_for_profile(*, author) -> dict:
    """The state of the research-graph panel on a profile page (one query), queueing a build when due."""
    state = slice_state_requesting_build(author_id=author.pk, with_elements=False)
    return state.as_panel()
