"""`manage.py load_demo`: the synthetic corpus plus the real samples, idempotent on a second run."""

import io

import pytest
from django.core.management import call_command

from papers.models import ImportRun, Paper
from researchers.models import Author

pytestmark = pytest.mark.django_db


def load_demo(*args, **kwargs):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out, **kwargs)
    return out.getvalue()


def test_load_demo_generates_and_imports_the_synthetic_corpus_once(tmp_path, settings):
    settings.ARXIV_SAMPLES_DIR = tmp_path / "absent"
    out = tmp_path / "demo" / "corpus.jsonl.gz"
    first = load_demo("--papers", "150", "--out", str(out))
    assert "generating 150 synthetic papers" in first
    assert "synthetic corpus imported: 150 created" in first
    assert "no real samples" in first
    assert Paper.objects.count() == 150
    assert Author.objects.filter(works_count__gt=0).exists()
    runs = ImportRun.objects.count()
    second = load_demo("--papers", "150", "--out", str(out))
    assert "already loaded" in second and "generating" not in second
    assert (Paper.objects.count(), ImportRun.objects.count()) == (150, runs)


def test_load_demo_imports_the_real_samples_in_place_and_skips_error_responses(arxiv_samples, tmp_path, settings):
    settings.ARXIV_SAMPLES_DIR = arxiv_samples
    first = load_demo("--papers", "0")
    assert "real arXiv sample files" in first
    assert "skipped api-atom/arxivpy-recorded-2026/arxivpy-id_abc" in first
    sources = set(ImportRun.objects.values_list("source", flat=True))
    assert all(s.startswith(str(arxiv_samples)) for s in sources)
    assert {"kaggle", "oai", "atom"} <= set(ImportRun.objects.values_list("format", flat=True))
    # The OAI pages in both metadata formats, the Atom responses and the Kaggle lines all landed.
    for arxiv_id in ("0704.0001", "0705.3340", "1111.2011", "1401.2122"):
        assert Paper.objects.filter(arxiv_id=arxiv_id).exists(), arxiv_id
    papers = Paper.objects.count()
    assert papers > 3000
    second = load_demo("--papers", "0")
    assert "already loaded; nothing to do" in second
    assert Paper.objects.count() == papers


def test_in_eager_mode_the_demo_leaves_its_name_blocks_pending_for_disambiguate_authors(tmp_path, settings):
    from researchers.models import PendingIdentityBlock

    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.ARXIV_SAMPLES_DIR = tmp_path / "absent"
    said = load_demo("--papers", "60", "--out", str(tmp_path / "c.jsonl.gz"))
    pending = PendingIdentityBlock.objects.count()
    assert pending > 0
    assert f"{pending} name blocks wait for disambiguation" in said
    call_command("disambiguate_authors", stdout=io.StringIO())
    assert not PendingIdentityBlock.objects.exists()


def test_with_a_broker_load_demo_sends_again_the_blocks_an_earlier_load_sent_that_never_ran(
        tmp_path, settings, monkeypatch, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from researchers.disambiguation import tasks
    from researchers.models import PendingIdentityBlock

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.ARXIV_SAMPLES_DIR = tmp_path / "absent"
    sent = []
    monkeypatch.setattr(tasks.disambiguate_blocks, "delay", lambda keys: sent.append(keys))
    earlier = timezone.now() - timedelta(minutes=5)
    PendingIdentityBlock.objects.create(block_key="lin|j", queued_at=earlier, dispatched_at=earlier)
    with django_capture_on_commit_callbacks(execute=True):
        said = load_demo("--papers", "0")
    assert sent == [["lin|j"]]
    assert "1 name blocks sent again to the identity queue" in said
    assert PendingIdentityBlock.objects.get().dispatched_at > earlier
