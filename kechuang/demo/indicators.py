"""The indicators part of the demo: 丽水市's nine counties, monthly from 2021, with 青田县's
January–April 2023 figures exactly as the seed report prints them (section 一) and its 2023
targets (section 四); and 青田县's above-scale industrial firms' monthly statistics, which
add up to the published county figures (a few firms new in 2023 make the same-firm growth
differ from the published one, as it does in real statistics).
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

YI = Decimal(100_000_000)
QINGTIAN = "331121"
CITY = "331100"
SEED = 20230430
REPORT_PERIOD = "2023-04"

# Month shares of a year's total, January to December (January is released with February).
MONTH_SHARES = (
    Decimal("0.060"),
    Decimal("0.055"),
    Decimal("0.085"),
    Decimal("0.085"),
    Decimal("0.085"),
    Decimal("0.088"),
    Decimal("0.084"),
    Decimal("0.086"),
    Decimal("0.089"),
    Decimal("0.090"),
    Decimal("0.093"),
    Decimal("0.100"),
)
MONTHS = {2021: range(2, 13), 2022: range(2, 13), 2023: range(2, 5)}

# Per county: 2023 Jan–Apr revenue (亿元), tech-dev ratio (%), tech-dev growth (%), industrial
# value added / revenue, high-tech share of value added (%), high-tech VA real growth (%),
# fixed-asset investment Jan–Apr (亿元), high-tech investment share (%), manufacturers,
# share doing R&D (%), GDP 2022 (亿元), R&D intensity 2022 (%).
COUNTIES = {
    "331102": (160, "3.10", "18.50", "0.21", "55.30", "14.2", 58, "18.4", 300, "84.0", 600, "2.40"),
    "331122": (190, "3.60", "42.30", "0.22", "62.10", "19.6", 52, "24.9", 600, "88.5", 340, "2.90"),
    "331123": (45, "2.60", "12.10", "0.23", "40.20", "9.8", 31, "12.3", 120, "80.8", 160, "1.60"),
    "331124": (55, "2.90", "25.60", "0.22", "35.40", "12.5", 29, "10.6", 200, "78.5", 140, "1.50"),
    "331125": (30, "3.30", "8.90", "0.24", "45.10", "7.4", 18, "15.2", 110, "82.7", 100, "2.00"),
    "331126": (25, "2.40", "-3.20", "0.22", "30.20", "5.1", 16, "9.8", 90, "76.7", 90, "1.20"),
    "331127": (15, "2.00", "15.00", "0.25", "28.40", "6.3", 12, "8.1", 50, "72.0", 80, "0.90"),
    "331181": (60, "2.80", "22.40", "0.22", "42.30", "10.9", 35, "13.7", 220, "81.4", 200, "1.80"),
}

# 青田县, 1–4月 2023, exactly as the report has it.
QINGTIAN_2023_04 = {
    "tech_dev_expense": Decimal("338000000"),  # 3.38亿元
    "main_revenue": Decimal("10000000000"),  # → 3.38%
    "mfg_enterprises": Decimal(256),
    "mfg_rnd_enterprises": Decimal(180),  # → 70.31%
    "hitech_value_added": Decimal("619000000"),  # 6.19亿元
    "industrial_value_added": Decimal("2274900000"),  # → 27.21%
    "hitech_investment": Decimal("60000000"),  # 0.60亿元
    "fixed_asset_investment": Decimal("2777800000"),  # → 2.16%
}
QINGTIAN_PUBLISHED_YOY = {
    "tech_dev_expense": Decimal("40.01"),
    "hitech_value_added": Decimal("11.4"),
}
# Nominal growth of high-tech value added (the published 11.4% is at comparable prices).
QINGTIAN_HITECH_VA_NOMINAL = Decimal("13.9")
QINGTIAN_GDP = {2021: Decimal("37000000000"), 2022: Decimal("40000000000")}
QINGTIAN_RND = {2021: Decimal("340400000"), 2022: Decimal("400000000")}

# 2023 targets, section 四(一): 「技术开发费达11.9亿元以上，研发活动比例达到100%，R&D经费投入
# 占GDP比重力争1.3以上，高新技术产业增加值实现21.6亿元以上」，(二)「技术市场交易额3.5亿元以上」.
TARGETS_2023 = {
    "tech_dev_expense": Decimal("1190000000"),
    "mfg_rnd_share": Decimal("100"),
    "rnd_intensity": Decimal("1.3"),
    "hitech_value_added": Decimal("2160000000"),
    "tech_market_turnover": Decimal("350000000"),
}
TARGET_DOCUMENT = "青田县科技局2023年上半年工作总结“下一步工作计划（一）指标安排”"


def cum(month: int) -> Decimal:
    return sum(MONTH_SHARES[:month], Decimal(0))


def _yuan(value: Decimal) -> Decimal:
    return value.quantize(Decimal("1"), ROUND_HALF_UP)


def county_series() -> list[dict]:
    """Every published value: {region, period, element, value, published_yoy}."""
    rows = []
    for code, spec in COUNTIES.items():
        rows += _county(code, spec)
    rows += _qingtian()
    rows += _city(rows)
    return rows


def _amount_series(code, element, apr_2023: Decimal, growth: Decimal, published=None):
    """Monthly cumulative values 2021–2023 from the 2023 Jan–Apr value and 2023 growth."""
    year_2023 = apr_2023 / cum(4)
    year_2022 = year_2023 / (1 + growth / 100)
    year_2021 = year_2022 / Decimal("1.12")
    totals = {2021: year_2021, 2022: year_2022, 2023: year_2023}
    rows = []
    for year, months in MONTHS.items():
        for month in months:
            value = _yuan(totals[year] * cum(month))
            if (year, month) == (2023, 4):
                value = apr_2023
            rows.append(
                {
                    "region": code,
                    "period": f"{year}-{month:02d}",
                    "element": element,
                    "value": value,
                    "published_yoy": published if year == 2023 else None,
                }
            )
    return rows


def _stock_series(code, element, value_2023: Decimal):
    rows = []
    for year, months in MONTHS.items():
        base = value_2023 - (2023 - year) * max(1, int(value_2023) // 40)
        for month in months:
            rows.append(
                {
                    "region": code,
                    "period": f"{year}-{month:02d}",
                    "element": element,
                    "value": Decimal(base),
                    "published_yoy": None,
                }
            )
    return rows


def _annual(code, gdp_2022: Decimal, intensity_2022: Decimal):
    gdp = {2021: gdp_2022 / Decimal("1.07"), 2022: gdp_2022}
    rnd = {
        2021: gdp[2021] * (intensity_2022 - Decimal("0.1")) / 100,
        2022: gdp_2022 * intensity_2022 / 100,
    }
    rows = []
    for year in (2021, 2022):
        rows.append(
            {
                "region": code,
                "period": f"{year}-12",
                "element": "gdp",
                "value": _yuan(gdp[year]),
                "published_yoy": None,
            }
        )
        rows.append(
            {
                "region": code,
                "period": f"{year}-12",
                "element": "rnd_expenditure",
                "value": _yuan(rnd[year]),
                "published_yoy": None,
            }
        )
    return rows


def _county(code, spec):
    (
        revenue,
        ratio,
        growth,
        va_rate,
        hitech_share,
        hitech_growth,
        fai,
        inv_share,
        mfg,
        rnd_share,
        gdp,
        intensity,
    ) = spec
    revenue_yuan = Decimal(revenue) * YI
    tech_dev = _yuan(revenue_yuan * Decimal(ratio) / 100)
    va = _yuan(revenue_yuan * Decimal(va_rate))
    hitech_va = _yuan(va * Decimal(hitech_share) / 100)
    fai_yuan = Decimal(fai) * YI
    rows = _amount_series(code, "main_revenue", revenue_yuan, Decimal(growth) / 2)
    rows += _amount_series(code, "tech_dev_expense", tech_dev, Decimal(growth), Decimal(growth))
    rows += _amount_series(code, "industrial_value_added", va, Decimal("8"))
    rows += _amount_series(
        code, "hitech_value_added", hitech_va, Decimal(hitech_growth) + 2, Decimal(hitech_growth)
    )
    rows += _amount_series(code, "fixed_asset_investment", fai_yuan, Decimal("6"))
    rows += _amount_series(
        code, "hitech_investment", _yuan(fai_yuan * Decimal(inv_share) / 100), Decimal("15")
    )
    rows += _stock_series(code, "mfg_enterprises", Decimal(mfg))
    rows += _stock_series(
        code, "mfg_rnd_enterprises", Decimal(round(mfg * Decimal(rnd_share) / 100))
    )
    rows += _annual(code, Decimal(gdp) * YI, Decimal(intensity))
    return rows


def _qingtian():
    q = QINGTIAN_2023_04
    rows = _amount_series(QINGTIAN, "main_revenue", q["main_revenue"], Decimal("12.5"))
    rows += _amount_series(
        QINGTIAN,
        "tech_dev_expense",
        q["tech_dev_expense"],
        QINGTIAN_PUBLISHED_YOY["tech_dev_expense"],
        QINGTIAN_PUBLISHED_YOY["tech_dev_expense"],
    )
    rows += _amount_series(
        QINGTIAN, "industrial_value_added", q["industrial_value_added"], Decimal("7.6")
    )
    rows += _amount_series(
        QINGTIAN,
        "hitech_value_added",
        q["hitech_value_added"],
        QINGTIAN_HITECH_VA_NOMINAL,
        QINGTIAN_PUBLISHED_YOY["hitech_value_added"],
    )
    rows += _amount_series(
        QINGTIAN, "fixed_asset_investment", q["fixed_asset_investment"], Decimal("4.2")
    )
    rows += _amount_series(QINGTIAN, "hitech_investment", q["hitech_investment"], Decimal("-8"))
    rows += _stock_series(QINGTIAN, "mfg_enterprises", q["mfg_enterprises"])
    rows += _stock_series(QINGTIAN, "mfg_rnd_enterprises", q["mfg_rnd_enterprises"])
    for year in (2021, 2022):
        rows.append(
            {
                "region": QINGTIAN,
                "period": f"{year}-12",
                "element": "gdp",
                "value": QINGTIAN_GDP[year],
                "published_yoy": None,
            }
        )
        rows.append(
            {
                "region": QINGTIAN,
                "period": f"{year}-12",
                "element": "rnd_expenditure",
                "value": QINGTIAN_RND[year],
                "published_yoy": None,
            }
        )
    # The report's growth is against last year's same period: make 2022-04 agree with it.
    for row in rows:
        if row["period"] == "2022-04" and row["element"] == "tech_dev_expense":
            row["value"] = _yuan(q["tech_dev_expense"] / Decimal("1.4001"))
    return rows


def _city(rows):
    totals: dict[tuple[str, str], Decimal] = {}
    for row in rows:
        key = (row["period"], row["element"])
        totals[key] = totals.get(key, Decimal(0)) + row["value"]
    return [
        {"region": CITY, "period": p, "element": e, "value": v, "published_yoy": None}
        for (p, e), v in sorted(totals.items())
    ]


# --- 青田县's firms ----------------------------------------------------------------------

FIRM_PERIODS = ("2022-02", "2022-03", "2022-04", "2022-12", "2023-02", "2023-03", "2023-04")
NEW_IN_2023 = 8  # firms that became above-scale in 2023: no 2022 rows


def firm_months(firms: list) -> list[dict]:
    """Cumulative figures per firm and period that add up to 青田县's published totals.

    `firms`: above-scale industrial firms with `pk`, `manufacturing`, `rnd_active`, `hitech`.
    Returns {enterprise, period, revenue, tech_dev_expense, value_added, rnd_active, hitech}.
    """
    rng = random.Random(SEED)
    weights = {f.pk: Decimal(str(round(rng.lognormvariate(0, 1.1), 4))) for f in firms}
    new = {f.pk for f in sorted(firms, key=lambda f: weights[f.pk])[:NEW_IN_2023]}
    published = {(r["period"], r["element"]): r["value"] for r in _qingtian()}
    rows = []
    for period in FIRM_PERIODS:
        present = [f for f in firms if period >= "2023" or f.pk not in new]
        revenue = _allocate(published[(period, "main_revenue")], present, weights)
        rnd = [f for f in present if f.rnd_active]
        tech = _allocate(published[(period, "tech_dev_expense")], rnd, weights)
        va = _allocate(
            published[(period, "industrial_value_added")]
            - published[(period, "hitech_value_added")],
            [f for f in present if not f.hitech],
            weights,
        )
        va |= _allocate(
            published[(period, "hitech_value_added")], [f for f in present if f.hitech], weights
        )
        for firm in present:
            rows.append(
                {
                    "enterprise": firm,
                    "period": period,
                    "revenue": revenue[firm.pk],
                    "tech_dev_expense": tech.get(firm.pk, Decimal(0)),
                    "value_added": va[firm.pk],
                    "rnd_active": firm.rnd_active,
                    "hitech": firm.hitech,
                }
            )
    return rows


def _allocate(total: Decimal, firms: list, weights: dict) -> dict:
    """Splits a total in whole yuan by weight; the remainder goes to the largest shares."""
    if not firms:
        return {}
    weight_sum = sum(weights[f.pk] for f in firms)
    exact = {f.pk: total * weights[f.pk] / weight_sum for f in firms}
    shares = {pk: value.to_integral_value(rounding="ROUND_FLOOR") for pk, value in exact.items()}
    left = int(total - sum(shares.values()))
    for pk in sorted(exact, key=lambda pk: exact[pk] - shares[pk], reverse=True)[:left]:
        shares[pk] += 1
    return shares


# --- loading ------------------------------------------------------------------------------


def indicators_load(admin) -> dict:
    """Writes the published values, targets and firm statistics through the indicators'
    services; existing identical records are left alone, so a second load writes nothing."""
    from collections import Counter

    from kechuang.core.models import Region
    from kechuang.enterprises.choices import EnterpriseStatus
    from kechuang.enterprises.models import Enterprise, Qualification
    from kechuang.indicators import services
    from kechuang.indicators.choices import ValueSource
    from kechuang.indicators.models import DataElement, DataValue, EnterpriseMonth, Indicator

    counts = {"values": Counter(), "targets": Counter(), "firm_months": Counter()}
    regions = {r.code: r for r in Region.objects.filter(code__startswith="3311")}
    elements = {e.code: e for e in DataElement.objects.all()}
    stored = {
        (v.region.code, v.period, v.element.code): (v.value, v.published_yoy)
        for v in DataValue.objects.filter(source=ValueSource.STATS_BUREAU).select_related(
            "region", "element"
        )
    }
    for row in sorted(county_series(), key=lambda r: (r["region"], r["period"])):
        key = (row["region"], row["period"], row["element"])
        if stored.get(key) == (row["value"], row["published_yoy"]):
            counts["values"]["unchanged"] += 1
            continue
        counts["values"]["updated" if key in stored else "created"] += 1
        services.data_value_save(
            actor=admin,
            element=elements[row["element"]],
            region=regions[row["region"]],
            period=row["period"],
            value=row["value"],
            source=ValueSource.STATS_BUREAU,
            published_yoy=row["published_yoy"],
        )

    qingtian = regions[QINGTIAN]
    for code, value in TARGETS_2023.items():
        indicator = Indicator.objects.get(code=code)
        target = indicator.targets.filter(region=qingtian, year=2023).first()
        if target and target.value == value and target.document == TARGET_DOCUMENT:
            counts["targets"]["unchanged"] += 1
            continue
        counts["targets"]["updated" if target else "created"] += 1
        services.target_save(
            actor=admin,
            indicator=indicator,
            region=qingtian,
            year=2023,
            value=value,
            document=TARGET_DOCUMENT,
        )

    hnte = set(
        Qualification.objects.filter(
            tier__code="hnte", valid_from__lte="2023-04-30", valid_until__gte="2023-04-30"
        ).values_list("enterprise_id", flat=True)
    )
    firms = list(
        Enterprise.objects.filter(
            township__code__startswith=QINGTIAN,
            above_scale=True,
            status=EnterpriseStatus.ACTIVE,
            industry_section__in=["B", "C", "D"],
        ).order_by("credit_code")
    )
    for firm in firms:
        firm.hitech = firm.manufacturing and firm.pk in hnte
    existing = {
        (m.enterprise_id, m.period): m
        for m in EnterpriseMonth.objects.filter(enterprise__in=firms, period__in=FIRM_PERIODS)
    }
    figures = ("revenue", "tech_dev_expense", "value_added", "rnd_active", "hitech")
    for row in sorted(firm_months(firms), key=lambda r: (r["period"], r["enterprise"].pk)):
        firm = row["enterprise"]
        stored_month = existing.get((firm.pk, row["period"]))
        wanted = {name: row[name] for name in figures}
        if stored_month and all(getattr(stored_month, k) == v for k, v in wanted.items()):
            counts["firm_months"]["unchanged"] += 1
            continue
        counts["firm_months"]["updated" if stored_month else "created"] += 1
        services.enterprise_month_save(actor=admin, enterprise=firm, period=row["period"], **wanted)
    return {kind: dict(counter) for kind, counter in counts.items()}
