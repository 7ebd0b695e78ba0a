"""Template helpers shared by the site's pages."""

import functools
from urllib.parse import urlsplit

from django import template
from django.urls import reverse

from papers.ingest.topics import canonical_category, category_name, category_slug

register = template.Library()


@register.filter
def http_url(value):
    """The URL if it is an absolute http(s) link, else "" (drops javascript:, data:, relative…).

    Imported metadata and owner-edited links end up in href attributes; escaping alone does
    not stop a `javascript:` scheme, so anything that is not plain http(s) is not linked.
    """
    if not value:
        return ""
    value = str(value).strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    return value


@register.filter
def url_host(value):
    """The host of a URL, for short link labels ("github.com")."""
    try:
        return urlsplit(str(value)).netloc.removeprefix("www.")
    except ValueError:
        return ""


@register.filter
def initials(name):
    """Up to two initials for an avatar placeholder ("Zechun Liu" → "ZL")."""
    words = [w for w in str(name or "").replace("-", " ").split() if w[:1].isalpha()]
    if not words:
        return "?"
    picked = [words[0]] if len(words) == 1 else [words[0], words[-1]]
    return "".join(w[0].upper() for w in picked)


@register.filter
def percent_of(value, top):
    """value as a percentage of top, for weight bars (0–100, clamped)."""
    try:
        value, top = float(value), float(top)
    except (TypeError, ValueError):
        return 0
    if top <= 0:
        return 0
    return max(0, min(100, round(100 * value / top)))


@register.filter
def isodate(value):
    """Parse an ISO 8601 string (as stored in Paper.versions) into a datetime; None if it is not one."""
    from django.utils.dateparse import parse_date, parse_datetime

    if not value or not isinstance(value, str):
        return value or None
    try:
        return parse_datetime(value) or parse_date(value)
    except ValueError:
        return None


@register.filter
def category_url(code):
    """The topic page of an arXiv category code. The importer creates a category Topic for every
    category it sees, under the same slug function, so list pages link chips without a query."""
    return _category_url(str(code))


@functools.lru_cache(maxsize=2048)
def _category_url(code: str) -> str:
    # arXiv has ~150 categories and a list page links each several times: reverse once per code.
    slug = category_slug(canonical_category(code))
    return reverse("papers:topic", kwargs={"slug": slug}) if slug else ""


@register.filter
def category_label(code):
    """cs.LG → "Machine Learning" (a static table: no query)."""
    return category_name(canonical_category(str(code)))


@register.filter
def day(value):
    """A date as people read it everywhere on the site: "5 Dec 2026" (config/dates.py)."""
    from config.dates import format_day

    return format_day(value)


@register.filter
def day_time(value):
    """A moment as people read it everywhere on the site: "5 Dec 2026, 14:03 UTC" (config/dates.py)."""
    from config.dates import format_day_time

    return format_day_time(value)
