"""The two national tiers; regional tiers (科技小巨人, 科技领军企业 …) are each region's own data."""

from django.db import migrations

NATIONAL_TIERS = [
    {
        "code": "tsme", "name": "科技型中小企业", "rank": 10,
        "validity": "calendar_year", "validity_years": None, "policy": "tsme-2017",
        "document": "《科技型中小企业评价办法》国科发政〔2017〕115号；"
        "《科技型中小企业评价服务工作指引》国科火字〔2022〕67号",
        "criteria": "入库登记编号当年有效，每年重新评价登记。",
    },
    {
        "code": "hnte", "name": "高新技术企业", "rank": 20,
        "validity": "years", "validity_years": 3, "policy": "hnte-2016",
        "document": "《高新技术企业认定管理办法》国科发火〔2016〕32号；"
        "《高新技术企业认定管理工作指引》国科发火〔2016〕195号",
        "criteria": "证书自颁发之日起有效期为三年（办法第九条）。",
    },
]


def load(apps, schema_editor):
    Tier = apps.get_model("enterprises", "Tier")
    for row in NATIONAL_TIERS:
        Tier.objects.update_or_create(code=row["code"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0002_ladder")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
