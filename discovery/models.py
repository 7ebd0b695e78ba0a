"""Discovery: upvotes, topic follows, saved papers, private feed tokens, embeddings and neighbours.

Kept in their own app so the papers and researchers schemas (imported in bulk, edited by many)
stay as they are: every row here points at a paper, a topic or a user.
"""

from django.conf import settings
from django.db import models


class PaperVote(models.Model):
    """One signed-in user's upvote of one paper: the unique constraint makes a vote idempotent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="paper_votes")
    paper = models.ForeignKey("papers.Paper", on_delete=models.CASCADE, related_name="votes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "paper"], name="papervote_user_paper_uniq")]
        # "Which of these cards did I upvote?": WHERE user_id = ? AND paper_id IN (…) is served by the
        # unique index; the per-paper count is the maintained PaperTally, so no (paper) index is read
        # on pages; the FK's own index serves deletes of a paper.


class PaperTally(models.Model):
    """Maintained vote count per paper, so lists read a number instead of counting votes."""

    paper = models.OneToOneField("papers.Paper", on_delete=models.CASCADE, primary_key=True, related_name="tally")
    upvotes = models.PositiveIntegerField(default=0)
    last_vote_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # Trending: papers with votes, most voted first, before the time decay re-ranks them.
            models.Index(fields=["-upvotes"], name="papertally_upvotes_idx", condition=models.Q(upvotes__gt=0)),
        ]


class TopicFollow(models.Model):
    """A user follows a topic: its new papers join their feed ("Your topics") and email digest."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_follows")
    topic = models.ForeignKey("papers.Topic", on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="topicfollow_user_topic_uniq")]
        # A user's followed topics (feed, digest, topic page button) use the unique (user, topic) index.


class SavedPaper(models.Model):
    """A paper on a user's reading list (/me/saved)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_papers")
    paper = models.ForeignKey("papers.Paper", on_delete=models.CASCADE, related_name="saved_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "paper"], name="savedpaper_user_paper_uniq")]
        indexes = [
            # /me/saved and its BibTeX export: WHERE user_id = ? ORDER BY created_at DESC.
            models.Index(fields=["user", "-created_at"], name="savedpaper_user_recent_idx"),
        ]


class FeedToken(models.Model):
    """The secret in a user's private Atom feed address; regenerating it revokes the old address."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_token")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
