import json

from django.core.management.base import BaseCommand, CommandError

from trust import services


class Command(BaseCommand):
    help = "Recompute every record's trust score now (synchronously), as the nightly task does."

    def add_arguments(self, parser):
        parser.add_argument("--author", type=int, help="Re-score only this author id (event-driven path).")

    def handle(self, *args, **opts):
        if opts.get("author"):
            score = services.trust_recompute_author(author_id=opts["author"])
            if score is None:
                raise CommandError(f"no author with id {opts['author']}")
            self.stdout.write(f"author {score.author_id}: Trust {score.total} · {score.tier}")
            return
        try:
            result = services.trust_recompute_all()
        except services.RecomputeAlreadyRunning as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(result))
