"""Reacting to identity changes in researchers (claim approved, dispute opened, unclaim, revert...).

researchers sends `identity_changed` after commit; we only enqueue the per-record re-score, so the
new level and any dispute penalty show within seconds instead of waiting for the nightly run.
"""

import logging

log = logging.getLogger(__name__)


def on_identity_changed(sender, author_ids=(), kind=None, **kwargs):
    from researchers.outbox.services import task_send_now_or_keep

    from .tasks import recompute_author_trust

    # Sent after commit (researchers' contract); a broker outage keeps the re-score in the outbox.
    for author_id in sorted({int(a) for a in author_ids if a}):
        task_send_now_or_keep(task=recompute_author_trust, args=[author_id])
