"""Explicit serializers of the graph API: query parameters in, Cytoscape elements out."""

from rest_framework import serializers

from graph.paths import MAX_HOPS
from graph.selectors import NODE_TYPES


class GraphQuerySerializer(serializers.Serializer):
    depth = serializers.ChoiceField(choices=[1, 2], default=2, help_text="1: coauthors only; 2: with second degree.")
    types = serializers.CharField(
        required=False, default=",".join(NODE_TYPES),
        help_text="Comma-separated node types to keep: person,paper,topic,institution.",
    )
    from_year = serializers.IntegerField(required=False, min_value=1900, max_value=2100)
    to_year = serializers.IntegerField(required=False, min_value=1900, max_value=2100)

    def validate_types(self, value):
        types = [t.strip() for t in value.split(",") if t.strip()]
        unknown = sorted(set(types) - set(NODE_TYPES))
        if unknown or not types:
            raise serializers.ValidationError(
                f"Unknown node type(s) {', '.join(unknown) or '(none given)'}; use {', '.join(NODE_TYPES)}."
            )
        return types

    def validate(self, attrs):
        if attrs.get("from_year") and attrs.get("to_year") and attrs["from_year"] > attrs["to_year"]:
            raise serializers.ValidationError({"from_year": "from_year must not be after to_year."})
        return attrs


class NodeDataSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="a<author id>, p<paper id>, t<topic id> or i<institution id>.")
    type = serializers.ChoiceField(choices=NODE_TYPES)
    label = serializers.CharField()
    url = serializers.CharField(required=False, help_text="The node's page.")
    center = serializers.BooleanField(required=False)
    degree = serializers.IntegerField(required=False, help_text="People: 0 centre, 1 coauthor, 2 second degree.")
    claimed = serializers.BooleanField(required=False)
    claim_state = serializers.CharField(required=False)
    verification_level = serializers.IntegerField(required=False)
    low_confidence = serializers.BooleanField(
        required=False, help_text="Linked only by weak (initials/pending) byline matches, disputed, or unclaimed"
        " with works the disambiguation model is unsure of (uncertain_works_count > 0)."
    )
    uncertain_works_count = serializers.IntegerField(
        required=False, help_text="People: works whose model confidence is under the published threshold."
    )
    close = serializers.BooleanField(required=False, help_text="Coauthors with at least 2 shared papers.")
    shared_papers = serializers.IntegerField(required=False)
    year = serializers.IntegerField(required=False, allow_null=True)
    own = serializers.BooleanField(required=False)
    nearby = serializers.BooleanField(required=False)
    weighted_degree = serializers.FloatField()
    betweenness = serializers.FloatField()
    community = serializers.IntegerField(help_text="Louvain community on the slice (fixed seed).")


class NodeSerializer(serializers.Serializer):
    data = NodeDataSerializer()


class EdgeDataSerializer(serializers.Serializer):
    id = serializers.CharField()
    source = serializers.CharField()
    target = serializers.CharField()
    type = serializers.ChoiceField(choices=["coauthored", "wrote", "works_on", "about", "affiliated", "nearby"])
    label = serializers.CharField(help_text='e.g. "coauthored · 7 papers · 2019–2024".')
    weight = serializers.FloatField()
    papers = serializers.IntegerField(required=False)
    first_year = serializers.IntegerField(required=False, allow_null=True)
    last_year = serializers.IntegerField(required=False, allow_null=True)


class EdgeSerializer(serializers.Serializer):
    data = EdgeDataSerializer()


class GraphSliceSerializer(serializers.Serializer):
    """A researcher's graph slice.

    Always HTTP 200. `status` is `ready` (fresh), `building` (no slice yet, or the stored one is
    stale: whatever is available is returned and a rebuild is queued; poll again) or `failed`
    (the last build failed: `error` says why; it is retried automatically after a while).
    """

    status = serializers.ChoiceField(choices=["ready", "building", "failed"])
    built_at = serializers.DateTimeField(allow_null=True)
    stale = serializers.BooleanField()
    revision = serializers.IntegerField()
    error = serializers.CharField(allow_blank=True)
    nodes = NodeSerializer(many=True)
    edges = EdgeSerializer(many=True)
    meta = serializers.DictField(help_text="Totals: coauthors_total, close_collaborators_total, works_total…")


class PathQuerySerializer(serializers.Serializer):
    to = serializers.SlugField(max_length=320, help_text="Slug of the researcher to reach.")
    max_hops = serializers.IntegerField(required=False, default=MAX_HOPS, min_value=1, max_value=MAX_HOPS)

    def get_fields(self):
        fields = super().get_fields()
        # "from" is a Python keyword, so the field is declared here rather than as an attribute.
        fields["from"] = serializers.SlugField(max_length=320, help_text="Slug of the starting researcher.")
        return fields


class PathNodeSerializer(serializers.Serializer):
    id = serializers.CharField()
    slug = serializers.CharField()
    label = serializers.CharField()
    url = serializers.CharField()
    claim_state = serializers.CharField()
    verification_level = serializers.IntegerField()


class PathPaperSerializer(serializers.Serializer):
    arxiv_id = serializers.CharField()
    title = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    url = serializers.CharField()


class PathStepSerializer(serializers.Serializer):
    hop = serializers.IntegerField()
    source = serializers.CharField()
    target = serializers.CharField()
    shared_papers = serializers.IntegerField()
    papers = PathPaperSerializer(many=True, help_text="Up to 5 connecting papers, newest first.")


class PathSerializer(serializers.Serializer):
    """The shortest coauthor path, or `found: false` with a message when none exists within `max_hops`."""

    found = serializers.BooleanField()
    hops = serializers.IntegerField(allow_null=True)
    max_hops = serializers.IntegerField()
    message = serializers.CharField()
    nodes = PathNodeSerializer(many=True)
    steps = PathStepSerializer(many=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.CharField()
        fields["to"] = serializers.CharField()
        return fields
