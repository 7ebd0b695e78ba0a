"""The published trust model: ranges, monotonicity, disputes, calibration, coherence, determinism."""

import numpy as np
import pytest

from researchers.models import Author, Claim, Dispute
from tests.factories import (
    AuthorFactory,
    TrustFlagFactory,
    VerifiedUserFactory,
    trust_paper,
    trust_seed_like_author,
)
from trust import compute, services
from trust import method
from trust.models import TrustScore

pytestmark = pytest.mark.django_db


def _record_with_own_team(works=12, **author_kwargs):
    author = AuthorFactory(**author_kwargs)
    team = [AuthorFactory() for _ in range(3)]
    for i in range(works):
        trust_paper(author, team[i % 3], team[(i + 1) % 3], year=2018 + i % 6)
    return author


def _score(author):
    return TrustScore.objects.get(author=author)


def test_scores_stay_within_0_and_100_for_any_inputs():
    rng = np.random.default_rng(7)
    n = 5000
    works = rng.integers(0, 5000, n)
    inputs = compute.Inputs(
        author_ids=np.arange(n, dtype=np.int64), level=rng.integers(1, 5, n).astype(np.int16),
        has_orcid=rng.random(n) < 0.5, claim_state=rng.integers(0, 3, n).astype(np.int16),
        works=works, focus=(works * rng.random(n)).astype(np.int32), uncertain=rng.integers(0, 10, n),
        strong=(works * rng.random(n)).astype(np.int32),
        first_year=np.full(n, 1990, np.int16), last_year=rng.integers(1990, 2027, n).astype(np.int16),
        measurable=works, largest=(works * rng.random(n)).astype(np.int32), clusters=np.ones(n, np.int32),
        eigentrust_x=rng.random(n) * 100, is_seed=np.zeros(n, bool), seeds=0,
        follows=rng.integers(0, 1000, n), vouches=rng.integers(0, 50, n), open_dispute=rng.random(n) < 0.3,
        flag_points=rng.integers(0, 200, n), claim_evidence={}, flag_reasons={},
    )
    totals = compute.score(inputs)["raw_total"]
    assert totals.min() >= 0 and totals.max() <= 100
    # Both ends are reachable: every part at its cap, and penalties beyond everything else.
    assert method.total_score(method.IDENTITY_CAP, method.CONSISTENCY_CAP, method.VOUCHING_CAP, 0) == 100
    assert method.total_score(method.IDENTITY_LEVEL_POINTS[1], 0, 0, method.PENALTY_OPEN_DISPUTE) == 0


def test_stored_scores_stay_within_0_and_100():
    _record_with_own_team(works=300, verification_level=4, claim_state="claimed", orcid="0000-0002-1825-0097")
    flagged = _record_with_own_team(works=1)
    TrustFlagFactory(author=flagged, points=40)
    AuthorFactory()  # no works at all
    services.trust_recompute_all()
    totals = list(TrustScore.objects.values_list("total", flat=True))
    assert len(totals) == Author.objects.count()
    assert all(0 <= t <= 100 for t in totals)


def test_score_is_monotone_in_verification_level_other_things_equal():
    records = {
        level: _record_with_own_team(verification_level=level, claim_state="claimed" if level > 1 else "unclaimed")
        for level in (1, 2, 3, 4)
    }
    services.trust_recompute_all()
    totals = [_score(records[level]).total for level in (1, 2, 3, 4)]
    identity = [_score(records[level]).identity for level in (1, 2, 3, 4)]
    assert totals == sorted(totals) and len(set(totals)) == 4, totals
    assert identity == sorted(identity) and len(set(identity)) == 4


def test_an_open_dispute_lowers_the_score_and_marks_it_under_review():
    owner, rival = VerifiedUserFactory(), VerifiedUserFactory()
    author = _record_with_own_team(verification_level=2, claim_state="claimed", owner=owner)
    services.trust_recompute_all()
    before = _score(author)
    assert not before.under_review

    incumbent = Claim.objects.create(author=author, user=owner, status="active", level=2)
    challenger = Claim.objects.create(author=author, user=rival, status="pending", level=2)
    Dispute.objects.create(author=author, claim=challenger, incumbent_claim=incumbent, opened_by=rival)
    after = services.trust_recompute_author(author_id=author.pk)

    assert after.total == before.total - method.PENALTY_OPEN_DISPUTE
    assert after.under_review
    assert after.parts["penalties"]["facts"]["open_dispute"] is True


def test_a_disputed_claim_state_alone_also_counts_as_an_open_dispute():
    author = _record_with_own_team(verification_level=2, claim_state="claimed")
    services.trust_recompute_all()
    before = _score(author).total
    Author.objects.filter(pk=author.pk).update(claim_state="disputed")
    assert services.trust_recompute_author(author_id=author.pk).total == before - method.PENALTY_OPEN_DISPUTE


def test_a_moderator_flag_is_a_published_penalty():
    author = _record_with_own_team()
    services.trust_recompute_all()
    before = _score(author).total
    TrustFlagFactory(author=author, reason="Works of two people merged", points=8)
    after = services.trust_recompute_author(author_id=author.pk)
    assert after.total == before - 8
    assert after.parts["penalties"]["facts"]["flags"] == ["Works of two people merged"]


def test_the_seed_like_record_lands_in_emerging():
    author, _ = trust_seed_like_author(display_name="Zechun Liu")
    services.trust_recompute_all()
    score = _score(author)
    assert score.tier == "Emerging"  # as seed 000 shows: "Trust 21 - Emerging"
    assert 20 <= score.total <= 39
    assert score.vouching == 0


def test_merged_namesakes_score_lower_on_consistency_than_their_split_halves():
    def half(author):
        team = [AuthorFactory() for _ in range(3)]
        for i in range(10):
            trust_paper(author, team[i % 3], team[(i + 1) % 3], year=2015 + i)

    first, second, merged = AuthorFactory(), AuthorFactory(), AuthorFactory()
    half(first)
    half(second)
    half(merged)  # the merged record holds both people's works: two unconnected teams
    half(merged)
    services.trust_recompute_all()
    m = _score(merged)
    assert m.parts["consistency"]["facts"]["clusters"] == 2
    assert m.consistency < _score(first).consistency
    assert m.consistency < _score(second).consistency


def test_recompute_is_deterministic():
    seed = _record_with_own_team(verification_level=3, claim_state="claimed")
    others = [_record_with_own_team(works=w) for w in (2, 5, 9)]
    for other in others:
        trust_paper(seed, other)
    def results():
        return [(s.author_id, s.total, s.raw_total, s.parts) for s in TrustScore.objects.order_by("author_id")]

    services.trust_recompute_all()
    first = results()
    TrustScore.objects.all().delete()
    services.trust_recompute_all()
    assert first == results()
    assert any(parts["vouching"]["facts"]["eigentrust_x"] > 0 for *_, parts in first)  # the propagation ran


def test_daily_gain_is_capped_but_a_level_change_applies_at_once():
    author = _record_with_own_team(works=2)
    team = [AuthorFactory() for _ in range(3)]
    services.trust_recompute_all()
    start = _score(author).total
    for i in range(60):
        trust_paper(author, team[i % 3], team[(i + 1) % 3], year=2000 + i % 25, attribution="orcid")
    capped = services.trust_recompute_author(author_id=author.pk)
    assert capped.raw_total > start + method.DAILY_GAIN_CAP
    assert capped.total == start + method.DAILY_GAIN_CAP

    Author.objects.filter(pk=author.pk).update(verification_level=4, claim_state="claimed")
    promoted = services.trust_recompute_author(author_id=author.pk)
    level_jump = method.IDENTITY_LEVEL_POINTS[4] - method.IDENTITY_LEVEL_POINTS[1]
    assert promoted.total >= start + method.DAILY_GAIN_CAP + level_jump
    assert promoted.total <= promoted.raw_total


def test_citations_and_raw_follower_counts_add_nothing():
    author = _record_with_own_team()
    services.trust_recompute_all()
    before = _score(author).total
    Author.objects.filter(pk=author.pk).update(followers_count=100000)
    assert services.trust_recompute_author(author_id=author.pk).total == before


def test_the_event_driven_update_agrees_with_the_full_recompute():
    seed = _record_with_own_team(verification_level=3, claim_state="claimed")
    author = _record_with_own_team(works=7)
    trust_paper(seed, author)
    services.trust_recompute_all()
    full = _score(author)
    one = services.trust_recompute_author(author_id=author.pk)
    assert (one.total, one.identity, one.consistency, one.vouching, one.parts) == (
        full.total, full.identity, full.consistency, full.vouching, full.parts)


def test_tiers_follow_the_published_ranges():
    assert [method.tier_for(s) for s in (0, 19, 20, 39, 40, 59, 60, 79, 80, 100)] == [
        "Limited evidence", "Limited evidence", "Emerging", "Emerging", "Consistent record", "Consistent record",
        "Corroborated", "Corroborated", "Well corroborated", "Well corroborated"]


def test_a_moderator_flag_added_through_the_service_rescores_after_commit(django_capture_on_commit_callbacks):
    from trust.models import TrustFlag

    author = _record_with_own_team()
    services.trust_recompute_all()
    before = _score(author).total
    with django_capture_on_commit_callbacks(execute=True):
        flag = services.trust_flag_add(author=author, reason="Impersonation report upheld")
    assert _score(author).total == before - method.PENALTY_FLAG_DEFAULT
    with django_capture_on_commit_callbacks(execute=True):
        services.trust_flag_lift(flag=flag)
    assert TrustFlag.objects.get(pk=flag.pk).lifted_at is not None
    assert _score(author).total == before
    with pytest.raises(ValueError):
        services.trust_flag_add(author=author, reason="  ")
