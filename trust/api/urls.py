from django.urls import path

from .views import AuthorTrustView

urlpatterns = [
    path("researchers/<slug:slug>/trust/", AuthorTrustView.as_view(), name="researcher-trust"),
]
