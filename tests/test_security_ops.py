"""Killed imports, scoped reverts and a quiet /healthz (issue 15, item 18)."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from config import health
from papers import services as papers_services
from papers import tasks as papers_tasks
from papers.ingest.load import load_records
from papers.ingest.records import PaperRecord, VersionInfo
from papers.models import ImportRun, ImportState
from papers.services import import_run_finish, import_run_resume, import_run_start
from researchers.models import IdentityEvent
from researchers.services import claims
from tests.factories import ModeratorFactory, VerifiedUserFactory, author_with_works

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def _record(arxiv_id):
    submitted = dt.datetime(2024, 3, 1, tzinfo=UTC)
    return PaperRecord(arxiv_id=arxiv_id, title=f"Paper {arxiv_id}", abstract="", authors=[], categories=["cs.LG"],
                       primary_category="cs.LG", versions=[VersionInfo(version=1, date=submitted)], version=1,
                       submitted=submitted)


def _age(run, seconds):
    ImportRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - dt.timedelta(seconds=seconds))
    run.refresh_from_db()


# ---------------------------------------------------------------- heartbeat and "interrupted"

def test_every_committed_batch_beats_the_runs_heartbeat():
    run = import_run_start(source="/data/kaggle.json", format="kaggle")
    _age(run, 3600)
    before = run.heartbeat_at
    load_records([_record(f"2403.{i:05d}") for i in range(3)], run=run, batch_size=2)
    run.refresh_from_db()
    assert run.seen == 3 and run.heartbeat_at > before


def test_a_run_whose_heartbeat_went_stale_is_marked_interrupted_with_the_resume_command(settings):
    settings.IMPORT_HEARTBEAT_STALE_SECONDS = 600
    killed = import_run_start(source="/data/arxiv snapshot.json.gz", format="kaggle", params={"batch_size": 500})
    alive = import_run_start(source="/data/other.json", format="kaggle")
    harvest = import_run_start(source="https://oaipmh.arxiv.org/oai", format="oai-arXiv", params={"via": "harvest"})
    _age(killed, 601)
    _age(harvest, 3600)
    _age(alive, 60)

    assert papers_tasks.mark_interrupted_imports() == 2

    killed.refresh_from_db(), alive.refresh_from_db(), harvest.refresh_from_db()
    assert (killed.state, harvest.state, alive.state) == ("interrupted", "interrupted", "running")
    assert ("Resume with: python manage.py import_arxiv '/data/arxiv snapshot.json.gz' --format kaggle "
            "--batch-size 500") in killed.message
    assert "Resume with: python manage.py harvest_arxiv --resume" in harvest.message
    assert killed.finished_at is not None


def test_finished_runs_are_never_marked_interrupted(settings):
    settings.IMPORT_HEARTBEAT_STALE_SECONDS = 600
    run = import_run_finish(run=import_run_start(source="/data/x.json", format="kaggle"))
    _age(run, 99999)
    assert papers_services.import_runs_mark_interrupted() == 0
    run.refresh_from_db()
    assert run.state == ImportState.SUCCEEDED


def test_an_interrupted_run_resumes_running_with_a_fresh_heartbeat(settings):
    settings.IMPORT_HEARTBEAT_STALE_SECONDS = 600
    run = import_run_start(source="/data/x.json", format="kaggle")
    _age(run, 601)
    papers_services.import_runs_mark_interrupted()
    run.refresh_from_db()
    import_run_resume(run=run)
    run.refresh_from_db()
    assert run.state == "running" and not run.heartbeat_is_stale and run.message == ""


def test_the_admin_shows_a_stale_run_as_interrupted_with_its_resume_command(client, settings):
    settings.IMPORT_HEARTBEAT_STALE_SECONDS = 600
    run = import_run_start(source="/data/kaggle.json", format="kaggle")
    _age(run, 601)
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.org", "pw-root-123"))
    html = client.get(reverse("admin:papers_importrun_changelist")).content.decode()
    assert "interrupted at 0" in html and "python manage.py import_arxiv /data/kaggle.json" in html


def test_mark_interrupted_imports_runs_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "papers.tasks.mark_interrupted_imports" in tasks


# ---------------------------------------------------------------- revert scoped to the URL's record

def test_a_revert_posted_under_another_records_url_is_refused(client):
    victim = author_with_works(2)
    claims.claim_submit(user=VerifiedUserFactory(), author=victim)
    event = IdentityEvent.objects.get(author=victim, kind="claim")
    unrelated = author_with_works(1)
    client.force_login(ModeratorFactory())
    response = client.post(reverse("researchers:history_revert", kwargs={"slug": unrelated.slug,
                                                                         "event_id": event.pk}))
    assert response.status_code == 404
    assert not IdentityEvent.objects.filter(reverts=event).exists()
    victim.refresh_from_db()
    assert victim.claim_state == "claimed"

    ok = client.post(reverse("researchers:history_revert", kwargs={"slug": victim.slug, "event_id": event.pk}))
    assert ok.status_code == 302
    assert IdentityEvent.objects.filter(reverts=event).exists()


# ---------------------------------------------------------------- /healthz

def _failing_redis(monkeypatch):
    def broken():
        raise ConnectionError("Error 111 connecting to redis-internal.svc.cluster.local:6379. Connection refused.")

    monkeypatch.setitem(health.CHECKS, "redis", broken)


def test_healthz_tells_anonymous_callers_what_fails_but_not_the_internal_error(client, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    _failing_redis(monkeypatch)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["redis"]
    assert response.json()["checks"]["redis"] == {"status": "error"}
    assert "redis-internal" not in response.content.decode()


def test_healthz_shows_the_error_to_staff(client, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    _failing_redis(monkeypatch)
    client.force_login(get_user_model().objects.create_user("ops", "ops@example.org", "pw-ops-12345",
                                                            is_staff=True))
    assert "redis-internal" in client.get("/healthz").json()["checks"]["redis"]["error"]
