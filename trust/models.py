from django.conf import settings
from django.db import models
from django.db.models import Q

from . import method as trust_model


class TrustScore(models.Model):
    """The current trust score of one author record, with its parts and the facts behind them.

    Written set-based by the nightly recompute (COPY into a staging table, then INSERT … ON
    CONFLICT) and per record by the event-driven recompute; never edited by hand.
    """

    # No database-level foreign key (db_constraint=False) on this table or TrustSnapshot: the nightly
    # bulk write of ~1.5M rows would otherwise run one RI trigger per row, each locking the author
    # row FOR KEY SHARE (measured: ~60% of the write time). Deleting an Author still cascades through
    # the ORM, and the full recompute deletes rows whose author no longer exists.
    author = models.OneToOneField(
        "researchers.Author", on_delete=models.CASCADE, primary_key=True, related_name="trust_score",
        db_constraint=False,
    )
    # Shown score (after the daily gain cap) and the model's uncapped score.
    total = models.SmallIntegerField()
    raw_total = models.SmallIntegerField()
    tier = models.CharField(max_length=20)
    identity = models.FloatField()
    consistency = models.FloatField()
    vouching = models.FloatField()
    penalties = models.FloatField()
    under_review = models.BooleanField(default=False)

    # The facts behind the parts (the model's inputs), as typed columns rather than one JSON
    # document per row: the nightly upsert of ~1.5M rows writes ~4× fewer bytes this way.
    # `parts` (below) assembles them per part for the panel and the API.
    level = models.PositiveSmallIntegerField(default=1)
    has_orcid = models.BooleanField(default=False)
    claim_state = models.CharField(max_length=12, default="unclaimed")
    works = models.PositiveIntegerField(default=0)
    # Works in the record's most frequent primary category, and works the disambiguation model is
    # unsure of (model 2026.12-1).
    focus = models.PositiveIntegerField(default=0)
    uncertain = models.PositiveIntegerField(default=0)
    strong = models.PositiveIntegerField(default=0)
    first_year = models.PositiveSmallIntegerField(null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(null=True, blank=True)
    measurable = models.PositiveIntegerField(default=0)
    largest = models.PositiveIntegerField(default=0)
    clusters = models.PositiveIntegerField(default=0)
    # Propagated trust from the last global EigenTrust run, kept so the event-driven update of
    # one record can re-score it without re-running the propagation.
    eigentrust_x = models.FloatField(default=0.0)
    is_seed = models.BooleanField(default=False)
    follows = models.PositiveIntegerField(default=0)
    vouches = models.PositiveIntegerField(default=0)
    open_dispute = models.BooleanField(default=False)
    flag_points = models.PositiveIntegerField(default=0)
    # Text evidence, only on the few records that have any:
    # {"claim_evidence": ["ORCID 0000-… authenticated 2026-11-02", …], "flags": ["reason", …]}.
    evidence = models.JSONField(null=True, blank=True)

    model_version = models.CharField(max_length=20)
    # When the stored values last changed (unchanged rows are not rewritten by the recompute).
    computed_at = models.DateTimeField()

    # Daily gain bookkeeping (UTC day): the score and identity points at the start of gain_day.
    gain_day = models.DateField()
    day_start_total = models.SmallIntegerField()
    day_start_identity = models.FloatField()
    # The total of this record's latest TrustSnapshot row, so the recompute writes a snapshot
    # row only on days the score changes.
    snapshot_total = models.SmallIntegerField(null=True, blank=True)
    snapshot_day = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0) & Q(total__lte=100), name="trustscore_total_range"),
        ]

    def __str__(self):
        return f"Trust {self.total} · {self.tier} (author {self.author_id})"

    @property
    def parts(self) -> dict:
        """{part: {"points", "cap", "facts"}}: each part with the facts that produced it."""
        extra = self.evidence or {}
        years = (self.last_year - self.first_year + 1) if self.last_year and self.first_year else 0
        return {
            "identity": {"points": self.identity, "cap": trust_model.IDENTITY_CAP, "facts": {
                "level": self.level, "orcid": self.has_orcid, "claim_state": self.claim_state,
                "claim_evidence": extra.get("claim_evidence", [])}},
            "consistency": {"points": self.consistency, "cap": trust_model.CONSISTENCY_CAP, "facts": {
                "works": self.works, "strong": self.strong, "first_year": self.first_year,
                "last_year": self.last_year, "years": years, "measurable": self.measurable,
                "largest": self.largest, "clusters": self.clusters, "focus": self.focus,
                "uncertain": self.uncertain}},
            "vouching": {"points": self.vouching, "cap": trust_model.VOUCHING_CAP, "facts": {
                "eigentrust_x": self.eigentrust_x, "seed": self.is_seed, "follows": self.follows,
                "vouches": self.vouches}},
            "penalties": {"points": self.penalties, "cap": None, "facts": {
                "open_dispute": self.open_dispute, "flag_points": self.flag_points,
                "flags": extra.get("flags", [])}},
        }


class TrustSnapshot(models.Model):
    """The score of a record on a UTC day; the 90-day sparkline reads these.

    A row is written on the days the score changes (and on a record's first day); between rows
    the score carries forward, so a quiet record costs one row, not one per day.
    """

    # (author, day) is the primary key, and its index serves the sparkline read
    # (WHERE author_id = ? AND day >= ? ORDER BY day): no surrogate id, sequence or second index
    # to maintain when a million rows land on a record's first night.
    pk = models.CompositePrimaryKey("author_id", "day")
    author = models.ForeignKey("researchers.Author", on_delete=models.CASCADE, related_name="trust_snapshots",
                               db_index=False, db_constraint=False)  # see TrustScore.author
    day = models.DateField()
    total = models.SmallIntegerField()

    class Meta:
        ordering = ["author_id", "day"]

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


class TrustRun(models.Model):
    """One full recompute: when, how big, how long; the operator's record of the nightly job."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    model_version = models.CharField(max_length=20)
    records = models.PositiveIntegerField()
    written = models.PositiveIntegerField(help_text="Rows inserted or changed")
    snapshots = models.PositiveIntegerField(help_text="TrustSnapshot rows written for the day")
    seeds = models.PositiveIntegerField(help_text="L3/L4 records the propagation restarted at")
    timings = models.JSONField(default=dict)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"Trust run {self.started_at:%Y-%m-%d %H:%M} ({self.records} records)"
