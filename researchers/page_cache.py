"""The anonymous profile page, rendered once per state of its record and then served from the cache.

A profile page costs ~40 ms of CPU to render (bylines, trust, graph panel, sidebar) and most of its
views are anonymous, identical for every visitor. So the page an anonymous visitor gets is kept
whole in the cache (Redis through config.cache.FailSoftRedisCache: an outage only means renders).

The key is the record's state, read in the one query a hit costs (VERSION_SQL): a digest of every
column of the author row (counts, followers, claim state and owner, verification level, the
watermark `data_changed_at`, the stored summary, `updated_at`) and of its citation figures, and
when its trust score and its graph slice rows were last written. Postgres digests the rows, so a
hit neither builds a model nor decodes the stored summary.
The services that change what a profile shows write one of those: a follow moves
`followers_count`, a claim `claim_state`/`owner`/`verification_level`, new or moved works (imports,
merges, splits, disambiguation) bump the watermark, a graph build or failure writes the slice
row, a trust recompute the score row. Nothing has to remember to invalidate, and a key cannot
go stale because a bump was lost while Redis was away. Besides the record, the key holds what
the page takes from the request (scheme, host, path, query string, language), the day (the trust
sparkline's window) and the static files' manifest (hashed asset names). What the key cannot
see, a coauthor renamed on another record's bylines or a relative "built 3 minutes ago", is at
most PROFILE_PAGE_CACHE_SECONDS old. A slice made stale by a coauthor's change is still queued
for a rebuild: the page's script asks the graph API for it, which requests the build, and the
build writes the slice row.

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
import secrets
import threading
import time
import zlib
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from papers.models import AuthorImpact

from .models import Author

# Bump when the stored entry's shape changes.
ENTRY_FORMAT = 1
# The works list's GET parameters (researchers.views.WorksFilterForm). Anything else renders
# uncached, so made-up parameters cannot fill the cache with copies of one page.
QUERY_PARAMETERS = frozenset({"sort", "year", "topic", "page"})
MAX_QUERY_STRING = 200
# Each process also keeps its most recent copies, decompressed: a hit on a popular page then
# skips the Redis round trip and the inflate. Safe for the same reason as the shared copies:
# a change makes a new key, so a local copy is only ever one the shared cache could still serve,
# and it is dropped at the same TTL. At most this many pages (~30-200 KB each) per process.
LOCAL_COPIES = 32
_local: OrderedDict[str, tuple[float, dict]] = OrderedDict()
_local_lock = threading.Lock()

# md5 of a whole row's text: any column that changes, changes it (NULL when there is no row).
VERSION_SQL = """
SELECT a.id, a.merged_into_id, a.profile_summary_at, md5(a::text), md5(i::text), {trust}, {graph}
FROM {author} a LEFT JOIN {impact} i ON i.author_id = a.id
WHERE a.slug = %s
"""


@dataclass(frozen=True)
class PageVersion:
    author_id: int
    merged: bool
    summary_at: object  # the stored summary's time: a render that refreshes it changes the version
    state: tuple


@functools.cache
def _version_sql() -> str:
    # Downstream apps' tables, asked of their selectors at call time (the arrows stay one-way).
    from graph.selectors import slice_version_sql
    from trust.selectors import trust_version_sql

    return VERSION_SQL.format(author=Author._meta.db_table, impact=AuthorImpact._meta.db_table,
                              trust=trust_version_sql("a"), graph=slice_version_sql("a"))


def page_version(*, slug: str) -> PageVersion | None:
    """The record's state at /researchers/<slug>/ in one query; None when there is no such record."""
    with connection.cursor() as cur:
        cur.execute(_version_sql(), [slug])
        row = cur.fetchone()
    if row is None:
        return None
    return PageVersion(author_id=row[0], merged=row[1] is not None, summary_at=row[2], state=tuple(row[3:]))


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


def page_key(*, request, version: PageVersion) -> str:
    """The cache key of this page as this request would render it for an anonymous visitor."""
    state = (
        ENTRY_FORMAT, version.state, request.scheme, request.get_host(), request.path,
        request.META.get("QUERY_STRING", ""), get_language(), timezone.now().date(), _static_manifest(),
    )
    digest = hashlib.blake2b(repr(state).encode(), digest_size=20).hexdigest()
    return f"profile-page:{version.author_id}:{digest}"


def _response(request, entry: dict) -> HttpResponse:
    html = entry["html"]
    # One masked token for the whole page, a new one per response (as a render gets).
    html = html.replace(entry["csrf"], get_token(request).encode())
    if entry.get("nonce"):
        html = html.replace(entry["nonce"], str(request.csp_nonce).encode())
    return HttpResponse(html, content_type=entry["content_type"])


def _local_get(key: str) -> dict | None:
    with _local_lock:
        found = _local.get(key)
        if found is None:
            return None
        if found[0] < time.monotonic():
            del _local[key]
            return None
        _local.move_to_end(key)
        return found[1]


def _local_set(key: str, entry: dict) -> None:
    with _local_lock:
        _local[key] = (time.monotonic() + page_cache_seconds(), entry)
        _local.move_to_end(key)
        while len(_local) > LOCAL_COPIES:
            _local.popitem(last=False)


def cached_page(*, request, version: PageVersion) -> HttpResponse | None:
    """The stored anonymous page for this request, with this response's own secrets; None on a miss."""
    if version.merged:
        return None  # the view redirects
    key = page_key(request=request, version=version)
    entry = _local_get(key)
    if entry is None:
        stored = cache.get(key)
        if not isinstance(stored, dict) or stored.get("format") != ENTRY_FORMAT:
            return None
        entry = {**stored, "html": zlib.decompress(stored["html"])}
        _local_set(key, entry)
    return _response(request, entry)


def render_and_store(request, template_name: str, context: dict, *, version: PageVersion,
                     author: Author) -> HttpResponse:
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
        "html": html.encode(),
        "csrf": csrf_placeholder.encode(),
        "nonce": nonce_placeholder.encode(),
        "content_type": f"text/html; charset={settings.DEFAULT_CHARSET}",
    }
    if author.profile_summary_at != version.summary_at:
        # This render stored the record's summary (researchers/services/profile_summary.py), which
        # changed the row: key the copy on the row as the next request will read it (one query).
        version = page_version(slug=author.slug)
    if version is not None and version.author_id == author.pk:
        key = page_key(request=request, version=version)
        cache.set(key, {**entry, "html": zlib.compress(entry["html"], 1)}, page_cache_seconds())
        _local_set(key, entry)
    return _response(request, entry)
