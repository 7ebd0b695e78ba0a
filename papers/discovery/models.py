"""Discovery: upvotes, topic follows, saved papers, private feed tokens, embeddings and neighbours.

Models of the papers app (imported by papers/models.py), kept in their own module so the bulk-imported
paper schema stays as it is: every row here points at a paper, a topic or a user.
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

    def __str__(self):
        return f"user {self.user_id} upvotes paper {self.paper_id}"
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

    def __str__(self):
        return f"paper {self.paper_id}: {self.upvotes} upvotes"


class TopicFollow(models.Model):
    """A user follows a topic: its new papers join their feed ("Your topics") and email digest."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_follows")
    topic = models.ForeignKey("papers.Topic", on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="topicfollow_user_topic_uniq")]

    def __str__(self):
        return f"user {self.user_id} follows topic {self.topic_id}"
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

    def __str__(self):
        return f"user {self.user_id} saved paper {self.paper_id}"


class FeedToken(models.Model):
    """The secret in a user's private Atom feed address; regenerating it revokes the old address."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_token")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"feed token of user {self.user_id}"


class PaperEmbedding(models.Model):
    """A paper's title+abstract vector (all-MiniLM-L6-v2, 384 float32, little-endian bytes).

    bytea rather than real[]: 1.5 kB read and written as one value, no per-element boxing; pgvector
    is not packaged for this Postgres. The ANN index (usearch, a file under EMBEDDINGS_DIR) is
    rebuilt from these rows whenever it is missing, so the table is the source of truth.
    """

    paper = models.OneToOneField("papers.Paper", on_delete=models.CASCADE, primary_key=True, related_name="embedding")
    vector = models.BinaryField()
    model = models.CharField(max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"embedding of paper {self.paper_id} ({self.model})"


class SimilarPaper(models.Model):
    """A paper's precomputed nearest neighbour by meaning, with why a reader should care."""

    paper = models.ForeignKey("papers.Paper", on_delete=models.CASCADE, related_name="similar", db_index=False)
    neighbour = models.ForeignKey("papers.Paper", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField(help_text="Cosine similarity")
    # "Shared topic: binarization" / "Shared author: Zechun Liu": filled when the neighbours are stored.
    why = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["paper", "rank"], name="similarpaper_paper_rank_uniq")]

    def __str__(self):
        return f"paper {self.paper_id} ~ paper {self.neighbour_id} ({self.score:.2f})"
        # The paper page's "Similar papers": WHERE paper_id = ? ORDER BY rank uses the unique index.
