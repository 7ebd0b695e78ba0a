"""Fault bench: Redis down, Postgres restarted, a worker killed mid-task, under production settings.

Starts its own world and never touches the machine's shared services: a private Postgres cluster
(initdb/pg_ctl on --pg-port), a private redis-server (--redis-port), gunicorn with
config.settings.production (--web-port) and a real Celery worker (prefork, so its pool process
can be killed mid-task). It loads the real Kaggle sample, opens a conversation between two
claimed researchers, then for each fault requests every page and write and reports status and
time. It ends with the checks: no server error, every message stored once, every notification
sent once (after the outbox drain), the killed import complete with no paper twice.

    .venv/bin/python bench/faults.py [--pg-port 54391] [--redis-port 6391] [--web-port 8391] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
SAMPLES = ROOT.parent / "shared" / "data" / "arxiv-samples"
KAGGLE = SAMPLES / "kaggle" / "kaggle-snapshot-first200-lines-2023.jsonl"
BIG_OAI = SAMPLES / "oai-pmh" / "oai-listrecords-arXiv-resumption-436115_4001-1000records-2013.xml"
PASSWORD = "faults-bench-password-42"

SETUP = """
import json
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from researchers.models import Author
from researchers.services import claims, collaboration, profile
users = []
records = list(Author.objects.filter(works_count__gte=1).order_by('-works_count', 'id')[:3])
for i, record in enumerate(records[:2]):
    user = get_user_model().objects.create_user(username=f'faults{i}', email=f'faults{i}@example.org',
                                                password='%(password)s')
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    claims.claim_submit(user=user, author=record)
    profile.author_profile_update(user=user, author=record, open_to_collaborate=True)
    users.append(user)
inv = collaboration.invitation_send(sender=users[0], recipient_author=records[1], subject='Faults', message='Hi')
convo = collaboration.invitation_accept(user=users[1], invitation=inv)
print(json.dumps({'email': users[0].email, 'conversation': convo.pk,
                  'profiles': [r.slug for r in records], 'unbuilt': records[2].slug}))
"""

COUNTS = """
import json
from django.db.models import Count
from researchers.outbox.models import PendingTask
from papers.models import ImportRun, Paper
from researchers.models import Message
run = ImportRun.objects.filter(source__endswith='%(oai)s').order_by('-id').first()
dupes = Paper.objects.values('arxiv_id').annotate(n=Count('id')).filter(n__gt=1).count()
print(json.dumps({'messages': list(Message.objects.order_by('id').values_list('body', flat=True)),
                  'pending': PendingTask.objects.count(), 'papers': Paper.objects.count(), 'duplicate_papers': dupes,
                  'run': run and {'state': run.state, 'created': run.created, 'unchanged': run.unchanged,
                                  'failed': run.failed}}))
"""


class World:
    def __init__(self, args):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="bzpeer-faults-"))
        self.pgdata = self.tmp / "pg"
        self.procs: dict[str, subprocess.Popen] = {}
        self.base = f"http://127.0.0.1:{args.web_port}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # gunicorn plays the app server behind a TLS proxy: the bench sends X-Forwarded-Proto.
            "DJANGO_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO",
            # The bench speaks plain HTTP to gunicorn; its cookie jar would withhold Secure cookies.
            "DJANGO_SECURE_COOKIES": "False",
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{args.pg_port}/bzpeer_faults",
            "REDIS_URL": f"redis://127.0.0.1:{args.redis_port}/0",
            "CACHE_KEY_PREFIX": "bzpeer-faults",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
            # Production's hashed manifest must not land in the worktree's var/staticfiles (tests read it).
            "DJANGO_STATIC_ROOT": str(self.tmp / "static"),
        }
        for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CACHE_BACKEND", "DJANGO_ALLOW_ASYNC_UNSAFE"):
            self.env.pop(name, None)

    # -- services ------------------------------------------------------------------------------
    def _as_postgres(self, cmd: str):
        if os.geteuid() == 0:
            subprocess.run(["su", "postgres", "-s", "/bin/sh", "-c", cmd], check=True, capture_output=True)
        else:
            subprocess.run(["sh", "-c", cmd], check=True, capture_output=True)

    def pg_bin(self, name):
        found = shutil.which(name)
        return found or sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))[-1]

    def start_postgres(self):
        self.pgdata.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.tmp, "postgres")
            shutil.chown(self.pgdata, "postgres")
        self._as_postgres(f"{self.pg_bin('initdb')} -D {self.pgdata} -U postgres -A trust")
        self.pg_ctl("start")
        subprocess.run([self.pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.args.pg_port), "-U", "postgres",
                        "bzpeer_faults"], check=True)

    def pg_ctl(self, action):
        self._as_postgres(f"{self.pg_bin('pg_ctl')} -D {self.pgdata} -l {self.pgdata}/server.log -m fast -w "
                          f"-o '-p {self.args.pg_port} -k /tmp -c listen_addresses=127.0.0.1' {action}")

    def start_redis(self):
        self.procs["redis"] = subprocess.Popen(
            ["redis-server", "--port", str(self.args.redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL)
        for _ in range(50):
            if subprocess.run(["redis-cli", "-p", str(self.args.redis_port), "ping"], capture_output=True).stdout:
                return
            time.sleep(0.1)

    def stop_redis(self):
        proc = self.procs.pop("redis")
        proc.terminate()
        proc.wait(10)

    def manage(self, *args, check=True):
        return subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True,
                              check=check, timeout=900)

    def shell(self, code):
        return json.loads(self.manage("shell", "-v", "0", "-c", code).stdout.strip().splitlines()[-1])

    def start_web_and_worker(self):
        log = open(self.tmp / "gunicorn.log", "w")
        self.procs["web"] = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", "-w", "2", "-b", f"127.0.0.1:{self.args.web_port}",
             "--timeout", "60"], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.start_worker()
        for _ in range(100):
            try:
                requests.get(self.base + "/healthz", timeout=10)
                return
            except requests.RequestException:
                time.sleep(0.2)

    def start_worker(self):
        self.worker_log = open(self.tmp / "worker.log", "a")
        self.procs["worker"] = subprocess.Popen(
            [PY, "-m", "celery", "-A", "config", "worker", "-Q", "default,graph,trust,ingest,derive", "-c", "1",
             "--prefetch-multiplier", "1", "-l", "info"],
            cwd=ROOT, env=self.env, stdout=self.worker_log, stderr=subprocess.STDOUT)

    def worker_child(self):
        worker = psutil.Process(self.procs["worker"].pid)
        children = worker.children()
        return children[0] if children else None

    def close(self):
        for name in ("web", "worker", "redis"):
            proc = self.procs.get(name)
            if proc and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
        try:
            self.pg_ctl("stop")
        except subprocess.CalledProcessError:
            pass
        if not self.args.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)


class Visitor:
    """A browser-like client: a session, CSRF from the cookie, HTTPS as the proxy says."""

    def __init__(self, base):
        self.base = base
        self.http = requests.Session()
        self.http.headers.update({"X-Forwarded-Proto": "https", "Referer": base.replace("http:", "https:") + "/"})

    def call(self, method, path, **kwargs):
        started = time.perf_counter()
        try:
            response = self.http.request(method, self.base + path, allow_redirects=False, timeout=60, **kwargs)
            status = response.status_code
        except requests.RequestException as exc:
            status = f"error: {type(exc).__name__}"
        return status, (time.perf_counter() - started) * 1000

    def form(self, path, data):
        self.http.get(self.base + path, timeout=60)
        token = self.http.cookies.get("csrftoken", "")
        return self.call("POST", path, data={**data, "csrfmiddlewaretoken": token})


def health(visitor):
    """/healthz's status, with the parts it names as failing (a 503 there is a report, not a crash)."""
    started = time.perf_counter()
    response = visitor.http.get(visitor.base + "/healthz", timeout=60)
    ms = (time.perf_counter() - started) * 1000
    failing = response.json().get("failing") or []
    return (f"{response.status_code} ({','.join(failing)})" if failing else response.status_code), ms


def round_of(world, label, info, visitor, signed_in, results, message):
    conversation = f"/me/conversations/{info['conversation']}/"
    steps = [
        ("GET", "/", lambda: visitor.call("GET", "/")),
        ("GET", "profile (slice missing)", lambda: visitor.call("GET", f"/researchers/{info['unbuilt']}/")),
        ("GET", "profile", lambda: visitor.call("GET", f"/researchers/{info['profiles'][0]}/")),
        ("GET", "graph panel", lambda: visitor.call("GET", f"/researchers/{info['profiles'][1]}/graph/panel/")),
        ("GET", "/api/researchers/", lambda: visitor.call("GET", "/api/researchers/")),
        ("POST", "login", lambda: Visitor(world.base).form("/accounts/login/",
                                                           {"login": info["email"], "password": PASSWORD})),
        ("POST", "send message", lambda: signed_in.form(conversation, {"body": message})),
        ("POST", "send message again (retry)", lambda: signed_in.form(conversation, {"body": message})),
        ("GET", "/healthz", lambda: health(visitor)),
    ]
    for method, name, run in steps:
        status, ms = run()
        results.append((label, method, name, status, ms))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-port", type=int, default=54391)
    parser.add_argument("--redis-port", type=int, default=6391)
    parser.add_argument("--web-port", type=int, default=8391)
    parser.add_argument("--keep", action="store_true", help="keep the temporary cluster and logs")
    args = parser.parse_args()
    world = World(args)
    results: list[tuple] = []
    sent_messages: list[str] = []
    try:
        print(f"world in {world.tmp}: Postgres :{args.pg_port}, Redis :{args.redis_port}, gunicorn :{args.web_port}")
        world.start_postgres()
        world.start_redis()
        world.manage("migrate", "--noinput", "-v", "0")
        world.manage("collectstatic", "--noinput", "-v", "0")
        world.manage("import_arxiv", str(KAGGLE))
        info = world.shell(SETUP % {"password": PASSWORD})
        world.start_web_and_worker()
        visitor = Visitor(world.base)
        signed_in = Visitor(world.base)
        assert signed_in.form("/accounts/login/", {"login": info["email"], "password": PASSWORD})[0] == 302

        def fault_round(label):
            message = f"message during: {label}"
            sent_messages.append(message)
            round_of(world, label, info, visitor, signed_in, results, message)

        fault_round("baseline")

        world.stop_redis()
        fault_round("Redis down")
        world.start_redis()
        drained = world.shell("from researchers.outbox.services import outbox_drain; import json; print(json.dumps(outbox_drain()))")
        print(f"outbox drained after Redis came back: {drained}")

        world.pg_ctl("restart")
        fault_round("Postgres restarted")

        # Worker killed mid-task: a 1000-record import; its pool process is SIGKILLed while loading.
        world.shell("from papers.services import import_arxiv_enqueue; import json; "
                    f"print(json.dumps(import_arxiv_enqueue(source='{BIG_OAI}', batch_size=100).pk))")
        killed, seen = None, None
        with psycopg.connect(world.env["DATABASE_URL"], autocommit=True) as db:
            for _ in range(6000):
                seen = db.execute("SELECT state, created FROM papers_importrun WHERE source LIKE %s "
                                  "ORDER BY id DESC LIMIT 1", [f"%{BIG_OAI.name}"]).fetchone()
                child = world.worker_child()
                if child and seen and seen[1] > 0:
                    killed = child.pid
                    child.kill()
                    break
                time.sleep(0.05)
        print(f"killed the worker's pool process {killed} mid-import (run so far: state, created = {seen})")
        fault_round("worker killed mid-task")
        for _ in range(300):
            counts = world.shell(COUNTS % {"oai": BIG_OAI.name})
            if counts["run"]["state"] not in ("running", "pending"):
                break
            time.sleep(1)
        time.sleep(5)  # let the last notifications go out
        final = world.shell(COUNTS % {"oai": BIG_OAI.name})
        worker_log = (world.tmp / "worker.log").read_text()
    finally:
        world.close()

    print(f"\n{'fault':<24} {'request':<32} {'status':>16} {'ms':>8}")
    for label, method, name, status, ms in results:
        print(f"{label:<24} {method + ' ' + name:<32} {status!s:>16} {ms:8.0f}")
    server_errors = [r for r in results if (isinstance(r[3], int) and r[3] >= 500)
                     or (isinstance(r[3], str) and r[2] != "/healthz" and r[3][:1] == "5")]
    transport_errors = [r for r in results if isinstance(r[3], str) and r[3].startswith("error")]
    stored = final["messages"]
    once = all(stored.count(m) == 1 for m in sent_messages)
    notified = len(re.findall(r"notify_message\[[0-9a-f-]+\] succeeded", worker_log))
    opening = len(stored) - len(sent_messages)
    run = final["run"]
    print(f"\nserver errors: {len(server_errors)}   transport errors: {len(transport_errors)}")
    print(f"messages: {len(sent_messages)} sent twice each (a retry), stored {len(stored) - opening} "
          f"(each once: {once}); notifications sent by the worker: {notified} "
          f"(expected {len(sent_messages)}); outbox left: {final['pending']}")
    print(f"killed import: state {run['state']}, created {run['created']}, unchanged {run['unchanged']}, "
          f"failed {run['failed']}; papers {final['papers']}, duplicated arxiv ids {final['duplicate_papers']}")
    ok = (not server_errors and not transport_errors and once and notified == len(sent_messages)
          and final["pending"] == 0 and final["duplicate_papers"] == 0 and run["state"] in ("succeeded", "partial"))
    print("RESULT:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
