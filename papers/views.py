from django import forms
from django.http import Http404
from django.shortcuts import render

from . import selectors
from .impact.selectors import paper_impact
from .models import Paper, Topic


class PageForm(forms.Form):
    page = forms.IntegerField(min_value=1, max_value=10_000, required=False)

    def page_number(self):
        self.is_valid()
        return self.cleaned_data.get("page") or 1


class SearchForm(PageForm):
    q = forms.CharField(max_length=200, required=False, strip=True, label="Search researchers and papers")

    def query(self):
        self.is_valid()
        return self.cleaned_data.get("q") or ""


def home(request):
    context = {
        "recent_papers": selectors.home_recent_papers(),  # 2 queries: papers, bylines
        "active_researchers": selectors.home_active_researchers(),  # 1 aggregate query
    }
    return render(request, "papers/home.html", context)


def search(request):
    form = SearchForm(request.GET)
    q = form.query()
    page = form.page_number()
    context = {"form": form, "q": q, "researchers": [], "papers": None}
    if q:
        # Researchers only on the first page: later pages page through papers.
        if page == 1:
            context["researchers"] = selectors.search_researchers(q=q)  # 1 query
            context["topics"] = selectors.search_topics(q=q)  # 1 query
        context["papers"] = selectors.search_papers(q=q, page=page)  # 2 queries: hits, bylines
    return render(request, "papers/search.html", context)


def paper_detail(request, arxiv_id):
    try:
        paper = selectors.paper_for_page(arxiv_id=arxiv_id)  # query: the paper
    except Paper.DoesNotExist:
        raise Http404("No paper with this arXiv id.")
    context = {
        "paper": paper,
        "byline": selectors.paper_byline(paper=paper),  # query: every byline slot
        "topics": selectors.paper_topics(paper=paper),  # query: its topics
        "impact": paper_impact(paper=paper),  # 3 queries: figures, references, citing papers we hold
    }
    return render(request, "papers/paper_detail.html", context)


def topic_detail(request, slug):
    try:
        topic = selectors.topic_for_page(slug=slug)  # query: the topic
    except Topic.DoesNotExist:
        raise Http404("No topic with this address.")
    page = PageForm(request.GET).page_number()
    context = {
        "topic": topic,
        "researchers": selectors.topic_top_researchers(topic=topic) if page == 1 else [],  # query
        "papers": selectors.topic_recent_papers(topic=topic, page=page),  # 2 queries: papers, bylines
    }
    return render(request, "papers/topic_detail.html", context)
