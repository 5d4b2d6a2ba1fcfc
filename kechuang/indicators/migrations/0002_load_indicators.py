"""Loads the scoreboard's data elements and indicators from data/indicators.toml."""

import tomllib
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "indicators.toml"


def load(apps, schema_editor):
    DataElement = apps.get_model("indicators", "DataElement")
    Indicator = apps.get_model("indicators", "Indicator")
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    elements = {}
    for row in data["element"]:
        elements[row["code"]], _ = DataElement.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "measure": row["measure"],
                      "aggregation": row.get("aggregation", ""),
                      "cumulative": row.get("cumulative", True)},
        )
    for order, row in enumerate(data["indicator"]):
        Indicator.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "kind": row["kind"],
                      "numerator": elements[row["numerator"]],
                      "denominator": elements.get(row.get("denominator")),
                      "denominator_label": row.get("denominator_label", ""),
                      "unit": row["unit"], "precision": row.get("precision", 2),
                      "sort_order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
