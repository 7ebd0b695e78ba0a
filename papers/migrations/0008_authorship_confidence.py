from django.db import migrations, models


class Migration(migrations.Migration):
    # Nullable / constant-default columns: Postgres adds them without rewriting the table.
    dependencies = [
        ("papers", "0007_authortopic_rank_by_papers"),
    ]

    operations = [
        migrations.AddField(
            model_name="authorship",
            name="confidence",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="authorship",
            name="evidence",
            field=models.CharField(blank=True, db_default="", default="", max_length=300),
        ),
    ]
