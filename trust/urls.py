from django.urls import path

from . import views

app_name = "trust"

urlpatterns = [
    path("trust/method", views.method, name="method"),
]
