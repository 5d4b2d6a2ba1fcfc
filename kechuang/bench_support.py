"""Synthetic data for the benchmarks (bulk-inserted: setup is not what is measured).

`seed_enterprises` fills one county's registry for the Excel and list benchmark;
`seed_province` builds a synthetic province for the indicator benchmark: 90 county-level
regions (丽水's nine real ones and 81 synthetic ones under the other ten cities), tens of
thousands of above-scale firms and their cumulative monthly statistics, generated and
inserted in chunks so memory stays flat whatever the scale.
"""

import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction

from kechuang.core.choices import RegionLevel, Role
from kechuang.core.models import Region, User
from kechuang.core.validators import USCC_CHARSET, uscc_check_char
from kechuang.enterprises.models import Enterprise


def credit_code(index: int, county: str = "331121", series: str = "") -> str:
    """A valid unified social credit code registered in `county`; `series` (one charset
    character, not "0") keeps different generators' codes apart."""
    body = ""
    value = index
    for _ in range(9 - len(series)):
        body = USCC_CHARSET[value % 31] + body
        value //= 31
    first17 = "91" + county + series + body
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


# --- The synthetic province -------------------------------------------------------------

COUNTIES = 90
TOWNSHIPS_PER_COUNTY = 5
FIRST_YEAR = 2022
PROVINCE_SERIES = "P"  # credit codes of the province's firms: 91 + county + P + 8 chars
CHUNK = 4000  # firms generated and inserted at a time
# Division → section for the firms' industries (GB/T 4754-2017): mostly manufacturing.
MFG_DIVISIONS = ["13", "17", "26", "29", "30", "33", "34", "35", "38", "39", "40"]
OTHER_DIVISIONS = [("44", "D"), ("45", "D"), ("47", "E"), ("06", "B")]
# Seasonal weight of each month in a year's revenue (January and February are slow).
SEASON = [0.70, 0.62, 1.02, 1.00, 1.02, 1.08, 1.00, 0.98, 1.04, 1.06, 1.10, 1.38]
MONTH_FIELDS = [
    "enterprise_id",
    "period",
    "township_id",
    "county_id",
    "manufacturing",
    "revenue",
    "tech_dev_expense",
    "value_added",
    "rnd_active",
    "hitech",
]


def periods(months: int) -> list[str]:
    return [f"{FIRST_YEAR + m // 12}-{m % 12 + 1:02d}" for m in range(months)]


@dataclass
class Province:
    counties: list  # the 90 county-level Regions, 丽水's first
    firms: int = 0
    rows: int = 0
    created_regions: int = 0
    seconds: dict = field(default_factory=dict)
    leader: User | None = None


def _county_regions() -> tuple[list[Region], int]:
    """丽水's nine counties plus synthetic ones under the other cities, to 90 in all, each
    with at least TOWNSHIPS_PER_COUNTY townships (real ones kept, synthetic ones added)."""
    real = list(Region.objects.filter(level=RegionLevel.COUNTY, parent__code="331100"))
    cities = list(
        Region.objects.filter(level=RegionLevel.CITY).exclude(code="331100").order_by("code")
    )
    taken = set(Region.objects.values_list("code", flat=True))
    missing = COUNTIES - len(real)
    new = []
    for i, city in enumerate(cities):
        wanted = missing // len(cities) + (1 if i < missing % len(cities) else 0)
        number = 2
        for k in range(wanted):
            while f"{city.code[:4]}{number:02d}" in taken:
                number += 1
            code = f"{city.code[:4]}{number:02d}"
            taken.add(code)
            new.append(
                Region(
                    code=code,
                    name=f"{city.name.removesuffix('市')}基准{k + 1}区",
                    level=RegionLevel.COUNTY,
                    parent=city,
                    sort_order=10_000 + len(new),
                )
            )
    Region.objects.bulk_create(new)
    counties = real + list(Region.objects.filter(code__in=[r.code for r in new]).order_by("code"))
    have = defaultdict(int)
    for parent_id in Region.objects.filter(
        level=RegionLevel.TOWNSHIP, parent__in=counties
    ).values_list("parent_id", flat=True):
        have[parent_id] += 1
    towns = []
    for county in counties:
        number = 1
        for j in range(have[county.pk], TOWNSHIPS_PER_COUNTY):
            while f"{county.code}{number:03d}" in taken:
                number += 1
            code = f"{county.code}{number:03d}"
            taken.add(code)
            towns.append(
                Region(
                    code=code,
                    name=f"{county.name}基准{j + 1}镇",
                    level=RegionLevel.TOWNSHIP,
                    parent=county,
                    sort_order=20_000 + len(towns),
                )
            )
    Region.objects.bulk_create(towns)
    return counties, len(new) + len(towns)


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _insert_months(rows: list[tuple]) -> None:
    from kechuang.indicators.models import EnterpriseMonth

    table = connection.ops.quote_name(EnterpriseMonth._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in MONTH_FIELDS)
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in MONTH_FIELDS)
        raw.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def seed_province(
    firms: int = 60_000, months: int = 24, seed: int = 20230430, published: bool = False
) -> Province:
    """Regions, `firms` above-scale firms and `months` months (from January 2022) of their
    cumulative figures; 3% of the firms leave after the first year and 3% enter in the
    second, so growth on the same set of firms differs from plain growth. Also the
    statistics bureau's values of the elements firm data cannot give (GDP, investment…)
    for every county and period — of every element with `published`; otherwise the
    firm-computable ones are left to the bottom-up computation, the dashboard's heavy path —
    2022 and 2023 targets, and a leader of 青田县 for the dashboard. The firm months are
    bulk-inserted past the services, so the bottom-up totals are rebuilt after them
    (services.totals_refresh, timed on its own as seconds["汇总表"])."""
    rng = random.Random(seed)
    started = time.perf_counter()
    counties, created = _county_regions()
    province = Province(counties=counties, created_regions=created)
    townships = defaultdict(list)
    for town in Region.objects.filter(level=RegionLevel.TOWNSHIP, parent__in=counties):
        townships[town.parent_id].append(town.pk)
    weights = [rng.lognormvariate(0, 0.6) for _ in counties]
    province.seconds["区划"] = time.perf_counter() - started

    names = periods(months)
    years = sorted({int(p[:4]) for p in names})
    t_firms = t_months = 0.0
    totals = defaultdict(lambda: [0, 0, 0, 0, 0, 0])  # (county, period) → element sums
    county_of = {town: c.pk for c in counties for town in townships[c.pk]}
    profiles = []  # per firm: what its monthly figures are drawn from
    for start in range(0, firms, CHUNK):
        clock = time.perf_counter()
        batch = []
        for i in range(start, min(start + CHUNK, firms)):
            county = rng.choices(counties, weights)[0]
            mfg = rng.random() < 0.88
            if mfg:
                division, section = rng.choice(MFG_DIVISIONS), "C"
            else:
                division, section = rng.choice(OTHER_DIVISIONS)
            batch.append(
                Enterprise(
                    credit_code=credit_code(i, county.code, PROVINCE_SERIES),
                    name=f"{county.name}基准{i:05d}有限公司",
                    township_id=rng.choice(townships[county.pk]),
                    industry_section=section,
                    industry_division=division,
                    manufacturing=mfg,
                    above_scale=True,
                    rnd_active=rng.random() < 0.65,
                )
            )
        Enterprise.objects.bulk_create(batch)
        ids = dict(
            Enterprise.objects.filter(credit_code__in=[e.credit_code for e in batch]).values_list(
                "credit_code", "pk"
            )
        )
        for firm in batch:
            life = rng.random()
            profiles.append(
                (
                    ids[firm.credit_code],
                    firm.township_id,
                    county_of[firm.township_id],
                    firm.manufacturing,
                    rng.lognormvariate(15.0, 0.9),  # yuan a month, median ≈ 3.3 million
                    rng.lognormvariate(-4.0, 0.7),  # technology expense ≈ 1.8% of revenue
                    rng.uniform(0.16, 0.32),  # value added share
                    rng.random() < (0.38 if firm.manufacturing else 0.08),  # high-tech
                    rng.gauss(0.08, 0.15),  # second-year growth
                    years[:1] if life < 0.03 else years[1:] if life < 0.06 else years,
                    [rng.random() < 0.62 + 0.08 * y for y in range(len(years))],  # R&D by year
                )
            )
        t_firms += time.perf_counter() - clock

    # Month by month, as the statistics bureau's tables arrive and are imported: one period's
    # rows lie together on disk, as they would in production.
    cumulative = [[0, 0, 0] for _ in profiles]
    for period in names:
        clock = time.perf_counter()
        year, month = int(period[:4]), int(period[5:])
        y = years.index(year)
        rows = []
        for k, profile in enumerate(profiles):
            (eid, town, county_id, mfg, monthly, tech_share, va_share, hitech, growth, active,
             rnd_by_year) = profile  # fmt: skip
            cum = cumulative[k]
            if month == 1:
                cum[:] = [0, 0, 0]
            amount = monthly * (1 + growth) ** y * SEASON[month - 1] * rng.uniform(0.85, 1.15)
            cum[0] += int(amount * 100)
            cum[1] += int(amount * tech_share * 100)
            cum[2] += int(amount * va_share * 100)
            if year not in active:
                continue
            rnd = rnd_by_year[y]
            rows.append(
                (eid, period, town, county_id, mfg, _money(cum[0]), _money(cum[1]),
                 _money(cum[2]), rnd, hitech)
            )  # fmt: skip
            t = totals[county_id, period]
            t[0] += cum[0]
            t[1] += cum[1]
            t[2] += cum[2]
            t[3] += cum[2] if hitech else 0
            t[4] += mfg
            t[5] += mfg and rnd
        with transaction.atomic():
            _insert_months(rows)
        province.rows += len(rows)
        t_months += time.perf_counter() - clock
    province.firms = firms
    province.seconds["企业"] = t_firms
    province.seconds["月度数据"] = t_months

    # The rows went in by bulk insert, past the services: rebuild the bottom-up totals the
    # services would have kept (timed on its own, part of setup).
    from kechuang.indicators.services import totals_refresh

    clock = time.perf_counter()
    totals_refresh()
    province.seconds["汇总表"] = time.perf_counter() - clock

    clock = time.perf_counter()
    _seed_values_and_targets(rng, counties, names, totals, published)
    county = Region.objects.get(code="331121")
    province.leader = User.objects.create(
        username="bench-leader", role=Role.LEADER, region=county, full_name="基准局长"
    )
    province.seconds["公布数与目标"] = time.perf_counter() - clock
    return province


BOTTOM_UP = [  # element codes in the order of the totals above
    "main_revenue",
    "tech_dev_expense",
    "industrial_value_added",
    "hitech_value_added",
    "mfg_enterprises",
    "mfg_rnd_enterprises",
]
# Published-only elements as a share of a county's revenue (rough magnitudes).
PUBLISHED_ONLY = {
    "gdp": 1.6,
    "fixed_asset_investment": 0.55,
    "hitech_investment": 0.02,
    "rnd_expenditure": 0.035,
    "tech_market_turnover": 0.01,
}


def _seed_values_and_targets(rng, counties, names, totals, all_elements: bool) -> None:
    """Statistics-bureau values for every county and period (of the firm-computable
    elements too with `all_elements`: the bottom-up figures give or take 2%), and each
    indicator's annual targets."""
    from kechuang.indicators.choices import IndicatorKind, ValueSource
    from kechuang.indicators.models import DataElement, DataValue, Indicator, Target

    elements = dict(DataElement.objects.values_list("code", "pk"))
    values = []
    published = {}
    for county in counties:
        for period in names:
            sums = totals.get((county.pk, period))
            if not sums:
                continue
            figures = {code: sums[k] / (1 if k >= 4 else 100) for k, code in enumerate(BOTTOM_UP)}
            for code, share in PUBLISHED_ONLY.items():
                figures[code] = figures["main_revenue"] * share * rng.uniform(0.7, 1.3)
            for code, figure in figures.items():
                if code not in elements:
                    continue
                if code not in {"mfg_enterprises", "mfg_rnd_enterprises"}:
                    figure *= rng.uniform(0.98, 1.02)
                value = Decimal(round(figure, 2)).quantize(Decimal("0.01"))
                published[county.pk, period, code] = value
                if code in BOTTOM_UP and not all_elements:
                    continue
                last = published.get((county.pk, f"{int(period[:4]) - 1}{period[4:]}", code))
                values.append(
                    DataValue(
                        element_id=elements[code],
                        region=county,
                        period=period,
                        value=value,
                        previous=last,
                        published_yoy=(
                            ((value / last - 1) * 100).quantize(Decimal("0.01")) if last else None
                        ),
                        source=ValueSource.STATS_BUREAU,
                    )
                )
    DataValue.objects.bulk_create(values, batch_size=2000)

    targets = []
    years = sorted({int(p[:4]) for p in names})
    for indicator in Indicator.objects.select_related("numerator", "denominator"):
        for county in counties:
            for year in years:
                numerator = published.get((county.pk, f"{year}-12", indicator.numerator.code))
                if numerator is None:
                    continue
                if indicator.kind == IndicatorKind.RATIO:
                    denominator = published.get(
                        (county.pk, f"{year}-12", indicator.denominator.code)
                    )
                    if not denominator:
                        continue
                    value = numerator / denominator * 100 * Decimal("1.05")
                else:
                    value = numerator * Decimal("1.10")
                targets.append(
                    Target(
                        indicator=indicator,
                        region=county,
                        year=year,
                        value=value.quantize(Decimal("0.0001")),
                        document="基准数据",
                    )
                )
    Target.objects.bulk_create(targets, batch_size=2000)
