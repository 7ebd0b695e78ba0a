"""Thin Celery tasks of the graph app: ids in, one service call."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(bind=True, max_retries=3, soft_time_limit=60, time_limit=90, acks_late=True)
def build_graph_slice(self, author_id: int):
    """Build the graph slice of one author; transient database errors retry with backoff."""
    try:
        services.graph_slice_build(
            author_id=author_id, final_attempt=self.request.retries >= self.max_retries, skip_if_current=True
        )
    except (OperationalError, InterfaceError) as exc:
        raise self.retry(exc=exc, countdown=2 ** self.request.retries)
