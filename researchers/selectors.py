"""Reads behind the researcher pages. Every function here issues a fixed number of queries.

The profile page must cost the same number of SQL queries for a record with 3 papers and
one with 3,000, so each read below is a single statement (counts come from the maintained
aggregates on Author or from one aggregate query), and per-row work in Python is bounded by
the page size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.urls import reverse

from papers.models import COLLABORATION_AUTHOR_LIMIT, Authorship, AuthorTopic, Paper, PaperTopic

from .confidence import is_low_confidence, shows_uncertainty
from .models import Author

WORKS_PAGE_SIZE = 25
# Bylines up to this length are shown whole; longer ones (collaboration papers with hundreds
# of names) show the first BYLINE_HEAD names, "and N more", then the researcher.
BYLINE_FULL = 8
BYLINE_HEAD = 5
SIDEBAR_TOPICS = 8
FILTER_TOPICS = 25
SIDEBAR_COLLABORATORS = 8
# A close collaborator shares at least this many papers with the researcher.
CLOSE_COLLABORATOR_MIN_SHARED = 2

SORT_NEWEST = "newest"
SORT_OLDEST = "oldest"
SORT_MOST_CITED = "cited"  # by the maintained papers_papercitations count (papers.impact)
SORTS = {
    SORT_NEWEST: (F("submitted").desc(nulls_last=True), F("id").desc()),
    SORT_OLDEST: (F("submitted").asc(nulls_last=True), F("id").asc()),
    SORT_MOST_CITED: (F("cited_by").desc(nulls_last=True), F("submitted").desc(nulls_last=True), F("id").desc()),
}

# Paper columns a list row needs; the tsvector and provenance columns stay in the database.
PAPER_LIST_FIELDS = (
    "id", "arxiv_id", "title", "abstract", "categories", "primary_category", "submitted", "year",
    "doi", "journal_ref", "has_code", "code_url", "withdrawn", "authors_count",
)


def author_get_by_slug(*, slug: str) -> Author | None:
    """The record at /researchers/<slug>/ with its owner (one query), or None."""
    return Author.objects.select_related("owner").filter(slug=slug).first()


def author_for_profile(*, slug: str) -> Author:
    """The author record behind /researchers/<slug>/, with its owner and merge target; raises Author.DoesNotExist."""
    return Author.objects.select_related("owner", "merged_into", "impact").get(slug=slug)  # impact: citation figures


@dataclass
class BylineEntry:
    slug: str
    name: str
    is_self: bool
    url: str = ""


@dataclass
class Byline:
    head: list[BylineEntry] = field(default_factory=list)
    more: int = 0
    tail: BylineEntry | None = None  # the highlighted author when they sit past the cut


@dataclass
class WorksPage:
    papers: list
    total: int
    page: int
    page_size: int
    num_pages: int

    @property
    def has_previous(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.num_pages

    @property
    def start_index(self):
        return (self.page - 1) * self.page_size + 1 if self.papers else 0

    @property
    def end_index(self):
        return (self.page - 1) * self.page_size + len(self.papers)

    def page_window(self, radius=2):
        """Page numbers to link around the current one, with None marking a gap."""
        pages = sorted({1, self.num_pages, *range(max(1, self.page - radius), min(self.num_pages, self.page + radius) + 1)})
        out, last = [], 0
        for p in pages:
            if p - last > 1:
                out.append(None)
            out.append(p)
            last = p
        return out


def _authored_by(author_id):
    # Slots awaiting the owner's review are not on the profile yet; the maintained counts
    # (works_count etc.) exclude them the same way.
    return Exists(
        Authorship.objects.filter(paper_id=OuterRef("pk"), author_id=author_id).exclude(attribution="pending")
    )


def works_for_profile(*, author: Author, sort: str = SORT_NEWEST, year: int | None = None,
                      topic: str | None = None, page: int = 1, page_size: int = WORKS_PAGE_SIZE) -> WorksPage:
    """One page of an author's works with their bylines: exactly three queries."""
    qs = Paper.objects.filter(_authored_by(author.pk), deleted=False)
    if year is not None:
        qs = qs.filter(year=year)
    if topic:
        qs = qs.filter(Exists(PaperTopic.objects.filter(paper_id=OuterRef("pk"), topic__slug=topic)))
    # Query: the ids of the page, with the filtered total as a window count so a filter never costs
    # a second COUNT query (the window is computed before LIMIT/OFFSET). Ids only: sorting and
    # counting thousands of narrow rows is several times cheaper than carrying every abstract.
    offset = (page - 1) * page_size
    order = SORTS.get(sort, SORTS[SORT_NEWEST])
    page_ids = list(
        qs.annotate(total_rows=Window(Count("id")), cited_by=F("citations__cited_by_count")).order_by(*order)
        .values_list("id", "total_rows")[offset:offset + page_size]
    )
    if page_ids:
        total = page_ids[0][1]
    elif year is None and not topic:
        total = author.works_count
    else:
        total = 0
    # Query: those papers' list columns (primary-key lookups), put back in page order.
    position = {paper_id: i for i, (paper_id, _) in enumerate(page_ids)}
    rows = sorted(
        Paper.objects.filter(pk__in=list(position)).only(*PAPER_LIST_FIELDS)
        .annotate(cited_by=F("citations__cited_by_count")) if page_ids else [],
        key=lambda paper: position[paper.pk],
    )
    attach_bylines(rows, highlight_author_id=author.pk)  # query: bylines of the page
    flag_uncertain = shows_uncertainty(claim_state=author.claim_state)
    for paper in rows:
        paper.may_be_another_person = flag_uncertain and is_low_confidence(paper.slot_confidence)
    num_pages = max(1, math.ceil(total / page_size))
    return WorksPage(papers=rows, total=total, page=page, page_size=page_size, num_pages=num_pages)


def attach_bylines(papers, *, highlight_author_id=None, head=BYLINE_HEAD, full=BYLINE_FULL):
    """Set `paper.byline` on each paper with one query, whatever the byline lengths."""
    if not papers:
        return
    cond = Q(position__lt=full)
    if highlight_author_id is not None:
        cond |= Q(author_id=highlight_author_id)
    slots = (
        Authorship.objects.filter(cond, paper_id__in=[p.pk for p in papers])
        .select_related("author")
        .only("paper_id", "position", "raw_name", "confidence", "evidence", "author__slug", "author__display_name")
        .order_by("paper_id", "position")
    )
    # One reverse() for the whole page instead of one per name (a byline-heavy page has hundreds).
    head_url, _, tail_url = reverse("researchers:profile", kwargs={"slug": "_"}).rpartition("_")
    by_paper: dict[int, list] = {}
    for slot in slots:
        by_paper.setdefault(slot.paper_id, []).append(slot)
    for paper in papers:
        entries = by_paper.get(paper.pk, [])
        # The highlighted record's own slot: how sure the disambiguation model is, and why.
        own = next((s for s in entries if s.author_id == highlight_author_id), None)
        paper.slot_confidence = own.confidence if own else None
        paper.slot_evidence = own.evidence if own else ""
        n_authors = max(paper.authors_count or 0, sum(1 for s in entries if s.position < full))
        byline = Byline()
        cut = full if n_authors <= full else head
        for slot in entries:
            entry = BylineEntry(
                slug=slot.author.slug,
                name=slot.author.display_name,
                is_self=slot.author_id == highlight_author_id,
                url=f"{head_url}{slot.author.slug}{tail_url}",
            )
            if slot.position < cut:
                byline.head.append(entry)
            elif entry.is_self and byline.tail is None:
                byline.tail = entry
        byline.more = max(0, n_authors - len(byline.head) - (1 if byline.tail else 0))
        paper.byline = byline
        paper.n_authors = n_authors


@dataclass
class YearBar:
    year: int
    count: int
    x: float
    y: float
    height: float


@dataclass
class YearChart:
    bars: list[YearBar]
    width: int
    height: int
    bar_width: float
    max_count: int
    first_year: int | None
    last_year: int | None

    @property
    def summary(self):
        if not self.bars:
            return "No dated works"
        parts = ", ".join(f"{b.year}: {b.count}" for b in self.bars if b.count)
        return f"Works per year, {self.first_year} to {self.last_year}. {parts}."


def works_per_year(*, author: Author) -> list[tuple[int, int]]:
    """(year, works) pairs for the author, oldest first: one aggregate query."""
    rows = (
        Paper.objects.filter(_authored_by(author.pk), deleted=False, year__isnull=False)
        .values("year")
        .annotate(n=Count("id"))
        .order_by("year")
    )
    return [(r["year"], r["n"]) for r in rows]


def year_chart(pairs: list[tuple[int, int]], *, width=280, height=72, max_years=30) -> YearChart:
    """Geometry of the works-per-year SVG; empty years in the span get a zero bar."""
    if not pairs:
        return YearChart([], width, height, 0, 0, None, None)
    counts = dict(pairs)
    last = max(counts)
    first = max(min(counts), last - max_years + 1)
    years = list(range(first, last + 1))
    top = max(counts.get(y, 0) for y in years) or 1
    slot = width / len(years)
    bar_w = max(2.0, slot * 0.72)
    plot_h = height - 14  # room for the axis labels
    bars = []
    for i, y in enumerate(years):
        n = counts.get(y, 0)
        h = 0 if n == 0 else max(2.0, plot_h * n / top)
        bars.append(YearBar(year=y, count=n, x=round(i * slot + (slot - bar_w) / 2, 2), y=round(plot_h - h, 2), height=round(h, 2)))
    return YearChart(bars, width, height, round(bar_w, 2), top, first, last)


def topics_for_profile(*, author: Author, limit=FILTER_TOPICS) -> list[AuthorTopic]:
    """The author's topics by weight (maintained AuthorTopic aggregate): one query."""
    return list(
        AuthorTopic.objects.filter(author=author)
        .select_related("topic")
        .only("weight", "papers_count", "topic__slug", "topic__name", "topic__kind", "topic__code")
        .order_by("-weight", "topic_id")[:limit]
    )


# Close collaborators as the maintained count defines them (papers/ingest/load/'s refresh): two
# or more shared papers, counting neither slots awaiting review, deleted papers, nor big
# collaborations. DISTINCT (author, paper) then a plain count: hash aggregates, several times
# faster than COUNT(DISTINCT …) (a sort per group) on records with thousands of papers.
CLOSE_COLLABORATORS_SQL = """
SELECT a.id, a.display_name, a.slug, a.claim_state, a.verification_level, c.shared
FROM (
    SELECT pairs.author_id, COUNT(*) AS shared
    FROM (
        SELECT DISTINCT co.author_id, co.paper_id
        FROM papers_authorship me
        JOIN papers_paper p ON p.id = me.paper_id AND NOT p.deleted AND p.authors_count <= %s
        JOIN papers_authorship co ON co.paper_id = me.paper_id AND co.author_id <> me.author_id
                                 AND co.attribution <> 'pending'
        WHERE me.author_id = %s AND me.attribution <> 'pending'
    ) pairs
    GROUP BY pairs.author_id
    HAVING COUNT(*) >= %s
) c
JOIN researchers_author a ON a.id = c.author_id
ORDER BY c.shared DESC, a.display_name, a.id
LIMIT %s
"""


def close_collaborators(*, author: Author, limit=SIDEBAR_COLLABORATORS) -> list[Author]:
    """Coauthors sharing ≥ 2 papers, most shared first, each with `.shared`: one aggregate query."""
    return list(Author.objects.raw(
        CLOSE_COLLABORATORS_SQL, [COLLABORATION_AUTHOR_LIMIT, author.pk, CLOSE_COLLABORATOR_MIN_SHARED, limit]
    ))



# --- API reads ---------------------------------------------------------------------------

# The same folded-name match as the site search (served by author_name_trgm_idx).
_API_NAME_MATCH_SQL = (
    "public.f_unaccent(lower(display_name)) %% public.f_unaccent(lower(%s))"
    " OR public.f_unaccent(lower(%s)) <%% public.f_unaccent(lower(display_name))"
)
_API_NAME_SCORE_SQL = (
    "GREATEST(similarity(public.f_unaccent(lower(display_name)), public.f_unaccent(lower(%s))),"
    " word_similarity(public.f_unaccent(lower(%s)), public.f_unaccent(lower(display_name))))"
)


def researchers_for_api_list(*, search: str = ""):
    """Live (not merged-away) author records; with `search`, annotated with a name-match `score`."""
    from django.db.models import BooleanField, FloatField
    from django.db.models.expressions import RawSQL

    qs = Author.objects.filter(merged_into__isnull=True).only(
        "id", "display_name", "slug", "affiliation", "is_collaboration", "works_count", "followers_count",
        "topics_count", "close_collaborators_count", "first_year", "last_year", "claim_state",
        "verification_level", "open_to_collaborate",
    )
    search = search.strip()
    if search:
        qs = qs.filter(RawSQL(_API_NAME_MATCH_SQL, [search, search], output_field=BooleanField())).annotate(
            score=RawSQL(_API_NAME_SCORE_SQL, [search, search], output_field=FloatField())
        )
    return qs


def researcher_for_api_detail(*, slug: str) -> Author:
    """One live author record with its top topics prefetched; raises Author.DoesNotExist."""
    from django.db.models import Prefetch

    return (
        Author.objects.filter(merged_into__isnull=True)
        .select_related("impact")  # citation figures (papers.impact), joined
        .prefetch_related(
            Prefetch(
                "author_topics",
                queryset=AuthorTopic.objects.select_related("topic").order_by("-weight", "topic_id")[:SIDEBAR_TOPICS],
                to_attr="top_topics",
            )
        )
        .get(slug=slug)
    )


def works_for_api(*, author: Author):
    """The author's works (accepted authorships only) with the slot's model confidence and evidence."""
    from django.db.models import Subquery

    # The least sure slot when a byline names the record twice; same single query per page.
    own = (Authorship.objects.filter(paper_id=OuterRef("pk"), author_id=author.pk).exclude(attribution="pending")
           .order_by(F("confidence").asc(nulls_last=True), "position"))
    return (
        Paper.objects.filter(_authored_by(author.pk), deleted=False).defer("abstract", "search_vector", "versions")
        .annotate(slot_confidence=Subquery(own.values("confidence")[:1]),
                  slot_evidence=Subquery(own.values("evidence")[:1]),
                  cited_by=F("citations__cited_by_count"))
    )
