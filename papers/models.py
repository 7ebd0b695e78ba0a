from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse


class Paper(models.Model):
    arxiv_id = models.CharField(max_length=40, unique=True, help_text="arXiv id without version, e.g. 2401.01234")
    version = models.PositiveSmallIntegerField(default=1, help_text="Latest version number seen")
    # [{"version": 1, "date": "2024-01-02T10:00:00+00:00", "size": "123kb"}, ...] oldest first.
    versions = models.JSONField(default=list, blank=True)

    title = models.TextField()
    abstract = models.TextField(blank=True)
    categories = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    primary_category = models.CharField(max_length=40, blank=True)

    submitted = models.DateTimeField(null=True, blank=True, help_text="Date of version 1")
    updated = models.DateTimeField(null=True, blank=True, help_text="Date of the latest version or metadata update")
    year = models.PositiveSmallIntegerField(null=True, blank=True)

    doi = models.CharField(max_length=300, blank=True)
    journal_ref = models.TextField(blank=True)
    comments = models.TextField(blank=True)
    license = models.CharField(max_length=300, blank=True)
    report_no = models.TextField(blank=True)
    submitter = models.CharField(max_length=300, blank=True)

    has_code = models.BooleanField(default=False)
    code_url = models.URLField(max_length=500, blank=True)
    withdrawn = models.BooleanField(default=False)
    deleted = models.BooleanField(default=False, help_text="Reported deleted by OAI-PMH")

    authors_count = models.PositiveIntegerField(default=0)
    # Weighted title (A) > abstract (B); filled set-based by the importer.
    search_vector = SearchVectorField(null=True, editable=False)
    # md5 of the normalised record: a re-import with the same hash is "unchanged".
    content_hash = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted", "-id"]
        indexes = [
            # Paper full-text search (/search, /api/papers/?search=).
            GinIndex(fields=["search_vector"], name="paper_search_gin"),
            # Home page "recent papers" and the feed: newest first.
            models.Index(fields=["-submitted", "-id"], name="paper_submitted_idx"),
            # API filter by category (categories @> ARRAY[...]).
            GinIndex(fields=["categories"], name="paper_categories_gin"),
            # API filter by year.
            models.Index(fields=["year"], name="paper_year_idx"),
        ]

    def __str__(self):
        return f"{self.arxiv_id}: {self.title[:80]}"

    def get_absolute_url(self):
        return reverse("papers:detail", kwargs={"arxiv_id": self.arxiv_id})

    @property
    def abs_url(self):
        return f"https://arxiv.org/abs/{self.arxiv_id}"

    @property
    def pdf_url(self):
        return f"https://arxiv.org/pdf/{self.arxiv_id}"

    @property
    def is_journal(self):
        return bool(self.journal_ref or self.doi)


class Institution(models.Model):
    name = models.CharField(max_length=500)
    # Case- and accent-folded name: the importer's ON CONFLICT key.
    key = models.CharField(max_length=500, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    authorships_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Attribution(models.TextChoices):
    NAME = "name", "Matched by name"
    INITIALS = "initials", "Matched by initials (weak)"
    ORCID = "orcid", "Matched by ORCID"
    OWNER = "owner", "Accepted by the record's owner"
    PENDING = "pending", "Awaiting the owner's review"


# The three link tables below (Authorship, PaperTopic, AuthorTopic) get millions of rows per
# import, and a database foreign key costs one deferred row-locking check per inserted row: the
# largest single cost of a bulk load (about a sixth of its SQL time, all of it at COMMIT). So
# their keys are declared without database constraints (db_constraint=False), as high-volume
# Django schemas do. Integrity holds by construction: the loader's set-based INSERTs only join
# rows that exist, authors and papers are never hard-deleted (merges keep the record, papers
# are soft-deleted), and Django's collector still applies on_delete (CASCADE, PROTECT) in Python.
# tests/test_import_loader.py checks that an import leaves no dangling key.


class Authorship(models.Model):
    """One byline slot. The raw string is kept forever: claims and splits attach here."""

    # db_index=False: the (paper, position) unique index leads with this column and serves every lookup a
    # separate index would; one index fewer to maintain on bulk imports.
    paper = models.ForeignKey(
        Paper, on_delete=models.CASCADE, related_name="authorships", db_index=False, db_constraint=False
    )
    # db_index=False: the (author, paper) index leads with this column and serves every lookup a
    # separate index would; one index fewer to maintain on bulk imports.
    author = models.ForeignKey(
        "researchers.Author", on_delete=models.PROTECT, related_name="authorships", db_index=False,
        db_constraint=False,
    )
    position = models.PositiveSmallIntegerField(help_text="0-based byline position")
    raw_name = models.TextField(help_text="The author string exactly as in the source")
    keyname = models.CharField(max_length=300, blank=True)
    forenames = models.CharField(max_length=300, blank=True)
    suffix = models.CharField(max_length=40, blank=True)
    affiliation = models.TextField(blank=True)
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.SET_NULL, related_name="authorships"
    )
    attribution = models.CharField(max_length=10, choices=Attribution.choices, default=Attribution.NAME)
    # Author disambiguation (S2AND): how sure the model is that this slot belongs to its record
    # (0–1; NULL until the slot's block has been clustered), and the strongest evidence for it,
    # e.g. "3 shared coauthors · same institution · cs.LG".
    confidence = models.FloatField(null=True, blank=True)
    # db_default: the loader's bulk INSERT leaves it out (empty until the block is clustered).
    evidence = models.CharField(max_length=300, blank=True, default="", db_default="")

    class Meta:
        ordering = ["paper_id", "position"]
        constraints = [models.UniqueConstraint(fields=["paper", "position"], name="authorship_paper_position_uniq")]
        indexes = [
            # Works of an author, coauthor self-joins and aggregate refreshes: WHERE author_id = ?.
            models.Index(fields=["author", "paper"], name="authorship_author_paper_idx"),
            # Graph slice institutions: the affiliated bylines of the shown people. Partial, so it
            # holds only bylines that name an institution and costs bulk imports almost nothing.
            models.Index(fields=["author"], condition=models.Q(institution__isnull=False),
                         name="authorship_author_inst_idx"),
        ]

    def __str__(self):
        return f"{self.raw_name} @ {self.paper_id}#{self.position}"


class TopicKind(models.TextChoices):
    CATEGORY = "category", "arXiv category"
    PHRASE = "phrase", "Phrase topic"


class Topic(models.Model):
    kind = models.CharField(max_length=10, choices=TopicKind.choices)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    # The arXiv category code (cs.LG) for category topics, NULL for phrases.
    code = models.CharField(max_length=40, null=True, blank=True, unique=True)
    description = models.TextField(blank=True)
    papers_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        indexes = [
            # Topic lists by popularity within a kind.
            models.Index(fields=["kind", "-papers_count"], name="topic_kind_popularity_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("papers:topic", kwargs={"slug": self.slug})


class PaperTopic(models.Model):
    # db_index=False: the (paper, topic) unique index leads with this column and serves every lookup a
    # separate index would; one index fewer to maintain on bulk imports.
    paper = models.ForeignKey(
        Paper, on_delete=models.CASCADE, related_name="paper_topics", db_index=False, db_constraint=False
    )
    # db_index=False: the (topic, paper) index leads with this column and serves every lookup a
    # separate index would; one index fewer to maintain on bulk imports.
    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="paper_topics", db_index=False, db_constraint=False
    )
    weight = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["paper", "topic"], name="papertopic_uniq")]
        indexes = [
            # Topic page "recent papers" and topic filters: WHERE topic_id = ?.
            models.Index(fields=["topic", "paper"], name="papertopic_topic_idx"),
        ]


class AuthorTopic(models.Model):
    """A maintained aggregate: how strongly an author's works sit on a topic."""

    # db_index=False: the (author, topic) unique index leads with this column and serves every lookup a
    # separate index would; one index fewer to maintain on bulk imports.
    author = models.ForeignKey(
        "researchers.Author", on_delete=models.CASCADE, related_name="author_topics", db_index=False,
        db_constraint=False,
    )
    # db_index=False: the (topic, -papers_count, -weight) index leads with this column and serves every
    # lookup a separate index would; one index fewer to maintain on bulk imports.
    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="author_topics", db_index=False, db_constraint=False
    )
    weight = models.FloatField()
    papers_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["author", "topic"], name="authortopic_uniq")]
        # An author's topics (profile sidebar, ≤ 20 rows sorted in memory) are read through the
        # (author, topic) unique index, so no (author, weight) index is kept.
        indexes = [
            # Topic page "top researchers": WHERE topic_id = ? ORDER BY papers_count DESC, weight DESC.
            models.Index(fields=["topic", "-papers_count", "-weight"], name="authortopic_topic_papers_idx"),
        ]


class ImportState(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    PARTIAL = "partial", "Finished with failed records"
    FAILED = "failed", "Failed"


class ImportRun(models.Model):
    source = models.TextField(help_text="File path, URL or OAI endpoint")
    format = models.CharField(max_length=20, help_text="kaggle, oai-arXiv, oai-arXivRaw, oai-oai_dc or atom")
    state = models.CharField(max_length=10, choices=ImportState.choices, default=ImportState.PENDING)
    params = models.JSONField(default=dict, blank=True)

    seen = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    authors_created = models.PositiveIntegerField(default=0)
    total_expected = models.PositiveIntegerField(null=True, blank=True)
    # [{"record_id": "...", "reason": "..."}], capped so a bad file cannot bloat the row.
    errors = models.JSONField(default=list, blank=True)
    # Byte/line offset for files, resumptionToken for OAI-PMH, start index for the Atom API.
    checkpoint = models.TextField(blank=True)
    message = models.TextField(blank=True)

    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # Admin list filtered by state, newest first.
            models.Index(fields=["state", "-created_at"], name="importrun_state_idx"),
        ]

    def __str__(self):
        return f"ImportRun #{self.pk} {self.format} {self.state}"

    @property
    def progress_percent(self):
        if self.state in (ImportState.SUCCEEDED, ImportState.PARTIAL):
            return 100
        if not self.total_expected:
            return None
        return min(100, round(100 * self.seen / self.total_expected))


class PendingAuthorRefresh(models.Model):
    """An author whose maintained aggregates the importer still owes a refresh.

    Batches only queue the authors they touch; the queue is drained set-based at the end of a
    run (and every so many batches), so a prolific author is recounted once per drain instead
    of once per batch. Being a table, the queue survives a killed import: the next run drains it.
    """

    # No FK constraint: one check per queued row would cost more than the queue saves, and a
    # row left behind by a deleted author is simply skipped by the refresh join.
    author = models.OneToOneField(
        "researchers.Author", on_delete=models.DO_NOTHING, primary_key=True, db_constraint=False, related_name="+"
    )
    authorships_changed = models.BooleanField(default=False, help_text="Bump data_changed_at when drained")
    queued_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"refresh author {self.author_id}"
