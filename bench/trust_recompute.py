"""Benchmark: full trust recompute over every record of the database in DATABASE_URL.

Target (issue 6): a 1M-paper corpus (~1.5M author records) in ≤ 60 s wall time and ≤ 4 GB peak
RSS of the recompute process. Run by hand, e.g.:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bzpeer_bench1m \
        .venv/bin/python manage.py migrate trust
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bzpeer_bench1m \
        .venv/bin/python bench/trust_recompute.py [--runs 2]

With `--generate PAPERS` it first fills an EMPTY database with a synthetic corpus (set-based SQL):
authors in communities of 50, papers drawing 1–10 authors from one community (heavier tail to
40), 0.2% large collaborations of 100–1000 authors, and a few L2/L3/L4 records as seeds.

The figures printed: wall time per phase and in total, peak RSS (ru_maxrss of this process; the
Postgres backend's memory is not included), records, authorships, seeds, snapshot rows written.
The second run shows the steady state (rows already present, daily cap and snapshot diffing).
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from trust import services  # noqa: E402

COMMUNITY = 50


def generate(papers: int) -> None:
    authors = int(papers * 1.5)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM papers_paper")
        if cur.fetchone()[0]:
            raise SystemExit("--generate needs an empty database (papers_paper has rows)")
        t0 = time.perf_counter()
        cur.execute("SELECT setseed(0.42)")
        cur.execute(
            """
            INSERT INTO researchers_author (id, display_name, name_key, initials_key, name_variants, slug,
                is_collaboration, bio, role, affiliation, links, open_to_collaborate, works_count,
                followers_count, topics_count, close_collaborators_count, claim_state, verification_level,
                auto_accept_name_matches, data_changed_at, created_at, updated_at)
            SELECT g, 'Bench Author ' || g, 'author|bench ' || g, 'author|b', ARRAY['Bench Author ' || g],
                'bench-author-' || g, false, '', 'Researcher', '', '[]'::jsonb, false, 0, 0, 0, 0,
                CASE WHEN r < 0.0075 THEN 'claimed' ELSE 'unclaimed' END,
                CASE WHEN r < 0.0005 THEN 4 WHEN r < 0.0025 THEN 3 WHEN r < 0.0075 THEN 2 ELSE 1 END,
                false, now(), now(), now()
            FROM (SELECT g, random() AS r FROM generate_series(1, %s) g) s
            """,
            [authors],
        )
        cur.execute("SELECT setval(pg_get_serial_sequence('researchers_author', 'id'), %s)", [authors])
        cur.execute(
            """
            INSERT INTO papers_paper (id, arxiv_id, version, versions, title, abstract, categories,
                primary_category, submitted, updated, year, doi, journal_ref, comments, license, report_no,
                submitter, has_code, code_url, withdrawn, deleted, authors_count, content_hash,
                created_at, modified_at)
            SELECT g, 'bench.' || g, 1, '[]'::jsonb, 'Bench paper ' || g, '', ARRAY['cs.LG'], 'cs.LG',
                make_timestamptz(y, 6, 1, 0, 0, 0), make_timestamptz(y, 6, 1, 0, 0, 0), y, '', '', '', '', '',
                '', false, '', false, false,
                CASE WHEN r < 0.002 THEN 100 + floor(random() * 900)::int
                     WHEN r < 0.03 THEN 11 + floor(random() * 30)::int
                     WHEN r < 0.13 THEN 1
                     ELSE 2 + floor(random() * 9 * random())::int END,
                '', now(), now()
            FROM (SELECT g, random() AS r, 1995 + floor(random() * 32)::int AS y
                  FROM generate_series(1, %s) g) s
            """,
            [papers],
        )
        cur.execute("SELECT setval(pg_get_serial_sequence('papers_paper', 'id'), %s)", [papers])
        # Small papers draw distinct members of one community (stride 7 is coprime with 50);
        # large ones run across consecutive communities.
        cur.execute(
            f"""
            INSERT INTO papers_authorship (paper_id, author_id, position, raw_name, keyname, forenames,
                suffix, affiliation, attribution)
            SELECT p.id, 1 + ((c * {COMMUNITY} + CASE WHEN p.authors_count <= {COMMUNITY}
                        THEN (o + j * 7) %% {COMMUNITY} ELSE j END) %% %s),
                j, '', '', '', '', '', CASE WHEN random() < 0.02 THEN 'orcid' ELSE 'name' END
            FROM (SELECT id, authors_count, floor(random() * (%s / {COMMUNITY}))::bigint AS c,
                         floor(random() * {COMMUNITY})::int AS o FROM papers_paper) p
            CROSS JOIN LATERAL generate_series(0, p.authors_count - 1) j
            """,
            [authors, authors],
        )
        cur.execute("ANALYZE researchers_author; ANALYZE papers_paper; ANALYZE papers_authorship")
        cur.execute("SELECT COUNT(*) FROM papers_authorship")
        print(f"generated {papers} papers, {authors} authors, {cur.fetchone()[0]} authorships "
              f"in {time.perf_counter() - t0:.1f}s", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--generate", type=int, metavar="PAPERS", help="fill an empty database first")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    if args.generate:
        generate(args.generate)
    with connection.cursor() as cur:
        cur.execute("SELECT (SELECT COUNT(*) FROM researchers_author), (SELECT COUNT(*) FROM papers_paper),"
                    " (SELECT COUNT(*) FROM papers_authorship)")
        authors, papers, authorships = cur.fetchone()
    print(f"database {connection.settings_dict['NAME']}: {papers} papers, {authors} author records, "
          f"{authorships} authorships", flush=True)
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        backend = cur.fetchone()[0]

    def backend_cpu():
        # utime + stime of our Postgres backend, when it runs on this machine (else None).
        try:
            fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return None

    for run in range(1, args.runs + 1):
        load_before = os.getloadavg()[0]
        pg0 = backend_cpu()
        usage0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        result = services.trust_recompute_all()
        wall = time.perf_counter() - t0
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (usage.ru_utime - usage0.ru_utime) + (usage.ru_stime - usage0.ru_stime)
        peak_gb = usage.ru_maxrss / (1024 * 1024)
        # The machine may be shared: the load average says how much the wall time is inflated.
        pg1 = backend_cpu()
        pg_cpu = f"{pg1 - pg0:.1f}s" if pg0 is not None and pg1 is not None else "n/a"
        print(f"run {run}: wall {wall:.1f}s · python CPU {cpu:.1f}s · postgres backend CPU {pg_cpu} · "
              f"peak RSS {peak_gb:.2f} GB · "
              f"load avg {load_before:.1f}→{os.getloadavg()[0]:.1f} · {result}", flush=True)
        print(f"  target ≤ 60 s: {'PASS' if wall <= 60 else 'MISS'} · ≤ 4 GB: {'PASS' if peak_gb <= 4 else 'MISS'}",
              flush=True)
    # The event-driven path (claim approved, dispute opened): one record, including the biggest ones.
    with connection.cursor() as cur:
        cur.execute("SELECT author_id FROM papers_authorship GROUP BY author_id ORDER BY COUNT(*) DESC, author_id"
                    " LIMIT 3")
        ids = [r[0] for r in cur.fetchall()]
    for author_id in ids:
        t0 = time.perf_counter()
        score = services.trust_recompute_author(author_id=author_id)
        print(f"per-record re-score of author {author_id} ({score.works} works): "
              f"{(time.perf_counter() - t0) * 1000:.0f} ms", flush=True)


if __name__ == "__main__":
    main()
