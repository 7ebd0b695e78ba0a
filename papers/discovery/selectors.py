"""Reads behind the daily page, reading list, topic follows, citations and feeds: fixed query counts."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, FloatField, OuterRef, Prefetch, Q
from django.db.models.functions import Coalesce, Extract, Now, Power

from papers.models import Authorship, Paper, PaperTopic, Topic
from papers.selectors import Slice, _slice
from researchers.models import Follow
from researchers.selectors import PAPER_LIST_FIELDS, attach_bylines

from .models import FeedToken, PaperVote, SavedPaper, TopicFollow

DAILY_PAGE = 30
DAILY_BYLINE = 6  # names on a card before "and N more"
SORT_NEW = "new"
SORT_TOP = "top"
SORT_TRENDING = "trending"
DAILY_SORTS = (SORT_TOP, SORT_NEW, SORT_TRENDING)
# Trending ranks the papers of this many days up to the shown date by votes with time decay:
# votes / (age in hours + 2) ** 1.8, the gravity Hacker News made familiar. A paper needs
# steadily more votes to hold its place as it ages, and a fresh one with a few can overtake it.
TRENDING_DAYS = 7
TRENDING_GRAVITY = 1.8
SAVED_PAGE = 50
CITE_MAX = 2000  # papers in one BibTeX/RIS export (a works list or a reading list)
FEED_ITEMS = 50
DAILY_FEED_ITEMS = 500  # a whole arXiv day fits


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
    return start, start + dt.timedelta(days=1)


def _listed():
    return Paper.objects.filter(deleted=False, submitted__isnull=False)


# --- daily papers ------------------------------------------------------------------------

def latest_day() -> dt.date | None:
    """The newest UTC day with a paper (walks paper_submitted_idx): one query."""
    newest = _listed().order_by("-submitted", "-id").values_list("submitted", flat=True).first()
    return newest.astimezone(dt.UTC).date() if newest else None


def neighbour_days(*, day: dt.date, papers=None) -> tuple[dt.date | None, dt.date | None]:
    """The nearest earlier and later days that have papers (with the same filter): two index queries."""
    start, end = day_bounds(day)
    qs = papers if papers is not None else _listed()
    before = qs.filter(submitted__lt=start).order_by("-submitted", "-id").values_list("submitted", flat=True).first()
    after = qs.filter(submitted__gte=end).order_by("submitted", "id").values_list("submitted", flat=True).first()

    def as_day(value):
        return value.astimezone(dt.UTC).date() if value else None

    return as_day(before), as_day(after)


def filtered_papers(*, topic: Topic | None = None, category: str | None = None):
    qs = _listed()
    if topic is not None:
        qs = qs.filter(Exists(PaperTopic.objects.filter(paper_id=OuterRef("pk"), topic_id=topic.pk)))
    if category:
        qs = qs.filter(categories__contains=[category])
    return qs


def _with_votes(qs):
    return qs.select_related("tally").only(*PAPER_LIST_FIELDS, "tally__upvotes").annotate(
        upvotes=Coalesce(F("tally__upvotes"), 0),
    )


def daily_papers(*, day: dt.date, papers, sort: str = SORT_TOP, page: int = 1, size: int = DAILY_PAGE) -> Slice:
    """One page of the day's papers (or of the trending window ending that day) with bylines: two queries."""
    start, end = day_bounds(day)
    if sort == SORT_TRENDING:
        qs = _with_votes(papers.filter(submitted__gte=end - dt.timedelta(days=TRENDING_DAYS), submitted__lt=end))
        age_hours = Extract(Now() - F("submitted"), "epoch") / 3600.0
        qs = qs.annotate(
            trend=Coalesce(F("tally__upvotes"), 0) / Power(age_hours + 2.0, TRENDING_GRAVITY, output_field=FloatField())
        ).order_by("-trend", "-submitted", "-id")
    else:
        qs = _with_votes(papers.filter(submitted__gte=start, submitted__lt=end))
        qs = qs.order_by("-submitted", "-id") if sort == SORT_NEW else qs.order_by("-upvotes", "-submitted", "-id")
    result = _slice(qs, page, size)
    attach_bylines(result.items, full=DAILY_BYLINE, head=DAILY_BYLINE - 1)
    return result


def voted_ids(*, user, papers) -> set[int]:
    """Which of these papers the user upvoted: one query (none when signed out)."""
    if not user.is_authenticated or not papers:
        return set()
    ids = [p.pk for p in papers]
    return set(PaperVote.objects.filter(user=user, paper_id__in=ids).values_list("paper_id", flat=True))


def saved_ids(*, user, papers) -> set[int]:
    """Which of these papers are on the user's reading list: one query (none when signed out)."""
    if not user.is_authenticated or not papers:
        return set()
    ids = [p.pk for p in papers]
    return set(SavedPaper.objects.filter(user=user, paper_id__in=ids).values_list("paper_id", flat=True))


def paper_by_arxiv_id(*, arxiv_id: str) -> Paper:
    """A listed paper by its arXiv id, for writes (vote, save); raises Paper.DoesNotExist."""
    return Paper.objects.only("id", "arxiv_id", "title").get(arxiv_id=arxiv_id, deleted=False)


def paper_upvotes(*, paper: Paper) -> int:
    return Paper.objects.filter(pk=paper.pk).values_list("tally__upvotes", flat=True).first() or 0


# --- reading list -----------------------------------------------------------------------

def saved_papers(*, user, page: int = 1, size: int = SAVED_PAGE) -> Slice:
    """One page of the user's reading list, latest saved first, with bylines: two queries."""
    qs = (Paper.objects.filter(saved_by__user=user, deleted=False).only(*PAPER_LIST_FIELDS)
          .annotate(saved_at=F("saved_by__created_at")).order_by("-saved_at", "-id"))
    result = _slice(qs, page, size)
    attach_bylines(result.items, full=DAILY_BYLINE, head=DAILY_BYLINE - 1)
    return result


# --- citations --------------------------------------------------------------------------

def _cite_prefetch(qs):
    return qs.only(*PAPER_LIST_FIELDS).prefetch_related(Prefetch(
        "authorships", to_attr="cite_authors",
        queryset=Authorship.objects.only("paper_id", "position", "raw_name", "keyname").order_by("position"),
    ))


def paper_for_citation(*, arxiv_id: str) -> Paper:
    """One paper with its whole byline: two queries; raises Paper.DoesNotExist."""
    return _cite_prefetch(Paper.objects.filter(deleted=False)).get(arxiv_id=arxiv_id)


def author_works_for_citation(*, author) -> list[Paper]:
    """An author's works (as on the profile: no slot awaiting review), newest first, with bylines: two queries."""
    mine = Authorship.objects.filter(paper_id=OuterRef("pk"), author_id=author.pk).exclude(attribution="pending")
    return list(_cite_prefetch(Paper.objects.filter(Exists(mine), deleted=False))
                .order_by(F("submitted").desc(nulls_last=True), "-id")[:CITE_MAX])


def saved_for_citation(*, user) -> list[Paper]:
    """The user's whole reading list, latest saved first, with bylines: two queries."""
    return list(_cite_prefetch(Paper.objects.filter(saved_by__user=user, deleted=False))
                .order_by("-saved_by__created_at", "-id")[:CITE_MAX])


# --- topic follows and feeds ------------------------------------------------------------

def follows_topic(*, user, topic: Topic) -> bool:
    return user.is_authenticated and TopicFollow.objects.filter(user=user, topic=topic).exists()


def followed_topics(*, user) -> list[Topic]:
    return list(Topic.objects.filter(follows__user=user).order_by("name"))


def topic_feed_papers(*, user):
    """Papers on topics the user follows, newest first (one EXISTS over the topic follow list)."""
    followed = TopicFollow.objects.filter(user=user).values("topic_id")
    return (_listed().filter(Exists(PaperTopic.objects.filter(paper_id=OuterRef("pk"), topic_id__in=followed)))
            .only(*PAPER_LIST_FIELDS).order_by("-submitted", "-id"))


def topic_feed_page(*, user, page: int = 1, size: int = DAILY_PAGE) -> Slice:
    """One page of the "Your topics" tab with bylines: two queries."""
    result = _slice(topic_feed_papers(user=user), page, size)
    attach_bylines(result.items, full=DAILY_BYLINE, head=DAILY_BYLINE - 1)
    return result


def followed_papers_q(*, user) -> Q:
    """Papers by followed people or on followed topics: the private feed's filter."""
    people = Follow.objects.filter(user=user).values("author_id")
    topics = TopicFollow.objects.filter(user=user).values("topic_id")
    return Q(Exists(Authorship.objects.filter(paper_id=OuterRef("pk"), author_id__in=people)
                    .exclude(attribution="pending"))) | Q(
        Exists(PaperTopic.objects.filter(paper_id=OuterRef("pk"), topic_id__in=topics)))


def feed_items(qs, *, limit: int = FEED_ITEMS) -> list[Paper]:
    """Newest papers of a feed with their whole bylines (authors are Atom <author>s): two queries."""
    return list(_cite_prefetch(qs.filter(deleted=False, submitted__isnull=False))
                .order_by("-submitted", "-id")[:limit])


def feed_token(*, user) -> str | None:
    return FeedToken.objects.filter(user=user).values_list("token", flat=True).first()


def user_for_feed_token(*, token: str):
    row = FeedToken.objects.select_related("user").filter(token=token, user__is_active=True).first()
    return row.user if row else None


# --- similar papers ----------------------------------------------------------------------

def similar_papers(*, arxiv_id: str) -> list:
    """A paper's precomputed neighbours, nearest first, with their papers: one indexed query."""
    from .models import SimilarPaper

    return list(
        SimilarPaper.objects.filter(paper__arxiv_id=arxiv_id, paper__deleted=False, neighbour__deleted=False)
        .select_related("neighbour")
        .only("rank", "score", "why", "neighbour__arxiv_id", "neighbour__title", "neighbour__year",
              "neighbour__authors_count", "neighbour__primary_category")
        .order_by("rank")
    )


# Papers near the author's own works by meaning (graph slice "nearby papers"): the nearest
# neighbours of the shown works that the author did not write, most shared first.
NEARBY_BY_MEANING_SQL = """
SELECT p.id, p.arxiv_id, p.title, p.year, max(s.score) AS score,
       (array_agg(s.paper_id ORDER BY s.score DESC))[1] AS near
FROM papers_similarpaper s
JOIN papers_paper p ON p.id = s.neighbour_id AND NOT p.deleted
WHERE s.paper_id = ANY(%(papers)s::bigint[]) AND s.rank < %(rank)s
  AND NOT EXISTS (SELECT 1 FROM papers_authorship own WHERE own.paper_id = p.id AND own.author_id = %(aid)s)
GROUP BY p.id, p.arxiv_id, p.title, p.year
ORDER BY count(*) DESC, max(s.score) DESC, p.id DESC
LIMIT %(top)s
"""


def nearby_by_meaning(cursor, *, author_id: int, paper_ids: list[int], top: int = 5, rank: int = 3) -> list[tuple]:
    """(id, arxiv_id, title, year, score, near-paper id) rows for the graph slice: one query."""
    if not paper_ids:
        return []
    cursor.execute(NEARBY_BY_MEANING_SQL, {"papers": paper_ids, "rank": rank, "aid": author_id, "top": top})
    return cursor.fetchall()
