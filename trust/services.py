"""Writes of trust data: the full recompute and the event-driven update of one record."""

from __future__ import annotations

import logging
import time

import psycopg
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from . import compute
from . import method
from .models import TrustRun

log = logging.getLogger(__name__)

# Session-level advisory lock so two full recomputes (beat + a manual run) never overlap.
RUN_LOCK_KEY = 0x7472757374 + 1

# Records changed while a full run computed are re-scored one by one afterwards, up to this many.
RESCORE_AFTER_RUN_LIMIT = 500


class RecomputeAlreadyRunning(RuntimeError):
    pass


def trust_recompute_all(*, triples_per_chunk: int = compute.TRIPLES_PER_CHUNK, now=None) -> dict:
    """Recompute every record's trust score set-based; write scores and today's snapshots atomically."""
    started = timezone.now()
    timings: dict[str, float] = {}
    t_all = time.perf_counter()
    with connection.cursor() as wrapper:
        cur = wrapper.cursor
        try:
            # Temporary staging tables live in session-local buffers (8 MB by default); Postgres
            # only lets us raise that before the session's first temporary table.
            with transaction.atomic():
                cur.execute("SET temp_buffers = '512MB'")
        except (DatabaseError, psycopg.Error):
            # `cur` is the raw psycopg cursor, so its errors are psycopg's, not Django's. A pooled
            # connection (a worker that ran a per-record recompute first) keeps its 8 MB buffers.
            pass
        cur.execute("SELECT pg_try_advisory_lock(%s)", [RUN_LOCK_KEY])
        if not cur.fetchone()[0]:
            raise RecomputeAlreadyRunning("another trust recompute is running")
        try:
            inputs = compute.gather_inputs_all(cur, triples_per_chunk=triples_per_chunk, timings=timings)
            t0 = time.perf_counter()
            arrays = compute.score(inputs)
            timings["score"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            with transaction.atomic():
                written, snapshots = compute.write_scores(
                    cur, arrays, claim_evidence=inputs.claim_evidence, flag_reasons=inputs.flag_reasons, now=now,
                    prune_missing=True,
                )
            timings["write"] = time.perf_counter() - t0
            # Records whose claim or works changed while we computed were scored from stale
            # inputs; re-score them now with the per-record path.
            cur.execute("SELECT id FROM researchers_author WHERE data_changed_at >= %s ORDER BY id LIMIT %s",
                        [started, RESCORE_AFTER_RUN_LIMIT + 1])
            changed = [r[0] for r in cur.fetchall()]
            if len(changed) > RESCORE_AFTER_RUN_LIMIT:
                # A bulk import ran alongside: the next full run picks those records up.
                log.warning("trust recompute: over %d records changed during the run; not re-scoring them now",
                            RESCORE_AFTER_RUN_LIMIT)
                changed = []
        finally:
            cur.execute("SELECT pg_advisory_unlock(%s)", [RUN_LOCK_KEY])
    for author_id in changed:
        trust_recompute_author(author_id=author_id, now=now)
    timings["total"] = time.perf_counter() - t_all
    result = {
        "records": int(len(inputs.author_ids)),
        "written": int(written),
        "snapshots": int(snapshots),
        "seeds": int(inputs.seeds),
        "rescored_after_run": len(changed),
        "timings": {k: round(v, 2) for k, v in timings.items()},
    }
    TrustRun.objects.create(
        started_at=started, finished_at=timezone.now(), model_version=method.MODEL_VERSION,
        records=result["records"], written=result["written"], snapshots=result["snapshots"],
        seeds=result["seeds"], timings=result["timings"],
    )
    log.info("trust recompute: %s", result)
    return result


@transaction.atomic
def trust_recompute_author(*, author_id: int, now=None):
    """Re-score one record now (identity, consistency, endorsements, penalties); propagated
    trust is kept from the last full run. Returns the TrustScore, or None if no such author."""
    from .models import TrustScore

    with connection.cursor() as wrapper:
        cur = wrapper.cursor
        inputs = compute.gather_inputs_one(cur, author_id)
        if inputs is None:
            return None
        compute.write_scores(
            cur, compute.score(inputs), claim_evidence=inputs.claim_evidence,
            flag_reasons=inputs.flag_reasons, now=now,
        )
    return TrustScore.objects.get(author_id=author_id)


def trust_schedule_author_recompute(*, author_id: int) -> None:
    """Enqueue the event-driven update of one record once the current transaction commits."""
    from researchers.outbox.services import task_enqueue_on_commit

    from .tasks import recompute_author_trust

    task_enqueue_on_commit(task=recompute_author_trust, args=[author_id])


@transaction.atomic
def trust_flag_add(*, author, reason: str, points: int | None = None, created_by=None):
    """Record a moderator flag (a published penalty) and re-score the record after commit."""
    from . import method
    from .models import TrustFlag

    if not reason or not reason.strip():
        raise ValueError("a flag needs a reason")
    flag = TrustFlag.objects.create(
        author=author, reason=reason.strip()[:300],
        points=method.PENALTY_FLAG_DEFAULT if points is None else points, created_by=created_by,
    )
    trust_schedule_author_recompute(author_id=author.pk)
    return flag


@transaction.atomic
def trust_flag_lift(*, flag):
    """Lift a moderator flag and re-score the record after commit."""
    if flag.lifted_at is None:
        flag.lifted_at = timezone.now()
        flag.save(update_fields=["lifted_at"])
        trust_schedule_author_recompute(author_id=flag.author_id)
    return flag
