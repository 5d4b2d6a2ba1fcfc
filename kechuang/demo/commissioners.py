"""The seed report's S&T commissioners (sections 六 and 八): a provincial commissioner in
every Qingtian township (省级科技特派员乡镇全覆盖), the provincial academy of agricultural
sciences' Lishui group serving jointly (助农增收联合服务活动), service logs in 2023 H1 and
a commissioner evaluation. Loaded through the services; a commissioner already there (by
name) is left alone, so a second load writes nothing.

The names are the township's posts, not people: the report names none."""

from __future__ import annotations

import datetime
from collections import Counter

from kechuang.commissioners import services
from kechuang.commissioners.choices import CommissionerKind
from kechuang.commissioners.models import Commissioner
from kechuang.core.choices import RegionLevel, Role
from kechuang.core.models import Region, User
from kechuang.demo import dataset

D = datetime.date
ACADEMY = "浙江省农业科学院"
# Qingtian's featured farming (section 六): rice-fish, herbs, camellia oil, tea, bayberry.
FIELDS = ("稻鱼共生", "中药材", "油茶", "茶叶", "杨梅", "食用菌", "高山蔬菜")
TEAM = "浙江省农科院丽水组科技特派员服务团"
SHEET = "commissioner-eval-example"


def _townships() -> list[Region]:
    return list(
        Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith=dataset.COUNTY).order_by(
            "code"
        )
    )


def commissioners_load(admin) -> dict:
    counts: Counter = Counter()
    county = Region.objects.get(code=dataset.COUNTY)
    towns = _townships()
    account = User.objects.filter(role=Role.COMMISSIONER, region__in=towns).first()
    for n, town in enumerate(towns):
        name = f"省级科技特派员（{town.name}）"
        if Commissioner.objects.filter(name=name).exists():
            counts["kept"] += 1
            continue
        field = FIELDS[n % len(FIELDS)]
        commissioner = services.commissioner_create(
            actor=admin,
            name=name,
            kind=CommissionerKind.INDIVIDUAL,
            institution=ACADEMY,
            fields=f"{field}、{FIELDS[(n + 3) % len(FIELDS)]}",
            region=county,
            user=account if account is not None and account.region_id == town.pk else None,
        )
        services.assignment_create(
            actor=admin,
            commissioner=commissioner,
            township=town,
            start=D(2023, 1, 1),
            end=D(2023, 12, 31),
        )
        for on, what in (
            (D(2023, 3, 1 + n % 28), "现场技术指导"),
            (D(2023, 5, 1 + n % 28), "培训"),
        ):
            services.log_create(
                actor=admin,
                commissioner=commissioner,
                served_on=on,
                township=town,
                place=f"{town.name}{field}基地",
                cooperative=f"{town.name}{field}种植户",
                content=f"{field}{what}",
            )
        counts["created"] += 1
    if not Commissioner.objects.filter(name=TEAM).exists():
        team = services.commissioner_create(
            actor=admin,
            name=TEAM,
            kind=CommissionerKind.TEAM,
            institution=ACADEMY,
            fields="稻鱼共生、中药材、油茶、果蔬",
            region=county,
        )
        services.log_create(
            actor=admin,
            commissioner=team,
            served_on=D(2023, 6, 16),
            township=towns[0],
            place="青田县",
            cooperative="青田县共富产业研究院",
            content="浙江省农业科学院科技特派员助农增收联合服务活动；省农科院丽水组科技特派员工作交流会",
        )
        first = Commissioner.objects.get(name=f"省级科技特派员（{towns[0].name}）")
        services.evaluation_save(
            actor=admin,
            commissioner=first,
            year=2022,
            sheet=SHEET,
            scores={"days": "28", "services": "36", "satisfaction": "19", "discipline": "9"},
            evaluated_on=D(2023, 2, 20),
            note="演示数据：评分表为示例",
        )
        counts["created"] += 1
    return dict(counts)
