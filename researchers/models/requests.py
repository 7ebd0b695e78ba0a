"""Identity changes an owner asked for that wait for a moderator: merges into records below L3,
and splits that push works onto another existing record (issue 15)."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class RequestKind(models.TextChoices):
    MERGE = "merge", "Merge a record into this one"
    SPLIT = "split", "Move works to another record"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Awaiting review"
    APPROVED = "approved", "Approved and applied"
    REJECTED = "rejected", "Rejected"


class IdentityChangeRequest(models.Model):
    """A merge or split the requester may not apply alone; a moderator's approval applies it."""

    kind = models.CharField(max_length=5, choices=RequestKind.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Merge: the receiving record (the requester's). Split: the record the works leave.
    author = models.ForeignKey("researchers.Author", on_delete=models.CASCADE, related_name="change_requests")
    # Merge: the record merged in. Split: the existing record the works would move to.
    other_author = models.ForeignKey("researchers.Author", on_delete=models.CASCADE, related_name="+")
    authorship_ids = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=8, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # Asking twice adds nothing for the moderators to read.
            models.UniqueConstraint(
                fields=["kind", "author", "other_author"], condition=Q(status="pending"),
                name="identity_request_one_pending",
            ),
        ]
        indexes = [
            # Moderation queue: WHERE status = 'pending' ORDER BY created_at.
            models.Index(fields=["status", "created_at"], name="identity_request_queue_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"
