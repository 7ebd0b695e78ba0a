"""Social: follows, digests, invitations, private conversations, blocks and reports."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Follow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    author = models.ForeignKey("researchers.Author", on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Also what makes the follower count exact: only an inserted row bumps it.
            models.UniqueConstraint(fields=["user", "author"], name="follow_uniq"),
        ]
        indexes = [
            # /me/following and the feed: WHERE user_id = ? ORDER BY created_at DESC.
            models.Index(fields=["user", "-created_at"], name="follow_user_idx"),
            # Trust vouching and follower lists: WHERE author_id = ?.
            models.Index(fields=["author", "user"], name="follow_author_idx"),
        ]

    def __str__(self):
        return f"{self.user_id} follows {self.author_id}"


class FollowRateEvent(models.Model):
    """One row per follow actually made: the sliding-window rate limit counts these.

    Kept apart from Follow because unfollowing deletes the Follow row, and a
    follow/unfollow loop must still count against the limit.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # Rate limit: WHERE user_id = ? AND created_at > now() - 1 hour.
            models.Index(fields=["user", "created_at"], name="followrate_user_idx"),
        ]

    def __str__(self):
        return f"follow by user {self.user_id} at {self.created_at:%Y-%m-%d %H:%M}"


class DigestFrequency(models.TextChoices):
    OFF = "off", "Off"
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"


class DigestPreference(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference")
    frequency = models.CharField(max_length=6, choices=DigestFrequency.choices, default=DigestFrequency.WEEKLY)
    notify_messages = models.BooleanField(default=True, help_text="Email me when a new private message arrives")
    last_sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # Beat task: WHERE frequency = ? AND (last_sent_at IS NULL OR last_sent_at < ?).
            models.Index(fields=["frequency", "last_sent_at"], name="digestpref_due_idx"),
        ]

    def __str__(self):
        return f"digest for user {self.user_id}: {self.frequency}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Invitation(models.Model):
    """A direct collaboration invitation from one claimed record's owner to another's."""

    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations_sent")
    sender_author = models.ForeignKey(
        "researchers.Author", on_delete=models.CASCADE, related_name="invitations_sent"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations_received"
    )
    recipient_author = models.ForeignKey(
        "researchers.Author", on_delete=models.CASCADE, related_name="invitations_received"
    )
    subject = models.CharField(max_length=200)
    message = models.TextField(max_length=5000)
    status = models.CharField(max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open invitation per pair and direction: no spamming the same person.
            models.UniqueConstraint(
                fields=["sender", "recipient_author"], condition=Q(status="pending"),
                name="invitation_one_pending_per_pair",
            ),
        ]
        indexes = [
            # Rate limit (10 a day) and "sent" list: WHERE sender_id = ? AND created_at > ?.
            models.Index(fields=["sender", "-created_at"], name="invitation_sender_idx"),
            # /me/invitations inbox: WHERE recipient_id = ? ORDER BY created_at DESC.
            models.Index(fields=["recipient", "-created_at"], name="invitation_recipient_idx"),
        ]

    def __str__(self):
        return f"Invitation #{self.pk}: {self.subject}"


class Conversation(models.Model):
    """The private thread an accepted invitation opens between its two people."""

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="conversation")
    initiator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_message_at", "-id"]
        indexes = [
            # Inbox list per participant.
            models.Index(fields=["initiator", "-last_message_at"], name="conversation_initiator_idx"),
            models.Index(fields=["recipient", "-last_message_at"], name="conversation_recipient_idx"),
        ]

    def __str__(self):
        return f"Conversation #{self.pk}"

    def has_participant(self, user):
        return user.is_authenticated and user.pk in (self.initiator_id, self.recipient_id)

    def other_participant_id(self, user):
        return self.recipient_id if user.pk == self.initiator_id else self.initiator_id


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=10000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # Thread view: WHERE conversation_id = ? ORDER BY created_at.
            models.Index(fields=["conversation", "created_at"], name="message_conversation_idx"),
        ]

    def __str__(self):
        return f"message {self.pk} in conversation {self.conversation_id}"


class Block(models.Model):
    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_received")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_uniq"),
            models.CheckConstraint(condition=~Q(blocker=models.F("blocked")), name="block_not_self"),
        ]
        indexes = [
            # "Is either side blocked?": WHERE blocked_id = ? AND blocker_id = ?.
            models.Index(fields=["blocked", "blocker"], name="block_blocked_idx"),
        ]

    def __str__(self):
        return f"user {self.blocker_id} blocks user {self.blocked_id}"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Report(models.Model):
    """A user's report of another user, an invitation or a message, for moderators."""

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made")
    reported_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_received"
    )
    invitation = models.ForeignKey(Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=40, choices=[
        ("spam", "Spam"), ("harassment", "Harassment"), ("impersonation", "Impersonation"), ("other", "Other"),
    ])
    details = models.TextField(blank=True, max_length=5000)
    status = models.CharField(max_length=6, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Moderation list of open reports.
            models.Index(fields=["status", "created_at"], name="report_status_idx"),
        ]

    def __str__(self):
        return f"report {self.pk} by user {self.reporter_id} ({self.status})"
