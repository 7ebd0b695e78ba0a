from django.conf import settings
from django.db import models
from django.db.models import Q

from . import model as trust_model


class TrustScore(models.Model):
    """The current trust score of one author record, with its parts and the facts behind them.

    Written set-based by the nightly recompute (COPY into a staging table, then INSERT … ON
    CONFLICT) and per record by the event-driven recompute; never edited by hand.
    """

    author = models.OneToOneField(
        "researchers.Author", on_delete=models.CASCADE, primary_key=True, related_name="trust_score"
    )
    # Shown score (after the daily gain cap) and the model's uncapped score.
    total = models.SmallIntegerField()
    raw_total = models.SmallIntegerField()
    tier = models.CharField(max_length=20)
    identity = models.FloatField()
    consistency = models.FloatField()
    vouching = models.FloatField()
    penalties = models.FloatField()
    # Propagated trust from the last global EigenTrust run, kept so the event-driven update of
    # one record can re-score it without re-running the propagation.
    eigentrust_x = models.FloatField(default=0.0)
    under_review = models.BooleanField(default=False)
    # {"identity": {"points": 5.0, "facts": {...}}, "consistency": {...}, ...}: the stored
    # evidence facts; trust.model.evidence_lines() turns them into sentences.
    parts = models.JSONField(default=dict)
    model_version = models.CharField(max_length=20)
    computed_at = models.DateTimeField()

    # Daily gain bookkeeping (UTC day): the score and identity points at the start of gain_day.
    gain_day = models.DateField()
    day_start_total = models.SmallIntegerField()
    day_start_identity = models.FloatField()
    # The total of this record's latest TrustSnapshot row, so the recompute writes a snapshot
    # row only on days the score changes.
    snapshot_total = models.SmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0) & Q(total__lte=100), name="trustscore_total_range"),
        ]

    def __str__(self):
        return f"Trust {self.total} · {self.tier} (author {self.author_id})"


class TrustSnapshot(models.Model):
    """The score of a record on a UTC day; the 90-day sparkline reads these.

    A row is written on the days the score changes (and on a record's first day); between rows
    the score carries forward, so a quiet record costs one row, not one per day.
    """

    author = models.ForeignKey("researchers.Author", on_delete=models.CASCADE, related_name="trust_snapshots",
                               db_index=False)
    day = models.DateField()
    total = models.SmallIntegerField()

    class Meta:
        ordering = ["author_id", "day"]
        constraints = [
            # Also serves the sparkline read: WHERE author_id = ? AND day >= ? ORDER BY day.
            models.UniqueConstraint(fields=["author", "day"], name="trustsnapshot_author_day_uniq"),
        ]

    def __str__(self):
        return f"{self.author_id} {self.day}: {self.total}"


class TrustFlag(models.Model):
    """A moderator's flag on a record: a published penalty until it is lifted."""

    author = models.ForeignKey("researchers.Author", on_delete=models.CASCADE, related_name="trust_flags")
    reason = models.CharField(max_length=300)
    points = models.PositiveSmallIntegerField(default=trust_model.PENALTY_FLAG_DEFAULT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Recompute penalties: active flags per author (WHERE lifted_at IS NULL [AND author_id = ?]).
            models.Index(fields=["author"], condition=Q(lifted_at__isnull=True), name="trustflag_active_idx"),
        ]

    def __str__(self):
        return f"Flag on {self.author_id}: {self.reason}"

    @property
    def is_active(self):
        return self.lifted_at is None
