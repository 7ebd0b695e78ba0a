from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from .health import healthz
from .schema import SchemaView
from .views import favicon

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Pages that are not ours (the browsable API, Swagger UI) name no icon, so browsers ask for
    # /favicon.ico: the site's own icon answers instead of a 404 in every console.
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: the CSP runs no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("config.api_urls")),
    path("", include("papers.discovery.urls")),  # before papers.urls: its <path:arxiv_id> would match these
    path("", include("papers.urls")),
    path("", include("researchers.urls")),
    path("me/", include("config.me_urls")),
    path("", include("graph.urls")),
    path("", include("trust.urls")),
]

handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"

