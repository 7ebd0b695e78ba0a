import django_filters
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F

from papers.models import Paper, Topic, TopicKind


class PaperFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Full-text search (title weighted over abstract)")
    category = django_filters.CharFilter(method="filter_category", label="arXiv category, e.g. cs.LG")
    year = django_filters.NumberFilter(field_name="year")
    has_code = django_filters.BooleanFilter(field_name="has_code")

    class Meta:
        model = Paper
        fields = ["search", "category", "year", "has_code"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        query = SearchQuery(value, search_type="websearch", config="english")
        return queryset.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))

    def filter_category(self, queryset, name, value):
        return queryset.filter(categories__contains=[value.strip()])


class TopicFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=TopicKind.choices)
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Topic
        fields = ["kind", "search"]
