# TrustSnapshot moves to a composite (author_id, day) primary key. Django cannot alter a primary
# key into a composite one, so the table is recreated (its rows are daily history rebuilt by the
# next recompute; nothing else references it).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("researchers", "0001_initial"),
        ("trust", "0003_no_db_fk_for_bulk_writes"),
    ]

    operations = [
        migrations.DeleteModel(name="TrustSnapshot"),
        migrations.CreateModel(
            name="TrustSnapshot",
            fields=[
                ("pk", models.CompositePrimaryKey("author_id", "day", blank=True, editable=False,
                                                  primary_key=True, serialize=False)),
                ("author", models.ForeignKey(db_constraint=False, db_index=False,
                                             on_delete=django.db.models.deletion.CASCADE,
                                             related_name="trust_snapshots", to="researchers.author")),
                ("day", models.DateField()),
                ("total", models.SmallIntegerField()),
            ],
            options={"ordering": ["author_id", "day"]},
        ),
        migrations.AddField(
            model_name="trustscore",
            name="snapshot_day",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunSQL(
            # Scores point at snapshot rows that no longer exist: let the next run write fresh ones.
            "UPDATE trust_trustscore SET snapshot_total = NULL, snapshot_day = NULL",
            migrations.RunSQL.noop,
        ),
    ]
