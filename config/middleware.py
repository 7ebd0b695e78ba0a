"""Request screening that runs before any view."""

from urllib.parse import unquote

from django.http import HttpResponseBadRequest

from .api import is_api_request, problem_response


class RejectNulBytesMiddleware:
    """A NUL byte in the path or query string is a 400 at the door.

    No URL of ours can contain one, and Postgres refuses it in text values, so a lookup such as
    `/papers/%00/` would otherwise end as a DataError and a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            if is_api_request(request):
                # Named per parameter, as the serializers name a field they refuse.
                errors = {name: ["NUL bytes are not allowed."] for name, values in request.GET.lists()
                          if "\x00" in name or any("\x00" in v for v in values)}
                return problem_response(request, 400, "The URL contains a NUL byte.", errors=errors or None)
            return HttpResponseBadRequest("Bad request: the URL contains a NUL byte.", content_type="text/plain")
        return self.get_response(request)
