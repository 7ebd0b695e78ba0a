"""Writes: upvotes, topic follows, the reading list and private feed tokens.

Each is idempotent: the unique constraints decide races, and a repeated call changes nothing.
"""

from __future__ import annotations

import secrets

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from papers.models import Paper, Topic
from researchers.services.errors import NotAllowed, RateLimited

from .models import FeedToken, SavedPaper, TopicFollow

VOTES_PER_HOUR = 120
TOPIC_FOLLOWS_PER_HOUR = 100
RATE_WINDOW_SECONDS = 3600


def _require_user(user, message: str) -> None:
    if not user.is_authenticated:
        raise NotAllowed(message)


def _rate_limit(*, user, action: str, limit: int, message: str) -> None:
    """Fixed hourly window per user and action in the shared cache (Redis in production)."""
    key = f"discovery:rate:{action}:{user.pk}:{int(timezone.now().timestamp()) // RATE_WINDOW_SECONDS}"
    cache.add(key, 0, RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, RATE_WINDOW_SECONDS)
        count = 1
    if count > limit:
        raise RateLimited(message)


@transaction.atomic
def paper_upvote(*, user, paper: Paper) -> tuple[bool, int]:
    """Upvote `paper` once; returns (created, upvotes). Idempotent; VOTES_PER_HOUR vote changes an hour."""
    _require_user(user, "Sign in to upvote papers.")
    _rate_limit(user=user, action="vote", limit=VOTES_PER_HOUR,
                message=f"You can change at most {VOTES_PER_HOUR} votes an hour. Try again later.")
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO papers_papervote (user_id, paper_id, created_at) VALUES (%s, %s, now())"
            " ON CONFLICT (user_id, paper_id) DO NOTHING RETURNING id",
            [user.pk, paper.pk],
        )
        created = cur.fetchone() is not None
        if created:
            cur.execute(
                "INSERT INTO papers_papertally (paper_id, upvotes, last_vote_at) VALUES (%s, 1, now())"
                " ON CONFLICT (paper_id) DO UPDATE SET upvotes = papers_papertally.upvotes + 1,"
                " last_vote_at = now() RETURNING upvotes",
                [paper.pk],
            )
        else:
            cur.execute("SELECT coalesce(max(upvotes), 0) FROM papers_papertally WHERE paper_id = %s", [paper.pk])
        count = cur.fetchone()[0]
    return created, count


@transaction.atomic
def paper_unvote(*, user, paper: Paper) -> tuple[bool, int]:
    """Take back an upvote; returns (deleted, upvotes). A second call changes nothing."""
    _require_user(user, "Sign in to upvote papers.")
    _rate_limit(user=user, action="vote", limit=VOTES_PER_HOUR,
                message=f"You can change at most {VOTES_PER_HOUR} votes an hour. Try again later.")
    with connection.cursor() as cur:
        cur.execute("DELETE FROM papers_papervote WHERE user_id = %s AND paper_id = %s", [user.pk, paper.pk])
        deleted = cur.rowcount > 0
        if deleted:
            cur.execute(
                "UPDATE papers_papertally SET upvotes = GREATEST(upvotes - 1, 0) WHERE paper_id = %s"
                " RETURNING upvotes",
                [paper.pk],
            )
        else:
            cur.execute("SELECT coalesce(max(upvotes), 0) FROM papers_papertally WHERE paper_id = %s", [paper.pk])
        row = cur.fetchone()
    return deleted, row[0] if row else 0


@transaction.atomic
def topic_follow_create(*, user, topic: Topic) -> bool:
    """Follow `topic`; returns whether a follow was added. Idempotent; TOPIC_FOLLOWS_PER_HOUR an hour."""
    _require_user(user, "Sign in to follow topics.")
    if TopicFollow.objects.filter(user=user, topic=topic).exists():
        return False
    _rate_limit(user=user, action="topic-follow", limit=TOPIC_FOLLOWS_PER_HOUR,
                message=f"You can follow at most {TOPIC_FOLLOWS_PER_HOUR} topics an hour. Try again later.")
    _, created = TopicFollow.objects.get_or_create(user=user, topic=topic)
    return created


@transaction.atomic
def topic_follow_delete(*, user, topic: Topic) -> bool:
    """Unfollow `topic`; returns whether a follow was removed."""
    _require_user(user, "Sign in to follow topics.")
    deleted, _ = TopicFollow.objects.filter(user=user, topic=topic).delete()
    return bool(deleted)


@transaction.atomic
def saved_paper_create(*, user, paper: Paper) -> bool:
    """Put `paper` on the user's reading list; returns whether it was added. Idempotent."""
    _require_user(user, "Sign in to save papers to your reading list.")
    _, created = SavedPaper.objects.get_or_create(user=user, paper=paper)
    return created


@transaction.atomic
def saved_paper_delete(*, user, paper: Paper) -> bool:
    """Take `paper` off the user's reading list; returns whether it was there."""
    _require_user(user, "Sign in to save papers to your reading list.")
    deleted, _ = SavedPaper.objects.filter(user=user, paper=paper).delete()
    return bool(deleted)


@transaction.atomic
def feed_token_get_or_create(*, user, regenerate: bool = False) -> str:
    """The secret of the user's private feed address; `regenerate` revokes the old one."""
    _require_user(user, "Sign in to get your private feed.")
    token = secrets.token_urlsafe(32)
    if regenerate:
        row, _ = FeedToken.objects.update_or_create(user=user, defaults={"token": token})
        return row.token
    row, _ = FeedToken.objects.get_or_create(user=user, defaults={"token": token})
    return row.token
