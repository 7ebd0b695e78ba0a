from django.db import migrations, models


class Migration(migrations.Migration):
    # Nullable columns: added without a table rewrite, and the importer's INSERTs need not name them.
    dependencies = [
        ("researchers", "0005_author_uncertain_works_count"),
    ]

    operations = [
        migrations.AddField(
            model_name="author",
            name="profile_summary",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="author",
            name="profile_summary_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
    ]
