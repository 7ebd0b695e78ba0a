"""The loader's table maintenance: mid-load ANALYZE beside the batches, VACUUM side by side at the end."""

import threading

import pytest
from django.db import connection

from papers.ingest.load import maintenance
from papers.models import Paper
from researchers.models import Author
from tests.factories import AuthorFactory, PaperFactory
from papers.ingest.load.maintenance import BackgroundAnalyze, analyze_grown, vacuum_grown, vacuum_grown_beside


def test_a_background_analyze_runs_beside_the_caller_and_one_at_a_time():
    release, calls = threading.Event(), []

    def analyze():
        calls.append(threading.current_thread().name)
        release.wait(5)

    analyzer = BackgroundAnalyze(analyze)
    analyzer.start()
    analyzer.start()  # the first still runs: skipped, not queued
    release.set()
    analyzer.wait()
    assert calls == ["load-analyze"]


def test_a_failed_background_analyze_is_logged_and_the_load_goes_on(caplog):
    def analyze():
        raise RuntimeError("connection lost")

    analyzer = BackgroundAnalyze(analyze)
    analyzer.start()
    analyzer.wait()
    assert "mid-load ANALYZE failed" in caplog.text


@pytest.mark.django_db
def test_inside_a_callers_transaction_the_analyze_runs_in_line():
    # Another connection would not see the caller's uncommitted rows.
    calls = []
    BackgroundAnalyze(lambda: calls.append(threading.current_thread().name)).start()
    assert calls == [threading.current_thread().name]


def grow_topics_and_institutions(*, analyse=False):
    """12k rows in each of two tables a load grows (analysed after, with ``analyse``)."""
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO papers_topic (kind, name, slug, description, papers_count) "
            "SELECT 'phrase', 'topic ' || i, 'topic-' || i, '', 0 FROM generate_series(1, 12000) i"
        )
        cur.execute(
            "INSERT INTO papers_institution (name, key, slug, authorships_count) "
            "SELECT 'Institute ' || i, 'institute ' || i, 'institute-' || i, 0 FROM generate_series(1, 12000) i"
        )
        if analyse:
            cur.execute("ANALYZE papers_topic, papers_institution")
        cur.execute("SELECT pg_stat_force_next_flush()")


@pytest.mark.django_db(transaction=True)
def test_the_tables_a_load_grew_are_vacuumed_side_by_side():
    grow_topics_and_institutions(analyse=True)
    vacuum_grown()
    with connection.cursor() as cur:
        cur.execute("SELECT relname FROM pg_stat_user_tables WHERE relname IN ('papers_topic', 'papers_institution') "
                    "AND last_vacuum IS NOT NULL ORDER BY relname")
        assert [r[0] for r in cur.fetchall()] == ["papers_institution", "papers_topic"]


def analysed(tables):
    with connection.cursor() as cur:
        cur.execute("SELECT pg_stat_force_next_flush()")
        cur.execute("SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s) AND last_analyze IS NOT NULL "
                    "ORDER BY relname", [tables])
        return [r[0] for r in cur.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_the_final_analyze_runs_the_grown_tables_side_by_side_on_their_own_connections(monkeypatch):
    grow_topics_and_institutions()
    calls = {}
    analyze = maintenance._analyze
    monkeypatch.setattr(maintenance, "_analyze",
                        lambda table: (calls.setdefault(table, threading.current_thread().name), analyze(table)))
    analyze_grown(connections=2)
    # Earlier tests on this database may have left other tables with changes counted since their last analyze.
    assert {"papers_topic", "papers_institution"} <= calls.keys()
    assert all(name.startswith("analyze") for name in calls.values())
    assert analysed(["papers_institution", "papers_topic"]) == ["papers_institution", "papers_topic"]


@pytest.mark.django_db
def test_inside_a_callers_transaction_the_final_analyze_runs_in_line_on_its_connection(monkeypatch):
    # The statistics counters see a transaction's rows only after it commits: the two tables stand in.
    monkeypatch.setattr(maintenance, "_grown", lambda cur, **kw: ["papers_topic", "papers_institution"])
    threads = []
    monkeypatch.setattr(maintenance, "_analyze", lambda table: threads.append(threading.current_thread().name))
    analyze_grown(connections=2)
    assert threads == [threading.current_thread().name] * 2


@pytest.mark.django_db(transaction=True)
def test_the_final_vacuum_runs_beside_the_work_given_and_the_first_error_propagates_after_both(monkeypatch):
    started, seen = threading.Event(), []

    def slow_vacuum():
        seen.append(threading.current_thread().name)
        started.set()

    monkeypatch.setattr(maintenance, "vacuum_grown", slow_vacuum)
    vacuum_grown_beside(lambda: seen.append(("work", threading.current_thread().name, started.wait(5))))
    assert ("work", threading.current_thread().name, True) in seen and "vacuum" in seen

    def failing_vacuum():
        raise RuntimeError("connection lost")

    monkeypatch.setattr(maintenance, "vacuum_grown", failing_vacuum)
    done = []
    with pytest.raises(RuntimeError, match="connection lost"):
        vacuum_grown_beside(lambda: done.append(True))
    assert done == [True]  # the identity tasks are sent even when the vacuum fails


@pytest.mark.django_db
def test_inside_a_callers_transaction_there_is_no_vacuum_and_the_work_runs_alone(monkeypatch):
    monkeypatch.setattr(maintenance, "vacuum_grown", lambda: pytest.fail("no VACUUM inside a transaction"))
    done = []
    vacuum_grown_beside(lambda: done.append(True))
    assert done == [True]


def common_values(table, column):
    with connection.cursor() as cur:
        cur.execute("SELECT most_common_vals::text FROM pg_stats WHERE tablename = %s AND attname = %s",
                    [table, column])
        row = cur.fetchone()
        return row[0] if row else None


@pytest.mark.django_db(transaction=True)
def test_the_final_analysis_of_papers_skips_their_free_text_and_unwritten_search_vectors():
    PaperFactory.create_batch(40, abstract="first text", categories=["cs.LG"])
    with connection.cursor() as cur:
        cur.execute("ANALYZE papers_paper")
    assert common_values("papers_paper", "abstract") == "{\"first text\"}"
    Paper.objects.update(abstract="second text", categories=["math.PR"])
    maintenance._vacuum("papers_paper", analyse=True)
    # The columns queries filter and sort on are current; the abstracts' statistics were not resampled.
    assert "math.PR" in common_values("papers_paper", "categories")
    assert common_values("papers_paper", "abstract") == "{\"first text\"}"


@pytest.mark.django_db(transaction=True)
def test_during_a_load_bylines_and_author_records_are_analysed_on_the_columns_the_loader_joins_on():
    for i in range(40):
        AuthorFactory(name_key="lovelace|ada", display_name="Ada Lovelace", slug=f"ada-lovelace-{i}")
    with connection.cursor() as cur:
        cur.execute("ANALYZE researchers_author")
    Author.objects.update(name_key="hopper|grace", display_name="Grace Hopper")
    maintenance._analyze("researchers_author")
    assert common_values("researchers_author", "name_key") == "{hopper|grace}"
    assert common_values("researchers_author", "display_name") == "{\"Ada Lovelace\"}"
