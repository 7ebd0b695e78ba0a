"""Enqueue Celery tasks after commit without ever failing or stalling the request that asked.

A task is sent once the transaction commits, with the broker's bounded connect timeout and one
quick retry (config/settings/base.py). If the broker is down the task is written to the outbox
(one row per dedupe key) and `outbox_drain`, run by beat every minute, sends it later. The write
that asked has committed by then, so the user's answer never waits for Redis.
"""

from __future__ import annotations

import json
import logging

from django.db import connection, transaction

from .models import PendingTask

logger = logging.getLogger(__name__)

# The table name comes from the model: it changed when the outbox moved into the researchers app.
INSERT_SQL = """
INSERT INTO {table} (task_name, args, dedupe_key, created_at, attempts, last_error)
VALUES (%s, %s::jsonb, %s, now(), 0, %s)
ON CONFLICT (dedupe_key) DO NOTHING
"""
# A drain pass sends at most this many; the rest wait for the next minute.
DRAIN_BATCH = 500


def _dedupe_key(task_name: str, args: list) -> str:
    return f"{task_name}:{json.dumps(args, separators=(',', ':'))}"[:300]


def _send(task, args: list) -> None:
    task.apply_async(args=args)


def task_send_now_or_keep(*, task, args: list | tuple = ()) -> bool:
    """Send `task(*args)` to the broker now; if it cannot, keep it in the outbox. True if sent."""
    args = list(args)
    if task.app.conf.task_always_eager:
        # In-process runs (tests, no Redis): a task's own error is a bug to see, not an outage.
        _send(task, args)
        return True
    try:
        _send(task, args)
        return True
    except Exception as exc:  # noqa: BLE001 - any broker failure (refused, timeout, auth) is kept for later
        logger.warning("enqueue of %s%s failed (%s); kept in the outbox", task.name, tuple(args), exc)
        task_keep(task_name=task.name, args=args, error=f"{type(exc).__name__}: {exc}")
        return False


def task_enqueue_on_commit(*, task, args: list | tuple = ()) -> None:
    """Send `task(*args)` once the current transaction commits (at once outside one); never raises."""
    args = list(args)
    transaction.on_commit(lambda: task_send_now_or_keep(task=task, args=args))


def task_keep(*, task_name: str, args: list, error: str = "") -> None:
    """Record a task to send later; a second record of the same task and args is a no-op."""
    with connection.cursor() as cur:
        cur.execute(INSERT_SQL.format(table=connection.ops.quote_name(PendingTask._meta.db_table)), [task_name, json.dumps(args), _dedupe_key(task_name, args), error[:500]])


def outbox_drain(*, limit: int = DRAIN_BATCH) -> dict:
    """Send the kept tasks, oldest first; stop at the first broker failure. Returns counts."""
    from config.celery_app import app

    # Outside a worker (manage.py shell, a test) the tasks modules may not be imported yet.
    app.loader.import_default_modules()
    sent = failed = 0
    pending = list(PendingTask.objects.order_by("id")[:limit])
    for row in pending:
        task = app.tasks.get(row.task_name)
        if task is None:
            # Kept, not dropped: a deploy that renamed a task should not lose the work silently.
            logger.error("outbox: unknown task %s (row %s) left in the outbox", row.task_name, row.pk)
            PendingTask.objects.filter(pk=row.pk).update(attempts=row.attempts + 1, last_error="unknown task")
            failed += 1
            continue
        try:
            _send(task, list(row.args))
        except Exception as exc:  # noqa: BLE001 - still down: keep everything for the next pass
            PendingTask.objects.filter(pk=row.pk).update(
                attempts=row.attempts + 1, last_error=f"{type(exc).__name__}: {exc}"[:500]
            )
            failed += 1
            break
        # Deleted only after the broker took it: a crash in between sends it twice (Celery is
        # at-least-once anyway, and the tasks kept here are idempotent), never zero times.
        PendingTask.objects.filter(pk=row.pk).delete()
        sent += 1
    return {"sent": sent, "failed": failed, "left": PendingTask.objects.count()}
