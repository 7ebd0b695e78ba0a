"""One date format everywhere (issue 18, rough edge 9): "5 Dec 2026", a template filter and one helper."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone

from config.dates import format_day, format_day_time
from trust.selectors import sparkline


def test_days_and_moments_read_the_same_everywhere():
    moment = dt.datetime(2026, 12, 5, 14, 3, tzinfo=dt.UTC)
    assert format_day(moment) == "5 Dec 2026"
    assert format_day(dt.date(2026, 7, 20)) == "20 Jul 2026"
    assert format_day_time(moment) == "5 Dec 2026, 14:03 UTC"
    html = Template("{% load bzpeer %}{{ d|day }} · {{ m|day_time }} · {{ none|day }}").render(
        Context({"d": dt.date(2026, 11, 19), "m": moment, "none": None}))
    assert html == "19 Nov 2026 · 5 Dec 2026, 14:03 UTC · "


def test_no_template_formats_a_date_by_hand():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "templates"
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.*") if p.suffix in (".html", ".txt")
                 and "admin" not in p.parts and '|date:"' in p.read_text()]
    assert offenders == []


def test_the_sparkline_does_not_compare_today_with_itself():
    today = timezone.now().date()
    assert sparkline([{"day": today, "score": 19}])["label"] == "Trust score today: 19"
    steady = [{"day": today - dt.timedelta(days=1), "score": 19}, {"day": today, "score": 19}]
    assert sparkline(steady)["label"] == f"Trust score 19, unchanged since {format_day(steady[0]['day'])}"
    moved = [{"day": dt.date(2026, 11, 1), "score": 15}, {"day": dt.date(2026, 12, 5), "score": 19}]
    assert sparkline(moved)["label"].endswith("15 on 1 Nov 2026, 19 today")


@pytest.mark.django_db
def test_the_profile_explains_topic_weights(client):
    from tests.factories import AuthorTopicFactory, TopicFactory, author_with_works

    author = author_with_works(2)
    AuthorTopicFactory(author=author, topic=TopicFactory(name="quantization"), weight=0.33, papers_count=2)
    html = client.get(author.get_absolute_url()).content.decode()
    assert "data-topic-weights-note" in html and ">33%<" in html
