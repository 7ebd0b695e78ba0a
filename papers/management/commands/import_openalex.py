"""manage.py import_openalex FILE…: OpenAlex works (API pages, single works, snapshot works/*.gz)."""

from django.core.management.base import BaseCommand, CommandError

from papers.impact.services import OpenAlexImportError, openalex_file_import
from papers.impact.store import DEFAULT_BATCH_SIZE


class Command(BaseCommand):
    help = ("Import OpenAlex works JSON (API list pages, single works, or snapshot works/*.gz JSON lines): "
            "citation counts, counts by year and references of the papers we hold.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="works file (.json, .jsonl or .gz) or URL")
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)

    def handle(self, *args, files, batch_size, **options):
        from papers.services import import_run_start

        failed = []
        for source in files:
            run = import_run_start(source=source, format="openalex", params={"via": "import_openalex"})
            try:
                openalex_file_import(run=run, batch_size=max(1, batch_size))
            except OpenAlexImportError as exc:
                failed.append(source)
                self.stderr.write(self.style.ERROR(str(exc)))
            run.refresh_from_db()
            self.stdout.write(
                f"{source}: {run.seen} works, {run.created} new and {run.updated} refreshed on our papers, "
                f"{(run.params or {}).get('unmatched', 0)} match none of our papers, {run.failed} failed "
                f"(import run #{run.pk}, {run.state})"
            )
        if failed:
            raise CommandError(f"{len(failed)} of {len(files)} file(s) failed: {', '.join(failed)}")
