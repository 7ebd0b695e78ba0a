from django.urls import path

from . import views

app_name = "researchers"

urlpatterns = [
    path("researchers/<slug:slug>/", views.profile, name="profile"),
]
