"""Thin Celery task of the identity pipeline, routed to the ``identity`` queue (settings
CELERY_TASK_ROUTES): block keys in, one service call. Blocks are independent, so more workers
on the queue scale it out; two never work on one block at once (advisory lock per block)."""

from celery import shared_task
from django.db import OperationalError


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5,
             time_limit=3600, soft_time_limit=3500)
def disambiguate_blocks(self, block_keys):
    from researchers.disambiguation.services import blocks_disambiguate

    return blocks_disambiguate(block_keys=list(block_keys))


def identity_queue_depth(app) -> int | None:
    """Messages waiting on the ``identity`` queue, or None when the broker cannot say."""
    try:
        with app.connection_for_read() as conn:
            return int(conn.default_channel.queue_declare(queue="identity").message_count)
    except Exception:  # noqa: BLE001 - no answer is not an answer of zero
        return None


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, time_limit=600,
             soft_time_limit=540)
def redispatch_stale_blocks(self):
    """Beat (on the default queue, so it never waits behind a backlog): send again the pending
    blocks whose task was lost (services.identity_blocks_redispatch_stale). While identity tasks
    still wait on the broker, old pending blocks are a backlog, not lost: nothing is sent."""
    from researchers.disambiguation.services import identity_blocks_redispatch_stale

    if identity_queue_depth(self.app) != 0:
        return 0
    return identity_blocks_redispatch_stale()
