"""Synthetic data for the benchmarks (bulk-inserted: setup is not what is measured)."""

from kechuang.core.choices import RegionLevel, Role
from kechuang.core.models import Region, User
from kechuang.core.validators import USCC_CHARSET, uscc_check_char
from kechuang.enterprises.models import Enterprise


def credit_code(index: int) -> str:
    body = ""
    value = index
    for _ in range(9):
        body = USCC_CHARSET[value % 31] + body
        value //= 31
    first17 = "91331121" + body
    return first17 + uscc_check_char(first17)


def seed_enterprises(rows: int):
    county = Region.objects.get(code="331121")
    townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP, parent=county))
    actor = User.objects.create(username="bench", role=Role.STAFF, region=county, is_superuser=True)
    liaison = User.objects.create(username="bench-liaison", role=Role.LIAISON, region=townships[0])
    Enterprise.objects.bulk_create(
        Enterprise(
            credit_code=credit_code(i),
            name=f"浙江基准{i:05d}阀门有限公司",
            township=townships[i % len(townships)],
            industry_section="C",
            industry_division="34",
            manufacturing=True,
            above_scale=i % 3 == 0,
            contact_person="张三",
            contact_phone="13800000000",
        )
        for i in range(rows)
    )
    return actor, liaison, townships[0]
