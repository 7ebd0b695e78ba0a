"""Import throughput: ``import_arxiv`` on a fresh database against raw ``COPY`` of the same papers.

Usage (run by hand; ``DATABASE_URL`` names the Postgres server, the bench makes its own databases):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/import_throughput.py --papers 100000
    .venv/bin/python bench/import_throughput.py --papers 1000000 --shapes bzpeer --keep-db --db-name bzpeer_bench1m

What it does:
1. generates a corpus of N papers with ``generate_corpus --shape`` (seed 1), or reuses the one cached
   under var/bench/corpus[-SHAPE]-N-s1.jsonl.gz;
2. creates a fresh database (``--db-name``, default bzpeer_bench_import) and migrates it;
3. times ``manage.py import_arxiv CORPUS`` in a subprocess: wall time, peak RSS of the process
   (exact, from wait4), its CPU time against the whole machine's (/proc/stat; on a machine with
   nothing else running, the rest is Postgres), and the row counts it produced. The identity
   tasks the import sends go to an in-memory broker, as to a worker of the "identity" queue;
   ``--identity`` then times that work to completion (``manage.py disambiguate_authors``);
4. in the same run and database, after a CHECKPOINT, times a raw ``COPY`` of the same papers
   (streamed from the same file, JSON-decoded, one row per paper: id, title, abstract, authors,
   categories, ...) into a bare UNLOGGED table, with psycopg's ``copy.write_row``;
5. prints papers/s for both, their ratio (import/COPY) and peak RSS. The import hands each committed
   batch's search vectors to the ``derive`` queue (the in-memory broker here); before step 4 the bench
   times that work on one worker (``manage.py derive_search_vectors``) and prints its papers/s per
   worker, whether that keeps pace with the import, and when everything was derived (import, then
   derive, one after the other: the least favourable order on one machine);
6. drops the database unless ``--keep-db``;
7. does all of this for each corpus shape of ``--shapes`` (default ``bzpeer,foreign``: our own generator's
   world and another generator's shape, see devdata/foreign.py), then prints them side
   by side with the load average, since the machine is shared.

``--skip-copy`` leaves out step 4 (e.g. to build a kept benchmark database).
``--floor`` adds, before the drop, the floor under any loader on this machine (bench/import_floor.py):
the import's finished rows written by binary ``COPY`` into a fresh migrated database (indexes live,
and dropped then rebuilt), ``to_tsvector`` alone, and the Python parse with no database; it
prints that floor's CPU against the CPU the 1/8 target allows on this machine's cores.
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

from bench.common import (  # noqa: E402
    PYTHON,
    ROOT,
    drop_database,
    ensure_corpus,
    fresh_database,
    manage_env,
    migrate,
    peak_rss_mb,
    run_measured,
)

BARE_COLUMNS = ("id", "submitter", "authors", "title", "comments", "journal_ref", "doi", "report_no", "categories",
                "license", "abstract", "versions", "update_date", "authors_parsed")


def copy_baseline(db_url: str, corpus: Path) -> tuple[int, float]:
    """COPY every paper of ``corpus`` into a bare UNLOGGED table; returns (rows, seconds)."""
    import psycopg

    with psycopg.connect(db_url, autocommit=True) as conn:
        # The import leaves gigabytes of dirty buffers and WAL behind; without a checkpoint first,
        # their write-out lands in the baseline's timing and makes COPY look up to 2x slower.
        conn.execute("CHECKPOINT")
        conn.execute("DROP TABLE IF EXISTS bench_bare_papers")
        conn.execute(
            "CREATE UNLOGGED TABLE bench_bare_papers (id text, submitter text, authors text, title text, "
            "comments text, journal_ref text, doi text, report_no text, categories text, license text, "
            "abstract text, versions jsonb, update_date date, authors_parsed jsonb)"
        )
        t0 = time.perf_counter()
        n = 0
        with conn.cursor() as cur, cur.copy(
            f"COPY bench_bare_papers ({', '.join(BARE_COLUMNS)}) FROM STDIN"
        ) as cp, gzip.open(corpus, "rt", encoding="utf-8") as fh:
            dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
            for line in fh:
                r = json.loads(line)
                cp.write_row((
                    r["id"], r["submitter"], r["authors"], r["title"], r["comments"], r["journal-ref"], r["doi"],
                    r["report-no"], r["categories"], r["license"], r["abstract"], dumps(r["versions"]),
                    r["update_date"], dumps(r["authors_parsed"]),
                ))
                n += 1
        seconds = time.perf_counter() - t0
        conn.execute("DROP TABLE bench_bare_papers")
    return n, seconds


def table_counts(db_url: str) -> dict:
    import psycopg

    out = {}
    with psycopg.connect(db_url) as conn:
        for table in ("papers_paper", "researchers_author", "papers_authorship", "papers_topic", "papers_papertopic",
                      "papers_institution"):
            try:
                out[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            except psycopg.Error:
                conn.rollback()
                out[table] = None
    return out


def pending_search_vectors(db_url: str) -> int:
    import psycopg

    with psycopg.connect(db_url) as conn:
        return conn.execute("SELECT count(*) FROM papers_paper WHERE search_vector IS NULL").fetchone()[0]


def report_floor(floor, imp, copy_rate: float, result: dict) -> None:
    n = floor.papers
    allowed = imp.cores * n / (copy_rate / 8)
    per = lambda seconds: f"{seconds / n * 1e6:,.0f} µs a paper"  # noqa: E731
    print(f"floor under any loader ({floor.rows_mb:,.0f} MB of finished rows):")
    print(f"  Postgres: binary COPY of the finished rows into the indexed tables {floor.copy_indexed_s:.1f} s "
          f"= {n / floor.copy_indexed_s:,.0f} papers/s (1/{copy_rate * floor.copy_indexed_s / n:.1f} of COPY); "
          f"without secondary indexes {floor.copy_bare_s:.1f} s + rebuilding them {floor.rebuild_s:.1f} s; "
          f"to_tsvector {floor.tsvector_s:.1f} s")
    print(f"  Python: parse + hashes, name keys, phrase counts {floor.python_cpu_s:.1f} s CPU ({per(floor.python_cpu_s)})")
    verdict = "fits" if floor.cpu_s <= allowed else "exceeds"
    print(f"  floor CPU {floor.cpu_s:.1f} s ({per(floor.cpu_s)}) against {allowed:.1f} s the 1/8 target allows "
          f"on {imp.cores} cores ({per(allowed)}): {verdict} it; the import used "
          f"{imp.machine_busy_seconds:.1f} s ({per(imp.machine_busy_seconds)})")
    result["floor"] = {
        "rows_mb": round(floor.rows_mb), "copy_indexed_s": round(floor.copy_indexed_s, 2),
        "copy_bare_s": round(floor.copy_bare_s, 2), "rebuild_s": round(floor.rebuild_s, 2),
        "tsvector_s": round(floor.tsvector_s, 2), "python_cpu_s": round(floor.python_cpu_s, 2),
        "cpu_s": round(floor.cpu_s, 2), "allowed_cpu_s": round(allowed, 2),
    }


def run_shape(shape: str, args) -> dict | None:
    """Generate (or reuse) the ``shape`` corpus, import it, COPY it; print and return the figures."""
    corpus, gen = ensure_corpus(args.papers, args.seed, shape=shape)
    size_mb = corpus.stat().st_size / 2**20
    print(f"[{shape}] corpus: {corpus} ({size_mb:.0f} MB gz)")
    db_url = fresh_database(args.db_name)
    print(f"[{shape}] database: {args.db_name} (fresh), migrate {migrate(db_url):.1f} s")

    cmd = [PYTHON, "manage.py", "import_arxiv", str(corpus)]
    if args.batch_size:
        cmd += ["--batch-size", str(args.batch_size)]
    # The import queues the identity blocks it touched and sends one task per chunk of them to the
    # "identity" queue, which its own worker runs. Eager, that S2AND clustering ran inside the
    # timed import (at 100k papers, tens of minutes: it is not import work). The tasks go to an
    # in-memory broker here, and --identity times the same work to completion on its own.
    imp = run_measured(cmd, env=manage_env(db_url, CELERY_TASK_ALWAYS_EAGER="0", CELERY_BROKER_URL="memory://"))
    if imp.returncode != 0:
        print(imp.stdout[-2000:], imp.stderr[-5000:], sep="\n")
        print(f"[{shape}] import_arxiv failed (exit {imp.returncode}) after {imp.seconds:.1f} s")
        if not args.keep_db:
            drop_database(args.db_name)
        return None
    summary = next((ln for ln in imp.stdout.splitlines() if ln.startswith("imported:")), imp.stdout.strip()[-300:])
    counts = table_counts(db_url)
    # The import hands each committed batch's search vectors to the "derive" queue (here the
    # in-memory broker, so nothing runs them): time that work to completion on one worker, as a
    # worker of that queue would do it, so the figures say when everything is searchable.
    derive = run_measured([PYTHON, "manage.py", "derive_search_vectors"], env=manage_env(db_url))
    if derive.returncode != 0:
        print(derive.stderr[-3000:])
        print(f"[{shape}] derive_search_vectors failed (exit {derive.returncode})")
        return None
    missing = pending_search_vectors(db_url)
    identity = None
    if args.identity:
        identity = run_measured([PYTHON, "manage.py", "disambiguate_authors"], env=manage_env(db_url))
        if identity.returncode != 0:
            print(identity.stderr[-3000:])
            identity = None

    copy_rows = copy_s = None
    if not args.skip_copy:
        copy_rows, copy_s = copy_baseline(db_url, corpus)
    floor = None
    if args.floor and copy_s:
        from bench.import_floor import measure_floor

        floor = measure_floor(db_url, corpus, args.db_name + "_floor")
    if not args.keep_db:
        drop_database(args.db_name)

    imp_rate = args.papers / imp.seconds
    result = {
        "shape": shape,
        "papers": args.papers,
        "batch_size": args.batch_size,
        "import_seconds": round(imp.seconds, 2),
        "import_papers_per_s": round(imp_rate),
        "import_peak_rss_mb": round(imp.max_rss_mb),
        "import_tree_rss_mb": round(imp.tree_rss_mb),
        "import_summary": summary,
        "counts": counts,
        "bench_peak_rss_mb": round(peak_rss_mb()["self"]),
        "generate": None if gen is None else {"seconds": round(gen.seconds, 1), "peak_rss_mb": round(gen.max_rss_mb),
                                              "tree_rss_mb": round(gen.tree_rss_mb),
                                              "tree_pss_mb": round(gen.tree_pss_mb)},
    }
    print(f"[{shape}] import_arxiv: {args.papers} papers in {imp.seconds:.1f} s = {imp_rate:,.0f} papers/s, "
          f"peak RSS {imp.max_rss_mb:.0f} MB (process tree {imp.tree_rss_mb:.0f} MB)")
    other_cpu = max(0.0, imp.machine_busy_seconds - imp.cpu_seconds)
    result.update(import_cpu_seconds=round(imp.cpu_seconds, 1), other_cpu_seconds=round(other_cpu, 1),
                  cores=imp.cores)
    print(f"  CPU: import_arxiv process {imp.cpu_seconds:.0f} s "
          f"({imp.cpu_seconds / args.papers * 1e6:.0f} µs a paper), "
          f"rest of the machine (Postgres, and anyone else's load) {other_cpu:.0f} s "
          f"({other_cpu / args.papers * 1e6:.0f} µs a paper); "
          f"{imp.machine_busy_seconds / (imp.cores * imp.seconds):.0%} of {imp.cores} cores busy")
    print(f"  {summary}")
    print("  rows: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
    derive_rate = args.papers / derive.seconds
    searchable_rate = args.papers / (imp.seconds + derive.seconds)
    result.update(derive_seconds=round(derive.seconds, 2), derive_papers_per_s=round(derive_rate),
                  derive_cpu_seconds=round(derive.cpu_seconds, 1),
                  derive_other_cpu_seconds=round(max(0.0, derive.machine_busy_seconds - derive.cpu_seconds), 1),
                  searchable_seconds=round(imp.seconds + derive.seconds, 2), searchable_papers_per_s=round(searchable_rate),
                  search_vectors_missing=missing)
    print(f"  derive queue (search vectors; one worker, after the import): {derive.seconds:.1f} s = "
          f"{derive_rate:,.0f} papers/s per worker ({'keeps' if derive_rate >= imp_rate else 'does not keep'} pace "
          f"with the import), worker process CPU {derive.cpu_seconds:.1f} s, rest of the machine "
          f"{result['derive_other_cpu_seconds']:.1f} s; {missing} papers left without a vector")
    print(f"  everything derived {imp.seconds + derive.seconds:.1f} s after the import started "
          f"(import, then derive) = {searchable_rate:,.0f} papers/s")
    if identity is not None:
        result.update(identity_seconds=round(identity.seconds, 1), identity_peak_rss_mb=round(identity.max_rss_mb))
        print(f"  identity queue (disambiguate_authors, the blocks the import queued): {identity.seconds:.1f} s, "
              f"peak RSS {identity.max_rss_mb:.0f} MB; import + identity "
              f"{args.papers / (imp.seconds + identity.seconds):,.0f} papers/s")
    if copy_s:
        copy_rate = copy_rows / copy_s
        ratio = imp_rate / copy_rate
        result.update(copy_seconds=round(copy_s, 2), copy_papers_per_s=round(copy_rate), ratio=round(ratio, 4))
        print(f"[{shape}] raw COPY: {copy_rows} papers in {copy_s:.1f} s = {copy_rate:,.0f} papers/s "
              f"(bench process peak RSS {result['bench_peak_rss_mb']} MB)")
        print(f"[{shape}] ratio import/COPY = {ratio:.4f} (1/{1 / ratio:.1f})")
    if floor is not None:
        report_floor(floor, imp, copy_rows / copy_s, result)
    return result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--papers", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shapes", default="bzpeer,foreign",
                    help="corpus shapes to run one after the other (generate_corpus --shape); default both")
    ap.add_argument("--batch-size", type=int, default=None, help="passed to import_arxiv --batch-size")
    ap.add_argument("--db-name", default="bzpeer_bench_import")
    ap.add_argument("--keep-db", action="store_true", help="keep the benchmark database afterwards")
    ap.add_argument("--skip-copy", action="store_true", help="do not run the raw COPY baseline")
    ap.add_argument("--identity", action="store_true",
                    help="also time the identity queue's work the import queued (manage.py disambiguate_authors)")
    ap.add_argument("--floor", action="store_true",
                    help="also measure the floor under any loader (bench/import_floor.py); needs the COPY baseline")
    ap.add_argument("--json", dest="json_out", default=None, help="also write the figures to this JSON file")
    args = ap.parse_args(argv)
    shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    if args.keep_db and len(shapes) > 1:
        ap.error("--keep-db keeps one database: pass one --shapes")

    import django

    django.setup()
    results = []
    for shape in shapes:
        result = run_shape(shape, args)
        if result is None:
            return 1
        results.append(result)
    if len(results) > 1 or not args.skip_copy:
        load = os.getloadavg()
        print(f"\nside by side ({args.papers} papers; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} "
              f"on {os.cpu_count()} cores: other users' work shares the machine, compare ratios, not rates)")
        print(f"{'corpus':<10} {'import/s':>9} {'COPY/s':>9} {'ratio':>9} {'peak RSS':>9} {'CPU µs/paper':>13} "
              f"{'derive/s':>9} {'all derived/s':>14}")
        for r in results:
            ratio = f"1/{1 / r['ratio']:.1f}" if r.get("ratio") else "-"
            print(f"{r['shape']:<10} {r['import_papers_per_s']:>9,} {r.get('copy_papers_per_s', 0):>9,} {ratio:>9} "
                  f"{r['import_peak_rss_mb']:>6} MB {r['import_cpu_seconds'] / r['papers'] * 1e6:>13,.0f} "
                  f"{r['derive_papers_per_s']:>9,} {r['searchable_papers_per_s']:>14,}")
    if args.json_out:
        payload = results[0] if len(results) == 1 else {"shapes": results}
        Path(args.json_out).write_text(json.dumps(payload, indent=2))
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
