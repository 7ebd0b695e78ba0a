"""The loader's table maintenance: mid-load ANALYZE beside the batches, VACUUM side by side at the end."""

import threading

import pytest
from django.db import connection

from papers.ingest.load.maintenance import BackgroundAnalyze, vacuum_grown


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


@pytest.mark.django_db(transaction=True)
def test_the_tables_a_load_grew_are_vacuumed_side_by_side():
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO papers_topic (kind, name, slug, description, papers_count) "
            "SELECT 'phrase', 'topic ' || i, 'topic-' || i, '', 0 FROM generate_series(1, 12000) i"
        )
        cur.execute(
            "INSERT INTO papers_institution (name, key, slug, authorships_count) "
            "SELECT 'Institute ' || i, 'institute ' || i, 'institute-' || i, 0 FROM generate_series(1, 12000) i"
        )
        cur.execute("ANALYZE papers_topic, papers_institution")
        cur.execute("SELECT pg_stat_force_next_flush()")
    vacuum_grown()
    with connection.cursor() as cur:
        cur.execute("SELECT relname FROM pg_stat_user_tables WHERE relname IN ('papers_topic', 'papers_institution') "
                    "AND last_vacuum IS NOT NULL ORDER BY relname")
        assert [r[0] for r in cur.fetchall()] == ["papers_institution", "papers_topic"]
