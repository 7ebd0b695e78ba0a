"""Search vectors are derived data: an import hands them to the derive queue after each commit."""

import pytest
from django.db import connection

from papers.ingest.load import load_records
from papers.models import Paper
from papers.selectors import search_papers
from papers.services import (
    import_run_finish,
    import_run_start,
    paper_search_vectors_derive,
    paper_search_vectors_derive_pending,
)
from tests.factories import PaperFactory, record_paper as paper, record_person as person


def _import(records):
    run = import_run_start(source="test", format="test")
    load_records(records, run=run)
    import_run_finish(run=run)


def paper_search(q: str) -> list[Paper]:
    return list(search_papers(q=q).items)


def _missing_vectors() -> int:
    return Paper.objects.filter(search_vector__isnull=True).count()


@pytest.mark.django_db(transaction=True)
def test_an_eager_import_that_commits_its_own_batches_leaves_every_paper_searchable():
    _import([
        paper("2301.00001", person("Ada", "Lovelace"), title="Analytical engines for quantum annealing"),
        paper("2301.00002", person("Ada", "Lovelace"), title="Bernoulli numbers on a loom", abstract="Punched cards."),
    ])
    assert _missing_vectors() == 0
    assert [p.arxiv_id for p in paper_search("quantum annealing")] == ["2301.00001"]
    assert [p.arxiv_id for p in paper_search("punched cards")] == ["2301.00002"]


@pytest.fixture
def derive_queue(monkeypatch):
    """The derive tasks an import sends are kept here, as if no worker had taken them yet.

    Only the derive task is held: the other tasks an import sends (identity blocks, graph
    slices) still run in-process. Sending those to the real broker instead would let the
    session's test worker run them against this test's rows while its teardown truncates them.
    """
    from papers import tasks

    sent = []
    monkeypatch.setattr(tasks.derive_search_vectors, "apply_async", lambda args, **kw: sent.append(args))
    return sent


@pytest.mark.django_db(transaction=True)
def test_with_no_worker_the_import_sends_each_batch_to_the_derive_queue_and_a_worker_finishes_it(derive_queue):
    from papers import tasks

    sent = derive_queue
    _import([paper(f"2301.{n:05d}", person("Ada", "Lovelace"), title=f"Loom number {n}") for n in range(1, 6)])

    assert _missing_vectors() == 5
    assert len(sent) == 1
    [[paper_ids]] = sent
    assert sorted(paper_ids) == sorted(Paper.objects.values_list("id", flat=True))
    assert tasks.derive_search_vectors.apply(args=[paper_ids]).get() == 5
    assert _missing_vectors() == 0
    assert len(paper_search("loom")) == 5


@pytest.mark.django_db
def test_deriving_a_batch_twice_writes_nothing_the_second_time():
    papers = PaperFactory.create_batch(3)
    ids = [p.id for p in papers]
    assert _missing_vectors() == 3
    assert paper_search_vectors_derive(paper_ids=ids) == 3
    assert paper_search_vectors_derive(paper_ids=ids) == 0
    assert _missing_vectors() == 0


@pytest.mark.django_db
def test_the_pending_sweep_derives_the_vectors_a_lost_task_left_behind():
    PaperFactory.create_batch(5, abstract="Superconducting qubits in a dilution refrigerator.")
    assert paper_search_vectors_derive_pending(chunk=2) == 5
    assert paper_search_vectors_derive_pending(chunk=2) == 0
    assert len(paper_search("dilution refrigerator")) == 5


@pytest.mark.django_db(transaction=True)
def test_a_new_version_clears_the_old_vector_and_is_found_by_its_new_title():
    _import([paper("2301.00010", person("Ada", "Lovelace"), title="Difference engines", version=1)])
    _import([paper("2301.00010", person("Ada", "Lovelace"), title="Analytical engines", version=2)])
    assert _missing_vectors() == 0
    assert [p.arxiv_id for p in paper_search("analytical")] == ["2301.00010"]
    assert paper_search("difference") == []


@pytest.mark.django_db
def test_an_import_inside_the_callers_transaction_writes_the_vector_in_the_same_statement():
    # No worker could see uncommitted rows, so the loader derives them itself.
    assert connection.in_atomic_block
    _import([paper("2301.00020", person("Ada", "Lovelace"), title="Notes on the engine")])
    assert _missing_vectors() == 0


@pytest.mark.django_db(transaction=True)
def test_load_demo_leaves_every_paper_searchable_before_any_worker_starts(derive_queue, tmp_path, settings):
    import io

    from django.core.management import call_command

    settings.ARXIV_SAMPLES_DIR = tmp_path / "absent"
    out = io.StringIO()
    call_command("load_demo", "--papers", "40", "--out", str(tmp_path / "demo.jsonl.gz"), stdout=out)
    assert derive_queue  # the batches were handed to the derive queue as usual...
    assert _missing_vectors() == 0  # ...and the demo did not wait for it
    assert f"{Paper.objects.count()} search vectors derived" in out.getvalue()
