"""python manage.py derive_search_vectors: derive every missing paper search vector now."""

from django.core.management.base import BaseCommand

from papers.services import paper_search_vectors_derive_pending


class Command(BaseCommand):
    help = (
        "Derive the search vectors imports left to the derive queue (what its workers and beat's sweep do), "
        "here and now: after an import with no worker running, or to finish a backlog."
    )

    def add_arguments(self, parser):
        parser.add_argument("--chunk", type=int, default=8000, help="papers per transaction (default 8000)")

    def handle(self, *args, chunk, **options):
        done = paper_search_vectors_derive_pending(chunk=max(1, chunk))
        self.stdout.write(f"derived: {done} search vectors")
