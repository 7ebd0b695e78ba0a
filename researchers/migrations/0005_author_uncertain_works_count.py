from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("researchers", "0004_bulk_load_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="author",
            name="uncertain_works_count",
            field=models.PositiveIntegerField(db_default=0, default=0),
        ),
    ]
