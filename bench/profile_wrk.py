"""Benchmark: a profile page under `wrk -c 64 -d 30s`, against a hello-world view in the same run.

Starts gunicorn (production settings, `--workers`, default 4) on 127.0.0.1:`--port` against the
database in DATABASE_URL, then runs wrk on a hello-world view (bench/wrk_urls.py, same middleware)
and on /researchers/<slug>/ for each --slug, and prints requests/s, p50, p99, errors (non-2xx/3xx
and socket errors) and the ratio. Run by hand (needs Debian's `wrk`):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bzpeer_bench_profile \
        .venv/bin/python bench/profile_wrk.py --slug bench-prolific --slug bench-small

Without --slug it takes the record with the most works. Each record first gets its graph slice
and trust score if it has none, as a served record would. The run uses its own cache key prefix,
so the first profile request is a true cold start: it is timed alone and reported ("first view":
empty cache, and the worker's first profile view), then 10 sequential renders with a parameter
the page cache never stores ("render"), then the page under wrk after 10 s of unmeasured load,
which fills the cache (researchers/page_cache.py) like any visitor. `--uncached` also runs wrk on
the never-stored variant: the render's own throughput in the same run. `--gzip` adds hello world
and each page with `Accept-Encoding: gzip`, as browsers send (wrk sends none): each page response
is then compressed by GZipMiddleware, its CSRF token masked per response. Load comes from the same
machine, so the figures are a ratio, not capacity.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def _env():
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.wrk_settings",
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def _busiest_slug(env) -> str:
    out = subprocess.run(
        [PY, "manage.py", "shell", "-c",
         "from researchers.models import Author; "
         "print(Author.objects.filter(merged_into__isnull=True).order_by('-works_count', 'id').values_list('slug', flat=True).first())"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )
    return out.stdout.strip().splitlines()[-1]


def _prepare(env, slugs):
    """Build the graph slice and trust score of each record that has none, as a served record has."""
    code = (
        "from graph.models import GraphSlice; from graph.services import graph_slice_build; "
        "from trust.models import TrustScore; from trust.services import trust_recompute_author; "
        "from researchers.models import Author\n"
        f"for slug in {list(slugs)!r}:\n"
        "    a = Author.objects.get(slug=slug)\n"
        "    if not GraphSlice.objects.filter(author=a).exists(): graph_slice_build(author_id=a.pk)\n"
        "    if not TrustScore.objects.filter(author=a).exists(): trust_recompute_author(author_id=a.pk)\n"
    )
    subprocess.run([PY, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True, capture_output=True)


def _timed_get(url) -> tuple[float, int, bytes]:
    t0 = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as r:
        if r.geturl() != url:
            raise RuntimeError(f"{url} redirected to {r.geturl()}")
        body = r.read()
        return (time.perf_counter() - t0) * 1000, r.status, body


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _wait(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def wrk(url: str, *, connections: int, duration: int, threads: int, gzip: bool = False) -> dict:
    headers = ["-H", "Accept-Encoding: gzip"] if gzip else []
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", *headers, url],
                         capture_output=True, text=True, check=True).stdout
    pct = {p: _ms(v, u) for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "p50": pct.get("50"), "p99": pct.get("99"), "requests": total,
            "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": sum(int(x) for x in sock.groups()) if sock else 0}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slug", action="append", help="a record to measure (repeatable)")
    parser.add_argument("--uncached", action="store_true", help="also run wrk on the never-cached render")
    parser.add_argument("--gzip", action="store_true",
                        help="also run hello world and each page with Accept-Encoding: gzip, as browsers send")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=10, help="seconds of unmeasured load first (lazy imports)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    env = _env()
    # A prefix of its own: nothing cached by an earlier run (or anyone else) can answer this one.
    env["CACHE_KEY_PREFIX"] = f"bench-wrk-{os.getpid()}-{int(time.time())}"
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    slugs = args.slug or [_busiest_slug(env)]
    _prepare(env, slugs)
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [str(Path(PY).with_name("gunicorn")), "config.wsgi:application", "--bind", f"127.0.0.1:{args.port}",
         "--workers", str(args.workers), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    print(f"load average at start: {_load()}")
    try:
        _wait(f"{base}/bench/hello")
        hello_url = f"{base}/bench/hello"
        first_views = {}
        for slug in slugs:
            ms, status, body = _timed_get(f"{base}/researchers/{slug}/")
            first_views[slug] = ms
            print(f"profile {slug}: first view (empty cache, cold worker) {ms:.1f} ms, {status}, {len(body)} bytes")
            renders = sorted(_timed_get(f"{base}/researchers/{slug}/?bench-render={i}")[0] for i in range(10))
            print(f"profile {slug}: render (never cached), 10 sequential: p50 {renders[4]:.1f} ms, max {renders[-1]:.1f} ms")
        urls = [("hello world", hello_url, False)]
        urls += [(f"profile {slug}", f"{base}/researchers/{slug}/", False) for slug in slugs]
        if args.gzip:
            urls += [("hello world gzip", hello_url, True)]
            urls += [(f"profile {slug} gzip", f"{base}/researchers/{slug}/", True) for slug in slugs]
        if args.uncached:
            urls += [(f"profile {slug} uncached", f"{base}/researchers/{slug}/?bench-render=wrk", False) for slug in slugs]
        results = {}
        for label, url, gzip in urls:
            # Every gunicorn worker imports the views' lazy dependencies on its first requests, and
            # the page cache fills, as it would under any traffic.
            wrk(url, connections=args.connections, duration=args.warmup, threads=args.threads, gzip=gzip)
            results[label] = r = wrk(url, connections=args.connections, duration=args.duration, threads=args.threads,
                                     gzip=gzip)
            print(f"{label:40s} {r['rps']:9.1f} req/s  p50 {r['p50']:8.1f} ms  p99 {r['p99']:8.1f} ms  "
                  f"{r['requests']} requests, {r['non2xx']} non-2xx/3xx, {r['socket_errors']} socket errors  "
                  f"(load {_load()})")
        for label, page in results.items():
            if label.startswith("hello world"):
                continue
            hello = results["hello world gzip" if label.endswith(" gzip") else "hello world"]
            errors = page["non2xx"] + page["socket_errors"]
            ratio = f"ratio {label}/hello: 1/{hello['rps'] / page['rps']:.1f}, {errors} errors"
            if label.endswith("uncached"):
                print(f"{ratio} (every request rendered: for comparison; wrk times out requests after 2 s)")
                continue
            verdict = "PASS" if hello["rps"] / page["rps"] <= 10 and errors == 0 else "FAIL"
            print(f"{ratio} (target ≥ 1/10, 0 errors): {verdict}")
        print(f"load average at end: {_load()}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
