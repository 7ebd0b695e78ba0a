"""Explicit input and output serializers for the claim, follow, profile and collaboration API."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from researchers.models import Claim, ClaimEvidence, Dispute, Invitation, Message


class EvidenceInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["statement", "link"], default="statement",
                                   help_text="ORCID and email evidence come from connected accounts, never typed in.")
    value = serializers.CharField(max_length=500)


class ClaimInputSerializer(serializers.Serializer):
    authorships = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, allow_empty=False, max_length=100_000,
        help_text="Authorship ids that are yours (default: all). The others are split off to a new record.",
    )
    evidence = serializers.ListField(child=EvidenceInputSerializer(), required=False, max_length=20)
    statement = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    split_to = serializers.SlugField(required=False, allow_blank=True,
                                     help_text="Slug of an existing record to receive unticked works.")


class EvidenceOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClaimEvidence
        fields = ["kind", "level", "summary", "observed_at"]


class DisputeOutputSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    state = serializers.CharField(source="get_status_display")
    claim = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Dispute
        fields = ["id", "author", "status", "state", "claim", "created_at", "resolved_at"]


class ClaimOutputSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    state = serializers.CharField(source="status")
    verification_level = serializers.IntegerField(source="author.verification_level")
    owns_record = serializers.BooleanField(source="is_owning")
    evidence = EvidenceOutputSerializer(many=True)
    dispute = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = ["id", "author", "state", "level", "verification_level", "owns_record", "evidence", "dispute",
                  "created_at"]

    @extend_schema_field(DisputeOutputSerializer(allow_null=True))
    def get_dispute(self, claim):
        dispute = getattr(claim, "dispute", None) if hasattr(claim, "dispute") else None
        return DisputeOutputSerializer(dispute).data if dispute else None


class FollowOutputSerializer(serializers.Serializer):
    author = serializers.SlugField()
    following = serializers.BooleanField()
    followers_count = serializers.IntegerField()
    changed = serializers.BooleanField()


class ProfileInputSerializer(serializers.Serializer):
    bio = serializers.CharField(required=False, allow_blank=True, max_length=300)
    role = serializers.CharField(required=False, allow_blank=True, max_length=120)
    affiliation = serializers.CharField(required=False, allow_blank=True, max_length=300)
    links = serializers.ListField(child=serializers.DictField(child=serializers.CharField()), required=False,
                                  max_length=10)
    open_to_collaborate = serializers.BooleanField(required=False)
    auto_accept_name_matches = serializers.BooleanField(required=False)


class ProfileOutputSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    display_name = serializers.CharField()
    bio = serializers.CharField()
    role = serializers.CharField()
    affiliation = serializers.CharField()
    links = serializers.JSONField()
    open_to_collaborate = serializers.BooleanField()
    auto_accept_name_matches = serializers.BooleanField()


class InvitationInputSerializer(serializers.Serializer):
    to = serializers.SlugField(help_text="Slug of the claimed record to invite.")
    subject = serializers.CharField(max_length=200)
    message = serializers.CharField(max_length=5000)


class InvitationOutputSerializer(serializers.ModelSerializer):
    sender_author = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    recipient_author = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    conversation = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = ["id", "sender_author", "recipient_author", "subject", "message", "status", "created_at",
                  "responded_at", "conversation"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_conversation(self, inv):
        convo = getattr(inv, "conversation", None) if inv.status == "accepted" else None
        return convo.pk if convo else None


class MessageInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=10000)


class MessageOutputSerializer(serializers.ModelSerializer):
    mine = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = ["id", "body", "created_at", "mine"]

    @extend_schema_field(serializers.BooleanField())
    def get_mine(self, message):
        request = self.context.get("request")
        return bool(request and message.sender_id == request.user.pk)
