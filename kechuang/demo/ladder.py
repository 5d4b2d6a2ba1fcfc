"""The ladder part of the demo, as of the seed report (2023-06-30): the cultivation pool's
24 HNTE and 40 TSME candidates (「筛选新申报高新企业培育对象24家，申报省科技型企业培育对象
40家」), the 18 firms newly certified HNTE in 2023 (「为18家新认定高新技术企业发放牌匾」),
valid HNTE and TSME holders, recruited firms under the 2/3-year rule, example regional tiers,
annual figures for the candidates and visits.

Firms are picked from the registry in credit-code order with a fixed seed, and every record
goes through the services, created when missing and left alone when unchanged.
"""

from __future__ import annotations

import datetime
import random
import zlib
from collections import Counter
from decimal import Decimal

from kechuang.core.models import Region, User
from kechuang.demo import dataset
from kechuang.enterprises import services
from kechuang.enterprises.choices import (
    EnterpriseStatus,
    PoolStatus,
    QualificationSource,
    TechField,
    TierValidity,
)
from kechuang.enterprises.models import (
    Enterprise,
    EnterpriseYear,
    LadderSettings,
    PoolEntry,
    Qualification,
    Tier,
    Visit,
)

SEED = 20230630
D = datetime.date
WAN = Decimal(10_000)

HNTE_CANDIDATES = 24
TSME_CANDIDATES = 40
HNTE_NEW_2023 = 18
HNTE_RENEWED_2023 = 7  # of the 18: held a 2019 certificate that ran out in 2022
HNTE_HOLDERS = {2020: 16, 2021: 14, 2022: 20}  # certificates still valid on 2023-06-30
TSME_2022 = 110
TSME_2023_RENEWED = 78
RECRUITED = 12

HNTE_STATUSES = [PoolStatus.CANDIDATE] * 9 + [PoolStatus.COACHING] * 9 + [PoolStatus.APPLIED] * 6
TSME_STATUSES = [PoolStatus.CANDIDATE] * 26 + [PoolStatus.COACHING] * 10 + [PoolStatus.APPLIED] * 4

EXAMPLE_TIERS = (
    {
        "code": "qingtian-little-giant",
        "name": "科技小巨人",
        "rank": 30,
        "criteria": "【示例，非正式条件】有效高新技术企业；上年度营业收入 1 亿元以上；"
        "研发费用占营业收入 3% 以上；拥有省级以上企业研发机构。",
    },
    {
        "code": "qingtian-leader",
        "name": "科技领军企业",
        "rank": 40,
        "criteria": "【示例，非正式条件】科技小巨人或有效高新技术企业；上年度营业收入 10 亿元以上；"
        "主导或参与国家重点研发计划项目；拥有省级重点企业研究院。",
    },
)

VISIT_NOTES = (
    ("梳理近三年研发费用归集，补齐研发辅助账", "财务按项目设立研发辅助账", 30),
    ("核对知识产权与主营产品的对应关系", "委托代理机构新申请发明专利2件", 45),
    ("讲解高新技术产品（服务）收入核算口径", "整理产品与技术领域对应表", 21),
    ("辅导科技人员认定与花名册编制", "补充科技人员劳动合同及社保材料", 14),
    ("审阅申报材料初稿", "按意见修改后提交乡镇复核", 10),
)


def ladder_load(admin: User, users: dict[str, User], regions: dict[str, Region]) -> dict:
    """Creates or brings up to date the ladder records; returns counts by kind."""
    rng = random.Random(SEED)
    counts: dict[str, Counter] = {}
    county = regions[dataset.COUNTY]
    tiers = _tiers(admin, county, counts.setdefault("tiers", Counter()))
    _settings(admin, county, counts.setdefault("settings", Counter()))

    firms = list(
        Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE)
        .select_related("township")
        .order_by("credit_code")
    )
    rnd_active = [f for f in firms if f.rnd_active and f.manufacturing]
    rng.shuffle(rnd_active)
    qingshan = next(f for f in firms if f.name == dataset.QINGSHAN)
    if qingshan in rnd_active:
        rnd_active.remove(qingshan)

    # High-tech certificates: holders still valid on 2023-06-30, the 18 of 2023, the renewed.
    q_counter = counts.setdefault("qualifications", Counter())
    take = iter(rnd_active)
    holders = {year: [next(take) for _ in range(n)] for year, n in HNTE_HOLDERS.items()}
    holders[2022][0] = qingshan
    new_2023 = [next(take) for _ in range(HNTE_NEW_2023)]
    hnte_candidates = [next(take) for _ in range(HNTE_CANDIDATES)]
    for year, group in holders.items():
        for i, firm in enumerate(group):
            _qualify(admin, firm, tiers["hnte"], year, _hnte_day(year, i), i, q_counter)
    for i, firm in enumerate(new_2023):
        if i < HNTE_RENEWED_2023:
            _qualify(admin, firm, tiers["hnte"], 2019, _hnte_day(2019, i), i, q_counter)
        _qualify(admin, firm, tiers["hnte"], 2023, D(2023, 1, 16 + i % 10), i, q_counter)

    # The demo firm user's own firm: a large steelmaker, figures for its self-check.
    _update_firm(
        admin,
        qingshan,
        {
            "tech_field": TechField.NEW_MATERIALS,
            "led_standard": True,
            "provincial_rnd_institution": True,
        },
        counts.setdefault("enterprises", Counter()),
    )
    for back, year in enumerate((2022, 2021, 2020)):
        scale = Decimal(1) / (Decimal("1.12") ** back)
        figures = _figures(
            Decimal(600000) * scale,
            Decimal("0.031"),
            Decimal("0.72"),
            2150,
            Decimal("0.13"),
            Decimal(260000) * scale,
            (18, 40),
            9,
        )
        _year(admin, qingshan, year, figures, counts.setdefault("years", Counter()))

    # Example regional tiers.
    _qualify(admin, qingshan, tiers["qingtian-leader"], 2022, D(2022, 11, 18), 0, q_counter)
    for i, firm in enumerate(holders[2021][:4]):
        _qualify(admin, firm, tiers["qingtian-little-giant"], 2022, D(2022, 11, 18), i, q_counter)

    # Tech-based SMEs: 2022 registrations, most renewed in 2023.
    taken = {f.pk for group in holders.values() for f in group}
    taken |= {f.pk for f in new_2023 + hnte_candidates}
    small = [f for f in firms if not f.above_scale and f.manufacturing and f.pk not in taken]
    rng.shuffle(small)
    hnte_firms = [f for group in holders.values() for f in group] + new_2023
    tsme_candidates = small[:TSME_CANDIDATES]
    registered = (hnte_firms + small[TSME_CANDIDATES:])[:TSME_2022]
    for i, firm in enumerate(registered):
        _qualify(admin, firm, tiers["tsme"], 2022, None, i, q_counter)
        if i < TSME_2023_RENEWED:
            _qualify(admin, firm, tiers["tsme"], 2023, None, i, q_counter)

    # Recruited firms under the 2/3-year rule: recent starters, recruited four months before
    # production; the first four have reached TSME this year.
    used = set(tsme_candidates) | set(registered)
    recruited = [
        f
        for f in small
        if f not in used and f.production_started_on and f.production_started_on >= D(2020, 3, 1)
    ][:RECRUITED]
    e_counter = counts["enterprises"]
    for i, firm in enumerate(recruited):
        recruited_on = firm.production_started_on - datetime.timedelta(days=120)
        _update_firm(admin, firm, {"recruited_on": recruited_on}, e_counter)
        if i < 4:
            _qualify(admin, firm, tiers["tsme"], 2023, None, 200 + i, q_counter)

    # The pool, with annual figures for screening and visits for coaching.
    pool_counter = counts.setdefault("pool", Counter())
    year_counter = counts["years"]
    visit_counter = counts.setdefault("visits", Counter())
    for i, firm in enumerate(hnte_candidates):
        _update_firm(admin, firm, _innovation_facts(firm, i), e_counter)
        _hnte_years(admin, firm, i, rng, year_counter)
        entry = _pool(
            admin,
            firm,
            tiers["hnte"],
            HNTE_STATUSES[i],
            _liaison(users, firm),
            D(2023, 2, 10 + i % 15),
            pool_counter,
        )
        _visits(admin, entry, i, visit_counter)
    for i, firm in enumerate(tsme_candidates):
        _tsme_year(admin, firm, i, rng, year_counter)
        entry = _pool(
            admin,
            firm,
            tiers["tsme"],
            TSME_STATUSES[i],
            _liaison(users, firm),
            D(2023, 3, 1 + i % 25),
            pool_counter,
        )
        _visits(admin, entry, i, visit_counter)
    return {kind: dict(counter) for kind, counter in counts.items()}


def _tiers(admin, county, counter) -> dict[str, Tier]:
    tiers = {t.code: t for t in Tier.objects.filter(code__in=("tsme", "hnte"))}
    for spec in EXAMPLE_TIERS:
        existing = Tier.objects.filter(code=spec["code"]).first()
        wanted = {
            **spec,
            "validity": TierValidity.YEARS,
            "validity_years": 3,
            "document": "青田县示例（演示数据，非正式文件）",
            "is_example": True,
        }
        if existing and all(getattr(existing, k) == v for k, v in wanted.items()):
            counter["unchanged"] += 1
            tiers[spec["code"]] = existing
            continue
        counter["updated" if existing else "created"] += 1
        tiers[spec["code"]] = services.tier_save(actor=admin, region=county, **wanted)
    return tiers


def _settings(admin, county, counter) -> None:
    wanted = {
        "recruit_cutoff": D(2020, 1, 1),
        "tsme_years": 2,
        "hnte_years": 3,
        "expiry_warning_months": 12,
        "document": "青田县科技局2023年上半年工作总结：新招引企业投产后二年内须创成"
        "省科技型中小企业，三年内须创成高新技术企业",
    }
    existing = LadderSettings.objects.filter(region=county).first()
    if existing and all(getattr(existing, k) == v for k, v in wanted.items()):
        counter["unchanged"] += 1
        return
    counter["updated" if existing else "created"] += 1
    services.ladder_settings_save(actor=admin, region=county, **wanted)


def _hnte_day(year: int, i: int) -> D:
    return D(year, 11 + i % 2, 4 + (i * 3) % 20)


def _qualify(admin, firm, tier, year, issued_on, i, counter) -> None:
    stored = Qualification.objects.filter(enterprise=firm, tier=tier, year=year).first()
    number = _number(tier, year, firm, i)
    if stored and stored.number == number and stored.issued_on == issued_on:
        counter["unchanged"] += 1
        return
    counter["updated" if stored else "created"] += 1
    services.qualification_save(
        actor=admin,
        enterprise=firm,
        tier=tier,
        year=year,
        number=number,
        issued_on=issued_on,
        source=QualificationSource.LIST,
        batch=f"浙江省{year}年第{1 + i % 2}批"
        if tier.code != "tsme"
        else f"{year}年第{1 + i % 3}批",
    )


def _number(tier, year, firm, i) -> str:
    serial = zlib.crc32(firm.credit_code.encode())
    if tier.code == "hnte":
        return f"GR{year}330{serial % 10000:04d}{i % 100:02d}"
    if tier.code == "tsme":
        return f"{year}3311{serial % 1000000:06d}"
    return f"QT{year}-{tier.rank}-{i:03d}"


def _update_firm(admin, firm, wanted: dict, counter) -> None:
    changed = {k: v for k, v in wanted.items() if getattr(firm, k) != v}
    if not changed:
        counter["unchanged"] += 1
        return
    counter["updated"] += 1
    services.enterprise_update(actor=admin, enterprise=firm, **changed)


def _innovation_facts(firm, i: int) -> dict:
    fields = [TechField.NEW_MATERIALS, TechField.ADVANCED_MFG, TechField.NEW_ENERGY]
    return {
        # Two candidates have not yet named their field: screening says what is missing.
        "tech_field": "" if i in (5, 17) else fields[i % 3],
        "founded_on": firm.founded_on or D(2012 + i % 8, 4, 1),
        "ip_own_rnd": True,
        "led_standard": i % 6 == 0,
    }


def _figures(
    sales_wan: Decimal,
    rnd_ratio: Decimal,
    hightech_share: Decimal,
    staff: int,
    st_share: Decimal,
    net_wan: Decimal,
    ip: tuple[int, int],
    conversions: int,
) -> dict:
    sales = (sales_wan * WAN).quantize(Decimal("1"))
    rnd = (sales * rnd_ratio).quantize(Decimal("1"))
    total_income = (sales * Decimal("1.03")).quantize(Decimal("1"))
    return {
        "employees": staff,
        "st_staff": max(1, int(staff * st_share)),
        "sales_revenue": sales,
        "total_income": total_income,
        "rnd_expense": rnd,
        "rnd_expense_domestic": rnd,
        "hightech_income": (total_income * hightech_share).quantize(Decimal("1")),
        "total_costs": (sales * Decimal("0.9")).quantize(Decimal("1")),
        "total_assets": (sales * Decimal("1.2")).quantize(Decimal("1")),
        "net_assets": (net_wan * WAN).quantize(Decimal("1")),
        "ip_class1": ip[0],
        "ip_class2": ip[1],
        "conversions": conversions,
        "incidents": False,
    }


def _hnte_years(admin, firm, i, rng, counter) -> None:
    """2020–2022: most candidates near the thresholds; every fourth short of R&D."""
    sales_2022 = Decimal(rng.randrange(3000, 16000))
    rnd_ratio = Decimal(rng.randrange(25, 36) if i % 4 == 3 else rng.randrange(42, 62)) / 1000
    hightech = Decimal(rng.randrange(52, 59) if i % 7 == 6 else rng.randrange(63, 86)) / 100
    staff = rng.randrange(60, 380)
    st_share = Decimal(rng.randrange(9, 22)) / 100
    ip = (rng.randrange(0, 4), rng.randrange(1, 9))
    for back, year in enumerate((2022, 2021, 2020)):
        scale = Decimal(1) / (Decimal("1.15") ** back)
        net = sales_2022 * Decimal("0.5") * scale
        figures = _figures(
            sales_2022 * scale,
            rnd_ratio,
            hightech,
            staff - back * 5,
            st_share,
            net,
            ip,
            rng.randrange(1, 6),
        )
        _year(admin, firm, year, figures, counter)


def _tsme_year(admin, firm, i, rng, counter) -> None:
    sales = Decimal(rng.randrange(300, 1900))
    rnd_ratio = Decimal(rng.randrange(15, 70)) / 1000
    figures = _figures(
        sales,
        rnd_ratio,
        Decimal("0.5"),
        rng.randrange(12, 120),
        Decimal(rng.randrange(5, 32)) / 100,
        sales * Decimal("0.4"),
        (1 if i % 5 == 0 else 0, rng.randrange(0, 6)),
        rng.randrange(0, 3),
    )
    _year(admin, firm, 2022, figures, counter)


def _year(admin, firm, year, figures, counter) -> None:
    stored = EnterpriseYear.objects.filter(enterprise=firm, year=year).first()
    if stored and all(getattr(stored, k) == v for k, v in figures.items()):
        counter["unchanged"] += 1
        return
    counter["updated" if stored else "created"] += 1
    services.enterprise_year_save(actor=admin, enterprise=firm, year=year, **figures)


def _liaison(users: dict[str, User], firm) -> User:
    by_township = {dataset.HECHENG: "liaison_hc", dataset.WENXI: "liaison_wx"}
    return users[by_township.get(firm.township.code, "staff")]


def _pool(admin, firm, tier, status, liaison, entered_on, counter) -> PoolEntry:
    entry = PoolEntry.objects.filter(enterprise=firm, tier=tier, year=2023).first()
    if entry is None:
        counter["created"] += 1
        entry = services.pool_entry_add(
            actor=admin,
            enterprise=firm,
            tier=tier,
            year=2023,
            liaison=liaison,
            entered_on=entered_on,
        )
    else:
        counter["unchanged"] += 1
    path = {
        PoolStatus.CANDIDATE: [],
        PoolStatus.COACHING: [PoolStatus.COACHING],
        PoolStatus.APPLIED: [PoolStatus.COACHING, PoolStatus.APPLIED],
    }[status]
    for step, target in enumerate(path):
        if entry.status == PoolStatus.CANDIDATE or (
            entry.status == PoolStatus.COACHING and target == PoolStatus.APPLIED
        ):
            entry = services.pool_entry_transition(
                actor=admin,
                entry=entry,
                status=target,
                on=entered_on + datetime.timedelta(days=20 * (step + 1)),
            )
    return entry


def _visits(admin, entry, i, counter) -> None:
    if entry.status == PoolStatus.CANDIDATE:
        return
    for n in range(1 + i % 2):
        agreed, next_step, gap = VISIT_NOTES[(i + n) % len(VISIT_NOTES)]
        visited_on = entry.entered_on + datetime.timedelta(days=12 + 25 * n)
        if Visit.objects.filter(entry=entry, visited_on=visited_on).exists():
            counter["unchanged"] += 1
            continue
        counter["created"] += 1
        services.visit_log(
            actor=admin,
            entry=entry,
            visited_on=visited_on,
            visitors=f"{entry.liaison.full_name}、科技局{'陈晓燕' if n else '叶立新'}",
            agreed=agreed,
            next_step=next_step,
            next_on=visited_on + datetime.timedelta(days=gap),
        )
