"""The loader's sizes and limits, shared by its modules (papers/ingest/load/)."""

from __future__ import annotations

from papers.models import COLLABORATION_AUTHOR_LIMIT

# The stored error list is capped so a bad file cannot bloat the row; `failed` counts them all.
ERRORS_CAP = 500
# Close collaborators ignore big-collaboration papers: sharing two ATLAS papers with 3,000
# people does not make each of them a close collaborator, and the pair count would explode.
CLOSE_COLLAB_MAX_AUTHORS = COLLABORATION_AUTHOR_LIMIT
CLOSE_COLLAB_MIN_PAPERS = 2
# researchers.services.aggregates imports these limits so both refreshes agree.
AUTHOR_TOPICS_KEPT = 20
# The topics a profile names (its sidebar shows as many): the most recurrent, by weight.
PROFILE_TOPICS = 8
MAX_POSITION = 32767  # smallint byline position
MAX_VARIANTS = 50
# Records per loader transaction. Bigger batches amortise each batch's fixed cost (a dozen
# statements, staging DDL, a commit) and stay well inside the memory budget.
DEFAULT_BATCH_SIZE = 8000
# Phrase topics are scored per window of this many papers, whatever the batch size, so that
# a --batch-size that is a multiple of it changes speed and memory but not which topics a
# paper gets (windows then fall on the same records).
TOPIC_WINDOW = 2000
# Drains of the author refresh queue during a long import (every million papers; a full arXiv
# import drains three times): aggregates stay fresh enough while a prolific author is recounted
# rarely. Every drain rewrites each touched author row, so draining often multiplies the work.
REFRESH_EVERY_PAPERS = 1_000_000
# Connections that drain the author refresh queue side by side after a load (see
# drain_author_refresh): on a two-core server two took the final drain of a 100k-paper import
# from 32 s to 21 s.
AUTHOR_REFRESH_WORKERS = 2
# Below this many queued authors one connection is as fast (the chunk's fixed cost dominates).
PARALLEL_REFRESH_MIN_AUTHORS = 20_000
