"""The author refresh queue: drained by several connections at once after a load, with the same result."""

import threading

import pytest

from papers.ingest.load import authors as loader
from papers.ingest.load import BatchLoader, drain_author_refresh
from papers.models import AuthorTopic, PendingAuthorRefresh
from papers.services import import_run_start
from researchers.models import Author
from tests.factories import record_paper as paper, record_person as person

AGGREGATES = ("name_key", "works_count", "first_year", "last_year", "close_collaborators_count", "topics_count")


def queue_a_small_community():
    """40 papers by pairs out of 30 people, committed but not yet counted (the queue is full)."""
    run = import_run_start(source="drain", format="test")
    people = [person(f"Given{i}", f"Family{i}") for i in range(30)]
    records = [
        paper(f"2303.{i:05d}", people[i % 30], people[(i * 7 + 1) % 30], year=2010 + i % 12,
              categories=("cs.LG", "stat.ML") if i % 2 else ("hep-th",))
        for i in range(40)
    ]
    BatchLoader(run=run).load_batch(records)
    return PendingAuthorRefresh.objects.count()


def aggregates():
    authors = {a[0]: a for a in Author.objects.order_by("name_key").values_list(*AGGREGATES)}
    topics = sorted(AuthorTopic.objects.values_list("author__name_key", "topic__slug", "weight", "papers_count"))
    return authors, topics


@pytest.mark.django_db(transaction=True)
def test_two_connections_drain_the_queue_to_the_same_aggregates_as_one(monkeypatch):
    drained_by, parts = [], []
    drain_queue = loader._drain_queue

    def recording_drain_queue(**kwargs):
        drained_by.append(threading.current_thread().name)
        parts.append(kwargs.get("part"))
        return drain_queue(**kwargs)

    monkeypatch.setattr(loader, "_drain_queue", recording_drain_queue)
    monkeypatch.setattr(loader, "PARALLEL_REFRESH_MIN_AUTHORS", 10)  # a small queue still goes parallel
    queued = queue_a_small_community()
    assert queued == 30
    assert drain_author_refresh(chunk=4, workers=1) == 30
    assert drained_by == ["MainThread"]
    sequential = aggregates()
    assert sum(row[1] for row in sequential[0].values()) == 80  # every byline counted once

    Author.objects.update(works_count=0, first_year=None, last_year=None, close_collaborators_count=0,
                          topics_count=0)
    AuthorTopic.objects.all().delete()
    PendingAuthorRefresh.objects.bulk_create(
        [PendingAuthorRefresh(author_id=pk, authorships_changed=True)
         for pk in Author.objects.values_list("pk", flat=True)]
    )
    drained_by.clear()
    parts.clear()
    assert drain_author_refresh(chunk=4, workers=2) == 30
    assert len(drained_by) == 2 and all(name.startswith("author-refresh") for name in drained_by)
    assert sorted(parts) == [(0, 2), (1, 2)]  # even and odd author ids: the work splits evenly
    assert aggregates() == sequential
    assert not PendingAuthorRefresh.objects.exists()


@pytest.mark.django_db
def test_a_drain_inside_the_callers_transaction_runs_there_so_the_caller_sees_it(monkeypatch):
    monkeypatch.setattr(loader, "PARALLEL_REFRESH_MIN_AUTHORS", 10)
    queue_a_small_community()
    assert drain_author_refresh(chunk=4, workers=2) == 30
    assert Author.objects.filter(works_count=0).count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_fifteen_work_profile_names_at_most_eight_topics_recurring_ones_first():
    run = import_run_start(source="cap", format="test")
    ada = person("Ada", "Lovelace")
    # Ten recurring subjects, each in three of the 15 papers, plus one subject in a single paper.
    subjects = ["dark matter halos", "spin glass dynamics", "graph neural networks", "optimal transport maps",
                "quantum error correction", "topological insulators", "gravitational wave detectors",
                "protein folding kinetics", "reinforcement learning agents", "black hole entropy"]
    records = [
        paper(f"2304.{i:05d}", ada, title=f"{subjects[i % 10].capitalize()} and {subjects[(i + 3) % 10]}",
              abstract=f"We study {subjects[i % 10]} and {subjects[(i + 3) % 10]}." + (
                  " A single remark on sandpile automata." if i == 0 else ""),
              categories=("hep-th",))
        for i in range(15)
    ]
    BatchLoader(run=run).load_batch(records)
    drain_author_refresh(workers=1)
    author = Author.objects.get(name_key__contains="lovelace")
    assert author.works_count == 15
    assert author.topics_count == loader.PROFILE_TOPICS == 8
    ranked = list(AuthorTopic.objects.filter(author=author).order_by("-weight").values_list("papers_count",
                                                                                            flat=True))
    assert len(ranked) > 8
    assert min(ranked[:8]) >= 2  # the profile's eight all recur across the works


def _wait_until_blocked_on_a_lock(pid, timeout=10.0):
    import time

    from django.db import connections

    deadline = time.monotonic() + timeout
    with connections["default"].cursor() as cur:
        while time.monotonic() < deadline:
            cur.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            row = cur.fetchone()
            if row and row[0] == "Lock":
                return
            time.sleep(0.02)
    raise AssertionError("the second refresh never waited for the first")


@pytest.mark.django_db(transaction=True)
def test_a_refresh_that_waited_for_another_transaction_counts_what_that_one_committed():
    # An identity task moves a work onto a record and refreshes it in line while the import's
    # drain refreshes the same record: the drain must count the moved work once the task commits,
    # not overwrite the task's count with the one it read before.
    from django.db import connection, transaction

    from papers.ingest.load import refresh_author_aggregates
    from tests.factories import AuthorshipFactory, author_with_works

    author = author_with_works(2)
    refresh_author_aggregates([author.pk])
    assert Author.objects.get(pk=author.pk).works_count == 2

    drain_pid, errors = [], []

    def drain():
        from django.db import connection as own

        try:
            with transaction.atomic():
                with own.cursor() as cur:
                    cur.execute("SELECT pg_backend_pid()")
                    drain_pid.append(cur.fetchone()[0])
                refresh_author_aggregates([author.pk])
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            own.close()

    with transaction.atomic():
        AuthorshipFactory(author=author)  # the identity task's move
        refresh_author_aggregates([author.pk])
        worker = threading.Thread(target=drain)
        worker.start()
        while not drain_pid and worker.is_alive():
            worker.join(0.01)
        _wait_until_blocked_on_a_lock(drain_pid[0])
    worker.join(10)
    assert not errors
    assert not worker.is_alive()
    assert Author.objects.get(pk=author.pk).works_count == 3
    connection.close()
