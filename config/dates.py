"""The one way BZPEER writes dates for people: "5 Dec 2026", and "5 Dec 2026, 14:03 UTC" with a time.

Templates use the `day` and `day_time` filters (papers/templatetags/bzpeer.py); Python code that
builds text (evidence summaries, the sparkline label) calls these functions. Machine-readable
dates (datetime attributes, APIs, feeds) stay ISO 8601.
"""

import datetime as dt

from django.utils import dateformat, timezone

DAY_FORMAT = "j M Y"
TIME_FORMAT = "H:i"


def format_day(value: dt.date | dt.datetime | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, DAY_FORMAT)


def format_day_time(value: dt.datetime | None) -> str:
    if value is None or value == "":
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    zone = value.tzname() or ""
    return f"{dateformat.format(value, DAY_FORMAT)}, {dateformat.format(value, TIME_FORMAT)} {zone}".strip()
