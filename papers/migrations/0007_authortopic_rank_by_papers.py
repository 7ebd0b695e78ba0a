from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # At full-arXiv scale papers_authortopic holds tens of millions of rows: the new index is built
    # CONCURRENTLY, before the old one goes, so topic pages keep an index and writes never block.
    atomic = False

    dependencies = [
        ('papers', '0006_authorship_institution_index'),
        ('researchers', '0004_bulk_load_indexes'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='authortopic',
            index=models.Index(fields=['topic', '-papers_count', '-weight'], name='authortopic_topic_papers_idx'),
        ),
        RemoveIndexConcurrently(
            model_name='authortopic',
            name='authortopic_topic_weight_idx',
        ),
    ]
