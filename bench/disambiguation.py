"""Benchmark and B3 evaluation of author disambiguation (issue 14), run by hand:

    .venv/bin/python bench/disambiguation.py --papers 30000 --homonym-rate 0.2 [--seed 7] [--link-share 0.1]

Generates (or reuses, under var/bench/) a corpus with ``generate_corpus``, then on one process:

1. the old name-key matching (as the importer does it): B3 precision / recall / F1;
2. a full run: every block clustered by the engine (researchers/disambiguation/engine.py),
   B3 and signatures/s;
3. incremental linking: the blocks clustered without the last ``--link-share`` of papers, then
   those papers' signatures linked into the existing clusters (predict_incremental), B3 and
   new signatures/s of the link step alone.

Wall and CPU time are both printed: on a shared machine the CPU rate is what one worker with a
core of its own would do. Printed as well: peak RSS (ru_maxrss of this process), the largest block and what it cost.
"""

import argparse
import os
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=30000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--homonym-rate", type=float, default=0.2)
    parser.add_argument("--corpus", default=None, help="an existing generate_corpus output (skips generation)")
    parser.add_argument("--link-share", type=float, default=0.1, help="share of papers linked incrementally")
    parser.add_argument("--skip-full", action="store_true")
    parser.add_argument("--skip-incremental", action="store_true")
    parser.add_argument("--prior", type=int, default=None, help="name-count prior (default ARXIV_AUTHOR_PRIOR)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from researchers.disambiguation.counts import name_counts
    from researchers.disambiguation.engine import BlockInput, cluster_blocks
    from researchers.disambiguation.evaluation import b3, corpus_signatures, name_key_clusters

    corpus = Path(args.corpus) if args.corpus else (
        ROOT / "var" / "bench" / f"disamb-{args.papers}-{args.seed}-{args.homonym_rate}.jsonl.gz")
    if not corpus.exists():
        corpus.parent.mkdir(parents=True, exist_ok=True)
        call_command("generate_corpus", papers=args.papers, seed=args.seed, out=str(corpus),
                     homonym_rate=args.homonym_rate)
    sigs, truth, block_of = corpus_signatures(corpus)
    print(f"corpus {corpus.name}: {len(sigs)} signatures, {len(set(truth.values()))} people")

    p, r, f = b3(name_key_clusters(sigs), truth)
    print(f"name-key matching (old): B3 precision {p:.3f} recall {r:.3f} F1 {f:.3f}")

    from researchers.disambiguation.counts import ARXIV_AUTHOR_PRIOR

    prior = args.prior or ARXIV_AUTHOR_PRIOR
    counts = name_counts((((s.first + " " + s.middle).strip(), s.last, 1) for s in sigs), prior=prior)
    print(f"name counts scaled to a prior of {prior:,} bylines (x{prior / len(sigs):.0f})")
    blocks = defaultdict(list)
    for s in sigs:
        blocks[block_of[s.sid]].append(s)
    largest = max(blocks.values(), key=len)
    print(f"blocks {len(blocks)}, largest {len(largest)} signatures ({block_of[largest[0].sid]})")

    batch = 500  # blocks per engine call, as the identity task batches them

    def run_all(inputs):
        out, keys_ = {}, list(inputs)
        for i in range(0, len(keys_), batch):
            out.update(cluster_blocks({k: inputs[k] for k in keys_[i:i + batch]}, name_counts=counts))
        return out

    if not args.skip_full:
        t0, c0 = time.perf_counter(), time.process_time()
        results = run_all({key: BlockInput(bs) for key, bs in blocks.items()})
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        pred = {sid: f"{key}#{n}" for key, res in results.items() for n, c in enumerate(res.clusters) for sid in c}
        pairs = sum(res.pairs_scored for res in results.values())
        p, r, f = b3(pred, truth)
        print(f"S2AND full run: B3 precision {p:.3f} recall {r:.3f} F1 {f:.3f}; {elapsed:.0f} s, "
              f"{len(sigs) / elapsed:.0f} signatures/s ({cpu:.0f} s of CPU: {len(sigs) / cpu:.0f} a CPU-second), "
              f"{pairs} pairs")
        t = time.perf_counter()
        cluster_blocks({"largest": BlockInput(largest)}, name_counts=counts)
        print(f"largest block alone: {len(largest)} signatures in {time.perf_counter() - t:.1f} s")

    if args.skip_incremental:
        print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        return
    # Incremental: the last share of papers arrive after the rest was clustered.
    papers_in_order = sorted({s.paper_id for s in sigs})
    cut = set(papers_in_order[int(len(papers_in_order) * (1 - args.link_share)):])
    t = time.perf_counter()
    seeded_res = run_all({key: BlockInput([s for s in bs if s.paper_id not in cut]) for key, bs in blocks.items()})
    t_seed = time.perf_counter() - t
    seeded = {sid: f"{key}#{n}" for key, res in seeded_res.items() for n, c in enumerate(res.clusters) for sid in c}
    inputs = {key: BlockInput(bs, seeded={s.sid: seeded[s.sid] for s in bs if s.sid in seeded},
                              new={s.sid for s in bs if s.paper_id in cut})
              for key, bs in blocks.items() if any(s.paper_id in cut for s in bs)}
    n_new = sum(len(b.new) for b in inputs.values())
    t, c = time.perf_counter(), time.process_time()
    linked = run_all(inputs)
    t_link, c_link = time.perf_counter() - t, time.process_time() - c
    pred = dict(seeded)
    for key, res in linked.items():
        for n, members in enumerate(res.clusters):
            labels = sorted({seeded[m] for m in members if m in seeded})
            for sid in members:
                pred[sid] = labels[0] if labels else f"{key}#new{n}"
    modes = defaultdict(int)
    for res in linked.values():
        modes[res.mode] += 1
    p, r, f = b3(pred, truth)
    print(f"S2AND incremental: B3 precision {p:.3f} recall {r:.3f} F1 {f:.3f}; seeding {t_seed:.0f} s; "
          f"linking {n_new} new signatures in {t_link:.0f} s = {n_new / max(t_link, 1e-9):.0f} signatures/s "
          f"({c_link:.0f} s of CPU: {n_new / max(c_link, 1e-9):.0f} a CPU-second) "
          f"(blocks by mode: {dict(modes)})")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
