"""`make run` (scripts/run_dev.sh) prints "BZPEER on http://…" only once the server answers /healthz."""

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_the_address_is_printed_only_when_healthz_answers(test_database_url):
    port = _free_port()
    # Eager mode: no Celery worker is started, only the web server (and, in the background, the
    # disambiguation of pending name blocks), both on the test database: on the developer's, that
    # background run would cluster their demo's name blocks.
    env = {**os.environ, "CELERY_TASK_ALWAYS_EAGER": "1", "DJANGO_SETTINGS_MODULE": "config.settings.local",
           "DATABASE_URL": test_database_url}
    proc = subprocess.Popen(["bash", "scripts/run_dev.sh", "127.0.0.1", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        line = ""
        while time.monotonic() < deadline and "BZPEER on" not in line:
            line = proc.stdout.readline()
            assert line or proc.poll() is None, "run_dev.sh exited early"
        assert line.strip() == f"BZPEER on http://127.0.0.1:{port}/"
        try:  # at the moment the line is printed, the server answers
            status = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).status
        except urllib.error.HTTPError as exc:
            status = exc.code
        assert status in (200, 503)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
