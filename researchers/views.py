from django import forms
from django.http import Http404
from django.shortcuts import redirect, render

from papers.impact.selectors import author_impact_of, citations_chart

from . import page_cache, selectors
from .identity_selectors import profile_identity_context
from .models import Author
from .services.profile_summary import author_profile_summary


class WorksFilterForm(forms.Form):
    """GET parameters of the works list. Bad values are reported and fall back to defaults."""

    sort = forms.ChoiceField(
        choices=[(selectors.SORT_NEWEST, "Newest first"), (selectors.SORT_OLDEST, "Oldest first"),
                 (selectors.SORT_MOST_CITED, "Most cited")], required=False
    )
    year = forms.IntegerField(min_value=1900, max_value=2100, required=False)
    topic = forms.SlugField(max_length=220, required=False)
    page = forms.IntegerField(min_value=1, max_value=100_000, required=False)

    def values(self):
        self.is_valid()  # invalid fields drop out of cleaned_data; the errors are shown
        data = self.cleaned_data
        return {
            "sort": data.get("sort") or selectors.SORT_NEWEST,
            "year": data.get("year"),
            "topic": data.get("topic") or None,
            "page": data.get("page") or 1,
        }


def profile(request, slug):
    # The graph and trust apps sit downstream of researchers: ask their selectors from the
    # view layer, never at import time, so the app dependency arrows stay one-way.
    from graph.services import graph_panel_for_profile
    from trust.selectors import trust_for_profile

    # Anonymous visitors share one rendering per state of the record (researchers/page_cache.py):
    # query: the record's version, which is all a stored copy costs.
    version = page_cache.page_version(slug=slug) if page_cache.request_is_cacheable(request) else None
    if version is not None and (cached := page_cache.cached_page(request=request, version=version)) is not None:
        return cached
    try:
        author = selectors.author_for_profile(slug=slug)  # query: the record and its owner
    except Author.DoesNotExist:
        raise Http404("No researcher with this address.")
    if author.merged_into_id:
        # Merges can be reverted by a moderator, so the redirect is temporary.
        return redirect(author.merged_into)

    form = WorksFilterForm(request.GET)
    params = form.values()
    works = selectors.works_for_profile(author=author, **params)  # 3 queries: page ids, papers, bylines
    # Stored works-per-year and close collaborators: no query while fresh, three after a change
    # (researchers/services/profile_summary.py).
    summary = author_profile_summary(author=author)
    year_pairs = [(year, n) for year, n in summary["years"]]
    topics = selectors.topics_for_profile(author=author)  # query: topics by weight
    context = {
        "author": author,
        "trust": trust_for_profile(author=author),
        "graph_panel": graph_panel_for_profile(author=author),
        # query (at most one): the viewer's follow/claim/invite state and the claim's evidence
        # (identity_selectors; owned by the claim/follow flow)
        **profile_identity_context(user=request.user, author=author),
        "works": works,
        "filter_form": form,
        "filters": params,
        "filtered": bool(params["year"] or params["topic"]),
        "year_chart": selectors.year_chart(year_pairs),
        "years": [y for y, _ in reversed(year_pairs)],
        "topics": topics,
        "sidebar_topics": topics[: selectors.SIDEBAR_TOPICS],
        "collaborators": summary["collaborators"],
        "impact": author_impact_of(author),  # no query: joined by author_for_profile
        "citation_chart": citations_chart(author),  # no query: the maintained AuthorImpact row
    }
    if version is not None:
        return page_cache.render_and_store(request, "researchers/profile.html", context, version=version,
                                           author=author)
    return render(request, "researchers/profile.html", context)
