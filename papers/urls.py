from django.urls import path

from . import views

app_name = "papers"

urlpatterns = [
    path("", views.home, name="home"),
    path("search", views.search, name="search"),
    path("papers/<path:arxiv_id>/", views.paper_detail, name="detail"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
]
