"""Shared plumbing for the claim, social and /me views: login with a message, refusals as pages."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .models import Author
from .selectors import author_get_by_slug
from .services.errors import ServiceError


def author_or_404(slug: str) -> Author:
    """The record at ``slug`` (with its owner) for a view, or a 404 page / problem response."""
    author = author_get_by_slug(slug=slug)
    if author is None:
        raise Http404("No researcher with this address.")
    return author


def login_required_message(message):
    """Like login_required, but tells the visitor why they were sent to the login page."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.user.is_authenticated:
                return view(request, *args, **kwargs)
            if request.htmx:
                # htmx follows redirects inside the swap; send the whole page to login instead.
                response = HttpResponse(message, status=403, content_type="text/plain; charset=utf-8")
                response["HX-Redirect"] = _login_url(request)
                return response
            messages.info(request, message)
            return redirect(_login_url(request))

        return wrapper

    return decorator


def _login_url(request):
    target = request.get_full_path() if request.method == "GET" else safe_back(request, "")
    query = f"?{urlencode({'next': target})}" if target else ""
    return reverse("account_login") + query


def safe_back(request, fallback):
    """Where a plain POST should return to: `next`, else the Referer, if it is on this site."""
    for candidate in (request.POST.get("next"), request.GET.get("next"), request.headers.get("Referer")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return fallback


def refused(request, exc, *, back=None, template="researchers/refused.html"):
    """Answer a ServiceError: plain text for htmx, else a page with the message and its status code."""
    status = getattr(exc, "status_code", 400)
    message = getattr(exc, "message", str(exc))
    if request.htmx:
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    return render(request, template, {"message": message, "status": status, "back": back, "exc": exc},
                  status=status)


__all__ = ["ServiceError", "login_required_message", "refused", "safe_back"]
