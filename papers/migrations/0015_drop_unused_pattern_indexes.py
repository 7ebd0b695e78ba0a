"""Drop the varchar_pattern_ops twins Django adds beside unique text columns, where nothing
queries by prefix: every import writes to them (a topic per new phrase, a paper per record) and
no query reads them. The unique btree indexes stay. A later AlterField of these columns drops
such an index "IF EXISTS", so their absence is safe for future migrations."""

from django.db import migrations

INDEXES = {
    "papers_topic_slug_6b623c68_like": ("papers_topic", "slug"),
    "papers_topic_code_7d0f62b4_like": ("papers_topic", "code"),
    "papers_paper_arxiv_id_bba90ae4_like": ("papers_paper", "arxiv_id"),
}


class Migration(migrations.Migration):
    dependencies = [("papers", "0014_pending_topic_count")]

    operations = [
        migrations.RunSQL(
            f'DROP INDEX IF EXISTS "{name}"',
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}" varchar_pattern_ops)',
        )
        for name, (table, column) in INDEXES.items()
    ]
