"""The anonymous profile page, rendered once per state of its record and then served from the cache.

A profile page costs ~40 ms of CPU to render (bylines, trust, graph panel, sidebar) and most of its
views are anonymous, identical for every visitor. So the page an anonymous visitor gets is kept
whole in the cache (Redis through config.cache.FailSoftRedisCache: an outage only means renders).

The key is the record's state as the view reads it anyway, in the one query a hit costs: every
column of the author row (counts, followers, claim state and owner, verification level, the
watermark `data_changed_at`, the stored summary, `updated_at`) and of its citation figures, plus
when its trust score and its graph slice rows were last written (annotations on that same query).
The services that change what a profile shows write one of those: a follow moves
`followers_count`, a claim `claim_state`/`owner`/`verification_level`, new or moved works (imports,
merges, splits, disambiguation) bump the watermark, a graph build or failure writes the slice
row, a trust recompute the score row. Nothing has to remember to invalidate, and a key cannot
go stale because a bump was lost while Redis was away. Besides the record, the key holds what
the page takes from the request (scheme, host, path, query string, language), the day (the trust
sparkline's window) and the static files' manifest (hashed asset names). What the key cannot
see, a coauthor renamed on another record's bylines or a relative "built 3 minutes ago", is at
most PROFILE_PAGE_CACHE_SECONDS old.

Per-visitor secrets are never stored. The CSRF token is rendered as a random placeholder and
each response gets its own masked token (`get_token`: masked per response, as BREACH requires);
a CSP nonce, if the page ever asks for one, likewise. Headers and cookies are not stored at all:
a hit is a new HttpResponse that passes through the whole middleware stack like a render
(session, CSRF cookie, Vary, CSP, gzip). Only anonymous GET/HEAD requests with no pending
messages and only the works list's own parameters are served or stored, only 200s are stored,
and the HTML is kept zlib-compressed (~1/7 of its size) for a bounded TTL.
"""

from __future__ import annotations

import functools
import hashlib
import json
import secrets
import zlib

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from .models import Author

# Bump when the stored entry's shape changes.
ENTRY_FORMAT = 1
# The works list's GET parameters (researchers.views.WorksFilterForm). Anything else renders
# uncached, so made-up parameters cannot fill the cache with copies of one page.
QUERY_PARAMETERS = frozenset({"sort", "year", "topic", "page"})
MAX_QUERY_STRING = 200


def page_cache_seconds() -> int:
    return settings.PROFILE_PAGE_CACHE_SECONDS


def request_is_cacheable(request) -> bool:
    """An anonymous GET/HEAD of the plain page or a works-list page, with no message to show."""
    if page_cache_seconds() <= 0 or request.method not in ("GET", "HEAD"):
        return False
    query = request.GET
    if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING or any(
        key not in QUERY_PARAMETERS or len(query.getlist(key)) != 1 for key in query
    ):
        return False
    # No query without a session cookie; one (the session row) with an anonymous one.
    if request.user.is_authenticated:
        return False
    # len() reads the pending messages without marking them shown.
    return len(get_messages(request)) == 0


@functools.cache
def _static_manifest() -> str:
    from django.contrib.staticfiles.storage import staticfiles_storage

    return str(getattr(staticfiles_storage, "manifest_hash", ""))


def _columns(row) -> dict | None:
    return None if row is None else {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}


def _record_state(author: Author) -> list:
    """Every column of the record and its citation figures, and when its trust and graph rows changed."""
    # select_related("impact") (author_for_profile): no query; a record without figures has no row.
    impact = author.impact if hasattr(author, "impact") else None
    return [_columns(author), _columns(impact), getattr(author, "page_trust_version", None),
            getattr(author, "page_graph_version", None)]


def page_key(*, request, author: Author) -> str:
    """The cache key of this page as this request would render it for an anonymous visitor."""
    state = [
        ENTRY_FORMAT, _record_state(author), request.scheme, request.get_host(), request.path,
        request.META.get("QUERY_STRING", ""), get_language(), timezone.now().date(), _static_manifest(),
    ]
    digest = hashlib.blake2b(json.dumps(state, sort_keys=True, default=str).encode(), digest_size=20).hexdigest()
    return f"profile-page:{author.pk}:{digest}"


def _response(request, entry: dict) -> HttpResponse:
    html = zlib.decompress(entry["html"])
    # One masked token for the whole page, a new one per response (as a render gets).
    html = html.replace(entry["csrf"], get_token(request).encode())
    if entry.get("nonce"):
        html = html.replace(entry["nonce"], str(request.csp_nonce).encode())
    return HttpResponse(html, content_type=entry["content_type"])


def cached_page(*, request, author: Author) -> HttpResponse | None:
    """The stored anonymous page for this request, with this response's own secrets; None on a miss."""
    entry = cache.get(page_key(request=request, author=author))
    if not isinstance(entry, dict) or entry.get("format") != ENTRY_FORMAT:
        return None
    return _response(request, entry)


def render_and_store(request, template_name: str, context: dict, *, author: Author) -> HttpResponse:
    """Render the anonymous page with placeholders for its secrets, store it, answer with real ones."""
    csrf_placeholder = f"csrf-placeholder-{secrets.token_hex(16)}"
    html = render_to_string(template_name, {**context, "csrf_token": csrf_placeholder}, request)
    nonce_placeholder = ""
    nonce = getattr(request, "_csp_nonce", None)  # set by django-csp only when the page asked for one
    if isinstance(nonce, str) and nonce in html:
        nonce_placeholder = f"nonce-placeholder-{secrets.token_hex(16)}"
        html = html.replace(nonce, nonce_placeholder)
    entry = {
        "format": ENTRY_FORMAT,
        "html": zlib.compress(html.encode(), 1),
        "csrf": csrf_placeholder.encode(),
        "nonce": nonce_placeholder.encode(),
        "content_type": f"text/html; charset={settings.DEFAULT_CHARSET}",
    }
    # Keyed after the render: the first view after a change stores the record's summary
    # (researchers/services/profile_summary.py), and the next request reads the row as it is now.
    cache.set(page_key(request=request, author=author), entry, page_cache_seconds())
    return _response(request, entry)
