"""Gaming resistance: a ring of fresh accounts cannot manufacture trust for itself or a target."""

import pytest

from researchers.models import Follow, Vouch
from tests.factories import AuthorFactory, VerifiedUserFactory, trust_paper
from trust import services
from trust.models import TrustScore, TrustSnapshot

pytestmark = pytest.mark.django_db

RING = 50


def _team_record(works, **kwargs):
    author = AuthorFactory(**kwargs)
    team = [AuthorFactory() for _ in range(3)]
    for i in range(works):
        trust_paper(author, team[i % 3], team[(i + 1) % 3], year=2016 + i % 8)
    return author, team


def _honest_world():
    """Two L3 researchers with teams; the target is an honest L1 record coauthoring with one of them."""
    l3_owner = VerifiedUserFactory()
    seed, seed_team = _team_record(12, verification_level=3, claim_state="claimed", owner=l3_owner)
    seed2, _ = _team_record(8, verification_level=3, claim_state="claimed", owner=VerifiedUserFactory())
    trust_paper(seed, seed2, year=2020)
    target, target_team = _team_record(10)
    trust_paper(seed, target, seed_team[0], year=2021)
    return target, l3_owner


def _fresh_scores():
    # Start from no stored score so the daily gain cap cannot be what holds the target back.
    TrustSnapshot.objects.all().delete()
    TrustScore.objects.all().delete()
    services.trust_recompute_all()


def _ring(target):
    """50 verified accounts, each owning a claimed L2 record, coauthoring only with each other,
    following and vouching for each other and for the target."""
    users = [VerifiedUserFactory() for _ in range(RING)]
    records = [
        AuthorFactory(verification_level=2, claim_state="claimed", owner=user) for user in users
    ]
    for i, record in enumerate(records):
        trust_paper(record, records[(i + 1) % RING], year=2025, attribution="owner")
        trust_paper(record, records[(i + 7) % RING], year=2026, attribution="owner")
    follows, vouches = [], []
    for user, own in zip(users, records):
        follows.append(Follow(user=user, author=target))
        vouches.append(Vouch(author=target, voucher=user, voucher_author=own))
        for other in records:
            if other is not own:
                follows.append(Follow(user=user, author=other))
        for j in range(1, 6):
            other = records[(records.index(own) + j) % RING]
            vouches.append(Vouch(author=other, voucher=user, voucher_author=own))
    Follow.objects.bulk_create(follows)
    Vouch.objects.bulk_create(vouches)
    return records


def test_a_ring_of_fake_accounts_keeps_limited_evidence_and_lifts_its_target_by_at_most_two_points():
    target, _ = _honest_world()
    _fresh_scores()
    baseline = TrustScore.objects.get(author=target).total

    ring = _ring(target)
    _fresh_scores()

    ring_scores = TrustScore.objects.filter(author__in=ring)
    assert ring_scores.count() == RING
    assert set(ring_scores.values_list("tier", flat=True)) == {"Limited evidence"}
    assert max(ring_scores.values_list("total", flat=True)) < 20
    assert max(ring_scores.values_list("vouching", flat=True)) == 0
    assert TrustScore.objects.get(author=target).total - baseline <= 2


def test_follows_from_l3_researchers_add_a_small_capped_amount():
    target, l3_owner = _honest_world()
    _fresh_scores()
    before = TrustScore.objects.get(author=target)
    Follow.objects.create(user=l3_owner, author=target)
    after = services.trust_recompute_author(author_id=target.pk)
    assert after.parts["vouching"]["facts"]["follows"] == 1
    assert 0 < after.vouching - before.vouching <= 1


def test_vouches_from_l3_records_count_and_are_capped():
    target, _ = _honest_world()
    _fresh_scores()
    before = TrustScore.objects.get(author=target)
    for _ in range(10):
        owner = VerifiedUserFactory()
        record = AuthorFactory(verification_level=3, claim_state="claimed", owner=owner)
        Vouch.objects.create(author=target, voucher=owner, voucher_author=record)
    after = services.trust_recompute_author(author_id=target.pk)
    assert after.parts["vouching"]["facts"]["vouches"] == 10
    assert after.vouching - before.vouching <= 6
    assert after.vouching > before.vouching
