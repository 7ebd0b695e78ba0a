"""Follows: exact follower counts under concurrency and a sliding-window rate limit."""

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from researchers.models import Author, FollowRateEvent
from researchers.permissions import FOLLOWS_PER_HOUR

from .errors import NotAllowed, RateLimited

RATE_WINDOW = timezone.timedelta(hours=1)


@transaction.atomic
def follow_create(*, user, author) -> tuple[bool, int]:
    """Follow `author`; returns (created, followers_count). Idempotent; 100 new follows an hour."""
    if not user.is_authenticated:
        raise NotAllowed("Log in to follow researchers.")
    # Serialise this account's follows so two tabs cannot both slip under the limit.
    get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
    since = timezone.now() - RATE_WINDOW
    if FollowRateEvent.objects.filter(user=user, created_at__gt=since).count() >= FOLLOWS_PER_HOUR:
        raise RateLimited(f"You can follow at most {FOLLOWS_PER_HOUR} researchers an hour. Try again later.")
    with connection.cursor() as cur:
        # Only a row that was really inserted bumps the count: the unique constraint decides races.
        cur.execute(
            "INSERT INTO researchers_follow (user_id, author_id, created_at) VALUES (%s, %s, now())"
            " ON CONFLICT (user_id, author_id) DO NOTHING RETURNING id",
            [user.pk, author.pk],
        )
        created = cur.fetchone() is not None
        if created:
            cur.execute(
                "UPDATE researchers_author SET followers_count = followers_count + 1 WHERE id = %s"
                " RETURNING followers_count",
                [author.pk],
            )
        else:
            cur.execute("SELECT followers_count FROM researchers_author WHERE id = %s", [author.pk])
        count = cur.fetchone()[0]
    if created:
        FollowRateEvent.objects.create(user=user)
    author.followers_count = count
    return created, count


@transaction.atomic
def follow_delete(*, user, author) -> tuple[bool, int]:
    """Unfollow `author`; returns (deleted, followers_count). A double unfollow changes nothing."""
    if not user.is_authenticated:
        raise NotAllowed("Log in to follow researchers.")
    with connection.cursor() as cur:
        cur.execute("DELETE FROM researchers_follow WHERE user_id = %s AND author_id = %s", [user.pk, author.pk])
        deleted = cur.rowcount > 0
        if deleted:
            cur.execute(
                "UPDATE researchers_author SET followers_count = GREATEST(followers_count - 1, 0) WHERE id = %s"
                " RETURNING followers_count",
                [author.pk],
            )
        else:
            cur.execute("SELECT followers_count FROM researchers_author WHERE id = %s", [author.pk])
        count = cur.fetchone()[0]
    author.followers_count = count
    return deleted, count


@transaction.atomic
def follow_rate_events_prune(*, older_than=None) -> int:
    """Delete rate-limit rows older than the window; returns how many went."""
    cutoff = timezone.now() - (older_than or RATE_WINDOW * 2)
    deleted, _ = FollowRateEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def followers_count_recount(*, author_ids) -> None:
    """Repair tool: recompute followers_count from Follow rows, set-based."""
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE researchers_author a SET followers_count = coalesce(f.n, 0)"
            " FROM (SELECT id FROM researchers_author WHERE id = ANY(%s)) t"
            " LEFT JOIN (SELECT author_id, count(*) n FROM researchers_follow WHERE author_id = ANY(%s)"
            " GROUP BY author_id) f ON f.author_id = t.id WHERE a.id = t.id",
            [list(author_ids), list(author_ids)],
        )
    return Author.objects.filter(pk__in=author_ids)


# ---------------------------------------------------------------- moves between records

@transaction.atomic
def author_followers_move(*, source_id: int, target_id: int) -> dict:
    """Move every follow of record `source_id` to `target_id` (no duplicates) and recount both; returns the undo record.

    The feed and the digest are read from Follow rows, so they follow the move with no further
    write. The record lists the followers that moved and those new to the target, which is what
    `author_social_restore` needs to put them back exactly.
    """
    if int(source_id) == int(target_id):
        return {"from": source_id, "to": target_id, "user_ids": [], "added": []}
    with connection.cursor() as cur:
        cur.execute(
            "WITH gone AS (DELETE FROM researchers_follow WHERE author_id = %s RETURNING user_id, created_at),"
            " added AS (INSERT INTO researchers_follow (user_id, author_id, created_at)"
            "  SELECT user_id, %s, created_at FROM gone ON CONFLICT (user_id, author_id) DO NOTHING RETURNING user_id)"
            " SELECT (SELECT coalesce(array_agg(user_id ORDER BY user_id), '{}') FROM gone),"
            "        (SELECT coalesce(array_agg(user_id ORDER BY user_id), '{}') FROM added)",
            [source_id, target_id],
        )
        moved, added = cur.fetchone()
    followers_count_recount(author_ids=[source_id, target_id])
    return {"from": int(source_id), "to": int(target_id), "user_ids": list(moved), "added": list(added)}


def _user_table():
    return connection.ops.quote_name(get_user_model()._meta.db_table)


def _followers_restore(record):
    """Undo `author_followers_move`: the moved followers back on the source, the added ones off the target."""
    src, dst = record["from"], record["to"]
    with connection.cursor() as cur:
        cur.execute(
            # Accounts deleted since the merge took their follows with them; only live ones come back.
            "INSERT INTO researchers_follow (user_id, author_id, created_at)"
            f" SELECT u, %s, now() FROM unnest(%s::bigint[]) u WHERE EXISTS (SELECT 1 FROM {_user_table()} WHERE id = u)"
            " ON CONFLICT (user_id, author_id) DO NOTHING RETURNING user_id",
            [src, list(record["user_ids"])],
        )
        back = sorted(r[0] for r in cur.fetchall())
        cur.execute("DELETE FROM researchers_follow WHERE author_id = %s AND user_id = ANY(%s)",
                    [dst, list(record["added"])])
    followers_count_recount(author_ids=[src, dst])
    # As a forward move from the target back to the source: undoing it replays the original move.
    return {"from": dst, "to": src, "user_ids": list(record["user_ids"]), "added": back}


def _invitations_move(*, source_id, target_id):
    """Re-point invitations sent from or to `source_id`; a second pending one to the same record stays put."""
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE researchers_invitation SET sender_author_id = %s WHERE sender_author_id = %s RETURNING id",
            [target_id, source_id],
        )
        sent = sorted(r[0] for r in cur.fetchall())
        # invitation_one_pending_per_pair: a sender with a pending invitation to both records keeps
        # the one to the survivor; the other stays on the merged-away record, which still redirects.
        cur.execute(
            "UPDATE researchers_invitation i SET recipient_author_id = %s WHERE i.recipient_author_id = %s"
            " AND NOT (i.status = 'pending' AND EXISTS (SELECT 1 FROM researchers_invitation o"
            "  WHERE o.recipient_author_id = %s AND o.sender_id = i.sender_id AND o.status = 'pending'))"
            " RETURNING id",
            [target_id, source_id, target_id],
        )
        received = sorted(r[0] for r in cur.fetchall())
    return {"from": int(source_id), "to": int(target_id), "sent": sent, "received": received}


def _invitations_restore(record):
    src, dst = record["from"], record["to"]
    with connection.cursor() as cur:
        cur.execute("UPDATE researchers_invitation SET sender_author_id = %s WHERE id = ANY(%s) AND sender_author_id = %s"
                    " RETURNING id", [src, list(record["sent"]), dst])
        sent = sorted(r[0] for r in cur.fetchall())
        cur.execute("UPDATE researchers_invitation i SET recipient_author_id = %s WHERE id = ANY(%s)"
                    " AND recipient_author_id = %s AND NOT (i.status = 'pending' AND EXISTS (SELECT 1"
                    "  FROM researchers_invitation o WHERE o.recipient_author_id = %s AND o.sender_id = i.sender_id"
                    "  AND o.status = 'pending')) RETURNING id", [src, list(record["received"]), dst, src])
        received = sorted(r[0] for r in cur.fetchall())
    return {"from": dst, "to": src, "sent": sent, "received": received}


@transaction.atomic
def author_social_move(*, source_id: int, target_id: int) -> dict:
    """Everything people attached to record `source_id` moves to `target_id`: follows (hence feed and digest,
    follower counts recounted) and invitations. Returns the undo record for the identity log."""
    return {
        "follows": author_followers_move(source_id=source_id, target_id=target_id),
        "invitations": _invitations_move(source_id=source_id, target_id=target_id),
    }


@transaction.atomic
def author_social_restore(*, record: dict) -> dict:
    """Undo an `author_social_move` from its record; returns the record that would redo it."""
    out = {}
    if record.get("follows"):
        out["follows"] = _followers_restore(record["follows"])
    if record.get("invitations"):
        out["invitations"] = _invitations_restore(record["invitations"])
    return out
