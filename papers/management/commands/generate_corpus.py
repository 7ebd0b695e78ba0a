"""python manage.py generate_corpus --papers N --seed S --out FILE.jsonl.gz [--homonym-rate R]

Writes a synthetic arXiv corpus in the Kaggle snapshot format (gzip when FILE ends in .gz),
plus FILE's ``.truth.jsonl.gz`` (ground-truth person of every byline slot) and
``.persons.jsonl.gz`` sidecars. Deterministic for a given seed.
"""

import argparse
import resource
import sys

from django.core.management.base import BaseCommand, CommandError


def _probability(value: str) -> float:
    try:
        v = float(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from exc
    if not 0 <= v < 1:
        raise argparse.ArgumentTypeError(f"must be in [0, 1): {value}")
    return v


class Command(BaseCommand):
    help = ("Write a synthetic arXiv corpus (Kaggle JSON lines) with realistic shape: Lotka papers per author, "
            "coauthor communities with their own topics, homonyms, name variants and big collaborations, "
            "plus a ground-truth sidecar of who wrote what.")

    def add_arguments(self, parser):
        parser.add_argument("--papers", type=int, required=True, help="number of papers")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--out", required=True, help="output file, e.g. var/corpus.jsonl.gz")
        parser.add_argument("--homonym-rate", type=_probability, default=0.05,
                            help="share of people who share their exact name with another person (default 0.05)")
        parser.add_argument("--collab-rate", type=_probability, default=0.001,
                            help="share of papers signed by a large collaboration (default 0.001)")
        parser.add_argument("--workers", type=int, default=None, help="rendering processes (default: all CPUs)")
        parser.add_argument("--compresslevel", type=int, default=1, choices=range(10))
        parser.add_argument("--openalex-out", default=None, metavar="FILE",
                            help="also write OpenAlex-shaped works (gzip JSON lines) citing each other, "
                                 "for import_openalex and bench/openalex_import.py")
        parser.add_argument("--shape", choices=("bzpeer", "foreign"), default="bzpeer",
                            help="bzpeer: our world model (default); foreign: another generator's shape "
                                 "(made-up words, Zipf authors from communities of 200; see devdata/foreign.py)")

    def handle(self, *args, papers, seed, out, homonym_rate, collab_rate, workers, compresslevel, shape="bzpeer",
               **options):
        if papers < 1:
            raise CommandError("--papers must be at least 1")
        try:
            # Development data lives outside the product apps (devdata/); it needs the `demo` extra.
            from devdata import generate_corpus
            from devdata.foreign import generate_foreign_corpus
        except ImportError as exc:
            raise CommandError(f"the corpus generator needs the demo extra (pip install '.[demo]'): {exc}") from exc
        progress = None
        if sys.stdout.isatty() and options.get("verbosity", 1) > 0:
            from tqdm import tqdm

            bar = tqdm(total=papers, unit="paper", unit_scale=True, file=sys.stderr)

            def progress(done, total):
                bar.update(done - bar.n)
        try:
            if shape == "foreign":
                stats = generate_foreign_corpus(out, papers=papers, seed=seed, compresslevel=compresslevel,
                                                progress=progress)
            else:
                stats = generate_corpus(out, papers=papers, seed=seed, homonym_rate=homonym_rate,
                                        collab_rate=collab_rate, compresslevel=compresslevel, workers=workers,
                                        progress=progress)
        except OSError as exc:
            raise CommandError(f"cannot write {out}: {exc}") from exc
        finally:
            if progress:
                bar.close()
        rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
        self.stdout.write(
            f"generated: {stats.papers} papers, {stats.authorships} authorships, "
            f"{stats.persons_with_papers} people ({stats.homonym_persons} sharing a name), "
            f"{stats.collaboration_papers} collaboration papers (max {stats.max_authors} authors); "
            f"hub person {stats.hub_pid}: {stats.hub_papers} papers, {stats.hub_coauthors} coauthors; "
            f"{stats.seconds:.1f} s, peak RSS {rss:.0f} MB"
        )
        self.stdout.write(f"corpus: {stats.paths['corpus']}  truth: {stats.paths['truth']}  "
                          f"persons: {stats.paths['persons']}")
        if options.get("openalex_out"):
            from devdata.openalex import write_openalex_works

            oa = write_openalex_works(stats.paths["corpus"], options["openalex_out"], seed=seed,
                                      compresslevel=compresslevel)
            self.stdout.write(f"openalex: {options['openalex_out']}: {oa['works']} works "
                              f"({oa['published_versions']} published versions), {oa['references']} references")
