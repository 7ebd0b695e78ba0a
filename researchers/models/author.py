from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property


class ClaimState(models.TextChoices):
    UNCLAIMED = "unclaimed", "Unclaimed"
    CLAIMED = "claimed", "Claimed"
    DISPUTED = "disputed", "Disputed"


class Author(models.Model):
    """The public author record: one real person (or collaboration) as best we know it.

    Authorships point here and can be re-pointed, so records can be split and merged
    without rewriting the byline data they came from.
    """

    display_name = models.CharField(max_length=300)
    # "surname|forenames", Unicode- and case-folded: the exact-match key used by the importer.
    name_key = models.CharField(max_length=300)
    # "surname|first initial": the weak key an initials-only byline ("J. Smith") may match.
    initials_key = models.CharField(max_length=220)
    name_variants = ArrayField(models.CharField(max_length=300), default=list, blank=True)
    slug = models.SlugField(max_length=320, unique=True)
    # Unique where set (Meta.constraints): partial indexes, because most records have neither and
    # every imported record would otherwise add a NULL entry to each index.
    orcid = models.CharField(max_length=19, null=True, blank=True)  # noqa: DJ001 (NULL: unique where set)
    arxiv_author_id = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001 (NULL: unique where set)
    is_collaboration = models.BooleanField(default=False)

    # Owner-editable profile fields; affiliation is pre-filled from the latest imported one.
    bio = models.CharField(max_length=300, blank=True)
    role = models.CharField(max_length=120, blank=True, default="Researcher")
    affiliation = models.CharField(max_length=300, blank=True)
    links = models.JSONField(default=list, blank=True)
    open_to_collaborate = models.BooleanField(default=False)

    # Maintained aggregates, refreshed set-based by the importer and the services that move
    # authorships or follows, so profile pages never count rows in Python.
    works_count = models.PositiveIntegerField(default=0)
    followers_count = models.PositiveIntegerField(default=0)
    topics_count = models.PositiveIntegerField(default=0)
    close_collaborators_count = models.PositiveIntegerField(default=0)
    # Works whose attribution the disambiguation model is unsure of (Authorship.confidence below
    # the published threshold): the profile's "Low confidence" flag and "may be another person".
    uncertain_works_count = models.PositiveIntegerField(default=0, db_default=0)
    first_year = models.PositiveSmallIntegerField(null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(null=True, blank=True)
    # The profile's sidebar aggregates (works per year, top close collaborators), stored so a page
    # view of a 5,000-work record reads them instead of aggregating its authorships. Refreshed by
    # researchers.services.profile_summary when the record changed after they were computed
    # (updated_at, which every aggregate refresh bumps, is the watermark). NULL: never computed.
    profile_summary = models.JSONField(null=True, blank=True, editable=False)
    profile_summary_at = models.DateTimeField(null=True, blank=True, editable=False)

    claim_state = models.CharField(max_length=12, choices=ClaimState.choices, default=ClaimState.UNCLAIMED)
    # Derived from claim evidence by the identity services; never edited by hand.
    verification_level = models.PositiveSmallIntegerField(default=1)
    # db_index=False: indexed where set only (Meta.indexes), for the same reason as orcid.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_authors",
        db_index=False,
    )
    auto_accept_name_matches = models.BooleanField(default=False)
    # Set when a merge moved every authorship into another record: the profile redirects there.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from", db_index=False
    )

    # Bumped whenever this record's authorships, claim or merge state changes; graph slices
    # and trust scores compare their watermark against it to know they are stale.
    data_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["display_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["orcid"], condition=models.Q(orcid__isnull=False),
                                    name="author_orcid_uniq"),
            models.UniqueConstraint(fields=["arxiv_author_id"], condition=models.Q(arxiv_author_id__isnull=False),
                                    name="author_arxiv_author_id_uniq"),
        ]
        indexes = [
            # "My records" (owner = user) and the claim services' ownership checks.
            models.Index(fields=["owner"], condition=models.Q(owner__isnull=False), name="author_owner_idx"),
            # Merge forwarding: the records merged into this one.
            models.Index(fields=["merged_into"], condition=models.Q(merged_into__isnull=False),
                         name="author_merged_into_idx"),
            # Importer: exact name match of a staged byline against existing records.
            models.Index(fields=["name_key"], name="author_name_key_idx"),
            # Importer: weak initials match ("J. Smith" → "John Smith").
            models.Index(fields=["initials_key"], name="author_initials_key_idx"),
            # Home page "active researchers" and API ordering by body of work.
            models.Index(fields=["-works_count", "id"], name="author_works_idx"),
            # Typo- and accent-tolerant name search: similarity on f_unaccent(lower(name)).
            GinIndex(
                OpClass(models.Func(Lower("display_name"), function="public.f_unaccent"), name="gin_trgm_ops"),
                name="author_name_trgm_idx",
            ),
        ]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("researchers:profile", kwargs={"slug": self.slug})

    @cached_property
    def look_alike_letters(self):
        """Letters from another script that make this name look like a different one (issue 15)."""
        from papers.ingest.keys import confusable_letters

        return confusable_letters(self.display_name)

    @property
    def low_confidence(self):
        """The record-level "Low confidence" flag: unclaimed, with works the model is unsure of."""
        from researchers.confidence import record_is_low_confidence

        return record_is_low_confidence(claim_state=self.claim_state, uncertain_works_count=self.uncertain_works_count)
