"""Benchmark: graph slices and coauthor paths on a large corpus (issue 5).

Runs against the database in DATABASE_URL (e.g. the shared 1M-paper `bzpeer_bench1m`), after
`manage.py migrate graph` there. For the hub author (the one with the most coauthors) it measures:

- cold slice build: `graph_slice_build` from nothing (SQL + networkx metrics + upsert), median of --builds;
- warm fetch: the one-query `slice_state` read of the stored slice, and the whole API GET
  (/api/researchers/<slug>/graph/) through Django's test client, medians;
- path query: `shortest_coauthor_path` between --pairs random authors (median, p90), each checked
  against networkx's shortest-path length on the full graph;
- the reference: networkx `ego_graph` (radius 1 and 2) on an in-memory coauthor graph of the whole
  corpus, with that graph's build time and memory (RSS growth of this process).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bzpeer_bench1m CACHE_KEY_PREFIX=bench_graph \\
        .venv/bin/python bench/graph_slice.py [--pairs 20] [--builds 7] [--seed 5] [--no-reference]

Only graph_graphslice rows are written. Timings on the shared 2-core box are noisy: medians are reported.

Reference (2026-11-23, shared 2-core box, load average ~1): bzpeer_bench1m holds 1M generated papers
imported with import_arxiv (bench/import_throughput.py --papers 1000000 --shapes bzpeer --keep-db --db-name bzpeer_bench1m),
3.92M authorships, 1.24M records. Hub Y. Chen, 1,794 coauthors, 822 works; slice 144 nodes / 402 edges / 113 KiB:
  cold build median 112.1 ms (first, cold cache, 327 ms; builder part 101 ms); warm slice_state 7.2 ms, full
  API GET 11.6 ms; path median 17.4 ms, p90 63.6 ms, max 146 ms (17/20 found, 0 networkx mismatches);
  reference: full networkx graph 1.23M nodes / 5.97M edges, built in 23.3 s, +1,179 MB RSS;
  ego_graph radius 1: 141 ms, radius 2: 9.5 s (109k nodes). Before the end-of-import VACUUM (hint bits,
  visibility map) the same build took 184 ms and slice_state 8.6 ms.
"""

import argparse
import gc
import itertools
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("CACHE_KEY_PREFIX", "bench_graph")

import django  # noqa: E402

django.setup()

import networkx as nx  # noqa: E402
import psutil  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from graph.models import GraphSlice  # noqa: E402
from graph.paths import MAX_HOPS, shortest_coauthor_path  # noqa: E402
from graph.selectors import slice_state  # noqa: E402
from graph.services import build_lock_key, graph_slice_build  # noqa: E402
from graph.slices import MAX_AUTHORS_FOR_COAUTHOR_EDGES  # noqa: E402


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def rss_mb():
    return psutil.Process().memory_info().rss / 2**20


def full_coauthor_graph(max_gb):
    """The whole corpus as one networkx graph (papers over the collaboration cap excluded, as in the app).

    Stops early (returning the partial graph, flagged) if this process grows past `max_gb`: the
    box is shared, and the point of the reference is to show what the whole-graph approach costs.
    """
    gc.collect()
    before = rss_mb()
    t0 = time.perf_counter()
    g = nx.Graph()
    sql = (
        "COPY (SELECT a.paper_id, a.author_id FROM papers_authorship a JOIN papers_paper p ON p.id = a.paper_id "
        f"WHERE p.authors_count <= {MAX_AUTHORS_FOR_COAUTHOR_EDGES} ORDER BY a.paper_id) TO STDOUT"
    )
    rows = 0
    with connection.cursor() as cur:
        raw = cur.cursor
        current, members = None, []
        with raw.copy(sql) as copy:
            for paper, author in copy.rows():
                rows += 1
                if rows % 200_000 == 0 and rss_mb() > max_gb * 1024:
                    print(f"  reference graph stopped at {rows:,} authorship rows: RSS over {max_gb} GB")
                    break
                if paper != current:
                    if len(members) > 1:
                        g.add_edges_from(itertools.combinations(members, 2))
                    elif members:
                        g.add_node(members[0])
                    current, members = paper, []
                members.append(int(author))
        if len(members) > 1:
            g.add_edges_from(itertools.combinations(members, 2))
    seconds = time.perf_counter() - t0
    gc.collect()
    return g, seconds, rss_mb() - before, rows


def hub_by_sql():
    """Without the reference graph: the most-coauthored among the 200 most prolific authors."""
    with connection.cursor() as cur:
        cur.execute(f"""
            WITH top AS (SELECT id FROM researchers_author ORDER BY works_count DESC, id LIMIT 200)
            SELECT t.id, count(DISTINCT b.author_id)
            FROM top t JOIN papers_authorship a ON a.author_id = t.id
            JOIN papers_paper p ON p.id = a.paper_id AND p.authors_count <= {MAX_AUTHORS_FOR_COAUTHOR_EDGES}
            JOIN papers_authorship b ON b.paper_id = a.paper_id AND b.author_id <> t.id
            GROUP BY t.id ORDER BY 2 DESC LIMIT 1""")
        return cur.fetchone()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=20)
    parser.add_argument("--builds", type=int, default=7)
    parser.add_argument("--fetches", type=int, default=50)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--no-reference", action="store_true", help="skip the full in-memory networkx graph")
    parser.add_argument("--reference-max-gb", type=float, default=10.0)
    parser.add_argument("--slug", help="bench this author instead of the hub")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with connection.cursor() as cur:
        cur.execute("SELECT (SELECT count(*) FROM papers_paper), (SELECT count(*) FROM papers_authorship), "
                    "(SELECT count(*) FROM researchers_author)")
        papers, authorships, authors = cur.fetchone()
    print(f"corpus: {papers:,} papers, {authorships:,} authorships, {authors:,} authors "
          f"(db {connection.settings_dict['NAME']})")

    graph = None
    if not args.no_reference:
        graph, build_s, grew_mb, rows = full_coauthor_graph(args.reference_max_gb)
        print(f"reference graph: {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges from "
              f"{rows:,} authorship rows; build {build_s:.1f} s, memory +{grew_mb:,.0f} MB RSS")
        hub, hub_degree = max(graph.degree, key=lambda kv: kv[1])
    else:
        hub, hub_degree = hub_by_sql()
    if args.slug:
        with connection.cursor() as cur:
            cur.execute("SELECT id FROM researchers_author WHERE slug = %s", [args.slug])
            hub = cur.fetchone()[0]
            hub_degree = graph.degree(hub) if graph is not None else "?"
    with connection.cursor() as cur:
        cur.execute("SELECT slug, display_name, works_count FROM researchers_author WHERE id = %s", [hub])
        slug, name, works = cur.fetchone()
    print(f"hub: {name} ({slug}, id {hub}): {hub_degree} coauthors, {works} works")

    # Cold build: no slice row, no lock; the database itself is warm after the first run.
    cold = []
    for _ in range(args.builds):
        GraphSlice.objects.filter(author_id=hub).delete()
        cache.delete(build_lock_key(hub))
        t0 = time.perf_counter()
        graph_slice_build(author_id=hub)
        cold.append(time.perf_counter() - t0)
    s = GraphSlice.objects.get(author_id=hub)
    n_nodes, n_edges = len(s.elements["nodes"]), len(s.elements["edges"])
    print(f"cold slice build: median {ms(statistics.median(cold))} (first {ms(cold[0])}, min {ms(min(cold))}, "
          f"max {ms(max(cold))}; builder part {s.build_ms} ms) → {n_nodes} nodes, {n_edges} edges "
          f"[target ≤ 150 ms]")

    warm = []
    for _ in range(args.fetches):
        t0 = time.perf_counter()
        state = slice_state(author_id=hub)
        warm.append(time.perf_counter() - t0)
    assert state.status == "ready", state.status
    client = Client()
    api = []
    for _ in range(20):
        t0 = time.perf_counter()
        response = client.get(f"/api/researchers/{slug}/graph/")
        api.append(time.perf_counter() - t0)
    assert response.status_code == 200 and response.json()["status"] == "ready"
    print(f"warm fetch: slice_state median {ms(statistics.median(warm))} (1 query); full API GET median "
          f"{ms(statistics.median(api))}, {len(response.content) / 1024:.0f} KiB [target ≤ 10 ms]")

    # Random pairs among authors who have at least one coauthor.
    if graph is not None:
        pool = [n for n, d in graph.degree if d > 0]
        pairs = [tuple(rng.sample(pool, 2)) for _ in range(args.pairs)]
    else:
        with connection.cursor() as cur:
            cur.execute("SELECT id FROM researchers_author TABLESAMPLE SYSTEM (1) WHERE works_count > 0 LIMIT 5000")
            pool = [r[0] for r in cur.fetchall()]
        pairs = [tuple(rng.sample(pool, 2)) for _ in range(args.pairs)]
    times, hops, mismatches = [], [], 0
    for a, b in pairs:
        t0 = time.perf_counter()
        result = shortest_coauthor_path(a, b)
        times.append(time.perf_counter() - t0)
        hops.append(result.hops)
        if graph is not None:
            try:
                expected = nx.shortest_path_length(graph, a, b)
            except nx.NetworkXNoPath:
                expected = None
            if (expected if expected is not None and expected <= MAX_HOPS else None) != result.hops:
                mismatches += 1
    times.sort()
    found = [h for h in hops if h is not None]
    print(f"path query ({len(pairs)} random pairs): median {ms(statistics.median(times))}, "
          f"p90 {ms(times[int(0.9 * (len(times) - 1))])}, max {ms(times[-1])}; found {len(found)} "
          f"(hops {sorted(found)}), none within {MAX_HOPS}: {len(hops) - len(found)}"
          + (f"; networkx length mismatches: {mismatches}" if graph is not None else "") + " [target ≤ 500 ms]")

    if graph is not None:
        for radius in (1, 2):
            t0 = time.perf_counter()
            ego = nx.ego_graph(graph, hub, radius=radius)
            print(f"reference ego_graph(radius={radius}) on the in-memory graph: {ms(time.perf_counter() - t0)} "
                  f"→ {ego.number_of_nodes():,} nodes, {ego.number_of_edges():,} edges")
    GraphSlice.objects.filter(author_id=hub).delete()


if __name__ == "__main__":
    main()
