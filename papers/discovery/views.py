"""Daily papers, upvotes, topic follows, reading list, citations (BibTeX/RIS) and the feed pages."""

import datetime as dt
import re

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from papers.models import Paper, Topic
from researchers.models import Author
from researchers.services.errors import ServiceError
from researchers.view_utils import login_required_message, refused, safe_back

from . import citations, selectors, services

CATEGORY_RE = re.compile(r"^[a-z\-]+(\.[A-Za-z\-]+)?$")


class DailyForm(forms.Form):
    sort = forms.ChoiceField(choices=[(s, s) for s in selectors.DAILY_SORTS], required=False)
    topic = forms.SlugField(max_length=220, required=False)
    category = forms.RegexField(regex=CATEGORY_RE, max_length=40, required=False)
    page = forms.IntegerField(min_value=1, max_value=1000, required=False)

    def values(self):
        self.is_valid()  # a bad value drops out and falls back to its default
        data = self.cleaned_data
        return {"sort": data.get("sort") or selectors.SORT_TOP, "topic": data.get("topic") or "",
                "category": data.get("category") or "", "page": data.get("page") or 1}


def daily(request, day=None):
    """/papers/daily/ (the newest day) and /papers/daily/<YYYY-MM-DD>/."""
    params = DailyForm(request.GET).values()
    if day is not None:
        try:
            day = dt.date.fromisoformat(day)
        except ValueError:
            raise Http404("No such date; use YYYY-MM-DD.")
    topic = None
    if params["topic"]:
        topic = Topic.objects.filter(slug=params["topic"]).first()  # query: the topic filter
        if topic is None:
            raise Http404("No topic with this address.")
    papers = selectors.filtered_papers(topic=topic, category=params["category"])
    if day is None:
        day = selectors.latest_day()  # query: the newest day with papers
    page = selectors.daily_papers(day=day, papers=papers, sort=params["sort"], page=params["page"]) if day else None
    items = page.items if page else []
    previous_day, next_day = selectors.neighbour_days(day=day, papers=papers) if day else (None, None)  # 2 queries
    context = {
        "day": day, "page": page, "params": params, "topic": topic,
        "previous_day": previous_day, "next_day": next_day,
        "sorts": [(selectors.SORT_TOP, "Top"), (selectors.SORT_NEW, "Newest"), (selectors.SORT_TRENDING, "Trending")],
        "trending_days": selectors.TRENDING_DAYS,
        "voted": selectors.voted_ids(user=request.user, papers=items),  # query when signed in
        "saved": selectors.saved_ids(user=request.user, papers=items),  # query when signed in
    }
    return render(request, "discovery/daily.html", context)


def _paper(arxiv_id):
    try:
        return selectors.paper_by_arxiv_id(arxiv_id=arxiv_id)
    except Paper.DoesNotExist:
        raise Http404("No paper with this arXiv id.")


def _vote_response(request, paper, voted, upvotes):
    if request.htmx:
        return render(request, "discovery/_partials/vote_button.html",
                      {"paper": paper, "voted": voted, "upvotes": upvotes})
    return redirect(safe_back(request, paper.get_absolute_url()))


@login_required_message("Sign in to upvote papers.")
@require_POST
def upvote(request, arxiv_id):
    paper = _paper(arxiv_id)
    try:
        _, upvotes = services.paper_upvote(user=request.user, paper=paper)
    except ServiceError as exc:
        return refused(request, exc, back=paper.get_absolute_url())
    return _vote_response(request, paper, True, upvotes)


@login_required_message("Sign in to upvote papers.")
@require_POST
def unvote(request, arxiv_id):
    paper = _paper(arxiv_id)
    try:
        _, upvotes = services.paper_unvote(user=request.user, paper=paper)
    except ServiceError as exc:
        return refused(request, exc, back=paper.get_absolute_url())
    return _vote_response(request, paper, False, upvotes)


def _save_response(request, paper, saved):
    if request.htmx:
        return render(request, "discovery/_partials/save_button.html", {"paper": paper, "is_saved": saved})
    return redirect(safe_back(request, paper.get_absolute_url()))


@login_required_message("Sign in to save papers to your reading list.")
@require_POST
def save(request, arxiv_id):
    paper = _paper(arxiv_id)
    created = services.saved_paper_create(user=request.user, paper=paper)
    if created and not request.htmx:
        messages.success(request, "Saved to your reading list.")
    return _save_response(request, paper, True)


@login_required_message("Sign in to save papers to your reading list.")
@require_POST
def unsave(request, arxiv_id):
    paper = _paper(arxiv_id)
    services.saved_paper_delete(user=request.user, paper=paper)
    return _save_response(request, paper, False)


def _topic(slug):
    topic = Topic.objects.filter(slug=slug).first()
    if topic is None:
        raise Http404("No topic with this address.")
    return topic


def _topic_follow_response(request, topic, following):
    if request.htmx:
        return render(request, "discovery/_partials/topic_follow_button.html",
                      {"topic": topic, "follows_topic": following})
    return redirect(safe_back(request, topic.get_absolute_url()))


@login_required_message("Sign in to follow topics.")
@require_POST
def topic_follow(request, slug):
    topic = _topic(slug)
    try:
        created = services.topic_follow_create(user=request.user, topic=topic)
    except ServiceError as exc:
        return refused(request, exc, back=topic.get_absolute_url())
    if created and not request.htmx:
        messages.success(request, f"You follow {topic.name}: its new papers show in your feed and digest.")
    return _topic_follow_response(request, topic, True)


@login_required_message("Sign in to follow topics.")
@require_POST
def topic_unfollow(request, slug):
    topic = _topic(slug)
    services.topic_follow_delete(user=request.user, topic=topic)
    return _topic_follow_response(request, topic, False)


# --- citations ------------------------------------------------------------------------------

def _download(body, *, content_type, filename):
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


BIBTEX = "application/x-bibtex; charset=utf-8"
RIS = "application/x-research-info-systems; charset=utf-8"


def _cited_paper(arxiv_id):
    try:
        return selectors.paper_for_citation(arxiv_id=arxiv_id)  # 2 queries: the paper, its byline
    except Paper.DoesNotExist:
        raise Http404("No paper with this arXiv id.")


def _safe_filename(text):
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text)


def paper_bibtex(request, arxiv_id):
    paper = _cited_paper(arxiv_id)
    return _download(citations.papers_bibtex([paper]), content_type=BIBTEX,
                     filename=f"{_safe_filename(paper.arxiv_id)}.bib")


def paper_ris(request, arxiv_id):
    paper = _cited_paper(arxiv_id)
    return _download(citations.papers_ris([paper]), content_type=RIS, filename=f"{_safe_filename(paper.arxiv_id)}.ris")


def _author(slug):
    author = Author.objects.filter(slug=slug).only("id", "slug", "display_name").first()  # query: the record
    if author is None:
        raise Http404("No researcher with this address.")
    return author


def researcher_bibtex(request, slug):
    author = _author(slug)
    works = selectors.author_works_for_citation(author=author)  # 2 queries: works, bylines
    return _download(citations.papers_bibtex(works), content_type=BIBTEX, filename=f"{author.slug}.bib")


def researcher_ris(request, slug):
    author = _author(slug)
    works = selectors.author_works_for_citation(author=author)  # 2 queries: works, bylines
    return _download(citations.papers_ris(works), content_type=RIS, filename=f"{author.slug}.ris")


# --- /me ----------------------------------------------------------------------------------

@login_required_message("Sign in to see your reading list.")
def saved_list(request):
    page = forms.IntegerField(min_value=1, required=False)
    try:
        number = page.clean(request.GET.get("page")) or 1
    except forms.ValidationError:
        number = 1
    papers = selectors.saved_papers(user=request.user, page=number)  # 2 queries: papers, bylines
    return render(request, "discovery/saved.html", {"papers": papers, "saved": {p.pk for p in papers.items}})


@login_required_message("Sign in to export your reading list.")
def saved_bibtex(request):
    papers = selectors.saved_for_citation(user=request.user)  # 2 queries: papers, bylines
    return _download(citations.papers_bibtex(papers), content_type=BIBTEX, filename="reading-list.bib")


@login_required_message("Sign in to export your reading list.")
def saved_ris(request):
    papers = selectors.saved_for_citation(user=request.user)  # 2 queries: papers, bylines
    return _download(citations.papers_ris(papers), content_type=RIS, filename="reading-list.ris")


@login_required_message("Sign in to see your feed.")
def feed_topics(request):
    """/me/feed/topics: the "Your topics" tab of the feed."""
    try:
        number = min(1000, max(1, int(request.GET.get("page") or 1)))
    except ValueError:
        number = 1
    return render(request, "discovery/feed_topics.html", {
        "papers": selectors.topic_feed_page(user=request.user, page=number),  # 2 queries: papers, bylines
        "topics": selectors.followed_topics(user=request.user),  # query
        # query: the private feed token (made on the first visit)
        "feed_url": request.build_absolute_uri(reverse("discovery:private_feed", kwargs={
            "token": selectors.feed_token(user=request.user) or services.feed_token_get_or_create(user=request.user)})),
    })


@login_required_message("Sign in to manage your feed.")
@require_POST
def feed_token_reset(request):
    services.feed_token_get_or_create(user=request.user, regenerate=True)
    messages.success(request, "Your private feed has a new address; the old one no longer works.")
    return redirect("discovery:feed_topics")


def similar(request, arxiv_id):
    """/papers/<arxiv_id>/similar/: the "Similar papers" partial the paper page loads with htmx."""
    rows = selectors.similar_papers(arxiv_id=arxiv_id)  # query: neighbours with their papers
    if not rows and not Paper.objects.filter(arxiv_id=arxiv_id, deleted=False).exists():  # query, only when empty
        raise Http404("No paper with this arXiv id.")
    return render(request, "discovery/_partials/similar.html", {"similar": rows})
