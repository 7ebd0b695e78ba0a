"""Every task beat schedules or a script sends by name is registered when a worker starts."""

from django.conf import settings

from config.celery_app import app

# Sent by name outside Python imports (scripts/run_dev.sh), so nothing else would catch a rename.
SENT_BY_NAME = ["papers.discovery.tasks.embed_new_papers"]


def test_a_worker_registers_every_scheduled_and_named_task():
    app.loader.import_default_modules()  # what `celery worker` does at start-up (autodiscovery)
    scheduled = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    missing = [name for name in scheduled + SENT_BY_NAME if name not in app.tasks]
    assert missing == []
