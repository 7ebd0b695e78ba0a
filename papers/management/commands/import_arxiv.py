"""python manage.py import_arxiv SOURCE... [--format auto|kaggle|oai|atom] [--batch-size N]"""

import gc
import sys

from django.core.management.base import BaseCommand, CommandError

from papers.ingest.load import DEFAULT_BATCH_SIZE
from papers.ingest.sources import source_size
from papers.services import ImportSourceError, import_arxiv_source, import_run_start


class Command(BaseCommand):
    help = (
        "Import arXiv metadata from files, .gz files or http(s) URLs: the Kaggle snapshot (JSON lines), "
        "OAI-PMH ListRecords/GetRecord pages (arXiv, arXivRaw) or arXiv API Atom feeds, mixed freely."
    )
    # The system checks import every URLconf and view (the API's pull in networkx): most of a
    # second before the first record, for checks that `manage.py check --deploy`, `migrate` and
    # the web server's start already run. A worker's import task skips them too.
    requires_system_checks = []

    def run_from_argv(self, argv):
        """The command line's entry (``call_command`` runs ``execute`` instead): the process exits
        right after it. Its finalization runs full garbage collections that walk every container
        still alive, the loader's caches of word classes, name keys and phrase slugs with their
        hundreds of thousands of entries among them: ~1 s after a 100k-paper import, against
        0.1-0.2 s with them frozen first (``gc.freeze``), when reference counting alone frees them.
        """
        try:
            super().run_from_argv(argv)
        finally:
            gc.freeze()

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="+", metavar="SOURCE", help="file, .gz file or http(s) URL")
        parser.add_argument("--format", default="auto", choices=["auto", "kaggle", "oai", "atom"],
                            help="auto (default) detects each source from its content")
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE,
                            help=f"records per transaction (default {DEFAULT_BATCH_SIZE})")

    def handle(self, *args, sources, format, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        totals = dict(created=0, updated=0, unchanged=0, failed=0, authors=0)
        problems = []
        for source in sources:
            run = import_run_start(source=source, format=format, params={"batch_size": batch_size, "via": "command"})
            bar = self._progress_bar(source)
            try:
                import_arxiv_source(
                    run=run, batch_size=batch_size,
                    on_read=(lambda n, bar=bar: bar.update(n)) if bar else None,
                )
            except ImportSourceError as exc:
                problems.append(str(exc))
            finally:
                if bar:
                    bar.close()
            totals["created"] += run.created
            totals["updated"] += run.updated
            totals["unchanged"] += run.unchanged
            totals["failed"] += run.failed
            totals["authors"] += run.authors_created
            if options["verbosity"] >= 2:
                self.stdout.write(f"{source} [{run.format}]: run #{run.pk} {run.state}")
        papers = totals["created"] + totals["updated"] + totals["unchanged"]
        self.stdout.write(
            f"imported: {papers} papers ({totals['created']} created, {totals['updated']} updated, "
            f"{totals['unchanged']} unchanged), {totals['authors']} authors, {totals['failed']} failed"
        )
        if problems:
            raise CommandError(
                "could not read every source (records before the fault were kept; a rerun is safe):\n  "
                + "\n  ".join(problems)
            )

    def _progress_bar(self, source):
        if not sys.stdout.isatty() or not getattr(self.stdout, "isatty", lambda: False)():
            return None
        from tqdm import tqdm

        return tqdm(total=source_size(source), unit="B", unit_scale=True, desc=source[-40:], leave=False,
                    file=sys.stderr)
