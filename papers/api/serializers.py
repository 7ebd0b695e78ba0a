"""Explicit output serializers for papers and topics; no business logic here."""

from rest_framework import serializers

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

    class Meta:
        model = Authorship
        fields = ["position", "raw_name", "display_name", "slug", "affiliation"]


class PaperTopicSerializer(serializers.Serializer):
    slug = serializers.CharField(source="topic.slug")
    name = serializers.CharField(source="topic.name")
    kind = serializers.CharField(source="topic.kind")
    weight = serializers.FloatField()


class PaperListSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Paper
        fields = [
            "arxiv_id", "title", "categories", "primary_category", "year", "submitted", "updated",
            "authors_count", "has_code", "code_url", "doi", "journal_ref", "withdrawn", "url",
        ]

    def get_url(self, paper) -> str:
        return paper.get_absolute_url()


class SimilarPaperSerializer(serializers.Serializer):
    """A precomputed neighbour by meaning (discovery.SimilarPaper)."""

    arxiv_id = serializers.CharField(source="neighbour.arxiv_id")
    title = serializers.CharField(source="neighbour.title")
    score = serializers.FloatField()
    why = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, row) -> str:
        return row.neighbour.get_absolute_url()


class PaperDetailSerializer(PaperListSerializer):
    authors = PaperAuthorSerializer(source="authorships", many=True)
    topics = PaperTopicSerializer(source="paper_topics", many=True)
    similar = SimilarPaperSerializer(many=True, help_text="Nearest papers by meaning; empty until computed")
    abs_url = serializers.CharField()
    pdf_url = serializers.CharField()

    class Meta(PaperListSerializer.Meta):
        fields = PaperListSerializer.Meta.fields + [
            "abstract", "version", "versions", "comments", "license", "report_no",
            "authors", "topics", "abs_url", "pdf_url", "similar",
        ]
