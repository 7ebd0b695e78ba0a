"""GET /api/: the API root, a map of the collections and per-record routes with absolute links."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

# Collections a client can GET straight away, by URL name.
COLLECTIONS = {
    "researchers": "api-researcher-list",
    "papers": "api-paper-list",
    "topics": "api-topic-list",
    "invitations": "api-invitations",
    "token": "api-token",
    "schema": "api-schema",
    "docs": "api-docs",
}
# Routes under one researcher, as URI templates (RFC 6570) on the record's slug.
RESEARCHER_ROUTES = ("", "works/", "graph/", "trust/", "profile/", "follow/", "unfollow/", "claim/")


class ApiRootView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(summary="API root: links to every collection and per-researcher route",
                   responses={200: OpenApiResponse(description="A JSON object of absolute links")})
    def get(self, request):
        links = {name: reverse(url_name, request=request) for name, url_name in COLLECTIONS.items()}
        researchers = links["researchers"]
        links["researcher"] = [f"{researchers}{{slug}}/{route}" for route in RESEARCHER_ROUTES]
        links["graph_path"] = reverse("api-graph-path", request=request) + "?from={slug}&to={other_slug}"
        links["health"] = reverse("healthz", request=request)
        return Response(links)
