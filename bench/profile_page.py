"""Benchmark: server-side render time of profile pages, small to 5,000 papers.

Creates (or reuses) the database `bzpeer_bench_profile` (or `--database NAME`) on the server in DATABASE_URL, fills it
set-based with three records (`small`: 5 papers, `median`: 60, `prolific`: `--papers`, default
5000; 8 authors a paper drawn from 150 coauthors, 2% of papers with 500 authors), then renders
/researchers/<slug>/ in-process (Django test client, full middleware and templates) `--runs` times
each with the anonymous page cache off and prints p50 and p95 wall time and the query count; for
the prolific record also a deep page and a year filter. Then the same for each record's cached copy
(researchers/page_cache.py), as anonymous visitors usually get it. Run by hand:

    .venv/bin/python bench/profile_page.py [--papers 5000] [--runs 40] [--fresh]

Reference (shared 2-core dev box, 2026-11-23; 5000 papers, 100 of them with 500 authors, ~85k
authorship rows): 8 queries, 0.35–0.5 s wall per page; the close-collaborators aggregate (~220 ms)
and the works page (20–110 ms, window count over up to 5000 rows) dominate.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import database_url, fresh_database, migrate  # noqa: E402

DB_NAME = "bzpeer_bench_profile"
RECORDS = (("bench-small", 5), ("bench-median", 60), ("bench-prolific", None))  # None: --papers

FILL_SQL = """
INSERT INTO researchers_author (display_name, name_key, initials_key, name_variants, slug, is_collaboration, bio,
    role, affiliation, links, open_to_collaborate, works_count, followers_count, topics_count,
    close_collaborators_count, claim_state, verification_level, auto_accept_name_matches, data_changed_at,
    created_at, updated_at)
SELECT CASE WHEN g = 0 THEN 'Bench ' || %(slug)s ELSE 'Coauthor ' || %(slug)s || ' ' || g END,
       %(slug)s || '|' || g, 'bench|b', '{}',
       CASE WHEN g = 0 THEN %(slug)s ELSE %(slug)s || '-coauthor-' || g END, false, '', 'Researcher', '', '[]', false,
       0, 0, 0, 0, 'unclaimed', 1, false, now(), now(), now()
FROM generate_series(0, 650) g;

INSERT INTO papers_paper (arxiv_id, version, versions, title, abstract, categories, primary_category, submitted,
    updated, year, doi, journal_ref, comments, license, report_no, submitter, has_code, code_url, withdrawn,
    deleted, authors_count, content_hash, created_at, modified_at)
SELECT %(slug)s || '/' || g, 1, '[]', 'Bench paper ' || g, repeat('Abstract text of a benchmark paper. ', 30),
       '{cs.LG,cs.CV}', 'cs.LG', now() - (g || ' hours')::interval * 7, now(),
       extract(year FROM now() - (g || ' hours')::interval * 7), '', '', '', '', '', '', g %% 3 = 0, '', false,
       false, CASE WHEN g %% 50 = 0 THEN 500 ELSE 8 END, '', now(), now()
FROM generate_series(1, %(papers)s) g;

INSERT INTO papers_authorship (paper_id, author_id, position, raw_name, keyname, forenames, suffix, affiliation,
    attribution)
SELECT p.id, me.id, CASE WHEN p.authors_count = 500 THEN 250 ELSE 0 END, me.display_name, '', '', '', '', 'name'
FROM papers_paper p, researchers_author me WHERE me.slug = %(slug)s AND p.arxiv_id LIKE %(slug)s || '/%%';

INSERT INTO papers_authorship (paper_id, author_id, position, raw_name, keyname, forenames, suffix, affiliation,
    attribution)
SELECT p.id, a.id, k, a.display_name, '', '', '', '', 'name'
FROM papers_paper p
CROSS JOIN LATERAL generate_series(1, p.authors_count - 1) k
JOIN researchers_author a ON a.slug = %(slug)s || '-coauthor-' || (1 + (p.id * 7 + k) %% CASE WHEN p.authors_count = 500 THEN 650 ELSE 150 END)
WHERE p.arxiv_id LIKE %(slug)s || '/%%' AND ((p.authors_count = 500 AND k <> 250) OR (p.authors_count = 8));

UPDATE researchers_author SET works_count = %(papers)s WHERE slug = %(slug)s;
ANALYZE;
"""


def _percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=5000)
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the benchmark database")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--database", default=DB_NAME, help=f"database name on the DATABASE_URL server (default {DB_NAME})")
    args = parser.parse_args()

    import psycopg

    url = database_url(args.database)
    try:
        psycopg.connect(url).close()
        exists = True
    except psycopg.OperationalError:
        exists = False
    if args.fresh or not exists:
        fresh_database(args.database)
        print(f"migrate: {migrate(url):.1f}s")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    # Timed as production runs (DEBUG off: no per-query bookkeeping); queries are counted apart.
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "0")
    # Renders are measured with the anonymous page cache off; its copies are timed after them.
    os.environ["PROFILE_PAGE_CACHE_SECONDS"] = "0"

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.test import Client

    from researchers.models import Author

    for slug, papers in RECORDS:
        papers = papers or args.papers
        if not Author.objects.filter(slug=slug).exists():
            t0 = time.perf_counter()
            with connection.cursor() as cur:
                cur.execute(FILL_SQL, {"slug": slug, "papers": papers})
            print(f"fill {slug} ({papers} papers): {time.perf_counter() - t0:.1f}s")

    client = Client(HTTP_HOST="127.0.0.1")
    year = time.gmtime().tm_year
    cases = [(slug, "") for slug, _ in RECORDS] + [
        ("bench-prolific", "?page=150&sort=oldest"), ("bench-prolific", f"?year={year}")]
    print(f"{'record':16s} {'query':22s} {'queries':>7s} {'p50 ms':>7s} {'p95 ms':>7s}  bytes")
    cached_cases = [(slug, "(cached copy)") for slug, _ in RECORDS]
    for slug, query in cases + cached_cases:
        if query == "(cached copy)":
            # researchers/page_cache.py: what an anonymous visitor usually gets.
            settings.PROFILE_PAGE_CACHE_SECONDS = 300
            url_ = f"/researchers/{slug}/"
        else:
            url_ = f"/researchers/{slug}/{query}"
        client.get(url_)  # the first view after a change stores the record's summary; warm caches
        walls = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            response = client.get(url_)
            walls.append(time.perf_counter() - t0)
            assert response.status_code == 200, response.status_code
        settings.DEBUG = True  # count queries on one more request, outside the timed ones
        reset_queries()
        response = client.get(url_)
        queries = len(connection.queries)
        settings.DEBUG = False
        print(f"{slug:16s} {query or '(first page)':22s} {queries:7d} {_percentile(walls, 0.5) * 1000:7.1f} "
              f"{_percentile(walls, 0.95) * 1000:7.1f}  {len(response.content)}")


if __name__ == "__main__":
    main()
