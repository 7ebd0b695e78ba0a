"""Graph pages: the full explorer, and the profile panel's polling fragment and retry."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from config.throttling import view_rate_limited
from researchers.models import Author

from . import services

PANEL_TEMPLATE = "graph/_partials/panel_stage.html"


@require_GET
def explorer(request, slug):
    author = get_object_or_404(Author.objects.only("id", "slug", "display_name", "claim_state"), slug=slug)
    me = None
    if request.user.is_authenticated:
        # The signed-in researcher's own record, so "How am I connected to …?" can start from it.
        me = Author.objects.filter(owner=request.user).only("slug", "display_name").order_by("id").first()
    return render(request, "graph/explorer.html", {
        "author": author,
        "me": me,
        "api_url": reverse("api-researcher-graph", kwargs={"slug": author.slug}),
        "path_url": reverse("api-graph-path"),
    })


@require_GET
def panel(request, slug):
    """The profile's graph stage alone: htmx polls it every 2 s while the slice builds."""
    state = services.slice_state_requesting_build(slug=slug, with_elements=False)
    if state is None:
        raise Http404("No such researcher.")
    return render(request, PANEL_TEMPLATE, {"graph_panel": state.as_panel(), "slug": state.slug,
                                            "display_name": state.display_name})


# The retry button is for people: a few a minute per client, anonymous or not.
RETRY_LIMIT, RETRY_PERIOD = 6, 60


@require_POST
def retry(request, slug):
    """Queue a fresh build after a failure; htmx gets the stage back, plain forms the profile."""
    limited = view_rate_limited(request, scope="graph-retry", limit=RETRY_LIMIT, period=RETRY_PERIOD)
    if limited is not None:
        return limited
    author = get_object_or_404(Author.objects.only("id", "slug"), slug=slug)
    services.graph_slice_retry(author_id=author.pk)
    if request.htmx:
        return render(request, PANEL_TEMPLATE, {
            "graph_panel": {"status": "building", "elements": None, "built_at": None}, "slug": author.slug,
        })
    return redirect(reverse("researchers:profile", kwargs={"slug": author.slug}) + "#graph-panel")
