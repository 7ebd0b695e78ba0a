"""Bulk mode: a first load builds the indexes only readers use once, at its end (papers/ingest/load/bulk.py)."""

import threading

import pytest
from django.db import connection

from papers.ingest.load import bulk
from papers.models import AuthorTopic, Paper
from researchers.models import Author
from tests.factories import record_paper as paper, record_person as person, records_load

NAMES = [name for _app, _model, name in bulk.READER_INDEXES]


def index_definitions():
    with connection.cursor() as cur:
        cur.execute("SELECT c.relname, pg_get_indexdef(c.oid), i.indisvalid FROM pg_index i "
                    "JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = ANY(%s)", [NAMES])
        return {name: (definition, valid) for name, definition, valid in cur.fetchall()}


def community(n_papers, start=0):
    people = [person(f"Given{i}", f"Family{i}") for i in range(12)]
    return [paper(f"2304.{i:05d}", people[i % 12], people[(i * 5 + 1) % 12], categories=("cs.LG", "stat.ML"))
            for i in range(start, start + n_papers)]


@pytest.mark.django_db(transaction=True)
def test_a_first_load_drops_the_reader_indexes_after_its_first_batch_and_builds_them_back_the_same():
    before = index_definitions()
    assert set(before) == set(NAMES) and all(valid for _d, valid in before.values())
    seen_during = []
    run = records_load(community(30), batch_size=10, on_batch=lambda stats: seen_during.append(set(index_definitions())))
    assert run.created == 30
    # Gone from the second batch on (the first batch was loaded with them), back at the end, as migrated.
    assert seen_during[0] == set() and seen_during[-1] == set()
    assert index_definitions() == before
    assert AuthorTopic.objects.exists() and Author.objects.filter(works_count__gt=0).count() == 12


def author_reloptions():
    with connection.cursor() as cur:
        cur.execute("SELECT reloptions FROM pg_class WHERE oid = 'researchers_author'::regclass")
        return cur.fetchone()[0]


def author_updates():
    with connection.cursor() as cur:
        cur.execute("SELECT pg_stat_force_next_flush()")
        cur.execute("SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'researchers_author'")
        return cur.fetchone()


@pytest.mark.django_db(transaction=True)
def test_a_bulk_load_leaves_room_on_author_pages_so_that_their_refresh_touches_no_index():
    seen_during = []
    updated_before, hot_before = author_updates()
    records_load(community(30), batch_size=10, on_batch=lambda stats: seen_during.append(author_reloptions()))
    assert seen_during[0] == ["fillfactor=50"] and seen_during[-1] == ["fillfactor=50"]
    assert author_reloptions() is None  # reset at the end of the load
    updated, hot = author_updates()
    # The final refresh rewrote the records heap-only: no index holds a column it writes while the
    # works order is gone, and their pages have room.
    assert updated - updated_before >= 12 and hot - hot_before >= 1


@pytest.mark.django_db(transaction=True)
def test_a_fill_factor_left_by_a_killed_bulk_load_is_reset_by_the_next_load_or_beat():
    with connection.cursor() as cur:
        cur.execute("ALTER TABLE researchers_author SET (fillfactor = 50)")
    from papers.tasks import ensure_reader_indexes

    assert ensure_reader_indexes() == []  # every index there: nothing built
    assert author_reloptions() is None
    with connection.cursor() as cur:  # a fill factor a DBA chose is left alone
        cur.execute("ALTER TABLE researchers_author SET (fillfactor = 90)")
    try:
        ensure_reader_indexes()
        assert author_reloptions() == ["fillfactor=90"]
    finally:
        with connection.cursor() as cur:
            cur.execute("ALTER TABLE researchers_author RESET (fillfactor)")


@pytest.mark.django_db(transaction=True)
def test_a_load_onto_stored_papers_or_with_a_short_first_batch_keeps_every_index(monkeypatch):
    from papers.ingest.load import pipeline

    seen = []
    records_load(community(8), batch_size=10, on_batch=lambda stats: seen.append(set(index_definitions())))
    assert seen == [set(NAMES)]  # eight papers: the first batch was not full, nothing more followed
    seen.clear()
    monkeypatch.setattr(pipeline, "BULK_MAX_STORED_PAPERS", 5)  # eight stored: not a first load
    records_load(community(30, start=100), batch_size=10, on_batch=lambda stats: seen.append(set(index_definitions())))
    assert Paper.objects.count() == 38
    assert seen == [set(NAMES)] * 3


@pytest.mark.django_db(transaction=True)
def test_a_killed_bulk_load_leaves_indexes_that_the_next_load_or_beat_builds_back(monkeypatch):
    before = index_definitions()
    with connection.cursor() as cur:
        cur.execute("DROP INDEX authortopic_topic_papers_idx, author_name_trgm_idx")
    # While a bulk load runs (it holds the lock), nothing is built behind its back.
    held, release = threading.Event(), threading.Event()

    def bulk_load_running():
        from django.db import connection as own

        with own.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", [bulk._BULK_LOCK])
            held.set()
            release.wait(10)
            cur.execute("SELECT pg_advisory_unlock(%s)", [bulk._BULK_LOCK])
        own.close()

    other = threading.Thread(target=bulk_load_running)
    other.start()
    held.wait(10)
    try:
        assert bulk.reader_indexes_ensure() == []
    finally:
        release.set()
        other.join(10)
    # Once it is gone (its session ended with it), the beat task builds them, as migrated.
    from papers.tasks import ensure_reader_indexes

    assert sorted(ensure_reader_indexes()) == ["author_name_trgm_idx", "authortopic_topic_papers_idx"]
    assert index_definitions() == before
    assert bulk.reader_indexes_ensure() == []  # all there: one catalog query, nothing built


@pytest.mark.django_db
def test_inside_a_callers_transaction_a_load_never_drops_an_index():
    before = index_definitions()
    seen = []
    records_load(community(30), batch_size=10, on_batch=lambda stats: seen.append(set(index_definitions())))
    assert seen == [set(NAMES)] * 3
    assert index_definitions() == before


@pytest.mark.django_db(transaction=True)
def test_a_plain_build_that_would_hold_off_a_busy_tables_writers_builds_concurrently_instead(monkeypatch, caplog):
    before = index_definitions()
    with connection.cursor() as cur:
        cur.execute("DROP INDEX authortopic_topic_papers_idx")
    monkeypatch.setattr(bulk, "PLAIN_BUILD_LOCK_TIMEOUT", "100ms")
    holding, release = threading.Event(), threading.Event()

    def writer_in_a_long_transaction():
        from django.db import connection as own, transaction

        with transaction.atomic(), own.cursor() as cur:
            cur.execute("LOCK TABLE papers_authortopic IN ROW EXCLUSIVE MODE")
            holding.set()
            release.wait(10)
        own.close()

    writer = threading.Thread(target=writer_in_a_long_transaction)
    writer.start()
    holding.wait(10)
    threading.Timer(0.5, release.set).start()  # the concurrent build waits for it, holding off nobody
    model, index = next((m, i) for m, i in bulk._declared() if i.name == "authortopic_topic_papers_idx")
    bulk._build(model, index, concurrently=False)
    writer.join(10)
    assert "building it concurrently" in caplog.text
    assert index_definitions() == before
