"""Thin Celery tasks on the `embed` queue (config/settings/base.py routes papers.discovery.tasks.*)."""

from celery import shared_task
from django.db import OperationalError


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3,
             time_limit=900, soft_time_limit=870)
def embed_new_papers(self, batch_size=None):
    """Embed one batch of papers without vectors; re-enqueue itself while more remain."""
    from papers.discovery.similarity import EMBED_BATCH, embeddings_extend

    batch = batch_size or EMBED_BATCH
    done = embeddings_extend(batch_size=batch)
    if done == batch:
        embed_new_papers.apply_async(kwargs={"batch_size": batch_size})
    return done
