from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from researchers.models import Author

from .. import selectors
from .serializers import AuthorTrustSerializer


class AuthorTrustView(APIView):
    """GET /api/researchers/<slug>/trust/: the score, its parts with evidence, and the history."""

    permission_classes = [AllowAny]

    @extend_schema(responses=AuthorTrustSerializer, operation_id="researcher_trust")
    def get(self, request, slug):
        author = get_object_or_404(Author.objects.only("id", "slug"), slug=slug)
        trust = selectors.trust_for_profile(author=author)
        data = {
            "slug": author.slug,
            "status": "pending" if trust is None else "scored",
            "score": None if trust is None else trust.score,
            "tier": None if trust is None else trust.tier,
            "under_review": bool(trust and trust.under_review),
            "model_version": None if trust is None else trust.model_version,
            "computed_at": None if trust is None else trust.computed_at,
            "method_url": reverse("trust:method"),
            "parts": [] if trust is None else [vars(p) for p in trust.parts],
            "history": [] if trust is None else trust.history,
        }
        return Response(AuthorTrustSerializer(data).data)
