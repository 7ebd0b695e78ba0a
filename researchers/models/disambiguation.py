from django.db import models


class PendingIdentityBlock(models.Model):
    """A name block (surname|first initial, Author.initials_key) whose bylines changed and wait
    for the disambiguation task. Imports add rows set-based; the task deletes them."""

    block_key = models.CharField(max_length=220, primary_key=True)
    queued_at = models.DateTimeField()
    # Set when a task was sent for it; a later import clears it, so the block is sent again.
    dispatched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"identity block {self.block_key}"
