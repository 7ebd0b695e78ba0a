"""python manage.py fetch_arxiv_author "Zechun Liu" [--endpoint URL] [--max N]"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from papers.services import fetch_author_run, fetch_author_run_start
from papers.ingest.parsers import SourceError
from papers.management.commands.harvest_arxiv import summary_line


class Command(BaseCommand):
    help = "Import one researcher's papers now from the arXiv API (search_query=au:\"NAME\"), politely paged."

    def add_arguments(self, parser):
        parser.add_argument("name", help='author name as it appears on papers, e.g. "Zechun Liu"')
        parser.add_argument("--endpoint", default=None, help=f"API URL (default {settings.ARXIV_API_ENDPOINT})")
        parser.add_argument("--max", dest="max_results", type=int, default=500, help="at most N papers (default 500)")
        parser.add_argument("--page-size", type=int, default=100)

    def handle(self, *args, name, endpoint, max_results, page_size, **options):
        if max_results < 1:
            raise CommandError("--max must be at least 1")
        try:
            run = fetch_author_run_start(name=name, endpoint=endpoint, max_results=max_results)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        try:
            fetch_author_run(run=run, page_size=page_size)
        except SourceError as exc:
            self.stdout.write(summary_line(run))
            raise CommandError(f"fetching {name!r} stopped (run #{run.pk}): {exc}") from exc
        self.stdout.write(summary_line(run))
