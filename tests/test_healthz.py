import pytest


@pytest.mark.django_db
def test_healthz_reports_every_part_as_json(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "redis", "celery"}


@pytest.mark.django_db
def test_healthz_names_the_failing_part_with_503(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["redis"]


@pytest.mark.django_db(transaction=True)
def test_healthz_sees_a_real_celery_worker(client, celery_not_eager):
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["celery"]["workers"] >= 1


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_fast_with_a_real_celery_worker(client, celery_not_eager):
    import time

    from config import health

    health._celery_ok_until = 0.0
    started = time.perf_counter()
    first = client.get("/healthz")
    cold = time.perf_counter() - started
    started = time.perf_counter()
    second = client.get("/healthz")
    warm = time.perf_counter() - started
    assert first.status_code == second.status_code == 200
    # The ping returns at the first worker's reply instead of waiting out its 1 s timeout.
    assert cold < 0.9, cold
    assert warm < 0.2, warm
