"""The site's URLs plus a hello-world view: the baseline of bench/profile_wrk.py.

The same gunicorn and middleware stack as every page, no template and no query.
"""

from django.http import HttpResponse
from django.urls import include, path


def hello(request):
    return HttpResponse("Hello, world.\n", content_type="text/plain")


urlpatterns = [
    path("bench/hello", hello),
    path("", include("config.urls")),
]
