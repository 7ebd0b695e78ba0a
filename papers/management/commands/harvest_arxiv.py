"""python manage.py harvest_arxiv [--endpoint URL] [--set cs] [--from DATE] [--until DATE] [--resume RUN_ID]
[--metadata-prefix arXiv|arXivRaw]"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from papers.ingest.harvest import METADATA_PREFIXES
from papers.ingest.parsers import SourceError
from papers.models import ImportRun
from papers.services import HarvestAlreadyFinished, harvest_run, harvest_run_start


def summary_line(run: ImportRun) -> str:
    papers = run.created + run.updated + run.unchanged
    return (f"imported: {papers} papers ({run.created} created, {run.updated} updated, "
            f"{run.unchanged} unchanged), {run.authors_created} authors, {run.failed} failed")


class Command(BaseCommand):
    help = ("Harvest arXiv metadata over OAI-PMH (ListRecords), checkpointing every resumptionToken "
            "in an ImportRun so that a killed harvest continues with --resume RUN_ID.")

    def add_arguments(self, parser):
        parser.add_argument("--endpoint", default=None,
                            help=f"OAI-PMH base URL (default {settings.ARXIV_OAI_ENDPOINT})")
        parser.add_argument("--set", dest="set_spec", default=None, help="OAI set, e.g. cs or physics:hep-th")
        parser.add_argument("--from", dest="from_date", default=None, help="YYYY-MM-DD, inclusive")
        parser.add_argument("--until", dest="until_date", default=None, help="YYYY-MM-DD, inclusive")
        parser.add_argument("--resume", dest="resume", type=int, default=None, metavar="RUN_ID",
                            help="continue an interrupted harvest from its checkpointed resumptionToken")
        parser.add_argument("--metadata-prefix", default="arXiv", choices=METADATA_PREFIXES,
                            help="arXiv (default) or arXivRaw for the version history")
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--max-retries", type=int, default=5, help="per request, for 503/5xx/network errors")
        parser.add_argument("--max-pages", type=int, default=None, help="stop (resumably) after N pages")

    def handle(self, *args, endpoint, set_spec, from_date, until_date, resume, metadata_prefix, batch_size,
               max_retries, max_pages, **options):
        if resume is not None:
            run = ImportRun.objects.filter(pk=resume).first()
            if run is None:
                raise CommandError(f"no import run #{resume}")
            if (run.params or {}).get("via") != "harvest":
                raise CommandError(f"import run #{resume} is not an OAI-PMH harvest ({run.format} from {run.source})")
            if any(v is not None for v in (endpoint, set_spec, from_date, until_date)):
                self.stderr.write("--resume continues the run with its own endpoint, set and dates; "
                                  "the other options are ignored")
        else:
            run = harvest_run_start(endpoint=endpoint or settings.ARXIV_OAI_ENDPOINT,
                                    metadata_prefix=metadata_prefix, set_spec=set_spec,
                                    from_date=from_date, until_date=until_date)
        if options["verbosity"] >= 1:
            where = f"from token {run.checkpoint!r}" if run.checkpoint else "from the start"
            self.stderr.write(f"harvest run #{run.pk}: {run.source} [{run.format}] {where}")
        try:
            harvest_run(run=run, batch_size=batch_size, max_retries=max_retries, max_pages=max_pages)
        except HarvestAlreadyFinished as exc:
            raise CommandError(str(exc)) from exc
        except SourceError as exc:
            self.stdout.write(summary_line(run))
            raise CommandError(f"harvest run #{run.pk} stopped: {exc}\nresume with: "
                               f"python manage.py harvest_arxiv --resume {run.pk}") from exc
        self.stdout.write(summary_line(run))
        if run.checkpoint:
            self.stderr.write(f"stopped after {max_pages} page(s); resume with --resume {run.pk}")
