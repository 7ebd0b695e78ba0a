from rest_framework import serializers


class TrustPartSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    points = serializers.FloatField()
    cap = serializers.IntegerField(allow_null=True)
    evidence = serializers.ListField(child=serializers.CharField())


class TrustHistoryPointSerializer(serializers.Serializer):
    day = serializers.DateField()
    score = serializers.IntegerField()


class AuthorTrustSerializer(serializers.Serializer):
    """A record's trust score with its parts and 90-day history; score is null while pending."""

    slug = serializers.CharField()
    status = serializers.ChoiceField(choices=["scored", "pending"])
    score = serializers.IntegerField(allow_null=True)
    tier = serializers.CharField(allow_null=True)
    under_review = serializers.BooleanField()
    model_version = serializers.CharField(allow_null=True)
    computed_at = serializers.DateTimeField(allow_null=True)
    method_url = serializers.CharField()
    parts = TrustPartSerializer(many=True)
    history = TrustHistoryPointSerializer(many=True)
