from django.contrib.postgres.fields import ArrayField
from django.db import models

# Bump when the slice JSON changes shape: slices built by an older builder are stale.
SLICE_FORMAT_VERSION = 1


class SliceStatus(models.TextChoices):
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class GraphSlice(models.Model):
    """The typed, labelled graph around one author, built by a worker and served as JSON.

    Staleness is decided by comparing `watermark` (the newest `Author.data_changed_at` the
    build saw among the author and its direct coauthors) with those authors' current
    values; the importer and the identity services bump that field, this app only compares.
    """

    author = models.OneToOneField("researchers.Author", on_delete=models.CASCADE, related_name="graph_slice")
    status = models.CharField(max_length=10, choices=SliceStatus.choices, default=SliceStatus.READY)
    # Cytoscape elements: {"nodes": [{"data": {...}}], "edges": [{"data": {...}}], "meta": {...}}.
    elements = models.JSONField(null=True, blank=True)
    format_version = models.PositiveSmallIntegerField(default=SLICE_FORMAT_VERSION)
    # Incremented on every successful build: lets tests and caches tell one build from another.
    revision = models.PositiveIntegerField(default=0)
    built_at = models.DateTimeField(null=True, blank=True)
    build_ms = models.PositiveIntegerField(null=True, blank=True)
    watermark = models.DateTimeField(null=True, blank=True)
    # The author and every direct coauthor the build saw: a later bump of any of them makes the slice stale.
    watched_author_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    error = models.TextField(blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # The OneToOne unique index on author_id serves every read (panel, API, explorer).
        indexes = [
            # Admin and ops: list failed builds, newest first.
            models.Index(fields=["status", "-updated_at"], name="graphslice_status_idx"),
        ]

    def __str__(self):
        return f"GraphSlice(author={self.author_id}, {self.status}, rev {self.revision})"
