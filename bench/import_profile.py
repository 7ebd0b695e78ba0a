"""Where an import's time goes: SQL time per statement and Python time per function.

Usage (run by hand, on a database made for it; it imports into ``DATABASE_URL``'s database):

    .venv/bin/python bench/import_profile.py var/bench/corpus-foreign-20000-s1.jsonl.gz [--python]

Runs ``import_arxiv``'s loader in this process with a Django execute wrapper that sums the wall
time of every SQL statement by its first words, then prints the top statements, the time spent
outside SQL (parsing, phrase topics, name keys, in both threads) and, with ``--python``, the
cProfile top functions of the main thread. Wall time, not CPU: on a shared machine compare the
shares, not the seconds.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

_SPACE = re.compile(r"\s+")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("--python", action="store_true", help="also cProfile the main thread")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--sort", default="cumulative", help="cProfile order with --python (e.g. tottime)")
    ap.add_argument("--workers", type=int, default=1,
                    help="author refresh connections (default 1, so that their statements are counted; "
                         "with more, only the drain's wall time is)")
    args = ap.parse_args(argv)

    import django

    django.setup()
    from django.db import connection

    from papers.ingest.load import authors as loader
    from papers.ingest.load import maintenance, pipeline
    from papers.services import import_arxiv_source, import_run_start

    # The final author refresh drains on worker threads with their own connections, which the
    # wrapper would not see: one connection here, so that its statements are counted.
    loader.AUTHOR_REFRESH_WORKERS = args.workers

    # Wall time of the load's phases: the batches, and each step of the end of the load.
    phase_time: dict[str, float] = defaultdict(float)
    phase_count: dict[str, int] = defaultdict(int)

    def timed(name, fn):
        def run(*a, **kw):
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                phase_time[name] += time.perf_counter() - t0
                phase_count[name] += 1
        return run

    for name in ("drain_topic_counts", "analyze_grown", "drain_author_refresh", "identity_blocks_dispatch"):
        setattr(pipeline, name, timed(name, getattr(pipeline, name)))
    # The final VACUUM runs on its own thread, beside the identity dispatch.
    maintenance.vacuum_grown = timed("vacuum_grown (beside the identity dispatch)", maintenance.vacuum_grown)
    pipeline.BatchLoader.load_batch = timed("load_batch", pipeline.BatchLoader.load_batch)
    # The parse thread: its batch preparation (wall, GIL waits included), and how long the main
    # thread waits for it between batches (the first batch's parse included).
    pipeline.prepare = timed("parse thread: prepare (hashes, bylines, phrase topics)", pipeline.prepare)
    prefetched = pipeline._prefetched

    waits: list[float] = []

    def waited(*a, **kw):
        items = prefetched(*a, **kw)
        try:
            while True:
                t_wait = time.perf_counter()
                try:
                    item = next(items)
                except StopIteration:
                    return
                finally:
                    waits.append(time.perf_counter() - t_wait)
                    phase_time["main thread waits for the parse thread"] += waits[-1]
                yield item
        finally:
            items.close()

    pipeline._prefetched = waited
    pipeline.BulkMode.leave = timed("build reader indexes (bulk mode)", pipeline.BulkMode.leave)

    sql_time: dict[str, float] = defaultdict(float)
    sql_count: dict[str, int] = defaultdict(int)

    def wrapper(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            key = _SPACE.sub(" ", sql.strip())[:110]
            sql_time[key] += time.perf_counter() - t0
            sql_count[key] += 1

    run = import_run_start(source=str(args.corpus), format="auto", params={"via": "bench/import_profile.py"})
    profiler = cProfile.Profile() if args.python else None
    t0 = time.perf_counter()
    with connection.execute_wrapper(wrapper):
        if profiler:
            profiler.enable()
        import_arxiv_source(run=run)
        if profiler:
            profiler.disable()
    wall = time.perf_counter() - t0
    total_sql = sum(sql_time.values())
    print(f"wall {wall:.1f} s; SQL (main connection) {total_sql:.1f} s = {total_sql / wall:.0%}; "
          f"outside SQL {wall - total_sql:.1f} s")
    for key, seconds in sorted(phase_time.items(), key=lambda kv: -kv[1]):
        print(f"{seconds:8.2f} s {phase_count[key]:6d}x  phase {key}")
    print("  waits for the parse thread, batch by batch (s): " + " ".join(f"{w:.2f}" for w in waits))
    for key, seconds in sorted(sql_time.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"{seconds:8.2f} s {sql_count[key]:6d}x  {key}")
    if profiler:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
