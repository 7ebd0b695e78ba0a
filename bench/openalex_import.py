"""OpenAlex import throughput: ``import_openalex`` on generated works against raw ``COPY`` of them.

Usage (run by hand; ``DATABASE_URL`` names the Postgres server, the bench makes its own database):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/openalex_import.py --papers 100000

What it does:
1. the generated corpus of N papers (bench/common.ensure_corpus, cached under var/bench/) and its
   OpenAlex-shaped works (devdata.openalex: an arXiv work per paper, a published version for
   papers with a journal DOI, references among the corpus), cached beside it;
2. a fresh database, migrated, with the corpus imported by ``import_arxiv`` (set-up, not timed);
   with ``--setup-db NAME`` the set-up is kept as database NAME the first time and cloned from it
   (``CREATE DATABASE … TEMPLATE``, then ``migrate``) on later runs, so the timed part of a 1M
   run can be repeated without the set-up's import (``--setup-only`` stops after it);
3. times ``manage.py import_openalex WORKS`` in a subprocess: wall time, peak RSS (wait4);
4. in the same run and database, after a CHECKPOINT, a raw ``COPY`` of the same works (streamed
   from the same file, JSON-decoded, one row per work: id, DOI, title, cited_by_count,
   counts_by_year, referenced_works) into a bare UNLOGGED table;
5. prints works/s and papers/s for both, the ratio (target >= 1/20), and checks that the summed
   citations equal what the generator says BZPEER should show (both versions summed, seen
   double citations removed).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

from bench.common import (  # noqa: E402 - the path above makes the project importable
    BENCH_DIR,
    PYTHON,
    database_url,
    drop_database,
    ensure_corpus,
    fresh_database,
    manage_env,
    migrate,
    run_measured,
)


def copy_baseline(db_url: str, works: Path) -> tuple[int, float]:
    """COPY every work of ``works`` into a bare UNLOGGED table; returns (rows, seconds)."""
    import psycopg

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CHECKPOINT")  # the import's dirty buffers must not land in the baseline's time
        conn.execute("DROP TABLE IF EXISTS bench_bare_works")
        conn.execute("CREATE UNLOGGED TABLE bench_bare_works (id text, doi text, title text, cited_by_count int, "
                     "counts_by_year jsonb, referenced_works text[])")
        t0 = time.perf_counter()
        n = 0
        dumps = json.JSONEncoder(separators=(",", ":")).encode
        with conn.cursor() as cur, cur.copy("COPY bench_bare_works FROM STDIN") as cp, \
                gzip.open(works, "rt", encoding="utf-8") as fh:
            for line in fh:
                w = json.loads(line)
                cp.write_row((w["id"], w["doi"], w["title"], w["cited_by_count"], dumps(w["counts_by_year"]),
                              w["referenced_works"]))
                n += 1
        seconds = time.perf_counter() - t0
        conn.execute("DROP TABLE bench_bare_works")
    return n, seconds


def works_file(corpus: Path, papers: int, seed: int) -> tuple[Path, dict]:
    """The generated works of ``corpus`` (devdata.openalex) and their counts, cached beside it."""
    from devdata.openalex import write_openalex_works

    works = BENCH_DIR / f"openalex-{papers}-s{seed}.jsonl.gz"
    counts = works.with_name(works.name.replace(".jsonl.gz", ".counts.json"))
    if works.exists() and counts.exists() and counts.stat().st_mtime >= works.stat().st_mtime:
        return works, json.loads(counts.read_text())
    t0 = time.perf_counter()
    oa = write_openalex_works(corpus, works, seed=seed)
    counts.write_text(json.dumps(oa))
    print(f"works written in {time.perf_counter() - t0:.1f} s")
    return works, oa


def database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def clone_database(template: str, name: str) -> str:
    """Database ``name`` as a copy of ``template`` (dropped first when present); returns its URL."""
    import psycopg

    for db in (template, name):
        if not db.replace("_", "").isalnum():
            raise ValueError(f"unsafe database name: {db!r}")
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return database_url(name)


def figures(db_url: str) -> dict:
    import psycopg

    with psycopg.connect(db_url) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM papers_citationwork), (SELECT count(*) FROM papers_papercitations),"
            " (SELECT coalesce(sum(cited_by_count), 0) FROM papers_papercitations),"
            " (SELECT count(*) FROM papers_paperreference),"
            " (SELECT count(*) FROM papers_paperreference WHERE cited_paper_id IS NOT NULL),"
            " (SELECT count(*) FROM papers_authorimpact), (SELECT max(h_index) FROM papers_authorimpact)"
        ).fetchone()
    keys = ("works", "papers_with_figures", "citations", "references", "references_resolved", "authors_with_impact",
            "max_h_index")
    return dict(zip(keys, row, strict=True))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--papers", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--db-name", default="bzpeer_bench_openalex")
    ap.add_argument("--keep-db", action="store_true")
    ap.add_argument("--setup-db", default=None,
                    help="database holding the set-up (corpus imported): made the first time, cloned after")
    ap.add_argument("--setup-only", action="store_true", help="stop once the set-up database exists")
    ap.add_argument("--json", dest="json_out", default=None)
    args = ap.parse_args(argv)

    import django

    django.setup()

    corpus, _gen = ensure_corpus(args.papers, args.seed)
    works, oa = works_file(corpus, args.papers, args.seed)
    print(f"works: {works}: {oa['works']} works ({oa['published_versions']} published versions), "
          f"{oa['references']} references")
    if args.setup_db and database_exists(args.setup_db):
        t0 = time.perf_counter()
        db_url = clone_database(args.setup_db, args.db_name)
        print(f"database: {args.db_name} cloned from {args.setup_db} in {time.perf_counter() - t0:.1f} s, "
              f"migrate {migrate(db_url):.1f} s")
    else:
        db_url = fresh_database(args.db_name)
        print(f"database: {args.db_name} (fresh), migrate {migrate(db_url):.1f} s")
        # The identity tasks the import sends go to an in-memory broker, as to a worker of the
        # "identity" queue: run eagerly they would cluster every name block first (hours at 1M),
        # and citations do not depend on how bylines are split into people.
        setup = run_measured([PYTHON, "manage.py", "import_arxiv", str(corpus)],
                             env=manage_env(db_url, CELERY_TASK_ALWAYS_EAGER="0", CELERY_BROKER_URL="memory://"))
        if setup.returncode != 0:
            print(setup.stderr[-3000:])
            return 1
        print(f"set-up import_arxiv: {setup.seconds:.1f} s")
        if args.setup_db:
            clone_database(args.db_name, args.setup_db)
            print(f"set-up kept as database {args.setup_db}")
    if args.setup_only:
        return 0

    imp = run_measured([PYTHON, "manage.py", "import_openalex", str(works)], env=manage_env(db_url))
    if imp.returncode != 0:
        print(imp.stdout[-2000:], imp.stderr[-5000:], sep="\n")
        return 1
    got = figures(db_url)
    copy_rows, copy_s = copy_baseline(db_url, works)
    if not args.keep_db:
        drop_database(args.db_name)

    imp_rate = oa["works"] / imp.seconds
    copy_rate = copy_rows / copy_s
    ratio = imp_rate / copy_rate
    print(f"import_openalex: {oa['works']} works ({args.papers} papers) in {imp.seconds:.1f} s = "
          f"{imp_rate:,.0f} works/s, {args.papers / imp.seconds:,.0f} papers/s; peak RSS {imp.max_rss_mb:.0f} MB")
    print(f"  {imp.stdout.strip().splitlines()[-1] if imp.stdout.strip() else ''}")
    print("  rows: " + ", ".join(f"{k}={v}" for k, v in got.items()))
    ok = got["citations"] == oa["expected_citations"]
    print(f"  citations summed {got['citations']} vs expected {oa['expected_citations']}: {'OK' if ok else 'MISMATCH'}")
    print(f"raw COPY: {copy_rows} works in {copy_s:.1f} s = {copy_rate:,.0f} works/s")
    print(f"ratio import/COPY = {ratio:.3f} (1/{1 / ratio:.1f}); target >= 1/20: "
          f"{'meets' if ratio >= 1 / 20 else 'misses'}; RSS < 1 GB: {'yes' if imp.max_rss_mb < 1024 else 'no'}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({
            "papers": args.papers, **oa, "import_seconds": round(imp.seconds, 2), "import_works_per_s": round(imp_rate),
            "import_peak_rss_mb": round(imp.max_rss_mb), "copy_seconds": round(copy_s, 2),
            "copy_works_per_s": round(copy_rate), "ratio": round(ratio, 4), "figures": got,
        }, indent=2))
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())
