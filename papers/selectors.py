"""Reads behind the paper, topic, home and search pages: each a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Case, F, Prefetch, Q, Value, When

from researchers.models import Author
from researchers.selectors import PAPER_LIST_FIELDS, attach_bylines

from .models import Authorship, AuthorTopic, Paper, PaperTopic, Topic

HOME_PAPERS = 12
HOME_RESEARCHERS = 8
# "Active" researchers are the most prolific authors on this many of the newest papers.
HOME_ACTIVE_WINDOW = 300
TOPIC_PAPERS_PAGE = 20
TOPIC_RESEARCHERS = 12
SEARCH_RESEARCHERS = 12
SEARCH_PAPERS_PAGE = 20
SEARCH_BYLINE = 3  # names shown per paper hit before "N authors"


@dataclass
class Slice:
    """A LIMIT/OFFSET page that fetched one extra row to know whether a next page exists."""

    items: list
    page: int
    has_next: bool

    @property
    def has_previous(self):
        return self.page > 1


def _slice(qs, page, size) -> Slice:
    offset = (page - 1) * size
    rows = list(qs[offset:offset + size + 1])
    return Slice(items=rows[:size], page=page, has_next=len(rows) > size)


def _listed_papers():
    return Paper.objects.filter(deleted=False).only(*PAPER_LIST_FIELDS)


# Newest first exactly as the index paper_submitted_idx (submitted DESC, id DESC) is sorted, so
# "latest N" lists walk the index instead of sorting the corpus; undated rows are left out.
NEWEST_FIRST = ("-submitted", "-id")


def _newest(qs):
    return qs.filter(submitted__isnull=False).order_by(*NEWEST_FIRST)


# --- paper page ---------------------------------------------------------------------------

def paper_for_page(*, arxiv_id: str) -> Paper:
    """The paper behind /papers/<arxiv_id>/; raises Paper.DoesNotExist."""
    return Paper.objects.defer("search_vector").get(arxiv_id=arxiv_id, deleted=False)


def paper_byline(*, paper: Paper) -> list[Authorship]:
    """Every byline slot in order, with its author record and institution: one query."""
    return list(
        Authorship.objects.filter(paper=paper)
        .select_related("author", "institution")
        .only(
            "position", "raw_name", "affiliation", "attribution", "author__slug", "author__display_name",
            "author__claim_state", "author__verification_level", "institution__name", "institution__slug",
        )
        .order_by("position")
    )


def paper_topics(*, paper: Paper) -> list[PaperTopic]:
    """The paper's topics (categories and phrases), strongest first: one query."""
    return list(
        PaperTopic.objects.filter(paper=paper)
        .select_related("topic")
        .only("weight", "topic__slug", "topic__name", "topic__kind", "topic__code")
        .order_by("-weight", "topic__name")
    )


# --- topic page ---------------------------------------------------------------------------

def topic_for_page(*, slug: str) -> Topic:
    """The topic behind /topics/<slug>/; raises Topic.DoesNotExist."""
    return Topic.objects.get(slug=slug)


def topic_top_researchers(*, topic: Topic, limit=TOPIC_RESEARCHERS) -> list[AuthorTopic]:
    """Researchers with the most works on the topic, then the most weight on it: one query.

    Weight alone is a share of the author's own works, so every one-paper author would outrank
    the people who publish on the topic year after year.
    """
    return list(
        AuthorTopic.objects.filter(topic=topic)
        .select_related("author")
        .only(
            "weight", "papers_count", "author__slug", "author__display_name", "author__affiliation",
            "author__works_count", "author__claim_state",
        )
        .order_by("-papers_count", "-weight", "author_id")[:limit]
    )


def topic_recent_papers(*, topic: Topic, page=1, size=TOPIC_PAPERS_PAGE) -> Slice:
    """Newest papers on the topic, one page, with bylines: two queries."""
    qs = _newest(_listed_papers().filter(paper_topics__topic=topic))
    result = _slice(qs, page, size)
    attach_bylines(result.items, full=SEARCH_BYLINE, head=SEARCH_BYLINE)
    return result


# --- home -----------------------------------------------------------------------------------

def home_recent_papers(*, limit=HOME_PAPERS) -> list[Paper]:
    """The newest papers with short bylines: two queries."""
    papers = list(_newest(_listed_papers())[:limit])
    attach_bylines(papers, full=SEARCH_BYLINE, head=SEARCH_BYLINE)
    return papers


ACTIVE_RESEARCHERS_SQL = """
SELECT a.id, a.display_name, a.slug, a.affiliation, a.works_count, a.claim_state,
       a.verification_level, a.last_year, recent.n AS recent_works
FROM (
    SELECT s.author_id, COUNT(*) AS n
    FROM papers_authorship s
    JOIN (
        SELECT id FROM papers_paper
        WHERE NOT deleted AND submitted IS NOT NULL
        ORDER BY submitted DESC, id DESC
        LIMIT %s
    ) p ON p.id = s.paper_id
    GROUP BY s.author_id
) recent
JOIN researchers_author a ON a.id = recent.author_id
WHERE NOT a.is_collaboration
ORDER BY recent.n DESC, a.works_count DESC, a.id
LIMIT %s
"""


def home_active_researchers(*, limit=HOME_RESEARCHERS) -> list[Author]:
    """Authors with the most works among the newest papers: one aggregate query."""
    return list(Author.objects.raw(ACTIVE_RESEARCHERS_SQL, [HOME_ACTIVE_WINDOW, limit]))


# --- search -----------------------------------------------------------------------------------

# Typo- and accent-tolerant: trigram similarity of the folded name (served by the GIN index
# author_name_trgm_idx), or word similarity so a lone surname or forename also matches.
# f_unaccent is IMMUTABLE, so f_unaccent(lower('literal')) is folded before planning and the
# index conditions see a constant.
RESEARCHER_SEARCH_SQL = """
SELECT id, display_name, slug, affiliation, works_count, claim_state, verification_level,
       first_year, last_year,
       GREATEST(
           similarity(public.f_unaccent(lower(display_name)), public.f_unaccent(lower(%(q)s))),
           word_similarity(public.f_unaccent(lower(%(q)s)), public.f_unaccent(lower(display_name)))
       ) AS score
FROM researchers_author
WHERE public.f_unaccent(lower(display_name)) %% public.f_unaccent(lower(%(q)s))
   OR public.f_unaccent(lower(%(q)s)) <%% public.f_unaccent(lower(display_name))
ORDER BY score DESC, works_count DESC, id
LIMIT %(limit)s
"""


def search_researchers(*, q: str, limit=SEARCH_RESEARCHERS) -> list[Author]:
    """Researchers whose name resembles q, best match first: one query."""
    return list(Author.objects.raw(RESEARCHER_SEARCH_SQL, {"q": q, "limit": limit}))


SEARCH_TOPICS = 3
# A query shorter than this only matches a topic exactly (a substring of two letters matches noise).
SEARCH_TOPIC_MIN_SUBSTRING = 4


def search_topics(*, q: str, limit=SEARCH_TOPICS) -> list[Topic]:
    """Topics named like q (or with q as their arXiv code), exact match first, then the most used: one query."""
    q = q.strip()
    match = Q(name__iexact=q) | Q(code__iexact=q)
    if len(q) >= SEARCH_TOPIC_MIN_SUBSTRING:
        match |= Q(name__icontains=q)
    exact = Case(When(Q(name__iexact=q) | Q(code__iexact=q), then=Value(0)), default=Value(1))
    return list(Topic.objects.filter(match).only("name", "slug", "kind", "code", "papers_count")
                .order_by(exact, "-papers_count", "name")[:limit])


def search_papers(*, q: str, page=1, size=SEARCH_PAPERS_PAGE) -> Slice:
    """Papers matching q (websearch syntax) ranked title > abstract, with bylines: two queries."""
    query = SearchQuery(q, search_type="websearch", config="english")
    qs = (
        _listed_papers()
        .filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", F("submitted").desc(nulls_last=True), "-id")
    )
    result = _slice(qs, page, size)
    attach_bylines(result.items, full=SEARCH_BYLINE, head=SEARCH_BYLINE)
    return result


__all__ = [
    "home_active_researchers",
    "home_recent_papers",
    "paper_byline",
    "paper_for_page",
    "paper_topics",
    "search_papers",
    "search_researchers",
    "topic_for_page",
    "topic_recent_papers",
    "topic_top_researchers",
]


# --- API reads -------------------------------------------------------------------------

def papers_for_api_list():
    """Papers for API lists; filtering and cursor ordering are applied by the view."""
    return Paper.objects.filter(deleted=False).defer("abstract", "search_vector", "versions").annotate(
        cited_by=F("citations__cited_by_count"))  # citation count (papers.impact), joined in the same query


def papers_for_api_detail():
    """Papers for the API detail, with the byline and topics prefetched (one query each)."""
    return Paper.objects.filter(deleted=False).defer("search_vector").prefetch_related(
        Prefetch("authorships", queryset=Authorship.objects.select_related("author").order_by("position")),
        Prefetch("paper_topics", queryset=PaperTopic.objects.select_related("topic").order_by("-weight")),
        Prefetch("similar", queryset=_similar_for_api()),
    )


def _similar_for_api():
    from papers.discovery.models import SimilarPaper

    return SimilarPaper.objects.filter(neighbour__deleted=False).select_related("neighbour").only(
        "paper_id", "rank", "score", "why", "neighbour__arxiv_id", "neighbour__title").order_by("rank")


def topics_for_api():
    """Topics for the API, most used first."""
    return Topic.objects.all()
