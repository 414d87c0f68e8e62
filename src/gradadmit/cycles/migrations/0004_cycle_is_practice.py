from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cycles", "0003_order_by_foreign_key_column"),
    ]

    operations = [
        migrations.AddField(
            model_name="cycle",
            name="is_practice",
            field=models.BooleanField(default=False, editable=False, verbose_name="practice cycle (模擬報名)"),
        ),
    ]
