"""Reads behind the citation blocks of the paper page and the profile. Fixed query counts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Value, When

from papers.models import AuthorImpact, Paper, PaperCitations, PaperReference

REFERENCES_SHOWN = 300
CITING_SHOWN = 50


@dataclass
class PaperImpact:
    citations: PaperCitations | None
    references: list[PaperReference]
    citing: list[Paper]

    @property
    def cited_by(self) -> int | None:
        return self.citations.cited_by_count if self.citations else None


def paper_impact(*, paper: Paper) -> PaperImpact:
    """Figures, references and citing papers we hold of one paper: three queries."""
    # Query: the paper's summed figures (absent until a source has been asked).
    citations = PaperCitations.objects.filter(paper=paper).first()
    # Query: its references, ours first (with the paper they resolve to), then the others by DOI.
    references = list(
        PaperReference.objects.filter(citing_paper=paper)
        .select_related("cited_paper")
        .only("cited_work", "cited_doi", "cited_title", "cited_paper__arxiv_id", "cited_paper__title",
              "cited_paper__year", "cited_paper__deleted")
        .annotate(ours=Case(When(cited_paper__isnull=False, then=Value(0)), default=Value(1),
                            output_field=IntegerField()))
        .order_by("ours", "cited_paper__title", "cited_doi", "cited_work")[:REFERENCES_SHOWN]
    )
    # Both versions of a paper can cite the same work: show each cited work once.
    seen, unique_refs = set(), []
    for ref in references:
        key = ref.cited_paper_id or ref.cited_work
        if key not in seen:
            seen.add(key)
            unique_refs.append(ref)
    # Query: our papers citing it, newest first (each once, whichever of its versions cites).
    citing = list(
        Paper.objects.filter(deleted=False, pk__in=PaperReference.objects.filter(cited_paper=paper)
                             .exclude(citing_paper=paper).values("citing_paper"))
        .only("id", "arxiv_id", "title", "year", "submitted")
        .order_by(F("submitted").desc(nulls_last=True), "-id")[:CITING_SHOWN]
    )
    return PaperImpact(citations=citations, references=unique_refs, citing=citing)


def author_impact_of(author) -> AuthorImpact | None:
    """The author's figures when the profile selector joined them (select_related('impact')): no query."""
    try:
        return author.impact
    except AuthorImpact.DoesNotExist:
        return None


def citations_chart(author):
    """The citations-per-year chart of the sidebar, drawn by the works-per-year geometry: no query."""
    from researchers.selectors import year_chart

    impact = author_impact_of(author)
    pairs = sorted((int(y), int(n)) for y, n in (impact.citations_by_year if impact else {}).items()
                   if str(y).isdigit())
    return year_chart(pairs)
