"""API output for citation figures: per paper (papers API) and per author record (researchers API)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class PaperCitationsSerializer(serializers.Serializer):
    cited_by_count = serializers.IntegerField(allow_null=True, help_text="Citations, both versions summed once")
    influential_count = serializers.IntegerField(allow_null=True, help_text="Semantic Scholar only")
    counts_by_year = serializers.DictField(child=serializers.IntegerField(), help_text='{"2023": 2, …}')
    openalex_ids = serializers.ListField(child=serializers.CharField())
    dois = serializers.ListField(child=serializers.CharField())
    sources = serializers.ListField(child=serializers.CharField(), help_text='"openalex", "s2"')
    fetched_at = serializers.DateTimeField(allow_null=True)


class ReferenceSerializer(serializers.Serializer):
    openalex_id = serializers.CharField(source="cited_work")
    arxiv_id = serializers.SerializerMethodField(help_text="Set when the reference is a paper on BZPEER")
    doi = serializers.CharField(source="cited_doi")
    title = serializers.SerializerMethodField()

    def get_arxiv_id(self, ref) -> str | None:
        return ref.cited_paper.arxiv_id if ref.cited_paper_id and ref.cited_paper else None

    def get_title(self, ref) -> str:
        return ref.cited_paper.title if ref.cited_paper_id and ref.cited_paper else ref.cited_title


class CitingPaperSerializer(serializers.Serializer):
    arxiv_id = serializers.CharField()
    title = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)


class AuthorImpactSerializer(serializers.Serializer):
    citations = serializers.IntegerField()
    h_index = serializers.IntegerField()
    i10_index = serializers.IntegerField()
    cited_works = serializers.IntegerField(help_text="Works on the record with citation figures")
    citations_by_year = serializers.DictField(child=serializers.IntegerField())
    computed_at = serializers.DateTimeField()


class PaperImpactFieldsMixin(serializers.Serializer):
    """citations, references and cited_by_papers of the paper API detail (3 queries, one paper_impact call)."""

    cited_by = serializers.SerializerMethodField(help_text="Citations (null until fetched), as in lists")
    citations = serializers.SerializerMethodField()
    references = serializers.SerializerMethodField()
    cited_by_papers = serializers.SerializerMethodField()

    def _impact(self, paper):
        from papers.impact.selectors import paper_impact

        if getattr(paper, "_impact", None) is None:
            paper._impact = paper_impact(paper=paper)
        return paper._impact

    def get_cited_by(self, paper) -> int | None:
        return self._impact(paper).cited_by

    @extend_schema_field(PaperCitationsSerializer(allow_null=True))
    def get_citations(self, paper):
        found = self._impact(paper).citations
        return PaperCitationsSerializer(found).data if found is not None else None

    @extend_schema_field(ReferenceSerializer(many=True))
    def get_references(self, paper):
        return ReferenceSerializer(self._impact(paper).references, many=True).data

    @extend_schema_field(CitingPaperSerializer(many=True))
    def get_cited_by_papers(self, paper):
        return CitingPaperSerializer(self._impact(paper).citing, many=True).data


@extend_schema_field(AuthorImpactSerializer(allow_null=True))
class AuthorImpactField(serializers.Field):
    """The record's AuthorImpact (joined by the selector), or null before any figures exist."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, author):
        from papers.impact.selectors import author_impact_of

        impact = author_impact_of(author)
        return AuthorImpactSerializer(impact).data if impact is not None else None
