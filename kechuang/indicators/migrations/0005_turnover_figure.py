"""技术市场交易额 is read from the figure the transfer app declares (core/figures.py) rather
than from transfer's contracts directly: databases loaded before get the new aggregation."""

from django.db import migrations


def to_figure(apps, schema_editor):
    element = apps.get_model("indicators", "DataElement")
    element.objects.filter(aggregation="contracts:turnover").update(
        aggregation="figure:transfer.turnover"
    )


def to_contracts(apps, schema_editor):
    element = apps.get_model("indicators", "DataElement")
    element.objects.filter(aggregation="figure:transfer.turnover").update(
        aggregation="contracts:turnover"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0004_clean_text_validators"),
        # transfer's 0002 set the aggregation this one replaces.
        ("transfer", "0002_turnover_from_contracts"),
    ]
    operations = [migrations.RunPython(to_figure, to_contracts)]
