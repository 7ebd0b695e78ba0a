from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone


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
            # The derive sweep: papers still owed a search vector (papers/ingest/load/search.py).
            models.Index(fields=["id"], condition=models.Q(search_vector__isnull=True), name="paper_search_pending_idx"),
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


# Papers with more authors than this (ATLAS, CMS, LIGO: hundreds or thousands of names) are big
# collaborations: they count as works, but make no one a close collaborator, add no coauthor edges
# to graph slices and say nothing to trust's coherence and vouching. One rule for every app.
COLLABORATION_AUTHOR_LIMIT = 50


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
    # db_default: the loader's set-based INSERTs name their columns and leave this one out.
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

    def __str__(self):
        return f"paper {self.paper_id} on topic {self.topic_id} ({self.weight:.2f})"


class AuthorTopic(models.Model):
    """A maintained aggregate: how strongly an author's works sit on a topic."""

    # Identified by (author, topic), the key every write and the profile's read use. A surrogate id
    # would cost a sequence value and a second B-tree entry on each of the ~12 rows a paper's
    # authors get (1.19M for 100k papers, all rewritten by an import's author refresh): inserting
    # them took 2.3 s with both keys against 1.4 s with this one alone. Django's admin cannot list
    # a model with a composite key; these rows are derived, recomputed by every refresh, never edited.
    pk = models.CompositePrimaryKey("author_id", "topic_id")
    # db_index=False: the (author, topic) primary key leads with this column and serves every lookup a
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
        # An author's topics (profile sidebar, ≤ 20 rows sorted in memory) are read through the
        # (author, topic) primary key, so no (author, weight) index is kept.
        indexes = [
            # Topic page "top researchers": WHERE topic_id = ? ORDER BY papers_count DESC, weight DESC.
            models.Index(fields=["topic", "-papers_count", "-weight"], name="authortopic_topic_papers_idx"),
        ]

    def __str__(self):
        return f"author {self.author_id} on topic {self.topic_id} ({self.papers_count} papers)"


class ImportState(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    PARTIAL = "partial", "Finished with failed records"
    FAILED = "failed", "Failed"
    # Its process died (SIGKILL, OOM, a lost machine) without closing it: the heartbeat went stale.
    INTERRUPTED = "interrupted", "Interrupted"


class ImportRun(models.Model):
    source = models.TextField(help_text="File path, URL or OAI endpoint")
    format = models.CharField(max_length=20, help_text="kaggle, oai-arXiv, oai-arXivRaw, oai-oai_dc or atom")
    state = models.CharField(max_length=12, choices=ImportState.choices, default=ImportState.PENDING)
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
    # Written with every committed batch: a running run whose heartbeat is older than
    # IMPORT_HEARTBEAT_STALE_SECONDS lost its process (papers.services.import_runs_mark_interrupted).
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # Admin list filtered by state, newest first.
            models.Index(fields=["state", "-created_at"], name="importrun_state_idx"),
        ]

    def __str__(self):
        return f"ImportRun #{self.pk} {self.format} {self.state}"

    @property
    def heartbeat_is_stale(self):
        """Running, but silent for longer than IMPORT_HEARTBEAT_STALE_SECONDS: its process is gone."""
        from django.conf import settings

        last = self.heartbeat_at or self.started_at
        return (self.state == ImportState.RUNNING and last is not None
                and (timezone.now() - last).total_seconds() > settings.IMPORT_HEARTBEAT_STALE_SECONDS)

    @property
    def resume_command(self):
        """The command that continues this run (a harvest from its checkpoint; a file rerun is idempotent)."""
        import shlex

        if (self.params or {}).get("via") == "harvest":
            return f"python manage.py harvest_arxiv --resume {self.pk}"
        fmt = "oai" if self.format.startswith("oai") else self.format if self.format in ("kaggle", "atom") else "auto"
        batch = (self.params or {}).get("batch_size")
        return "python manage.py import_arxiv " + shlex.quote(self.source) + (
            f" --format {fmt}" if fmt != "auto" else "") + (f" --batch-size {int(batch)}" if batch else "")

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


class PendingTopicCount(models.Model):
    """A change to a topic's papers_count that a batch committed and the load still owes.

    Every batch touches most topics; papers_count is indexed, so applying each batch's deltas
    rewrote the topic rows and their index entries once per batch. Batches append their summed
    deltas here instead (no index but the key, no update), and drain_topic_counts applies them
    at the end of the load, in the same transaction as it deletes them. Being a table, what a
    killed import owed survives and the next load applies it.
    """

    # No FK constraint, as on PendingAuthorRefresh: a row of a deleted topic is simply skipped.
    topic = models.ForeignKey(Topic, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                              related_name="+")
    n = models.IntegerField(help_text="Papers gained (or, negative, lost) by the topic")

    def __str__(self):
        return f"topic {self.topic_id} {self.n:+d}"


# --- Citations (OpenAlex, Semantic Scholar) ---------------------------------------------------
# Written set-based by papers.impact.store (COPY into staging, INSERT … ON CONFLICT); never saved
# one row at a time. Keys are declared without database constraints, as on the link tables above.


class CitationSource(models.TextChoices):
    OPENALEX = "openalex", "OpenAlex"
    SEMANTIC_SCHOLAR = "s2", "Semantic Scholar"


class CitationWork(models.Model):
    """One external record of one of our papers: an OpenAlex work or a Semantic Scholar paper.

    A paper can have two OpenAlex works (the arXiv record from DataCite and the journal version);
    both are kept here and summed into PaperCitations.
    """

    # "W3188841554" for OpenAlex, "S2:<paperId>" for Semantic Scholar.
    work_id = models.CharField(max_length=64, primary_key=True)
    # The (paper) index serves the per-paper sums and the paper page's ids.
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="citation_works", db_constraint=False)
    source = models.CharField(max_length=10, choices=CitationSource.choices)
    doi = models.CharField(max_length=300, blank=True)
    is_preprint = models.BooleanField(default=False)
    cited_by_count = models.PositiveIntegerField(default=0)
    influential_count = models.PositiveIntegerField(null=True, blank=True, help_text="Semantic Scholar only")
    # {"2023": 2, …}: citations received per calendar year, as the source reports them.
    counts_by_year = models.JSONField(default=dict, blank=True)
    fetched_at = models.DateTimeField()

    def __str__(self):
        return f"{self.work_id} → paper {self.paper_id}"


class PaperCitations(models.Model):
    """The citation figures of one paper, summed over its CitationWork rows (maintained)."""

    paper = models.OneToOneField(
        Paper, on_delete=models.CASCADE, primary_key=True, related_name="citations", db_constraint=False
    )
    # NULL: asked, and no source knows the paper (it waits its turn instead of being asked first again).
    cited_by_count = models.PositiveIntegerField(null=True, blank=True)
    influential_count = models.PositiveIntegerField(null=True, blank=True)
    counts_by_year = models.JSONField(default=dict, blank=True)
    openalex_ids = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    dois = ArrayField(models.CharField(max_length=300), default=list, blank=True)
    sources = ArrayField(models.CharField(max_length=10), default=list, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # Enrichment picks the papers with the oldest figures first.
            models.Index(fields=["fetched_at"], name="papercitations_fetched_idx"),
        ]

    def __str__(self):
        return f"paper {self.paper_id}: cited by {self.cited_by_count}"


class PaperReference(models.Model):
    """One entry of a work's reference list: resolved to our paper when we hold it."""

    citing_work = models.CharField(max_length=64)
    cited_work = models.CharField(max_length=64)
    # db_index=False: the (citing_paper, cited_paper) index below leads with this column.
    citing_paper = models.ForeignKey(
        Paper, on_delete=models.CASCADE, related_name="references", db_index=False, db_constraint=False
    )
    cited_paper = models.ForeignKey(
        Paper, null=True, blank=True, on_delete=models.SET_NULL, related_name="cited_by_references",
        db_index=False, db_constraint=False,
    )
    # Filled when the cited work itself passes through an import (any work, ours or not).
    cited_doi = models.CharField(max_length=300, blank=True)
    cited_title = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["citing_work", "cited_work"], name="paperref_work_pair_uniq")]
        indexes = [
            # Paper page "References": WHERE citing_paper_id = ?.
            models.Index(fields=["citing_paper", "cited_paper"], name="paperref_citing_idx"),
            # Paper page "Cited by papers we hold" and the overlap correction: WHERE cited_paper_id = ?.
            models.Index(fields=["cited_paper", "citing_paper"], name="paperref_cited_idx",
                         condition=models.Q(cited_paper__isnull=False)),
            # Import: resolve references to a work seen later (WHERE cited_work = ANY(batch)).
            models.Index(fields=["cited_work"], name="paperref_cited_work_idx"),
        ]

    def __str__(self):
        return f"{self.citing_work} cites {self.cited_work}"


class AuthorImpact(models.Model):
    """Citation figures of one author record, computed by us over the works on the record."""

    author = models.OneToOneField(
        "researchers.Author", on_delete=models.CASCADE, primary_key=True, related_name="impact", db_constraint=False
    )
    citations = models.PositiveIntegerField(default=0)
    h_index = models.PositiveIntegerField(default=0)
    i10_index = models.PositiveIntegerField(default=0)
    cited_works = models.PositiveIntegerField(default=0, help_text="Works on the record with citation figures")
    citations_by_year = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField()

    def __str__(self):
        return f"author {self.author_id}: h {self.h_index}, {self.citations} citations"


class PendingImpactRefresh(models.Model):
    """An author whose AuthorImpact an OpenAlex import still owes a recount (as PendingAuthorRefresh)."""

    author = models.OneToOneField(
        "researchers.Author", on_delete=models.DO_NOTHING, primary_key=True, db_constraint=False, related_name="+"
    )
    queued_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"impact refresh of author {self.author_id}"


class PendingCitationRecount(models.Model):
    """A paper whose PaperCitations a bulk OpenAlex import still owes a recount.

    A file import queues the papers each batch touches and recounts them once at the end (and
    drain_citation_recount picks up what an interrupted import left): a paper cited across many
    batches is recounted once, not once per batch.
    """

    paper = models.OneToOneField(
        Paper, on_delete=models.DO_NOTHING, primary_key=True, db_constraint=False, related_name="+"
    )

    def __str__(self):
        return f"citation recount of paper {self.paper_id}"


# Discovery (votes, topic follows, reading lists, feed tokens, embeddings, similar papers) lives in
# its own module; importing its models here registers them with the papers app.
from papers.discovery.models import (  # noqa: E402, F401
    FeedToken,
    PaperEmbedding,
    PaperTally,
    PaperVote,
    SavedPaper,
    SimilarPaper,
    TopicFollow,
)
