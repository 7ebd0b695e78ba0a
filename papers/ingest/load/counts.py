"""Topic counts owed by committed batches (papers_pendingtopiccount), applied once per load."""

from __future__ import annotations

from django.db import connection, transaction


def drain_topic_counts() -> int:
    """Apply every queued topic-count delta, summed per topic, and delete it, in one transaction.

    Concurrent drains take disjoint rows (a row another drain deleted is skipped), so nothing is
    applied twice. The topics are locked in id order first, so that two drains (or a drain and a
    batch creating topics) cannot deadlock over them. Returns how many topics changed.
    """
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS stg_topiccount (topic_id bigint PRIMARY KEY, n int)")
        cur.execute("TRUNCATE stg_topiccount")
        cur.execute(
            """
            WITH taken AS (DELETE FROM papers_pendingtopiccount RETURNING topic_id, n)
            INSERT INTO stg_topiccount SELECT topic_id, sum(n)::int FROM taken GROUP BY topic_id HAVING sum(n) <> 0
            """
        )
        if not cur.rowcount:
            return 0
        cur.execute("SELECT 1 FROM papers_topic WHERE id IN (SELECT topic_id FROM stg_topiccount) ORDER BY id FOR UPDATE")
        cur.execute(
            """
            UPDATE papers_topic t SET papers_count = greatest(0, t.papers_count + d.n)
            FROM stg_topiccount d WHERE t.id = d.topic_id
            """
        )
        return cur.rowcount
