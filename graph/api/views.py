from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from graph import selectors, services

from .serializers import GraphQuerySerializer, GraphSliceSerializer, PathQuerySerializer, PathSerializer


@extend_schema(tags=["graph"])
class ResearcherGraphView(APIView):
    """The typed, labelled graph slice around a researcher, as Cytoscape elements."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[GraphQuerySerializer],
        responses={200: GraphSliceSerializer},
        description=(
            "Always 200. While `status` is `building`, `nodes`/`edges` hold whatever is available "
            "(empty on the first request, or the previous slice while it is rebuilt) and one build "
            "is queued however many clients ask; poll until `status` is `ready`."
        ),
    )
    def get(self, request, slug):
        query = GraphQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        state = services.slice_state_requesting_build(slug=slug)
        if state is None:
            raise NotFound(f"No researcher with slug {slug!r}.")
        q = query.validated_data
        view = selectors.filter_elements(state.elements, depth=int(q["depth"]), types=q["types"],
                                         from_year=q.get("from_year"), to_year=q.get("to_year"))
        # The stored JSON already has the documented shape; re-serialising 200 nodes through
        # DRF fields would only cost time on the warm path.
        return Response({
            "status": state.status, "built_at": state.built_at, "stale": state.stale, "revision": state.revision,
            "error": state.error if state.status == "failed" else "",
            "nodes": view["nodes"], "edges": view["edges"], "meta": view["meta"],
        })


@extend_schema(tags=["graph"])
class GraphPathView(APIView):
    """How two researchers are connected: the shortest coauthor path (bidirectional BFS, ≤ 6 hops)."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[PathQuerySerializer, OpenApiParameter("from", str, required=True,
                                                          description="Slug of the starting researcher.")],
        responses={200: PathSerializer},
        description="`found: false` with a message when there is no path within `max_hops` (default 6).",
    )
    def get(self, request):
        query = PathQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        try:
            path = selectors.coauthor_path(source_slug=q["from"], target_slug=q["to"], max_hops=q["max_hops"])
        except KeyError as exc:
            raise NotFound(f"No researcher with slug {exc.args[0]!r}.") from None
        return Response(path)
