"""Every app's API routes, mounted under /api/."""

from django.urls import include, path

urlpatterns = [
    path("", include("papers.api.urls")),
    path("", include("researchers.api.urls")),
    path("", include("graph.api.urls")),
    path("", include("trust.api.urls")),
]
