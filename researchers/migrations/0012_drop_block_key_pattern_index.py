"""Drop the varchar_pattern_ops twin Django adds beside the pending identity block's text primary
key: every import batch writes to it and nothing queries block keys by prefix. The primary key's
own btree index stays."""

from django.db import migrations

NAME = "researchers_pendingidentityblock_block_key_debc3958_like"


class Migration(migrations.Migration):
    dependencies = [("researchers", "0011_identityconstraint_event")]

    operations = [
        migrations.RunSQL(
            f'DROP INDEX IF EXISTS "{NAME}"',
            f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "researchers_pendingidentityblock" ("block_key" varchar_pattern_ops)',
        )
    ]
