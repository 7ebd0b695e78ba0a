"""Shared helpers for the hand-run benchmarks in bench/.

- ``database_url(name)`` / ``fresh_database(name)`` / ``migrate(url)``: benchmark databases live on
  the server named by ``DATABASE_URL`` but under their own names, created and migrated here.
- ``run_measured(cmd)``: runs a command (usually ``manage.py ...``) in a subprocess and reports
  wall time, the peak RSS of its largest process (from ``wait4``, children included) and the
  peak summed RSS of its whole process tree (sampled with psutil).
- ``Timer`` and ``peak_rss_mb()`` for in-process measurements.
- ``ensure_corpus(n, seed)``: a generated corpus cached under var/bench/.

Nothing here is imported by the application.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psutil

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
PYTHON = sys.executable


def server_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("DATABASE_URL is not set: point it at the Postgres server (any database on it)")
    return url


def database_url(name: str, base: str | None = None) -> str:
    """``DATABASE_URL`` with its database name replaced by ``name``."""
    parts = urlsplit(base or server_url())
    return urlunsplit(parts._replace(path="/" + name))


def _admin_connect(base: str | None = None):
    import psycopg

    return psycopg.connect(database_url("postgres", base), autocommit=True)


def fresh_database(name: str, base: str | None = None) -> str:
    """Drop (if present) and create database ``name``; returns its URL."""
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unsafe database name: {name!r}")
    with _admin_connect(base) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return database_url(name, base)


def drop_database(name: str, base: str | None = None) -> None:
    with _admin_connect(base) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage_env(db_url: str, **extra: str) -> dict:
    env = dict(os.environ)
    env["DATABASE_URL"] = db_url
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    # Measure what production runs: with DEBUG on, Django also keeps and logs every statement
    # (with its parameters: thousands of ids per loader query).
    env.setdefault("DJANGO_DEBUG", "0")
    env.update(extra)
    return env


def migrate(db_url: str) -> float:
    """Runs ``manage.py migrate`` against ``db_url``; returns seconds."""
    t0 = time.perf_counter()
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=manage_env(db_url),
                   check=True)
    return time.perf_counter() - t0


@dataclass
class Measured:
    seconds: float
    returncode: int
    max_rss_mb: float  # largest single process (the command or any of its children)
    tree_rss_mb: float  # peak of the summed RSS of the process tree (shared pages counted per process)
    tree_pss_mb: float = 0.0  # peak summed PSS of the tree: its real memory when workers share pages
    cpu_seconds: float = 0.0  # user + system CPU of the command and its waited-for children
    machine_busy_seconds: float = 0.0  # CPU time every process of the machine spent meanwhile
    cores: int = 1
    stdout: str = ""
    stderr: str = ""


def run_measured(cmd: list[str], env: dict | None = None, cwd: Path = ROOT, sample_every: float = 0.2) -> Measured:
    """Run ``cmd``; wall time, peak RSS from wait4 (exact) and sampled tree RSS (psutil)."""
    out_path = BENCH_DIR / f".run-{os.getpid()}.out"
    err_path = BENCH_DIR / f".run-{os.getpid()}.err"
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        busy0 = machine_busy_seconds()
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
        peak_tree = [0]
        peak_pss = [0]
        done = threading.Event()

        def sample():
            try:
                root = psutil.Process(proc.pid)
            except psutil.Error:
                return
            while not done.is_set():
                try:
                    procs = [root] + root.children(recursive=True)
                    total = pss = 0
                    for p in procs:
                        try:
                            total += p.memory_info().rss
                            if len(procs) > 1:  # PSS splits pages shared by forked workers fairly
                                pss += p.memory_full_info().pss
                        except (psutil.Error, AttributeError):
                            pass
                    peak_tree[0] = max(peak_tree[0], total)
                    peak_pss[0] = max(peak_pss[0], pss or total)
                except psutil.Error:
                    break
                done.wait(sample_every)

        th = threading.Thread(target=sample, daemon=True)
        th.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        busy = machine_busy_seconds() - busy0
        done.set()
        th.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    stdout = out_path.read_text(errors="replace")
    stderr = err_path.read_text(errors="replace")
    out_path.unlink(missing_ok=True)
    err_path.unlink(missing_ok=True)
    return Measured(seconds=seconds, returncode=proc.returncode, max_rss_mb=usage.ru_maxrss / 1024,
                    tree_rss_mb=peak_tree[0] / 2**20, tree_pss_mb=peak_pss[0] / 2**20,
                    cpu_seconds=usage.ru_utime + usage.ru_stime, machine_busy_seconds=busy,
                    cores=os.cpu_count() or 1, stdout=stdout, stderr=stderr)


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot.

    From /proc/stat: user, nice, system, irq and softirq; not idle, iowait, or steal (time the
    hypervisor gave to other guests).
    """
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    ticks = [int(f) for f in fields] + [0] * 7
    user, nice, system, _idle, _iowait, irq, softirq = ticks[:7]
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb() -> dict:
    """Peak RSS so far of this process and of its largest waited-for child, in MB."""
    return {
        "self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


@dataclass
class Timer:
    """``with Timer() as t: ...`` then ``t.seconds``; ``laps`` records named split times."""

    seconds: float = 0.0
    laps: dict = field(default_factory=dict)
    _t0: float = 0.0

    def __enter__(self):
        self._t0 = time.perf_counter()
        return self

    def lap(self, name: str) -> float:
        self.laps[name] = time.perf_counter() - self._t0
        return self.laps[name]

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._t0
        return False


def corpus_path(n: int, seed: int = 1, shape: str = "bzpeer") -> Path:
    prefix = "corpus" if shape == "bzpeer" else f"corpus-{shape}"
    return BENCH_DIR / f"{prefix}-{n}-s{seed}.jsonl.gz"


def ensure_corpus(n: int, seed: int = 1, homonym_rate: float = 0.05, log=print,
                  shape: str = "bzpeer") -> tuple[Path, Measured | None]:
    """The cached corpus of ``n`` papers for ``seed`` (``generate_corpus --shape``), generated when missing."""
    path = corpus_path(n, seed, shape)
    from devdata import sidecar_paths

    truth, persons = sidecar_paths(path)
    if path.exists() and truth.exists() and persons.exists():
        return path, None
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    # A per-process partial name: two benchmarks asking for the same corpus at once must not
    # write into one file; the loser's rename just replaces an identical file.
    tmp = path.with_name(path.name.replace(".jsonl.gz", f".partial{os.getpid()}.jsonl.gz"))
    log(f"generating {n} papers (seed {seed}, shape {shape}) → {path}")
    m = run_measured([PYTHON, "manage.py", "generate_corpus", "--papers", str(n), "--seed", str(seed),
                      "--out", str(tmp), "--homonym-rate", str(homonym_rate), "--shape", shape],
                     env=manage_env(server_url()))
    if m.returncode != 0:
        raise SystemExit(f"generate_corpus failed:\n{m.stderr[-3000:]}")
    ttmp, ptmp = sidecar_paths(tmp)
    ttmp.replace(truth)
    ptmp.replace(persons)
    tmp.replace(path)  # last: a corpus file only exists once its sidecars do
    log(m.stdout.strip().splitlines()[0] if m.stdout.strip() else "(no output)")
    log(f"  generate_corpus wall {m.seconds:.1f} s, peak RSS {m.max_rss_mb:.0f} MB (largest process), "
        f"process tree: RSS sum {m.tree_rss_mb:.0f} MB, PSS sum {m.tree_pss_mb:.0f} MB")
    return path, m
