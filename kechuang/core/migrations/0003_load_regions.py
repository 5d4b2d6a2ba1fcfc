"""Loads the region tree (GB/T 2260 and statistical division codes) from data/regions.json."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "regions.json"


def load_regions(apps, schema_editor):
    Region = apps.get_model("core", "Region")
    rows = json.loads(DATA.read_text(encoding="utf-8"))["regions"]
    by_code = {}
    for order, row in enumerate(rows):
        region, _ = Region.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "level": row["level"], "sort_order": order,
                      "parent": by_code.get(row["parent"])},
        )
        by_code[row["code"]] = region


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]
    operations = [migrations.RunPython(load_regions, migrations.RunPython.noop)]
