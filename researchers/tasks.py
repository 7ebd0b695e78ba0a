"""Thin Celery tasks: ids in, one service call, retries only for transient mail/DB errors."""

import smtplib

from celery import shared_task
from django.db import OperationalError

from researchers.disambiguation.tasks import disambiguate_blocks  # noqa: F401  (registers it for the worker)
from researchers.services import notifications

TRANSIENT = (smtplib.SMTPException, ConnectionError, TimeoutError, OperationalError)


@shared_task(time_limit=300, soft_time_limit=280)
def send_due_digests():
    """Beat entry point: fan out one digest job per user whose digest is due."""
    ids = notifications.digests_due()
    for user_id in ids:
        send_digest.delay(user_id)
    return len(ids)


@shared_task(bind=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5, time_limit=120, soft_time_limit=110)
def send_digest(self, user_id):
    return notifications.digest_send(user_id=user_id)


@shared_task(bind=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5, time_limit=60, soft_time_limit=50)
def notify_invitation(self, invitation_id):
    notifications.notify_invitation(invitation_id=invitation_id)


@shared_task(bind=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5, time_limit=60, soft_time_limit=50)
def notify_invitation_accepted(self, invitation_id):
    notifications.notify_invitation_accepted(invitation_id=invitation_id)


@shared_task(bind=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5, time_limit=60, soft_time_limit=50)
def notify_message(self, message_id):
    return notifications.notify_message(message_id=message_id)


@shared_task(time_limit=120, soft_time_limit=110)
def prune_follow_rate_events():
    from researchers.services.follows import follow_rate_events_prune

    return follow_rate_events_prune()


@shared_task(bind=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5, time_limit=60, soft_time_limit=50)
def notify_dispute_opened(self, dispute_id):
    return notifications.notify_dispute_opened(dispute_id=dispute_id)


@shared_task(bind=True, autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5, time_limit=60, soft_time_limit=50)
def notify_claim_reviewed(self, claim_id):
    return notifications.notify_claim_reviewed(claim_id=claim_id)


# Beat's outbox drain lives with the outbox; imported here so the worker registers it.
from researchers.outbox.tasks import drain_outbox  # noqa: E402, F401
