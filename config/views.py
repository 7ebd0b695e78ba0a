from django.http import HttpResponseNotFound, HttpResponsePermanentRedirect, HttpResponseServerError
from django.template import loader
from django.templatetags.static import static


def page_not_found(request, exception=None):
    """Styled 404; the message of an Http404 raised by our views is shown (it is ours, not user input)."""
    from .api import is_api_request, problem_response

    if is_api_request(request):
        # API clients get the same problem details body as DRF's own 404s, never an HTML page.
        return problem_response(request, 404, "No such resource.")
    message = ""
    if exception is not None and exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    # Resolver404 messages carry internals (the tried patterns); only plain Http404 texts are shown.
    if exception is not None and type(exception).__name__ == "Resolver404":
        message = ""
    body = loader.render_to_string("404.html", {"exception_message": message}, request=request)
    return HttpResponseNotFound(body)


def server_error(request):
    """Styled 500 rendered without context processors: the database may be why we are here."""
    from .api import is_api_request, problem_response

    if is_api_request(request):
        return problem_response(request, 500, "An unexpected error occurred. It has been logged.")
    return HttpResponseServerError(loader.get_template("500.html").render({}))


def favicon(request):
    """/favicon.ico, asked for by browsers on pages that name no icon: the site's own (resolved per
    request, so that the static storage's hashed name is looked up only once it is needed)."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
