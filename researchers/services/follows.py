"""Follows: exact follower counts under concurrency and a sliding-window rate limit."""

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from researchers.models import Author, FollowRateEvent
from researchers.permissions import FOLLOWS_PER_HOUR

from .errors import NotAllowed, RateLimited

RATE_WINDOW = timezone.timedelta(hours=1)


@transaction.atomic
def follow_create(*, user, author):
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
def follow_delete(*, user, author):
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
def follow_rate_events_prune(*, older_than=None):
    """Delete rate-limit rows older than the window; returns how many went."""
    cutoff = timezone.now() - (older_than or RATE_WINDOW * 2)
    deleted, _ = FollowRateEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def followers_count_recount(*, author_ids):
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
