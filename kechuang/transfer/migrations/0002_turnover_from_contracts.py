"""技术市场交易额 is computed from the technology contracts (indicators.toml says so for new
databases; this sets it on databases loaded before)."""

from django.db import migrations


def computed(apps, schema_editor):
    element = apps.get_model("indicators", "DataElement")
    element.objects.filter(code="tech_market_turnover").update(aggregation="contracts:turnover")


def typed(apps, schema_editor):
    element = apps.get_model("indicators", "DataElement")
    element.objects.filter(code="tech_market_turnover").update(aggregation="")


class Migration(migrations.Migration):
    dependencies = [
        ("transfer", "0001_initial"),
        ("indicators", "0002_load_indicators"),
    ]
    operations = [migrations.RunPython(computed, typed)]
