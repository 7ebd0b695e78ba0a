"""The recompute: the management command, chunking, snapshots and history, tasks and beat."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from papers.models import Paper
from researchers.models import Author
from tests.factories import AuthorFactory, trust_paper, trust_seed_like_author
from trust import selectors, services, tasks
from trust.models import TrustRun, TrustScore, TrustSnapshot


def _world():
    seed = AuthorFactory(verification_level=3, claim_state="claimed")
    people = [AuthorFactory() for _ in range(12)]
    for i in range(40):
        byline = [people[(i * 3 + j) % 12] for j in range(1 + i % 4)]
        trust_paper(*byline, *( [seed] if i % 5 == 0 else []), year=2010 + i % 15)
    # A huge collaboration paper: skipped by the coauthor graph, still body of work.
    trust_paper(*people, *[AuthorFactory() for _ in range(60)], year=2024)
    return seed, people


@pytest.mark.django_db
def test_recompute_trust_command_scores_every_record_synchronously():
    author, _ = trust_seed_like_author()
    call_command("recompute_trust")
    assert TrustScore.objects.count() == Author.objects.count()
    today = timezone.now().date()
    assert TrustSnapshot.objects.filter(day=today).count() == Author.objects.count()
    assert TrustScore.objects.get(author=author).total == 31


@pytest.mark.django_db
def test_recompute_trust_command_rescoring_one_author():
    author, _ = trust_seed_like_author()
    call_command("recompute_trust", author=author.pk)
    assert TrustScore.objects.get(author=author).tier == "Emerging"


@pytest.mark.django_db
def test_a_chunked_graph_pass_gives_the_same_scores_as_one_chunk():
    _world()
    def results():
        return [(s.author_id, s.raw_total, s.parts) for s in TrustScore.objects.order_by("author_id")]

    services.trust_recompute_all()
    one = results()
    TrustScore.objects.all().delete()
    services.trust_recompute_all(triples_per_chunk=7)
    assert one == results()


@pytest.mark.django_db
def test_huge_collaboration_papers_count_as_work_but_not_as_coauthor_links():
    _, people = _world()
    services.trust_recompute_all()
    facts = TrustScore.objects.get(author=people[0]).parts["consistency"]["facts"]
    solo = Paper.objects.filter(authorships__author=people[0], authors_count=1).count()
    # Unmeasured for coherence: the solo papers and the 72-author paper.
    assert facts["works"] == Paper.objects.filter(authorships__author=people[0]).count()
    assert facts["works"] - facts["measurable"] == solo + 1


@pytest.mark.django_db
def test_a_snapshot_row_is_written_only_on_days_the_score_changes():
    author, team = trust_seed_like_author()
    services.trust_recompute_all()
    second = services.trust_recompute_all()
    assert second["written"] == 0 and second["snapshots"] == 0  # nothing changed, nothing rewritten
    assert TrustRun.objects.count() == 2
    assert TrustSnapshot.objects.filter(author=author).count() == 1
    trust_paper(author, team[0], year=2021)
    services.trust_recompute_author(author_id=author.pk)
    rows = list(TrustSnapshot.objects.filter(author=author).values_list("day", "total"))
    assert rows == [(timezone.now().date(), TrustScore.objects.get(author=author).total)]


@pytest.mark.django_db
def test_history_carries_scores_forward_over_ninety_days():
    author, _ = trust_seed_like_author()
    services.trust_recompute_all()
    today = timezone.now().date()
    TrustSnapshot.objects.bulk_create([
        TrustSnapshot(author=author, day=today - dt.timedelta(days=200), total=9),  # before the window
        TrustSnapshot(author=author, day=today - dt.timedelta(days=30), total=15),
    ])
    view = selectors.trust_for_profile(author=author)
    assert len(view.history) == 90
    assert view.history[0] == {"day": today - dt.timedelta(days=89), "score": 9}
    assert view.history[60]["score"] == 15
    assert view.history[-1] == {"day": today, "score": 31}
    assert view.sparkline["points"].count(",") == 90


@pytest.mark.django_db
def test_trust_for_profile_costs_two_queries(django_assert_num_queries):
    author, _ = trust_seed_like_author()
    services.trust_recompute_all()
    # 1: the TrustScore row; 2: the snapshot rows of the 90-day window (carried-in row by subquery).
    with django_assert_num_queries(2):
        view = selectors.trust_for_profile(author=author)
    assert view.score == 31 and view.tier == "Emerging"
    assert [p.key for p in view.parts] == ["identity", "consistency", "vouching", "penalties"]


@pytest.mark.django_db
def test_trust_for_profile_is_none_while_pending(django_assert_num_queries):
    author = AuthorFactory()
    with django_assert_num_queries(1):  # the TrustScore lookup
        assert selectors.trust_for_profile(author=author) is None


def test_the_nightly_recompute_is_on_the_beat_schedule():
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "trust.tasks.recompute_trust"]
    assert len(entries) == 1
    assert tasks.recompute_trust.name == "trust.tasks.recompute_trust"
    assert tasks.recompute_author_trust.name == "trust.tasks.recompute_author_trust"


@pytest.mark.django_db
def test_the_recompute_task_runs_the_full_recompute():
    author, _ = trust_seed_like_author()
    result = tasks.recompute_trust.delay().get()
    assert result["records"] == Author.objects.count()
    assert TrustScore.objects.get(author=author).total == 31


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_dispute_reaches_the_score_through_the_worker(celery_not_eager):
    author, _ = trust_seed_like_author(verification_level=2, claim_state="claimed")
    services.trust_recompute_all()
    before = TrustScore.objects.get(author=author).total
    Author.objects.filter(pk=author.pk).update(claim_state="disputed")
    result = tasks.recompute_author_trust.delay(author.pk).get(timeout=60)
    assert result["total"] == before - 15
    score = TrustScore.objects.get(author=author)
    assert score.under_review and score.total == before - 15


@pytest.mark.django_db
def test_an_identity_change_in_researchers_rescores_the_record_at_once():
    from researchers.services.claims import identity_changed

    author, _ = trust_seed_like_author()
    services.trust_recompute_all()
    Author.objects.filter(pk=author.pk).update(verification_level=4, claim_state="claimed")
    identity_changed.send(sender=Author, author_ids=[author.pk], kind="approve")  # tasks run eagerly in tests
    score = TrustScore.objects.get(author=author)
    assert score.level == 4 and score.identity == 28
    assert score.total == 31 - 5 + 28  # a level change is not held back by the daily cap


@pytest.mark.django_db
def test_a_recompute_on_an_empty_database_writes_nothing():
    result = services.trust_recompute_all()
    assert result["records"] == 0 and result["written"] == 0
    assert not TrustScore.objects.exists()


@pytest.mark.django_db
def test_scores_of_records_that_no_longer_exist_are_pruned():
    author, team = trust_seed_like_author()
    services.trust_recompute_all()
    ghost = team[0].pk
    # A record deleted outside the ORM (no database-level FK on the trust tables).
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DELETE FROM papers_authorship WHERE author_id = %s", [ghost])
        cur.execute("DELETE FROM researchers_author WHERE id = %s", [ghost])
    services.trust_recompute_all()
    assert not TrustScore.objects.filter(author_id=ghost).exists()
    assert not TrustSnapshot.objects.filter(author_id=ghost).exists()
