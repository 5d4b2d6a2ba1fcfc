import secrets

from django.db import migrations, models


def create_row(apps, schema_editor):
    apps.get_model("core", "DataVersion").objects.using(schema_editor.connection.alias).create(
        id=1, token=secrets.token_hex(8)
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0006_transition_log")]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=32, verbose_name="数据版本")),
            ],
            options={"verbose_name": "数据版本", "verbose_name_plural": "数据版本"},
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
