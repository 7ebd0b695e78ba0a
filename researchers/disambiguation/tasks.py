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


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, time_limit=600,
             soft_time_limit=540)
def redispatch_stale_blocks(self):
    """Beat: send again the pending blocks whose task was lost (services.identity_blocks_redispatch_stale)."""
    from researchers.disambiguation.services import identity_blocks_redispatch_stale

    return identity_blocks_redispatch_stale()
