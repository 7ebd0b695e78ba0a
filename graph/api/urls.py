from django.urls import path

from .views import GraphPathView, ResearcherGraphView

urlpatterns = [
    path("researchers/<slug:slug>/graph/", ResearcherGraphView.as_view(), name="api-researcher-graph"),
    path("graph/path", GraphPathView.as_view(), name="api-graph-path"),
]
