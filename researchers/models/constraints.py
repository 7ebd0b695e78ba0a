"""Constraints people put on author disambiguation; the engine must honour them over its model.

A row says "this byline slot is / is never this person's": the owner accepted or rejected it
from "Are these yours?". A whole record judged "not me" is stored as one cannot-link row per
slot it held then (`other_author` remembers which record, so the suggestion is not shown again).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ConstraintKind(models.TextChoices):
    MUST = "must", "Must link (this is my work)"
    CANNOT = "cannot", "Cannot link (not me)"


class IdentityConstraint(models.Model):
    # The person's record: must-link slots stay on it, cannot-link slots never come back to it.
    author = models.ForeignKey("researchers.Author", on_delete=models.CASCADE, related_name="identity_constraints")
    authorship = models.ForeignKey("papers.Authorship", on_delete=models.CASCADE, related_name="identity_constraints")
    kind = models.CharField(max_length=6, choices=ConstraintKind.choices)
    # The record the slot sat on when a whole record was rejected; NULL for a single paper.
    other_author = models.ForeignKey(
        "researchers.Author", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False,
    )
    # The identity event whose move this answer came with: a moderator's revert of that event
    # withdraws the answer too, so the engine does not undo the moderator on its next run.
    event = models.ForeignKey(
        "researchers.IdentityEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="constraints",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One answer per (person, slot): a later answer replaces the earlier one.
            models.UniqueConstraint(fields=["author", "authorship"], name="identityconstraint_uniq"),
        ]
        indexes = [
            # The engine, per block: WHERE authorship_id = ANY(block slots).
            models.Index(fields=["authorship", "kind"], name="identityconstraint_slot_idx"),
            # A revert: WHERE event_id = ?.
            models.Index(fields=["event"], condition=Q(event__isnull=False), name="identityconstraint_event_idx"),
            # Suggestions: records already rejected as a whole, WHERE author_id = ? AND other_author_id IS NOT NULL.
            models.Index(fields=["author", "other_author"], condition=Q(other_author__isnull=False),
                         name="identityconstraint_record_idx"),
        ]

    def __str__(self):
        return f"{self.author_id} {self.kind} {self.authorship_id}"
