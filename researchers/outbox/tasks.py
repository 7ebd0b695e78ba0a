"""Beat entry point of the outbox."""

from celery import shared_task


@shared_task(time_limit=300, soft_time_limit=280)
def drain_outbox():
    """Re-send the tasks whose enqueue failed while the broker was down."""
    from .services import outbox_drain

    return outbox_drain()
