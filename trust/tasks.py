"""Thin Celery tasks: ids in, one service call."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(name="trust.tasks.recompute_trust", acks_late=True, soft_time_limit=50 * 60, time_limit=55 * 60)
def recompute_trust():
    """Nightly (beat): recompute every record's trust score."""
    try:
        return services.trust_recompute_all()
    except services.RecomputeAlreadyRunning:
        return {"skipped": "another recompute is running"}


@shared_task(
    name="trust.tasks.recompute_author_trust",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def recompute_author_trust(author_id):
    """Event-driven: apply identity and penalty changes of one record within seconds."""
    score = services.trust_recompute_author(author_id=int(author_id))
    return None if score is None else {"author_id": score.author_id, "total": score.total, "tier": score.tier}
