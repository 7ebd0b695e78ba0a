"""manage.py enrich_openalex [--limit N]: citation figures from the OpenAlex API (network)."""

from django.core.management.base import BaseCommand, CommandError

from papers.impact.clients import CitationSourceError
from papers.impact.enrich import citations_enrich_enqueue, citations_enrich_run, citations_enrich_start


class Command(BaseCommand):
    help = ("Fetch citation counts and references from OpenAlex for papers with no figures, then the oldest "
            "(50 DOIs a call; set OPENALEX_MAILTO for the polite pool, OPENALEX_API_KEY if you have one).")

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=1000, help="papers to enrich in this pass")
        parser.add_argument("--source", choices=["openalex", "s2"], default="openalex",
                            help="s2: Semantic Scholar instead (S2_API_KEY), citationCount only")
        parser.add_argument("--enqueue", action="store_true", help="hand the pass to the ingest worker")

    def handle(self, *args, limit, source, enqueue, **options):
        if limit < 1:
            raise CommandError("--limit must be at least 1")
        if enqueue:
            run = citations_enrich_enqueue(limit=limit, source=source)
            self.stdout.write(f"queued import run #{run.pk} on the ingest queue")
            return
        run = citations_enrich_start(limit=limit, source=source)
        try:
            citations_enrich_run(run=run, limit=limit, source=source)
        except CitationSourceError as exc:
            raise CommandError(f"import run #{run.pk}: {exc}") from exc
        self.stdout.write(f"{run.seen} papers asked, {run.created} new and {run.updated} refreshed works stored "
                          f"(import run #{run.pk}, {run.state})")
