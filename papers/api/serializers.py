"""Explicit output serializers for papers and topics; no business logic here."""

from rest_framework import serializers

from papers.impact.serializers import PaperImpactFieldsMixin
from papers.models import Authorship, Paper, Topic


class TopicSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Topic
        fields = ["slug", "name", "kind", "code", "description", "papers_count", "url"]

    def get_url(self, topic) -> str:
        return topic.get_absolute_url()


class PaperAuthorSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(source="author.slug")
    display_name = serializers.CharField(source="author.display_name")
    confidence = serializers.FloatField(
        allow_null=True, read_only=True,
        help_text="How sure the author-disambiguation model is (0–1) that this byline belongs to the record; "
                  "null until the name block has been clustered.",
    )
    evidence = serializers.CharField(
        read_only=True, help_text="The model's strongest evidence, e.g. '3 shared coauthors · same institution · cs.LG'."
    )

    class Meta:
        model = Authorship
        fields = ["position", "raw_name", "display_name", "slug", "affiliation", "confidence", "evidence"]


class PaperTopicSerializer(serializers.Serializer):
    slug = serializers.CharField(source="topic.slug")
    name = serializers.CharField(source="topic.name")
    kind = serializers.CharField(source="topic.kind")
    weight = serializers.FloatField()


class PaperListSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    cited_by = serializers.IntegerField(read_only=True, allow_null=True, default=None,
                                        help_text="Citations (OpenAlex; null until fetched), see papers.impact")

    class Meta:
        model = Paper
        fields = [
            "arxiv_id", "title", "categories", "primary_category", "year", "submitted", "updated",
            "authors_count", "has_code", "code_url", "doi", "journal_ref", "withdrawn", "url",
            "cited_by",
        ]

    def get_url(self, paper) -> str:
        return paper.get_absolute_url()


class AuthorWorkSerializer(PaperListSerializer):
    """A paper in one researcher's works, with how sure the disambiguation model is that it is theirs."""

    confidence = serializers.FloatField(
        source="slot_confidence", allow_null=True, read_only=True,
        help_text="Model confidence (0–1) that this researcher's byline on the paper is theirs; null until scored.",
    )
    evidence = serializers.CharField(
        source="slot_evidence", read_only=True,
        help_text="The strongest evidence behind the attribution, e.g. '3 shared coauthors · same institution · cs.LG'.",
    )
    low_confidence = serializers.SerializerMethodField(
        help_text="Confidence under researchers.confidence.LOW_CONFIDENCE_THRESHOLD: the work may be another person's.",
    )

    class Meta(PaperListSerializer.Meta):
        fields = PaperListSerializer.Meta.fields + ["confidence", "evidence", "low_confidence"]

    def get_low_confidence(self, paper) -> bool:
        from researchers.confidence import is_low_confidence

        return is_low_confidence(paper.slot_confidence)


class SimilarPaperSerializer(serializers.Serializer):
    """A precomputed neighbour by meaning (discovery.SimilarPaper)."""

    arxiv_id = serializers.CharField(source="neighbour.arxiv_id")
    title = serializers.CharField(source="neighbour.title")
    score = serializers.FloatField()
    why = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, row) -> str:
        return row.neighbour.get_absolute_url()


class PaperDetailSerializer(PaperImpactFieldsMixin, PaperListSerializer):
    authors = PaperAuthorSerializer(source="authorships", many=True)
    topics = PaperTopicSerializer(source="paper_topics", many=True)
    similar = SimilarPaperSerializer(many=True, help_text="Nearest papers by meaning; empty until computed")
    abs_url = serializers.CharField()
    pdf_url = serializers.CharField()

    class Meta(PaperListSerializer.Meta):
        fields = PaperListSerializer.Meta.fields + [
            "abstract", "version", "versions", "comments", "license", "report_no",
            "authors", "topics", "abs_url", "pdf_url", "citations", "references", "cited_by_papers", "similar",
        ]
