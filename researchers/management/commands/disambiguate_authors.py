"""python manage.py disambiguate_authors [--all | --block KEY ...] [--full]

Runs the identity pipeline synchronously: the same work the ``identity`` queue's task does.
Without arguments it works through the blocks imports have queued; ``--all`` takes every
block; ``--block "surname|f"`` (Author.initials_key) one block. ``--full`` re-clusters every
slot of the blocks instead of linking only the new ones.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from researchers.disambiguation.selectors import all_block_keys, pending_block_keys
from researchers.disambiguation.services import identity_blocks_run


class Command(BaseCommand):
    help = "Disambiguate author records with S2AND: queued blocks, --all, or --block KEY."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--all", action="store_true", help="every block")
        group.add_argument("--block", action="append", default=[], metavar="KEY",
                           help='a block key, "surname|first initial" as in Author.initials_key (repeatable)')
        parser.add_argument("--full", action="store_true", help="re-cluster every slot, not only new ones")

    def handle(self, *args, all, block, full, **options):
        for key in block:
            if "|" not in key or not key.split("|", 1)[0].strip():
                raise CommandError(f'--block {key!r}: expected "surname|first initial", e.g. "lin|j"')
        keys = block or (all_block_keys() if all else pending_block_keys())
        if not keys:
            self.stdout.write("disambiguate_authors: nothing to do")
            return
        started = time.monotonic()

        def progress(done, total, stats):
            self.stdout.write(f"  {done}/{total} blocks, {stats['signatures']} signatures clustered, "
                              f"{stats['moved']} moved, {stats['created']} records created")

        stats = identity_blocks_run(block_keys=keys, full=full or bool(block), progress=progress)
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"disambiguate_authors: {len(keys)} block(s), {stats.get('clustered', 0)} clustered, "
            f"{stats.get('signatures', 0)} signatures, {stats.get('moved', 0)} authorships moved, "
            f"{stats.get('created', 0)} records created, {stats.get('events', 0)} events in {elapsed:.1f} s"
        )
