"""Every app's API routes, mounted under /api/."""

from django.urls import include, path

from .api_auth import TokenObtainView
from .api_root import ApiRootView

urlpatterns = [
    path("", ApiRootView.as_view(), name="api-root"),
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("", include("papers.api.urls")),
    path("", include("researchers.api.urls")),
    path("", include("graph.api.urls")),
    path("", include("trust.api.urls")),
]
