"""python manage.py load_demo [--papers N] [--seed S] [--out FILE] [--force]

Loads the demo data `make run` shows: a synthetic corpus from ``generate_corpus`` and, when
settings.ARXIV_SAMPLES_DIR exists, the real arXiv samples read in place (never copied).
Idempotent: every source it has loaded is remembered as an ImportRun, so a second run only
checks those and returns.
"""

import sys
from contextlib import nullcontext
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from papers.models import ImportRun, ImportState
from papers.services import (
    ImportSourceError,
    import_arxiv_source,
    import_run_start,
    paper_search_vectors_derive_pending,
)
from researchers.disambiguation.services import identity_blocks_redispatch_stale, identity_dispatch_held
from researchers.models import PendingIdentityBlock

DEMO_SEED = 42
_DONE = (ImportState.SUCCEEDED, ImportState.PARTIAL, ImportState.FAILED)
PROGRESS_EVERY = 5000


class Progress:
    """Records loaded so far: a tqdm bar on a terminal, else a line every `every` records (logs, CI)."""

    def __init__(self, stdout, *, total: int | None, unit: str, every: int, label: str):
        self.stdout, self.total, self.unit, self.every, self.label = stdout, total, unit, every, label
        self.done, self.next_line, self.bar = 0, every, None
        if sys.stderr.isatty() and getattr(stdout, "isatty", lambda: False)():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit=unit, unit_scale=True, desc=label, leave=False, file=sys.stderr)

    def add(self, n: int) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
            return
        if self.every and self.done >= self.next_line:
            of = f"/{self.total}" if self.total else ""
            pct = f" ({100 * self.done // self.total}%)" if self.total else ""
            self.stdout.write(f"{self.label}: {self.done}{of} {self.unit}s{pct}")
            self.next_line = (self.done // self.every + 1) * self.every

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

# The real samples worth showing, relative to ARXIV_SAMPLES_DIR: the Kaggle lines, the
# OAI-PMH ListRecords/GetRecord pages (arXiv and arXivRaw), and the Atom API responses.
# Edited fixtures and metadata-only fragments are left out: they are not arXiv responses.
SAMPLE_GLOBS = (
    "kaggle/*.jsonl",
    "oai-pmh/*.xml",
    "oai-pmh/from-vcr-cassettes/*.decoded.xml",
    "oai-pmh/from-nock-fixtures/*getrecord*status200*.xml",
    "oai-pmh/from-nock-fixtures/*listrecords*status200*.xml",
    "api-atom/arxivpy-2016/*.xml",
    "api-atom/arxivpy-recorded-2026/*.body.xml",
    "api-atom/other/*.xml",
)


def sample_files(root: Path) -> list[Path]:
    files: list[Path] = []
    for pattern in SAMPLE_GLOBS:
        files.extend(sorted(root.glob(pattern)))
    return files


class Command(BaseCommand):
    help = "Load the demo data: a synthetic corpus (generate_corpus) plus the real arXiv samples when present."

    def add_arguments(self, parser):
        parser.add_argument("--papers", type=int, default=20000, help="synthetic papers (default 20000)")
        parser.add_argument("--seed", type=int, default=DEMO_SEED)
        parser.add_argument("--out", default=None, help="corpus file (default var/demo/corpus.jsonl.gz)")
        parser.add_argument("--no-samples", action="store_true", help="skip the real arXiv samples")
        parser.add_argument("--force", action="store_true", help="load again even if already loaded")
        parser.add_argument("--progress-every", type=int, default=PROGRESS_EVERY,
                            help=f"without a terminal, print a progress line every N records "
                                 f"(default {PROGRESS_EVERY}; 0: none)")

    def handle(self, *args, papers, seed, out, no_samples, force, progress_every, **options):
        if papers < 0:
            raise CommandError("--papers must be 0 or more")
        if progress_every < 0:
            raise CommandError("--progress-every must be 0 or more")
        self.progress_every = progress_every
        out_path = Path(out) if out else Path(settings.BASE_DIR) / "var" / "demo" / "corpus.jsonl.gz"
        # In eager mode (no Redis) the identity tasks would cluster the whole demo inline, before
        # the site starts; the blocks stay pending and scripts/run_dev.sh runs
        # `disambiguate_authors` behind the running site instead. With a broker, a worker does it.
        eager = bool(getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False))
        started = timezone.now()
        with identity_dispatch_held() if eager else nullcontext():
            if papers:
                self._synthetic(papers, seed, out_path, force)
            samples_dir = Path(settings.ARXIV_SAMPLES_DIR)
            if no_samples:
                self.stdout.write("demo: real samples skipped (--no-samples)")
            elif samples_dir.is_dir():
                self._samples(samples_dir, force)
            else:
                self.stdout.write(f"demo: no real samples at {samples_dir}; synthetic data only")
        # The demo is searchable the moment the site starts: what the derive queue's workers would
        # do for the imports' batches (a few seconds for 20k papers) is done here; their queued
        # tasks then find nothing left to write.
        derived = paper_search_vectors_derive_pending()
        if derived:
            self.stdout.write(f"demo: {derived} search vectors derived")
        if not eager:
            # Blocks an earlier load sent whose tasks never ran (a test worker or a flushed broker
            # took them): the worker that starts with the site clusters them now, not in an hour.
            resent = identity_blocks_redispatch_stale(sent_before=started)
            if resent:
                self.stdout.write(f"demo: {resent} name blocks sent again to the identity queue")
        if eager:
            pending = PendingIdentityBlock.objects.count()
            self.stdout.write(f"demo: {pending} name blocks wait for disambiguation "
                              "(no worker: `manage.py disambiguate_authors` clusters them)")

    # -- the synthetic corpus --------------------------------------------------------------------

    def _synthetic(self, papers: int, seed: int, out_path: Path, force: bool) -> None:
        params = {"demo": "synthetic", "papers": papers, "seed": seed}
        done = ImportRun.objects.filter(params__contains=params, state__in=_DONE).order_by("-id").first()
        if done and not force:
            self.stdout.write(
                f"demo: synthetic corpus of {papers} papers already loaded (run #{done.pk}: "
                f"{done.created} created, {done.unchanged} unchanged); nothing to do"
            )
            return
        stamp = out_path.with_name(out_path.name + ".params")
        wanted = f"papers={papers} seed={seed}"
        if out_path.exists() and stamp.exists() and stamp.read_text().strip() == wanted:
            self.stdout.write(f"demo: reusing {out_path}")
        else:
            out_path.parent.mkdir(parents=True, exist_ok=True)
            self.stdout.write(f"demo: generating {papers} synthetic papers (seed {seed}) → {out_path}")
            call_command("generate_corpus", papers=papers, seed=seed, out=str(out_path), stdout=self.stdout)
            stamp.write_text(wanted + "\n")
        run = import_run_start(source=str(out_path), format="kaggle", params=params)
        progress = Progress(self.stdout, total=papers, unit="paper", every=self.progress_every,
                            label="demo: importing the synthetic corpus")
        try:
            import_arxiv_source(run=run, on_batch=lambda stats: progress.add(stats.seen))
        except ImportSourceError as exc:
            raise CommandError(f"demo: the synthetic corpus did not import: {exc}") from exc
        finally:
            progress.close()
        self.stdout.write(f"demo: synthetic corpus imported: {self._counts(run)}")

    # -- the real samples ------------------------------------------------------------------------

    def _samples(self, root: Path, force: bool) -> None:
        files = sample_files(root)
        done = set()
        if not force:
            done = set(
                ImportRun.objects.filter(params__demo="samples", state__in=_DONE, source__in=[str(f) for f in files])
                .values_list("source", flat=True)
            )
        todo = [f for f in files if str(f) not in done]
        if not todo:
            self.stdout.write(f"demo: {len(files)} real arXiv sample files already loaded; nothing to do")
            return
        totals = dict(created=0, updated=0, unchanged=0, failed=0, authors=0)
        skipped = []
        progress = Progress(self.stdout, total=None, unit="record", every=self.progress_every,
                            label=f"demo: importing {len(todo)} real sample files")
        for path in todo:
            run = import_run_start(source=str(path), format="auto", params={"demo": "samples"})
            try:
                import_arxiv_source(run=run, on_batch=lambda stats: progress.add(stats.seen))
            except ImportSourceError as exc:
                # Error responses (arXiv API error feeds, a 503 page) are part of the samples;
                # they have nothing to import, so they are reported and skipped.
                skipped.append(f"{path.relative_to(root)}: {str(exc).split(': ', 1)[-1][:120]}")
            totals["created"] += run.created
            totals["updated"] += run.updated
            totals["unchanged"] += run.unchanged
            totals["failed"] += run.failed
            totals["authors"] += run.authors_created
        progress.close()
        self.stdout.write(
            f"demo: {len(todo)} real arXiv sample files from {root} imported: {totals['created']} created, "
            f"{totals['updated']} updated, {totals['unchanged']} unchanged, {totals['authors']} authors, "
            f"{totals['failed']} failed records"
        )
        for line in skipped:
            self.stdout.write(f"demo: skipped {line}")

    @staticmethod
    def _counts(run: ImportRun) -> str:
        return (f"{run.created} created, {run.updated} updated, {run.unchanged} unchanged, "
                f"{run.authors_created} authors, {run.failed} failed ({run.state})")
