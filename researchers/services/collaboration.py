"""Direct collaboration: invitations between claimed researchers, private conversations, blocks, reports."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from researchers.models import (
    Author,
    Block,
    ClaimState,
    Conversation,
    Invitation,
    InvitationStatus,
    Message,
    Report,
)
from researchers.permissions import COLLAB_REASONS, INVITATIONS_PER_DAY, users_blocked_either_way

from .errors import Conflict, NotAllowed, RateLimited, ServiceError


# Within this, the same body again from the same sender is the same message (see message_send).
RESUBMIT_WINDOW = dt.timedelta(minutes=2)


def _sender_record(user, sender_author=None):
    qs = Author.objects.filter(owner_id=user.pk, verification_level__gte=2, claim_state=ClaimState.CLAIMED)
    if sender_author is not None:
        qs = qs.filter(pk=sender_author.pk)
    return qs.order_by("-verification_level", "-works_count", "id").first()


def _on_commit_task(task, *args):
    """Send a notification task once the transaction commits; the outbox keeps it if Redis is down."""
    task_enqueue_on_commit(task=task, args=args)


@transaction.atomic
def invitation_send(*, sender, recipient_author, subject, message, sender_author=None) -> Invitation:
    """Invite the owner of `recipient_author`; sender must own a claimed ≥L2 record. 10 a day."""
    if not sender.is_authenticated:
        raise NotAllowed(COLLAB_REASONS["anonymous"])
    subject, message = (subject or "").strip(), (message or "").strip()
    if not subject or not message:
        raise ServiceError("An invitation needs a subject and a message.")
    if len(subject) > 200 or len(message) > 5000:
        raise ServiceError("Keep the subject under 200 characters and the message under 5000.")
    target = Author.objects.select_for_update().get(pk=recipient_author.pk)
    if target.claim_state == ClaimState.DISPUTED:
        raise Conflict(COLLAB_REASONS["target_disputed"])
    if not target.owner_id:
        raise NotAllowed(COLLAB_REASONS["target_unclaimed"])
    if target.owner_id == sender.pk:
        raise NotAllowed("You cannot invite yourself.")
    own = _sender_record(sender, sender_author)
    if own is None:
        raise NotAllowed(COLLAB_REASONS["viewer_unclaimed"])
    if not target.open_to_collaborate:
        raise NotAllowed(COLLAB_REASONS["target_closed"].format(name=target.display_name))
    if users_blocked_either_way(sender.pk, target.owner_id):
        raise NotAllowed(COLLAB_REASONS["blocked"])
    get_user_model().objects.select_for_update().filter(pk=sender.pk).exists()
    day_ago = timezone.now() - timezone.timedelta(days=1)
    if Invitation.objects.filter(sender=sender, created_at__gte=day_ago).count() >= INVITATIONS_PER_DAY:
        raise RateLimited(COLLAB_REASONS["rate_limited"])
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                sender=sender, sender_author=own, recipient_id=target.owner_id, recipient_author=target,
                subject=subject, message=message,
            )
    except IntegrityError:
        raise Conflict(COLLAB_REASONS["pending"].format(name=target.display_name))
    _on_commit_task(notify_invitation_task, invitation.pk)
    return invitation


def _respond(user, invitation, status):
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.recipient_id != user.pk:
        raise NotAllowed("Only the invited researcher can answer this invitation.")
    if invitation.status != InvitationStatus.PENDING:
        raise Conflict(f"This invitation was already {invitation.get_status_display().lower()}.")
    invitation.status = status
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


@transaction.atomic
def invitation_accept(*, user, invitation) -> Conversation:
    """The recipient accepts; a private conversation opens with the invitation as its first message."""
    if users_blocked_either_way(invitation.sender_id, user.pk):
        raise NotAllowed(COLLAB_REASONS["blocked"])
    invitation = _respond(user, invitation, InvitationStatus.ACCEPTED)
    conversation = Conversation.objects.create(
        invitation=invitation, initiator_id=invitation.sender_id, recipient_id=invitation.recipient_id,
        last_message_at=invitation.created_at,
    )
    Message.objects.create(conversation=conversation, sender_id=invitation.sender_id,
                           body=f"{invitation.subject}\n\n{invitation.message}")
    _on_commit_task(notify_invitation_accepted_task, invitation.pk)
    return conversation


@transaction.atomic
def invitation_decline(*, user, invitation) -> Invitation:
    """The recipient declines; the sender may invite again later."""
    return _respond(user, invitation, InvitationStatus.DECLINED)


@transaction.atomic
def message_send(*, user, conversation, body) -> Message:
    """Post a message to a conversation the user is in; the other side gets an email."""
    body = (body or "").strip()
    if not body:
        raise ServiceError("Write a message before sending.")
    if len(body) > 10000:
        raise ServiceError("Messages are limited to 10000 characters.")
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if not conversation.has_participant(user):
        raise NotAllowed("Only the two people in this conversation can write in it.")
    other = conversation.other_participant_id(user)
    if users_blocked_either_way(user.pk, other):
        raise NotAllowed("You can't message this researcher.")
    # A resubmitted form (a retry after a slow or lost answer) must not post the message twice.
    last = Message.objects.filter(conversation=conversation).order_by("-id").first()
    if (last is not None and last.sender_id == user.pk and last.body == body
            and timezone.now() - last.created_at < RESUBMIT_WINDOW):
        return last
    message = Message.objects.create(conversation=conversation, sender=user, body=body)
    conversation.last_message_at = message.created_at
    conversation.save(update_fields=["last_message_at"])
    _on_commit_task(notify_message_task, message.pk)
    return message


@transaction.atomic
def block_create(*, user, blocked_user_id) -> Block:
    """Block a user: no invitations or messages either way; their pending invitations to you are declined."""
    if blocked_user_id == user.pk:
        raise ServiceError("You cannot block yourself.")
    if not get_user_model().objects.filter(pk=blocked_user_id).exists():
        raise ServiceError("That account does not exist.")
    block, _ = Block.objects.get_or_create(blocker=user, blocked_id=blocked_user_id)
    Invitation.objects.filter(sender_id=blocked_user_id, recipient=user, status=InvitationStatus.PENDING).update(
        status=InvitationStatus.DECLINED, responded_at=timezone.now())
    return block


@transaction.atomic
def block_delete(*, user, blocked_user_id) -> bool:
    """Lift a block."""
    deleted, _ = Block.objects.filter(blocker=user, blocked_id=blocked_user_id).delete()
    return bool(deleted)


@transaction.atomic
def report_create(*, user, reported_user_id, reason, details="", invitation=None, message=None) -> Report:
    """Report a user (optionally about an invitation or a message) to the moderators."""
    valid = dict(Report._meta.get_field("reason").choices)
    if reason not in valid:
        raise ServiceError("Pick a reason: " + ", ".join(valid) + ".")
    if reported_user_id == user.pk:
        raise ServiceError("You cannot report yourself.")
    if invitation is not None and user.pk not in (invitation.sender_id, invitation.recipient_id):
        raise NotAllowed("You can only report invitations you sent or received.")
    if message is not None and not message.conversation.has_participant(user):
        raise NotAllowed("You can only report messages in your own conversations.")
    return Report.objects.create(reporter=user, reported_user_id=reported_user_id, reason=reason,
                                 details=(details or "")[:5000], invitation=invitation, message=message)


# Services import their tasks last, under a _task alias (HackSoft styleguide): the tasks modules
# import services inside their bodies, so neither module needs the other while it loads.
from researchers.outbox.services import task_enqueue_on_commit  # noqa: E402
from researchers.tasks import (  # noqa: E402
    notify_invitation as notify_invitation_task,
    notify_invitation_accepted as notify_invitation_accepted_task,
    notify_message as notify_message_task,
)
