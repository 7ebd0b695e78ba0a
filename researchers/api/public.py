"""Read-only researcher endpoints: list with search and filters, detail, works."""

import django_filters
from django.db.models import Exists, OuterRef
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny

from config.api import NewestFirstCursorPagination
from config.api_views import ConditionalRetrieveMixin
from papers.api.serializers import AuthorWorkSerializer
from papers.impact.serializers import AuthorImpactField
from papers.models import AuthorTopic
from researchers import selectors
from researchers.models import Author, ClaimState
from trust.api.serializers import TrustPartSerializer


class ResearcherFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_noop", label="Typo- and accent-tolerant name search",
                                       max_length=200)
    topic = django_filters.CharFilter(method="filter_topic", label="Topic slug the researcher works on")
    claimed = django_filters.BooleanFilter(method="filter_claimed")
    level = django_filters.TypedChoiceFilter(
        field_name="verification_level", coerce=int, choices=[(n, f"L{n}") for n in range(1, 5)]
    )

    class Meta:
        model = Author
        fields = ["search", "topic", "claimed", "level"]

    def filter_noop(self, queryset, name, value):
        # The name match needs an annotation the selector adds; see ResearcherViewSet.get_queryset.
        return queryset

    def filter_topic(self, queryset, name, value):
        return queryset.filter(Exists(AuthorTopic.objects.filter(author_id=OuterRef("pk"), topic__slug=value)))

    def filter_claimed(self, queryset, name, value):
        if value:
            return queryset.exclude(claim_state=ClaimState.UNCLAIMED)
        return queryset.filter(claim_state=ClaimState.UNCLAIMED)


class ResearcherCursorPagination(NewestFirstCursorPagination):
    """Most works first; best name match first when searching."""

    ordering = ("-works_count", "id")
    search_ordering = ("-score", "id")


class WorksCursorPagination(NewestFirstCursorPagination):
    ordering = ("-submitted", "-id")


class CountsSerializer(serializers.Serializer):
    works = serializers.IntegerField(source="works_count")
    followers = serializers.IntegerField(source="followers_count")
    topics = serializers.IntegerField(source="topics_count")
    collaborators = serializers.IntegerField(source="close_collaborators_count")


class ResearcherListSerializer(serializers.ModelSerializer):
    counts = CountsSerializer(source="*")
    verification_level = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Author
        fields = [
            "slug", "display_name", "affiliation", "is_collaboration", "claim_state", "verification_level",
            "open_to_collaborate", "first_year", "last_year", "counts", "url",
        ]

    def get_verification_level(self, author) -> str:
        return f"L{author.verification_level}"

    def get_url(self, author) -> str:
        return author.get_absolute_url()


class TopTopicSerializer(serializers.Serializer):
    slug = serializers.CharField(source="topic.slug")
    name = serializers.CharField(source="topic.name")
    kind = serializers.CharField(source="topic.kind")
    weight = serializers.FloatField()
    papers_count = serializers.IntegerField()


class TrustSummarySerializer(serializers.Serializer):
    score = serializers.IntegerField()
    tier = serializers.CharField()
    under_review = serializers.BooleanField()
    model_version = serializers.CharField()
    computed_at = serializers.DateTimeField()
    parts = TrustPartSerializer(many=True)


class ResearcherDetailSerializer(ResearcherListSerializer):
    top_topics = TopTopicSerializer(many=True)
    trust = serializers.SerializerMethodField()
    impact = AuthorImpactField(help_text="Citations, h-index, i10-index: our computation over the record's works")
    uncertain_works_count = serializers.IntegerField(
        read_only=True, help_text="Works whose author-disambiguation confidence is under the published threshold "
                                  "(researchers.confidence.LOW_CONFIDENCE_THRESHOLD); see each work's confidence.",
    )
    low_confidence = serializers.BooleanField(
        read_only=True,
        help_text="Unclaimed and holding works the model is unsure of: some works may be another person's.",
    )

    class Meta(ResearcherListSerializer.Meta):
        fields = ResearcherListSerializer.Meta.fields + [
            "bio", "role", "links", "name_variants", "orcid", "top_topics", "trust",
            "uncertain_works_count", "low_confidence", "impact",
        ]

    @extend_schema_field(TrustSummarySerializer(allow_null=True))
    def get_trust(self, author) -> dict | None:
        trust = self.context.get("trust")
        return TrustSummarySerializer(trust).data if trust is not None else None


@extend_schema_view(
    list=extend_schema(summary="List researchers", tags=["researchers"]),
    retrieve=extend_schema(summary="A researcher with counts, top topics and trust breakdown", tags=["researchers"]),
)
class ResearcherViewSet(ConditionalRetrieveMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    """Public author records built from arXiv metadata."""

    permission_classes = [AllowAny]
    lookup_field = "slug"
    filterset_class = ResearcherFilter
    pagination_class = ResearcherCursorPagination

    def get_queryset(self):
        return selectors.researchers_for_api_list(search=self.request.query_params.get("search", ""))

    def get_object(self):
        try:
            author = selectors.researcher_for_api_detail(slug=self.kwargs["slug"])
        except Author.DoesNotExist:
            raise NotFound("No researcher with this slug.") from None
        # Trust lives in its own app; ask its selector from the view layer (no module-level import).
        from trust.selectors import trust_for_profile

        self.trust = trust_for_profile(author=author)
        return author

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["trust"] = getattr(self, "trust", None)
        return context

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ResearcherDetailSerializer
        if self.action == "works":
            return AuthorWorkSerializer
        return ResearcherListSerializer

    @extend_schema(summary="A researcher's works, newest first", tags=["researchers"], filters=False,
                   responses=AuthorWorkSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=WorksCursorPagination, filterset_class=None)
    def works(self, request, slug=None):
        try:
            author = Author.objects.only("id").get(slug=slug, merged_into__isnull=True)
        except Author.DoesNotExist:
            raise NotFound("No researcher with this slug.") from None
        page = self.paginate_queryset(selectors.works_for_api(author=author))
        return self.get_paginated_response(AuthorWorkSerializer(page, many=True).data)
