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
    counts.update(_requests_load(admin, towns))
    return dict(counts)


def _requests_load(admin, towns: list[Region]) -> Counter:
    """Service requests in Qingtian (示例, not in the seed report): a tea village's and a
    rice-fish village's, assigned to their township's commissioner, the first served by a
    log; a bayberry cooperative's and a valve firm's, waiting to be assigned. A request
    already there (by title) is left alone."""
    from kechuang.commissioners.choices import RequesterKind
    from kechuang.commissioners.models import Assignment, ServiceRequest
    from kechuang.enterprises.models import Enterprise

    counts: Counter = Counter()

    def township_of(field: str) -> tuple[Region, Commissioner | None]:
        found = (
            Assignment.objects.filter(township__in=towns, commissioner__fields__startswith=field)
            .select_related("township", "commissioner")
            .order_by("township__code")
            .first()
        )
        return (found.township, found.commissioner) if found else (towns[0], None)

    valve_firm = (
        Enterprise.objects.filter(township__in=towns, name__contains="阀")
        .order_by("credit_code")
        .first()
    )
    tea_town, tea = township_of("茶叶")
    fish_town, fish = township_of("稻鱼共生")
    berry_town, _ = township_of("杨梅")
    specs = [
        (
            {
                "requester_kind": RequesterKind.VILLAGE,
                "requester": f"{tea_town.name}茶叶专业村",
                "township": tea_town,
                "title": "茶园病虫害绿色防控",
                "content": "春茶采摘前茶园小绿叶蝉、茶尺蠖发生较重，希望指导绿色防控和茶叶提质。",
                "fields": "茶叶",
                "contact": "村委会",
            },
            tea,
            (D(2023, 6, 5), D(2023, 6, 12)),
        ),
        (
            {
                "requester_kind": RequesterKind.VILLAGE,
                "requester": f"{fish_town.name}稻鱼共生示范村",
                "township": fish_town,
                "title": "稻鱼共生田鱼养殖技术指导",
                "content": "稻鱼共生田块田鱼成活率低，需要田鱼苗种、投放密度和稻田水位管理指导。",
                "fields": "稻鱼共生",
                "contact": "村委会",
            },
            fish,
            (D(2023, 6, 20), None),
        ),
        (
            {
                "requester_kind": RequesterKind.COOPERATIVE,
                "requester": f"{berry_town.name}杨梅专业合作社",
                "township": berry_town,
                "title": "杨梅采后保鲜与冷链",
                "content": "杨梅成熟期集中，采后保鲜期短，希望提供预冷保鲜和冷链运输技术指导。",
                "fields": "杨梅",
                "contact": "合作社理事长",
            },
            None,
            (None, None),
        ),
    ]
    if valve_firm is not None:
        specs.append(
            (
                {
                    "requester_kind": RequesterKind.ENTERPRISE,
                    "enterprise": valve_firm,
                    "title": "阀门密封面渗漏检测",
                    "content": "阀门出厂试压时密封面渗漏，需要密封面堆焊和检测工艺指导。",
                    "fields": "阀门",
                },
                None,
                (None, None),
            )
        )
    for n, (fields, commissioner, (assigned_on, served_on)) in enumerate(specs):
        if ServiceRequest.objects.filter(title=fields["title"]).exists():
            counts["requests_kept"] += 1
            continue
        request = services.request_create(actor=admin, submitted_on=D(2023, 6, 1 + 7 * n), **fields)
        counts["requests_created"] += 1
        if commissioner is None:
            continue
        services.request_assign(admin, request, commissioner, comment="演示数据", on=assigned_on)
        if served_on is not None:
            services.log_create(
                actor=admin,
                commissioner=commissioner,
                service_request=request,
                served_on=served_on,
                township=request.township,
                place=fields["requester"],
                cooperative=fields["requester"],
                content="现场查看茶园虫情，指导色板诱杀和生物农药防控，讲解春茶提质采摘标准。",
            )
    return counts
