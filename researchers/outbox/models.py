"""Tasks whose enqueue failed (the broker was down), kept in Postgres until beat re-sends them.

A model of the researchers app (registered by researchers/models/__init__.py): the bottom of the app
dependency order, so every app may enqueue through the outbox.
"""

from django.db import models


class PendingTask(models.Model):
    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    # One row per logical job: "send message 42's notification" is kept once however often it failed,
    # and a record's slice or trust re-score is asked for once however many pages wanted it.
    dedupe_key = models.CharField(max_length=300, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        # drain_outbox reads the oldest first.
        ordering = ["id"]

    def __str__(self):
        return f"{self.task_name}{tuple(self.args)}"
