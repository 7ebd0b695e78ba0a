from django.urls import path

from . import views

app_name = "graph"

urlpatterns = [
    path("researchers/<slug:slug>/graph/", views.explorer, name="explorer"),
    path("researchers/<slug:slug>/graph/panel/", views.panel, name="panel"),
    path("researchers/<slug:slug>/graph/retry/", views.retry, name="retry"),
]
