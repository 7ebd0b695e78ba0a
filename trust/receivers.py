"""Reacting to identity changes in researchers (claim approved, dispute opened, unclaim, revert...).

researchers sends `identity_changed` after commit; we only enqueue the per-record re-score, so the
new level and any dispute penalty show within seconds instead of waiting for the nightly run.
"""

import logging

log = logging.getLogger(__name__)


def on_identity_changed(sender, author_ids=(), kind=None, **kwargs):
    from .tasks import recompute_author_trust

    for author_id in sorted({int(a) for a in author_ids if a}):
        try:
            recompute_author_trust.delay(author_id)
        except Exception:  # a broker outage must not break the claim flow; the nightly run catches up
            log.exception("could not enqueue trust re-score of author %s after %s", author_id, kind)
