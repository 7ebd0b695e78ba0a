"""Identity: claims on author records, the evidence behind them, disputes, vouches and the event log.

The verification level of a record is derived from the evidence of its active claim by the
services in researchers/services/claims.py; nothing here sets it.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q


class ClaimStatus(models.TextChoices):
    # Holds ownership; not yet looked at by a moderator.
    ACTIVE = "active", "Active"
    # Holds ownership and a moderator approved it (L4).
    APPROVED = "approved", "Approved by a moderator"
    # Awaiting a moderator: an appeal, or the challenger's side of a dispute.
    PENDING = "pending", "Awaiting review"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn (unclaimed)"


OWNING_STATUSES = (ClaimStatus.ACTIVE, ClaimStatus.APPROVED)


class Claim(models.Model):
    """A user's claim on one author record, stored per authorship slot (ClaimSlot)."""

    author = models.ForeignKey("researchers.Author", on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claims")
    status = models.CharField(max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING)
    # The level its evidence supports, recomputed whenever the evidence changes.
    level = models.PositiveSmallIntegerField(default=1)
    # A rejected claimant may appeal once: the appeal is a new claim pointing at the rejected one.
    appeal_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="appeal"
    )
    statement = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("moderate", "Can moderate claims, disputes and identity events")]
        constraints = [
            # The concurrency backstop: whatever races, a record never has two owning claims.
            models.UniqueConstraint(
                fields=["author"],
                condition=Q(status__in=["active", "approved"]),
                name="claim_one_owner_per_author",
            ),
        ]
        indexes = [
            # Moderation queue: WHERE status IN (...) ORDER BY created_at.
            models.Index(fields=["status", "created_at"], name="claim_status_idx"),
            # "My claims" and the viewer state on a profile: WHERE user_id = ? AND status IN (...).
            models.Index(fields=["user", "status"], name="claim_user_status_idx"),
        ]

    def __str__(self):
        return f"Claim #{self.pk} by {self.user_id} on {self.author_id} ({self.status})"

    @property
    def is_owning(self):
        return self.status in OWNING_STATUSES


class SlotDecision(models.TextChoices):
    MINE = "mine", "Mine"
    NOT_ME = "not_me", "Not me"


class ClaimSlot(models.Model):
    """The claimant's answer for one byline slot of the record."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="slots")
    authorship = models.ForeignKey("papers.Authorship", on_delete=models.CASCADE, related_name="claim_slots")
    decision = models.CharField(max_length=6, choices=SlotDecision.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["claim", "authorship"], name="claimslot_uniq")]

    def __str__(self):
        return f"claim {self.claim_id}: slot {self.authorship_id} {self.decision}"


class EvidenceKind(models.TextChoices):
    VERIFIED_EMAIL = "verified_email", "Verified email"
    ORCID_OAUTH = "orcid_oauth", "ORCID authenticated"
    EMAIL_AFFILIATION = "email_affiliation", "Email domain matches an affiliation"
    COAUTHOR_VOUCHES = "coauthor_vouches", "Vouched by L3 coauthors"
    MODERATOR_REVIEW = "moderator_review", "Reviewed by a moderator"
    # Supplied by the claimant (statements, links, typed-in iDs): read by moderators, worth no level.
    STATEMENT = "statement", "Claimant's statement"
    LINK = "link", "Link supplied by the claimant"


class ClaimEvidence(models.Model):
    """One piece of evidence for a claim, and the level it supports on its own."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=20, choices=EvidenceKind.choices)
    level = models.PositiveSmallIntegerField(default=0)
    # The human sentence shown on the profile: "ORCID 0000-… authenticated 2026-11-02".
    summary = models.CharField(max_length=500)
    detail = models.JSONField(default=dict, blank=True)
    observed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-level", "kind", "id"]
        indexes = [
            # Profile evidence list: WHERE claim_id = ? ORDER BY level DESC.
            models.Index(fields=["claim", "-level"], name="claimevidence_claim_idx"),
        ]

    def __str__(self):
        return self.summary


class DisputeStatus(models.TextChoices):
    OPEN = "open", "Under review"
    UPHELD = "upheld", "Owner upheld"
    TRANSFERRED = "transferred", "Ownership transferred"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Dispute(models.Model):
    """A second claim on an owned record. While open the record is frozen."""

    author = models.ForeignKey("researchers.Author", on_delete=models.CASCADE, related_name="disputes")
    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, related_name="dispute")
    incumbent_claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.SET_NULL, related_name="disputes_against"
    )
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="disputes")
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=DisputeStatus.choices, default=DisputeStatus.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author"], condition=Q(status="open"), name="dispute_one_open_per_author"
            ),
        ]
        indexes = [
            # Moderation queue of open disputes, oldest first.
            models.Index(fields=["status", "created_at"], name="dispute_status_idx"),
        ]

    def __str__(self):
        return f"Dispute #{self.pk} on {self.author_id} ({self.status})"


class Vouch(models.Model):
    """A coauthor, speaking from their own verified record, vouches that `author` is its owner."""

    author = models.ForeignKey("researchers.Author", on_delete=models.CASCADE, related_name="vouches_received")
    voucher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vouches_given")
    # The voucher's own record at vouch time; only vouches from L3+ records count as evidence.
    voucher_author = models.ForeignKey(
        "researchers.Author", on_delete=models.CASCADE, related_name="vouches_given"
    )
    # The claim vouched for: a vouch does not carry over to a later owner.
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.SET_NULL, related_name="vouches")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["author", "voucher_author"], name="vouch_uniq"),
            models.CheckConstraint(condition=~Q(author=models.F("voucher_author")), name="vouch_not_self"),
        ]
        indexes = [
            # Evidence recount: WHERE author_id = ? AND claim_id = ?.
            models.Index(fields=["author", "claim"], name="vouch_author_claim_idx"),
        ]

    def __str__(self):
        return f"record {self.voucher_author_id} vouches for record {self.author_id}"


class EventKind(models.TextChoices):
    CLAIM = "claim", "Claimed"
    DISPUTE = "dispute", "Dispute opened"
    RESOLVE = "resolve", "Dispute resolved"
    SPLIT = "split", "Works split off"
    MERGE = "merge", "Works merged in"
    UNCLAIM = "unclaim", "Unclaimed"
    APPROVE = "approve", "Approved by a moderator"
    REJECT = "reject", "Rejected by a moderator"
    APPEAL = "appeal", "Appealed"
    ACCEPT = "accept", "Pending works accepted"
    REVERT = "revert", "Reverted"
    # Works moved by the disambiguation model (actor NULL; payload["model"] names model and version).
    CLUSTER = "cluster", "Re-clustered by the model"


class IdentityEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("IdentityEvent is append-only: write a revert event instead.")

    def delete(self):
        raise PermissionDenied("IdentityEvent is append-only: write a revert event instead.")

    # bulk_update goes through update(); bulk_create is an append and stays allowed.


class IdentityEvent(models.Model):
    """Append-only log of everything that changed who a record is.

    `payload["before"]` holds the state the event replaced (ownership, claim and dispute
    statuses, attributions), and `payload["moves"]` the authorships it re-pointed, so a
    moderator's revert can restore it. A revert is itself an event.
    """

    author = models.ForeignKey("researchers.Author", on_delete=models.CASCADE, related_name="identity_events")
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    dispute = models.ForeignKey(Dispute, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    # The counterpart of a split or merge, so the event shows on both records' history.
    other_author = models.ForeignKey(
        "researchers.Author", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reverts = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reverted_by"
    )
    summary = models.CharField(max_length=500)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = IdentityEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # History page: WHERE author_id = ? ORDER BY created_at DESC.
            models.Index(fields=["author", "-created_at"], name="identityevent_author_idx"),
            # History page, the counterpart side: WHERE other_author_id = ?.
            models.Index(fields=["other_author", "-created_at"], name="identityevent_other_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.summary}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied("IdentityEvent is append-only: write a revert event instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("IdentityEvent is append-only: write a revert event instead.")
