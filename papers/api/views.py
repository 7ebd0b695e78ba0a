from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.permissions import AllowAny

from config.api import NewestFirstCursorPagination
from config.api_views import ConditionalRetrieveMixin
from papers import selectors

from .filters import PaperFilter, TopicFilter
from .serializers import PaperDetailSerializer, PaperListSerializer, TopicSerializer


class PaperCursorPagination(NewestFirstCursorPagination):
    """Newest first; by relevance (then id) when the list is a full-text search."""

    ordering = ("-submitted", "-id")
    search_ordering = ("-rank", "-id")


@extend_schema(tags=["papers"])
class PaperViewSet(ConditionalRetrieveMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """arXiv papers. `arxiv_id` has no version suffix; old-style ids contain a slash."""

    permission_classes = [AllowAny]
    lookup_field = "arxiv_id"
    lookup_value_regex = r"[A-Za-z.\-]+/\d{7}|\d{4}\.\d{4,5}"
    filterset_class = PaperFilter
    pagination_class = PaperCursorPagination

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.papers_for_api_detail()
        return selectors.papers_for_api_list()

    def get_serializer_class(self):
        return PaperDetailSerializer if self.action == "retrieve" else PaperListSerializer


class TopicCursorPagination(NewestFirstCursorPagination):
    ordering = ("-papers_count", "id")


@extend_schema(tags=["topics"])
class TopicViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """arXiv category topics and phrase topics extracted from titles and abstracts."""

    permission_classes = [AllowAny]
    lookup_field = "slug"
    serializer_class = TopicSerializer
    filterset_class = TopicFilter
    pagination_class = TopicCursorPagination

    def get_queryset(self):
        return selectors.topics_for_api()
