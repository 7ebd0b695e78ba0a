"""Trust model 2026.12-1 (issue 18): the seed-shaped record is Emerging, merged namesakes and uncertain
attributions score lower, and the tiers speak of identity evidence rather than seniority."""

import pytest

from researchers.models import Author
from tests.factories import (
    AuthorFactory,
    PaperFactory,
    trust_paper,
    trust_seed_like_author,
)
from trust import method
from trust import services
from trust.models import TrustScore

pytestmark = pytest.mark.django_db


def _score(author):
    return TrustScore.objects.get(author=author)


def _career(author, *, works, first_year, years, collaborators, category="cs.LG", disjoint=False):
    """`works` papers over `years` years, each with one or two of `collaborators` coauthors."""
    team = [AuthorFactory() for _ in range(collaborators)]
    for i in range(works):
        coauthors = [team[i % collaborators]] if disjoint else [team[i % collaborators],
                                                                 team[(i + 1) % collaborators]]
        paper = trust_paper(author, *coauthors, year=first_year + i % years)
        type(paper).objects.filter(pk=paper.pk).update(primary_category=category)


@pytest.mark.parametrize("disjoint", [False, True], ids=["one-circle", "three-separate-collaborators"])
def test_an_unclaimed_record_with_consistent_works_over_years_is_emerging(disjoint):
    author = AuthorFactory(display_name="Zechun Liu")
    _career(author, works=15, first_year=2017, years=10, collaborators=3, disjoint=disjoint)
    services.trust_recompute_all()
    score = _score(author)
    assert score.tier == "Emerging", score.total
    assert 20 <= score.total <= 39
    assert score.vouching == 0 and score.penalties == 0


def test_the_factory_seed_shape_is_emerging_and_matches_the_published_calibration():
    author, _ = trust_seed_like_author()
    services.trust_recompute_all()
    score = _score(author)
    assert score.tier == method.CALIBRATION["expected_tier"] == "Emerging"


def test_a_record_merging_namesakes_scores_lower_than_a_genuine_researcher():
    genuine, merged = AuthorFactory(), AuthorFactory()
    _career(genuine, works=30, first_year=2008, years=18, collaborators=4)
    # Ten namesakes, three works each, each with their own coauthors and field.
    fields = ["cs.LG", "hep-th", "q-bio.NC", "math.AG", "astro-ph.GA", "cond-mat.str-el", "econ.EM",
              "physics.optics", "stat.ME", "nucl-th"]
    for person, field in enumerate(fields):
        _career(merged, works=3, first_year=2008 + person, years=3, collaborators=2, category=field)
    services.trust_recompute_all()
    g, m = _score(genuine), _score(merged)
    assert g.works == m.works == 30
    assert m.consistency < g.consistency - 8, (m.consistency, g.consistency)
    assert m.total < g.total
    assert m.parts["consistency"]["facts"]["focus"] == 3
    assert m.tier == "Limited evidence" or m.total < g.total - 8


def test_low_confidence_attributions_lower_consistency():
    sure, unsure = AuthorFactory(), AuthorFactory()
    for author in (sure, unsure):
        _career(author, works=15, first_year=2017, years=10, collaborators=3)
    Author.objects.filter(pk=unsure.pk).update(uncertain_works_count=10)
    services.trust_recompute_all()
    s, u = _score(sure), _score(unsure)
    assert u.consistency < s.consistency
    assert u.consistency == pytest.approx(s.consistency * (1 - method.UNCERTAIN_WEIGHT * 10 / 15), abs=0.1)
    assert any("uncertain attributions" in line for line in method.evidence_lines("consistency",
                                                                             u.parts["consistency"]["facts"]))
    # The event-driven recompute of one record reads the same field.
    assert services.trust_recompute_author(author_id=unsure.pk).consistency == u.consistency


def test_a_one_paper_record_shows_limited_evidence_not_a_seniority_label():
    author = AuthorFactory()
    trust_paper(author, AuthorFactory(), year=2024)
    PaperFactory()
    services.trust_recompute_all()
    assert _score(author).tier == "Limited evidence"
    for label in method.TIER_LABELS:
        assert label.lower() not in {"new", "junior", "senior", "established", "trusted", "highly trusted"}
        assert method.TIER_MEANINGS[label]


def test_tier_labels_fit_the_stored_column():
    width = TrustScore._meta.get_field("tier").max_length
    assert all(len(label) <= width for label in method.TIER_LABELS)


def test_the_method_page_publishes_the_version_the_changelog_and_what_each_tier_means(client):
    html = client.get("/trust/method").content.decode()
    assert f'data-model-version="{method.MODEL_VERSION}"' in html
    assert f'data-model-change="{method.MODEL_VERSION}"' in html
    for label in method.TIER_LABELS:
        assert method.TIER_MEANINGS[label].split(":")[0][:40] in html


def test_why_this_score_says_what_the_tier_means(client):
    author, _ = trust_seed_like_author()
    services.trust_recompute_all()
    html = client.get(author.get_absolute_url()).content.decode()
    assert "data-trust-tier-meaning" in html
    assert "Identity evidence is emerging" in html
