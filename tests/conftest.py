"""Shared fixtures: a real Celery worker process, a real Chromium, and the arXiv samples."""

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in the test thread; Django's async-safety check
# would then refuse ORM calls made by the same test. The calls are in fact synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# One log per test process under pytest-xdist (each starts its own worker).
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
CELERY_WORKER_LOG = f"test-celery-worker-{_XDIST_WORKER}.log" if _XDIST_WORKER else "test-celery-worker.log"


def pytest_terminal_summary(terminalreporter):
    """A report, not a test: the API operations schemathesis fuzzed and the statuses they answered."""
    from tests.reports import SCHEMATHESIS_SEEN

    if not SCHEMATHESIS_SEEN:
        return
    total = sum(len(codes) for codes in SCHEMATHESIS_SEEN.values())
    terminalreporter.write_sep("-", f"schemathesis: {len(SCHEMATHESIS_SEEN)} operations, {total} examples")
    for key, codes in sorted(SCHEMATHESIS_SEEN.items()):
        terminalreporter.write_line(f"  {key}: {len(codes)} examples, statuses {sorted(set(codes))}")


def pytest_sessionfinish(session):
    """Under pytest-xdist, a worker hands what it saw to the controlling process, which prints it."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        from tests.reports import SCHEMATHESIS_SEEN

        workeroutput["schemathesis_seen"] = SCHEMATHESIS_SEEN


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    from tests.reports import SCHEMATHESIS_SEEN

    for key, codes in getattr(node, "workeroutput", {}).get("schemathesis_seen", {}).items():
        SCHEMATHESIS_SEEN.setdefault(key, []).extend(codes)


@pytest.fixture(autouse=True)
def _fresh_name_counts():
    """S2AND name counts are cached per process; each test's world has its own bylines."""
    from researchers.disambiguation.selectors import name_counts_forget

    name_counts_forget()
    yield
    name_counts_forget()


@pytest.fixture(scope="session")
def arxiv_samples() -> Path:
    """The real arXiv responses in ../shared/data/arxiv-samples, referenced in place."""
    path = Path(settings.ARXIV_SAMPLES_DIR)
    if not path.is_dir():
        pytest.skip(f"real arXiv samples not found at {path} (shared/ is not beside the project)")
    return path


def _test_database_url() -> str:
    """The test database (this process's, under pytest-xdist) as a DATABASE_URL for a subprocess."""
    from django.db import connection

    db = connection.settings_dict
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or "5432"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def test_database_url(django_db_setup) -> str:
    """DATABASE_URL for a subprocess that must work on the test database, never the developer's."""
    return _test_database_url()


@pytest.fixture(scope="session")
def real_celery_worker(django_db_setup, django_db_blocker):
    """A real `celery worker` subprocess on Redis, pointed at the test database.

    Tests using it need `transactional_db` so the worker sees committed rows. Its queues live
    under the test settings' own Redis key prefix, one per pytest-xdist process, so no other
    run or test process shares them (config/settings/test.py).
    """
    env = dict(os.environ)
    env.update(
        DATABASE_URL=_test_database_url(),
        DJANGO_SETTINGS_MODULE="config.settings.test",
        CELERY_TASK_ALWAYS_EAGER="0",
    )
    (ROOT / "var").mkdir(exist_ok=True)
    log = open(ROOT / "var" / CELERY_WORKER_LOG, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "solo", "-l", "info",
         "-Q", "default,ingest,derive,graph,trust,identity,embed", "-n", _worker_name()],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    from config.celery_app import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"celery worker exited early; see {log.name}")
        if app.control.inspect(timeout=1.0, destination=[_worker_name()]).ping():
            break
    else:
        proc.terminate()
        raise RuntimeError("celery worker did not answer ping within 60s")
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture
def celery_not_eager(settings, real_celery_worker):
    """Send tasks to the real worker instead of running them in-process."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from config.celery_app import app

    app.conf.task_always_eager = False
    # Eager tasks run from several threads (the concurrency tests) race on Celery's global
    # "inside a task" flag and can leave it set, which would refuse result.get() here.
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)
    yield real_celery_worker
    app.conf.task_always_eager = True
    # A task the test set off (a graph build after an identity task, say) may still be running:
    # let the worker finish before the test's teardown truncates the rows it works on.
    _wait_until_worker_idle(app, _worker_name())


def _worker_name() -> str:
    return f"test-{os.getpid()}@{os.uname().nodename}"


def _wait_until_worker_idle(app, name: str, timeout: float = 30.0) -> None:
    inspect = app.control.inspect(timeout=1.0, destination=[name])
    quiet = 0
    deadline = time.monotonic() + timeout
    while quiet < 2 and time.monotonic() < deadline:
        active, reserved = inspect.active() or {}, inspect.reserved() or {}
        busy = any(active.get(name, ())) or any(reserved.get(name, ()))
        quiet = 0 if busy else quiet + 1
        if quiet < 2:
            time.sleep(0.1)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under var/screenshots/ so a person can look at it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@dataclass
class World:
    """The cast of the permission tests: every role a request can come from, and what each owns."""

    owner: object
    owned: object  # the target record: claimed, open to collaborate
    other_owner: object
    other_record: object
    claimant: object
    pending_claim: object  # an appeal waiting for a moderator
    unclaimed: object
    invitation: object  # pending, from a third owner to the owner
    third_owner: object
    conversation: object  # between the owner and the other owner


@pytest.fixture
def world(db) -> World:
    """One shared world for tests/test_permission_matrix.py (pages) and tests/test_api_permissions.py (API)."""
    from researchers.services import claims, collaboration, profile
    from tests.factories import ModeratorFactory, VerifiedUserFactory, author_with_works

    owner, owned = VerifiedUserFactory(), author_with_works(2)
    claims.claim_submit(user=owner, author=owned)
    profile.author_profile_update(user=owner, author=owned, open_to_collaborate=True)
    other_owner, other_record = VerifiedUserFactory(), author_with_works(1)
    claims.claim_submit(user=other_owner, author=other_record)
    profile.author_profile_update(user=other_owner, author=other_record, open_to_collaborate=True)
    third_owner, third_record = VerifiedUserFactory(), author_with_works(1)
    claims.claim_submit(user=third_owner, author=third_record)
    claimant, contested = VerifiedUserFactory(), author_with_works(1)
    first = claims.claim_submit(user=claimant, author=contested)
    claims.claim_reject(moderator=ModeratorFactory(), claim=first)
    pending_claim = claims.claim_appeal(user=claimant, claim=first, statement="My CV lists it")
    accepted = collaboration.invitation_send(sender=other_owner, recipient_author=owned, subject="Hi", message="?")
    conversation = collaboration.invitation_accept(user=owner, invitation=accepted)
    pending = collaboration.invitation_send(sender=third_owner, recipient_author=owned, subject="Yo", message="?")
    return World(owner=owner, owned=owned, other_owner=other_owner, other_record=other_record, claimant=claimant,
                 pending_claim=pending_claim, unclaimed=author_with_works(1), invitation=pending,
                 third_owner=third_owner, conversation=conversation)
