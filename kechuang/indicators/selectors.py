"""Reads of the indicators: the scoreboard of a region and period, trends, rankings,
drill-downs, and the bottom-up figures computed from above-scale firms' monthly statistics.

Which value counts for a region, period and element: 统计局公布 (stats_bureau) first, then
手工录入 (manual), then a stored 企业数据汇总 (computed) value, then the bottom-up figure
computed on the fly from EnterpriseMonth. Growth: the published figure when the value carries
one; for a bottom-up value the comparable-basis growth (same firms in both years); otherwise
value / last year's same period − 1.

Bottom-up figures and comparable-basis sums are read from RegionPeriodTotal, the county and
township totals the services keep in step with every EnterpriseMonth write (cities and
provinces add up their counties): one small query each, whatever the number of firms. An
element whose totals were computed with another aggregation than the one asked (or are
missing from a region's period) is computed live from EnterpriseMonth instead, one grouped
query per region level (`live_bottom_up_many`, `live_comparable_growth`: the same figures
without the totals, kept as their reference).

Who sees what: a user sees the figures of the regions in their scope (core.scoping). Bureau
staff and leaders also see the region-level figures of their region's siblings (the city's
counties for a county bureau), because the city's ranking is shared with its counties; firm
rows (`contributors`) stay strictly scoped.

The public functions return JSON-ready data (numbers as int/float, amounts in yuan, ratios and
growth in percent: 3.38 means 3.38%) so the CLI, the API and the dashboard show the same
numbers; `bottom_up` and `comparable_growth` return Decimals for computation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum

from kechuang.core import figures as figure_registry
from kechuang.core.choices import BUREAU_ROLES, READ_ONLY_REGION_ROLES, RegionLevel, Role
from kechuang.core.models import Region, User
from kechuang.indicators import engine
from kechuang.indicators.choices import GrowthSource, IndicatorKind, ValueSource
from kechuang.indicators.models import (
    DataElement,
    DataValue,
    EnterpriseMonth,
    Indicator,
    RegionPeriodTotal,
    Target,
)

# Which stored source wins; the on-the-fly bottom-up figure comes after all of them.
PRECEDENCE = {ValueSource.STATS_BUREAU: 0, ValueSource.MANUAL: 1, ValueSource.COMPUTED: 2}
BOTTOM_UP = "bottom_up"
SOURCE_LABELS = {**dict(ValueSource.choices), BOTTOM_UP: "企业数据汇总（实时）"}
GROWTH_LABELS = dict(GrowthSource.choices)
# Fields of EnterpriseMonth an aggregation may name.
SUM_FIELDS = {"revenue", "tech_dev_expense", "value_added"}
FLAG_FIELDS = {"manufacturing", "rnd_active", "hitech"}
# 'figure:CODE': the element is a figure another app declares (core/figures.py), e.g.
# 'figure:transfer.turnover' for 技术市场交易额, summed from the technology contracts.
FIGURE = "figure"
CENT = Decimal("0.01")


# --- small helpers ---------------------------------------------------------------------------


def num(value: Decimal | None, places: int = 2):
    """A Decimal as a JSON number rounded to `places` (int when whole); None stays None."""
    if value is None:
        return None
    rounded = engine.quantize(value, places)
    return int(rounded) if rounded == rounded.to_integral_value() else float(rounded)


def exact(value: Decimal | None):
    """A Decimal as an unrounded JSON number (int when whole), for machine fields: rounding
    belongs to the display fields. None stays None."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def resolve_region(region: Region | str) -> Region:
    """A Region given itself or its code; IndicatorError (Chinese) for an unknown code."""
    if isinstance(region, Region):
        return region
    found = Region.objects.filter(code=str(region).strip()).first()
    if found is None:
        raise engine.IndicatorError(f"未知的区域代码：{region}")
    return found


def can_see_figures(user: User, region: Region) -> bool:
    """Whether the user may see the region-level figures of `region` (see module docstring)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if user.region is None:
        return False
    role = user.role
    if role not in BUREAU_ROLES and role not in READ_ONLY_REGION_ROLES and role != Role.LIAISON:
        return False
    if user.region.contains(region):
        return True
    # Peers: a county bureau sees its sibling counties' figures (the city's ranking).
    return (
        role in BUREAU_ROLES
        and region.parent_id is not None
        and region.parent_id == user.region.parent_id
        and region.level == user.region.level
    )


def _check_visible(user: User, region: Region) -> None:
    if not can_see_figures(user, region):
        raise PermissionDenied(f"无权查看{region.name}的指标")


def _indicators(codes: Iterable[str] | None = None) -> list[Indicator]:
    queryset = Indicator.objects.select_related("numerator", "denominator")
    if codes is not None:
        queryset = queryset.filter(code__in=list(codes))
    return list(queryset)


def _indicator(code: str) -> Indicator:
    found = _indicators([code])
    if not found:
        raise engine.IndicatorError(f"未知的指标：{code}")
    return found[0]


def _elements_of(indicators: list[Indicator]) -> list[DataElement]:
    elements = {}
    for indicator in indicators:
        elements[indicator.numerator.code] = indicator.numerator
        if indicator.denominator is not None:
            elements[indicator.denominator.code] = indicator.denominator
    return list(elements.values())


# --- bottom-up from EnterpriseMonth ----------------------------------------------------------


@dataclass(frozen=True)
class Aggregation:
    """How an element is summed from firms: op 'sum' of `field`, or 'count' of firms, over
    the firms whose `flags` are all true."""

    op: str
    field: str | None
    flags: tuple[str, ...]


def parse_aggregation(text: str) -> Aggregation | None:
    """'sum:FIELD', 'sum:FIELD|FLAG', 'count:FLAG[,FLAG…]'; None for an empty text."""
    if not text:
        return None
    op, _, rest = text.partition(":")
    if op == "sum":
        field, _, flag = rest.partition("|")
        flags = tuple(f for f in flag.split(",") if f)
        if field not in SUM_FIELDS or not set(flags) <= FLAG_FIELDS:
            raise ValueError(f"bad aggregation {text!r}")
        return Aggregation("sum", field, flags)
    if op == "count":
        flags = tuple(f for f in rest.split(",") if f)
        if not set(flags) <= FLAG_FIELDS:
            raise ValueError(f"bad aggregation {text!r}")
        return Aggregation("count", None, flags)
    if op == FIGURE:
        try:
            figure_registry.get(rest)
        except figure_registry.FigureError as exc:
            raise ValueError(f"bad aggregation {text!r}") from exc
        return Aggregation(FIGURE, rest, ())
    raise ValueError(f"bad aggregation {text!r}")


def _aggregated_elements(*, with_figures: bool = False) -> dict[str, Aggregation]:
    """Elements summed from firm data (and, `with_figures`, those read from figures)."""
    rows = DataElement.objects.exclude(aggregation="").values_list("code", "aggregation")
    found = {code: parse_aggregation(text) for code, text in rows}
    return {code: agg for code, agg in found.items() if with_figures or agg.op != FIGURE}


def _orm_aggregate(agg: Aggregation):
    condition = Q(**{flag: True for flag in agg.flags}) if agg.flags else None
    if agg.op == "sum":
        return Sum(agg.field, filter=condition)
    return Count("id", filter=condition)


def _grouping(regions: list[Region]) -> dict[str, dict[int, list[int]]]:
    """For each EnterpriseMonth column ('county_id', 'township_id'): the column's region ids and
    which of the asked regions each one rolls up into. Cities and provinces roll up their
    counties (one small query for them)."""
    groups: dict[str, dict[int, list[int]]] = {"county_id": {}, "township_id": {}}
    higher = []
    for region in regions:
        if region.level == RegionLevel.COUNTY:
            groups["county_id"].setdefault(region.pk, []).append(region.pk)
        elif region.level == RegionLevel.TOWNSHIP:
            groups["township_id"].setdefault(region.pk, []).append(region.pk)
        else:
            higher.append(region)
    if higher:
        prefixes = Q()
        for region in higher:
            prefixes |= Q(code__startswith=region.prefix)
        counties = Region.objects.filter(prefixes, level=RegionLevel.COUNTY).only("pk", "code")
        for county in counties:
            for region in higher:
                if county.code.startswith(region.prefix):
                    groups["county_id"].setdefault(county.pk, []).append(region.pk)
    return {column: ids for column, ids in groups.items() if ids}


def _as_regions(regions) -> list[Region]:
    return list(regions) if not isinstance(regions, QuerySet) else list(regions.all())


def bottom_up_many(
    regions, periods: Iterable[str], aggregations: dict[str, Aggregation] | None = None
) -> dict[str, dict[int, dict[str, Decimal]]]:
    """{period: {region id: {element code: value}}} computed from the firms' monthly figures,
    one grouped query per region level for all the periods. Regions without firm rows in a
    period are left out of it."""
    return _bottom_up_requests([(_as_regions(regions), list(periods))], aggregations)


def _wanted(
    requests: list[tuple[list[Region], list[str]]],
) -> dict[str, dict[tuple[int, str], set[int]]]:
    """column → (column id, period) → the asked region ids it adds into."""
    wanted: dict[str, dict[tuple[int, str], set[int]]] = {}
    for regions, periods in requests:
        if not regions or not periods:
            continue
        for column, targets in _grouping(regions).items():
            into = wanted.setdefault(column, {})
            for column_id, region_ids in targets.items():
                for period in periods:
                    into.setdefault((column_id, period), set()).update(region_ids)
    return wanted


def _period_condition(field: str, into) -> Q:
    """(id, period) pairs as a condition: ids asked for the same periods share one term."""
    by_periods: dict[int, set[str]] = {}
    for column_id, period in into:
        by_periods.setdefault(column_id, set()).add(period)
    groups: dict[frozenset, list[int]] = {}
    for column_id, periods in by_periods.items():
        groups.setdefault(frozenset(periods), []).append(column_id)
    condition = Q()
    for periods, ids in groups.items():
        period_q = Q(period=next(iter(periods))) if len(periods) == 1 else Q(period__in=periods)
        condition |= Q(**{f"{field}__in": ids}) & period_q
    return condition


def _bottom_up_requests(
    requests: list[tuple[list[Region], list[str]]],
    aggregations: dict[str, Aggregation] | None = None,
) -> dict[str, dict[int, dict[str, Decimal]]]:
    """The firm-data figures below, plus the 'figure:…' elements read from the figures
    registry (one batched computation per figure for all the requests). A figure without
    records for a region and period (None) leaves the element out, as firm data does."""
    if aggregations is None:
        aggregations = _aggregated_elements(with_figures=True)
    firms = {code: agg for code, agg in aggregations.items() if agg.op != FIGURE}
    result = _firm_bottom_up_requests(requests, firms)
    by_figure: dict[str, list[str]] = {}
    for code, agg in aggregations.items():
        if agg.op == FIGURE:
            by_figure.setdefault(agg.field, []).append(code)
    if not by_figure:
        return result
    regions = {r.pk: r for asked, _ in requests for r in asked}
    periods = sorted({p for _, asked in requests for p in asked})
    wanted = {(r.pk, p) for asked, ps in requests for r in asked for p in ps}
    for figure_code, codes in by_figure.items():
        found = figure_registry.series(figure_code, regions.values(), periods)
        for period, by_region in found.items():
            for region_id, value in by_region.items():
                if value is not None and (region_id, period) in wanted:
                    into = result.setdefault(period, {}).setdefault(region_id, {})
                    into.update(dict.fromkeys(codes, Decimal(value)))
    return result


def _firm_bottom_up_requests(
    requests: list[tuple[list[Region], list[str]]],
    aggregations: dict[str, Aggregation] | None = None,
) -> dict[str, dict[int, dict[str, Decimal]]]:
    """bottom_up_many for several (regions, periods) requests in one query of the totals:
    the dashboard needs its siblings for one period and itself for three."""
    aggregations = _aggregated_elements() if aggregations is None else aggregations
    result: dict[str, dict[int, dict[str, Decimal]]] = {}
    for _, periods in requests:
        for period in periods:
            result.setdefault(period, {})
    if not aggregations:
        return result
    # The totals hold counties and townships alike: one (region id, period) space.
    into: dict[tuple[int, str], set[int]] = {}
    for targets in _wanted(requests).values():
        for key, region_ids in targets.items():
            into.setdefault(key, set()).update(region_ids)
    if not into:
        return result
    rows = (
        RegionPeriodTotal.objects.filter(
            _period_condition("region_id", into), element__code__in=list(aggregations)
        )
        .order_by()
        .values_list("region_id", "period", "element__code", "aggregation", "value")
    )
    parsed: dict[str, Aggregation | None] = {}
    found: dict[tuple[int, str], dict[str, Decimal]] = {}
    stale: set[str] = set()
    for region_id, period, code, text, value in rows:
        if text not in parsed:
            parsed[text] = parse_aggregation(text)
        agg = aggregations[code]
        if parsed[text] != agg:
            stale.add(code)
            continue
        found.setdefault((region_id, period), {})[code] = (
            Decimal(int(value)) if agg.op == "count" else value
        )
    for figures in found.values():
        stale.update(code for code in aggregations if code not in figures)
    for key, figures in found.items():
        period = key[1]
        for region_id in into[key]:
            target = result[period].setdefault(region_id, {})
            for code, value in figures.items():
                target[code] = target.get(code, Decimal(0)) + value
    if stale:
        live = _live_bottom_up_requests(requests, {c: aggregations[c] for c in stale})
        for period, by_region in live.items():
            for region_id, figures in by_region.items():
                result[period].setdefault(region_id, {}).update(figures)
    return result


def live_bottom_up_many(
    regions, periods: Iterable[str], aggregations: dict[str, Aggregation] | None = None
) -> dict[str, dict[int, dict[str, Decimal]]]:
    """bottom_up_many computed from EnterpriseMonth without the totals (their reference)."""
    return _live_bottom_up_requests([(_as_regions(regions), list(periods))], aggregations)


def _live_bottom_up_requests(
    requests: list[tuple[list[Region], list[str]]],
    aggregations: dict[str, Aggregation] | None = None,
) -> dict[str, dict[int, dict[str, Decimal]]]:
    """_bottom_up_requests from EnterpriseMonth, one grouped query per region level."""
    aggregations = _aggregated_elements() if aggregations is None else aggregations
    result: dict[str, dict[int, dict[str, Decimal]]] = {}
    for _, periods in requests:
        for period in periods:
            result.setdefault(period, {})
    if not aggregations:
        return result
    annotations = {code: _orm_aggregate(agg) for code, agg in aggregations.items()}
    for column, into in _wanted(requests).items():
        rows = (
            EnterpriseMonth.objects.filter(_period_condition(column, into))
            .order_by()
            .values(column, "period")
            .annotate(**annotations)
        )
        for row in rows:
            for region_id in into.get((row[column], row["period"]), ()):
                figures = result[row["period"]].setdefault(region_id, {})
                for code in aggregations:
                    value = Decimal(row[code] or 0)
                    figures[code] = figures.get(code, Decimal(0)) + value
    return result


def bottom_up(regions, period: str) -> dict[int, dict[str, Decimal]]:
    """{region id: {element code: Decimal}} of every element with an aggregation, for many
    regions (counties, townships, or cities rolled up from counties) in one grouped query."""
    engine.parse_period(period)
    return bottom_up_many(regions, [period])[period]


def _comparable_sums(
    regions, period: str, aggregations: dict[str, Aggregation] | None = None
) -> dict[int, dict[str, tuple[Decimal, Decimal]]]:
    """{region id: {element code: (this year, last year)}} summed over the firms present in
    both this period and last year's same period, grouped by where the firm is this year, as
    the totals keep them (one query). Only 'sum' elements: a firm count has no comparable
    growth. Regions without a firm in both years are left out."""
    regions = _as_regions(regions)
    aggregations = _aggregated_elements() if aggregations is None else aggregations
    sums = {code: agg for code, agg in aggregations.items() if agg.op == "sum"}
    result: dict[int, dict[str, tuple[Decimal, Decimal]]] = {}
    if not regions or not sums:
        return result
    into: dict[int, list[int]] = {}
    for targets in _grouping(regions).values():
        for column_id, region_ids in targets.items():
            into.setdefault(column_id, []).extend(region_ids)
    rows = (
        RegionPeriodTotal.objects.filter(
            region_id__in=list(into), period=period, element__code__in=list(sums)
        )
        .order_by()
        .values_list(
            "region_id", "element__code", "aggregation", "comparable_current", "comparable_previous"
        )
    )
    parsed: dict[str, Aggregation | None] = {}
    stale: set[str] = set()
    found: dict[int, dict[str, tuple[Decimal, Decimal] | None]] = {}
    for region_id, code, text, now, before in rows:
        if text not in parsed:
            parsed[text] = parse_aggregation(text)
        if parsed[text] != sums[code]:
            stale.add(code)
            continue
        found.setdefault(region_id, {})[code] = None if now is None else (now, before)
    for figures in found.values():
        stale.update(code for code in sums if code not in figures)
    for column_id, figures in found.items():
        for code, pair in figures.items():
            if pair is None:  # no firm of this region in both years
                continue
            for region_id in into[column_id]:
                target = result.setdefault(region_id, {})
                old_now, old_before = target.get(code, (Decimal(0), Decimal(0)))
                target[code] = (old_now + pair[0], old_before + pair[1])
    if stale:
        live = _live_comparable_sums(regions, period, {c: sums[c] for c in stale})
        for region_id, figures in live.items():
            result.setdefault(region_id, {}).update(figures)
    return result


def _live_comparable_sums(
    regions, period: str, aggregations: dict[str, Aggregation] | None = None
) -> dict[int, dict[str, tuple[Decimal, Decimal]]]:
    """_comparable_sums from EnterpriseMonth (an inner join on the firm), one query per region
    level."""
    regions = _as_regions(regions)
    aggregations = _aggregated_elements() if aggregations is None else aggregations
    sums = {code: agg for code, agg in aggregations.items() if agg.op == "sum"}
    result: dict[int, dict[str, tuple[Decimal, Decimal]]] = {}
    if not regions or not sums:
        return result
    table = connection.ops.quote_name(EnterpriseMonth._meta.db_table)
    field_column = {f.name: f.column for f in EnterpriseMonth._meta.concrete_fields}
    selects = []
    for agg in sums.values():
        column = field_column[agg.field]
        for side in ("c", "p"):
            if agg.flags:
                condition = " AND ".join(f"c.{field_column[f]}" for f in agg.flags)
                selects.append(f"SUM(CASE WHEN {condition} THEN {side}.{column} ELSE 0 END)")
            else:
                selects.append(f"SUM({side}.{column})")
    last_year = engine.previous_year(period)
    for column, targets in _grouping(regions).items():
        placeholders = ", ".join(["%s"] * len(targets))
        sql = (
            f"SELECT c.{column}, {', '.join(selects)} FROM {table} c "
            f"JOIN {table} p ON p.enterprise_id = c.enterprise_id AND p.period = %s "
            f"WHERE c.period = %s AND c.{column} IN ({placeholders}) GROUP BY c.{column}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [last_year, period, *targets])
            rows = cursor.fetchall()
        for row in rows:
            values = [Decimal(str(v or 0)) for v in row[1:]]
            for region_id in targets[row[0]]:
                figures = result.setdefault(region_id, {})
                for index, code in enumerate(sums):
                    now, before = values[2 * index], values[2 * index + 1]
                    old_now, old_before = figures.get(code, (Decimal(0), Decimal(0)))
                    figures[code] = (old_now + now, old_before + before)
    return result


def live_comparable_sums(
    regions, period: str, aggregations: dict[str, Aggregation] | None = None
) -> dict[int, dict[str, tuple[Decimal, Decimal]]]:
    """_comparable_sums computed from EnterpriseMonth without the totals (the reference
    `kechuang totals --check` compares the totals with)."""
    return _live_comparable_sums(regions, period, aggregations)


def comparable_growth(
    regions, period: str, *, aggregations: dict[str, Aggregation] | None = None
) -> dict[int, dict[str, Decimal | None]]:
    """{region id: {element code: growth in percent or None}} on the comparable basis: the
    same firms in both years (the statistics bureau's 可比口径), one more query."""
    engine.parse_period(period)
    return _growth_of(_comparable_sums(regions, period, aggregations))


def live_comparable_growth(
    regions, period: str, *, aggregations: dict[str, Aggregation] | None = None
) -> dict[int, dict[str, Decimal | None]]:
    """comparable_growth computed from EnterpriseMonth without the totals (their reference)."""
    engine.parse_period(period)
    return _growth_of(_live_comparable_sums(regions, period, aggregations))


def _growth_of(sums: dict[int, dict[str, tuple[Decimal, Decimal]]]):
    return {
        region_id: {
            code: engine.computed_growth(now, before) for code, (now, before) in figures.items()
        }
        for region_id, figures in sums.items()
    }


# --- resolving values ------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """The value that counts for a region, period and element, and where it comes from."""

    value: Decimal
    source: str
    previous: Decimal | None = None
    published_yoy: Decimal | None = None


def _cells(
    regions: list[Region],
    periods: list[str],
    elements: list[DataElement],
    bottom_up_for: list[tuple[list[Region], list[str]]] | None = None,
) -> dict[tuple[int, str, str], Cell]:
    """{(region id, period, element code): Cell} by precedence; two queries (stored values,
    then one grouped bottom-up query)."""
    by_id = {e.pk: e.code for e in elements}
    cells: dict[tuple[int, str, str], Cell] = {}
    ranks: dict[tuple[int, str, str], int] = {}
    stored = DataValue.objects.filter(
        region_id__in=[r.pk for r in regions], period__in=periods, element_id__in=list(by_id)
    ).values_list(
        "region_id", "period", "element_id", "value", "source", "previous", "published_yoy"
    )
    for region_id, period, element_id, value, source, previous, published in stored:
        key = (region_id, period, by_id[element_id])
        if key in ranks and ranks[key] <= PRECEDENCE[source]:
            continue
        ranks[key] = PRECEDENCE[source]
        cells[key] = Cell(value, source, previous, published)
    aggregations = {e.code: parse_aggregation(e.aggregation) for e in elements if e.aggregation}
    if aggregations:
        requests = bottom_up_for if bottom_up_for is not None else [(regions, periods)]
        for period, by_region in _bottom_up_requests(requests, aggregations).items():
            for region_id, figures in by_region.items():
                for code, value in figures.items():
                    cells.setdefault((region_id, period, code), Cell(value, BOTTOM_UP))
    return cells


@dataclass
class Figures:
    """Everything known for a set of regions around one period."""

    period: str
    cells: dict
    comparable: dict  # {region id: {code: growth}} for bottom-up cells

    def get(self, region_id: int, period: str, code: str) -> Cell | None:
        return self.cells.get((region_id, period, code))

    def value(self, region_id: int, period: str, code: str) -> Decimal | None:
        cell = self.get(region_id, period, code)
        return cell.value if cell else None


def _figures(
    regions: list[Region], period: str, elements: list[DataElement], focus: Region | None = None
) -> Figures:
    """Values of `regions` for the period, last year's same period and last year's December.
    With a `focus` region (the dashboard's), only it gets last year's bottom-up figures (for
    its projection): the others need this period's figures and comparable growth to be
    ranked, which keeps a county's dashboard fast at province scale."""
    last_year = engine.previous_year(period)
    periods = [period, last_year, engine.year_end(last_year)]
    requests = None
    if focus is not None:
        requests = [(regions, [period]), ([focus], periods[1:])]
    cells = _cells(regions, periods, elements, bottom_up_for=requests)
    computed_here = {
        rid for (rid, p, _), c in cells.items() if p == period and c.source == BOTTOM_UP
    }
    needs_comparable = [r for r in regions if r.pk in computed_here]
    aggregations = {e.code: parse_aggregation(e.aggregation) for e in elements if e.aggregation}
    comparable = (
        comparable_growth(needs_comparable, period, aggregations=aggregations)
        if needs_comparable
        else {}
    )
    return Figures(period, cells, comparable)


def _amount_growth(
    figures: Figures, region_id: int, code: str
) -> tuple[Decimal | None, str | None]:
    period = figures.period
    cell = figures.get(region_id, period, code)
    if cell is None:
        return None, None
    comparable = None
    if cell.source == BOTTOM_UP:
        comparable = figures.comparable.get(region_id, {}).get(code)
    previous = cell.previous
    if previous is None:
        previous = figures.value(region_id, engine.previous_year(period), code)
    return engine.growth(cell.value, previous, cell.published_yoy, comparable)


def _indicator_figures(indicator: Indicator, figures: Figures, region_id: int) -> dict:
    """The raw Decimals of one indicator for one region (rounded later)."""
    period = figures.period
    last_year = engine.previous_year(period)
    last_end = engine.year_end(last_year)
    top = indicator.numerator.code
    top_cell = figures.get(region_id, period, top)

    def triple(code):
        cell = figures.get(region_id, period, code)
        same = figures.value(region_id, last_year, code)
        if same is None and cell is not None:
            same = cell.previous
        return (cell.value if cell else None, figures.value(region_id, last_end, code), same)

    if indicator.kind == IndicatorKind.RATIO:
        bottom = indicator.denominator.code
        bottom_cell = figures.get(region_id, period, bottom)
        value = engine.ratio(
            top_cell.value if top_cell else None, bottom_cell.value if bottom_cell else None
        )
        last_value = engine.ratio(triple(top)[2], triple(bottom)[2])
        yoy, yoy_source = None, None
        change_pp = value - last_value if value is not None and last_value is not None else None
        projected = engine.projection(period, "ratio", triple(top), triple(bottom))
        sources = [c.source for c in (top_cell, bottom_cell) if c is not None]
    else:
        value = top_cell.value if top_cell else None
        yoy, yoy_source = _amount_growth(figures, region_id, top)
        change_pp = None
        projected = engine.projection(period, "amount", triple(top))
        sources = [top_cell.source] if top_cell else []
    return {
        "value": value,
        "yoy": yoy,
        "yoy_source": yoy_source,
        "change_pp": change_pp,
        "projection": projected.value if value is not None else None,
        "projection_method": projected.method,
        "source": sources[0] if sources else None,
        "sources": sources,
    }


def _rank_dict(rank: engine.Rank | None, by: str, places: int = 2) -> dict:
    if rank is None:
        return {"by": by, "position": None, "of": None, "gap_to_above": None}
    return {
        "by": by,
        "position": rank.position,
        "of": rank.of,
        "gap_to_above": num(rank.gap_to_above, places),
    }


def _primary_by(indicator: Indicator, raw: dict) -> str:
    """Amounts rank by growth (增速排名, as the city ranks counties) when the region has it;
    ratios by their value."""
    if indicator.kind == IndicatorKind.AMOUNT and raw["yoy"] is not None:
        return "yoy"
    return "value"


def _rows(
    indicators: list[Indicator], regions: list[Region], period: str, targets_for: Region | None
) -> dict[int, list[dict]]:
    """{region id: [indicator row]} for every region, ranked among `regions`."""
    figures = _figures(regions, period, _elements_of(indicators), focus=targets_for)
    year, _ = engine.parse_period(period)
    targets = {}
    if targets_for is not None:
        targets = {
            t.indicator_id: t.value for t in Target.objects.filter(region=targets_for, year=year)
        }
    raw = {
        r.pk: {i.code: _indicator_figures(i, figures, r.pk) for i in indicators} for r in regions
    }
    pace = engine.pace(period)
    out: dict[int, list[dict]] = {r.pk: [] for r in regions}
    for indicator in indicators:
        by_value = engine.rank_all({r.pk: raw[r.pk][indicator.code]["value"] for r in regions})
        by_yoy = engine.rank_all({r.pk: raw[r.pk][indicator.code]["yoy"] for r in regions})
        is_ratio = indicator.kind == IndicatorKind.RATIO
        amount_places = 2
        for region in regions:
            mine = raw[region.pk][indicator.code]
            value = mine["value"]
            target = targets.get(indicator.pk) if region == targets_for else None
            progress = engine.progress(value, target)
            if is_ratio:
                row_pace = None
                ahead = None if progress is None else value >= target
            else:
                row_pace = pace
                ahead = engine.ahead_of_pace(progress, period)
            by = _primary_by(indicator, mine)
            value_rank = _rank_dict(
                by_value.get(region.pk), "value", 2 if is_ratio else amount_places
            )
            yoy_rank = _rank_dict(by_yoy.get(region.pk), "yoy")
            primary = yoy_rank if by == "yoy" else value_rank
            out[region.pk].append(
                {
                    "code": indicator.code,
                    "name": indicator.name,
                    "value": exact(value),
                    "unit": "%" if is_ratio else _base_unit(indicator),
                    "display": engine.display(value, indicator.unit, indicator.precision),
                    "yoy": exact(mine["yoy"]),
                    "yoy_source": mine["yoy_source"],
                    "target": exact(target),
                    "progress": exact(progress),
                    "projection": exact(mine["projection"]),
                    "rank": {k: primary[k] for k in ("by", "position", "of")},
                    # Extras for the dashboard.
                    "kind": indicator.kind,
                    "display_unit": indicator.unit,
                    "precision": indicator.precision,
                    "denominator_label": indicator.denominator_label,
                    "yoy_display": engine.display_growth(mine["yoy"]),
                    "yoy_source_label": GROWTH_LABELS.get(mine["yoy_source"], ""),
                    "change_pp": num(mine["change_pp"]),
                    "target_display": engine.display(target, indicator.unit, indicator.precision)
                    if target is not None
                    else None,
                    "pace": num(row_pace),
                    "ahead": ahead,
                    "projection_display": engine.display(
                        mine["projection"], indicator.unit, indicator.precision
                    )
                    if mine["projection"] is not None
                    else None,
                    "projection_method": mine["projection_method"],
                    "gap_to_above": primary["gap_to_above"],
                    "rank_value": value_rank,
                    "rank_yoy": yoy_rank,
                    "source": mine["source"],
                    "source_label": SOURCE_LABELS.get(mine["source"], ""),
                }
            )
    return out


def _base_unit(indicator: Indicator) -> str:
    return "元" if indicator.numerator.measure == "amount" else "家"


def _peers(user: User, region: Region) -> list[Region]:
    """The region and its siblings the user may see (the ranking's field)."""
    if region.parent_id is None:
        return [region]
    siblings = list(
        Region.objects.filter(parent_id=region.parent_id).order_by("sort_order", "code")
    )
    visible = [r for r in siblings if r.pk == region.pk or can_see_figures(user, r)]
    return visible


# --- public selectors ------------------------------------------------------------------------


def indicator_table(user: User, region: Region | str, period: str) -> dict:
    """The scoreboard of a region and period: the `kechuang indicators` JSON contract
    ({"region", "period", "indicators": [{"code", "name", "value", "unit", "display", "yoy",
    "yoy_source", "target", "progress", "projection", "rank": {"by", "position", "of"}}]})
    plus extras (region_name, period_label, pace, has_data; per indicator kind, display_unit,
    yoy_display, yoy_source_label, change_pp, target_display, pace, ahead, projection_display,
    projection_method, gap_to_above, rank_value, rank_yoy, source, source_label).

    Raises IndicatorError for a bad period or unknown region code, PermissionDenied for a
    region the user may not see."""
    engine.parse_period(period)
    region = resolve_region(region)
    _check_visible(user, region)
    peers = _peers(user, region)
    rows = _rows(_indicators(), peers, period, targets_for=region)[region.pk]
    return {
        "region": region.code,
        "period": period,
        "indicators": rows,
        "region_name": region.name,
        "period_label": engine.period_label(period),
        "pace": num(engine.pace(period)),
        "has_data": any(row["value"] is not None for row in rows),
    }


def children_table(user: User, region: Region | str, period: str) -> dict:
    """Drill-down: every child region's scoreboard (a city's counties, a county's townships),
    each indicator ranked among the children shown. {"region", "region_name", "period",
    "children": [{"region", "region_name", "indicators": [row as in indicator_table, without
    targets]}]}. Children the user may not see are left out."""
    engine.parse_period(period)
    region = resolve_region(region)
    _check_visible(user, region)
    children = [
        c
        for c in Region.objects.filter(parent=region).order_by("sort_order", "code")
        if can_see_figures(user, c)
    ]
    rows = _rows(_indicators(), children, period, targets_for=None)
    return {
        "region": region.code,
        "region_name": region.name,
        "period": period,
        "period_label": engine.period_label(period),
        "children": [
            {"region": c.code, "region_name": c.name, "indicators": rows[c.pk]} for c in children
        ],
    }


def ranking(user: User, parent_region: Region | str, indicator_code: str, period: str) -> dict:
    """The sibling table under `parent_region` for one indicator: {"parent", "parent_name",
    "indicator", "name", "period", "by", "rows": [{"region", "region_name", "value", "display",
    "yoy", "yoy_source", "position", "of", "gap_to_above", "value_position", "yoy_position"}]}
    ordered by position (regions without data last, position None). `by` is "yoy" for amount
    indicators (增速排名) and "value" for ratios."""
    engine.parse_period(period)
    parent = resolve_region(parent_region)
    indicator = _indicator(indicator_code)
    children = [
        c
        for c in Region.objects.filter(parent=parent).order_by("sort_order", "code")
        if can_see_figures(user, c)
    ]
    if not children:
        raise PermissionDenied(f"无权查看{parent.name}下级区域的指标")
    rows = _rows([indicator], children, period, targets_for=None)
    by = "yoy" if indicator.kind == IndicatorKind.AMOUNT else "value"
    table = []
    for child in children:
        row = rows[child.pk][0]
        primary = row["rank_yoy"] if by == "yoy" else row["rank_value"]
        table.append(
            {
                "region": child.code,
                "region_name": child.name,
                "value": row["value"],
                "display": row["display"],
                "yoy": row["yoy"],
                "yoy_source": row["yoy_source"],
                "yoy_display": row["yoy_display"],
                "position": primary["position"],
                "of": primary["of"],
                "gap_to_above": primary["gap_to_above"],
                "value_position": row["rank_value"]["position"],
                "yoy_position": row["rank_yoy"]["position"],
            }
        )
    table.sort(key=lambda r: (r["position"] is None, r["position"] or 0, r["region"]))
    return {
        "parent": parent.code,
        "parent_name": parent.name,
        "indicator": indicator.code,
        "name": indicator.name,
        "period": period,
        "by": by,
        "rows": table,
    }


def _series_values(indicator: Indicator, cells, region_id: int, period: str) -> Decimal | None:
    top = cells.get((region_id, period, indicator.numerator.code))
    if indicator.kind == IndicatorKind.RATIO:
        bottom = cells.get((region_id, period, indicator.denominator.code))
        return engine.ratio(top.value if top else None, bottom.value if bottom else None)
    return top.value if top else None


def _scaled(value: Decimal | None, indicator: Indicator):
    """A value in the indicator's display unit, for charts (3.38 for 3.38亿元)."""
    if value is None:
        return None
    divisor = engine.DIVISORS.get(indicator.unit, Decimal(1))
    return num(value / divisor, indicator.precision)


def trend(user: User, region: Region | str, indicator_code: str, years: Iterable[int]) -> dict:
    """Monthly cumulative series by year, for charts: {"region", "indicator", "name", "unit"
    (base unit), "display_unit", "years": [{"year", "values": [12 numbers or None, base unit],
    "display_values": [12, in display_unit]}]}. Two queries for all the years."""
    region = resolve_region(region)
    _check_visible(user, region)
    indicator = _indicator(indicator_code)
    years = sorted(set(int(y) for y in years))
    periods = [engine.make_period(y, m) for y in years for m in range(1, 13)]
    cells = _cells([region], periods, _elements_of([indicator]))
    series = []
    for year in years:
        values = [
            _series_values(indicator, cells, region.pk, engine.make_period(year, m))
            for m in range(1, 13)
        ]
        series.append(
            {
                "year": year,
                "values": [num(v) for v in values],
                "display_values": [_scaled(v, indicator) for v in values],
            }
        )
    return {
        "region": region.code,
        "region_name": region.name,
        "indicator": indicator.code,
        "name": indicator.name,
        "unit": "%" if indicator.kind == IndicatorKind.RATIO else _base_unit(indicator),
        "display_unit": indicator.unit,
        "years": series,
    }


def yearly(user: User, region: Region | str, indicator_code: str) -> dict:
    """December (full-year) values by year, for charts: {"region", "indicator", "name",
    "unit", "display_unit", "years": [{"year", "value", "display_value", "display", "yoy",
    "yoy_source"}]} for every year with data, oldest first."""
    region = resolve_region(region)
    _check_visible(user, region)
    indicator = _indicator(indicator_code)
    elements = _elements_of([indicator])
    stored_years = DataValue.objects.filter(
        region=region, element__in=elements, period__endswith="-12"
    ).values_list("period", flat=True)
    firm_years = []
    if any(e.aggregation for e in elements):
        firm_years = (
            _firm_rows_of(region)
            .filter(period__endswith="-12")
            .order_by()
            .values_list("period", flat=True)
            .distinct()
        )
    periods = sorted(set(stored_years) | set(firm_years))
    cells = _cells([region], periods, elements)
    out = []
    for period in periods:
        value = _series_values(indicator, cells, region.pk, period)
        yoy, source = None, None
        if indicator.kind == IndicatorKind.AMOUNT:
            cell = cells.get((region.pk, period, indicator.numerator.code))
            base = cell.previous if cell and cell.previous is not None else None
            last = engine.previous_year(period)
            if base is None:
                base = _series_values(indicator, cells, region.pk, last)
            yoy, source = engine.growth(value, base, cell.published_yoy if cell else None)
        out.append(
            {
                "year": engine.parse_period(period)[0],
                "value": num(value),
                "display_value": _scaled(value, indicator),
                "display": engine.display(value, indicator.unit, indicator.precision),
                "yoy": num(yoy),
                "yoy_source": source,
            }
        )
    return {
        "region": region.code,
        "region_name": region.name,
        "indicator": indicator.code,
        "name": indicator.name,
        "unit": "%" if indicator.kind == IndicatorKind.RATIO else _base_unit(indicator),
        "display_unit": indicator.unit,
        "years": out,
    }


def _firm_rows_of(region: Region, queryset=None) -> QuerySet:
    """EnterpriseMonth rows of the firms in a region (by the denormalized columns)."""
    queryset = EnterpriseMonth.objects.all() if queryset is None else queryset
    if region.level == RegionLevel.COUNTY:
        return queryset.filter(county=region)
    if region.level == RegionLevel.TOWNSHIP:
        return queryset.filter(township=region)
    return queryset.filter(county__code__startswith=region.prefix)


def bottom_up_vs_published(user: User, region: Region | str, period: str) -> dict:
    """Where the figures computed from firm data differ from the published ones: {"region",
    "period", "elements": [{"code", "name", "published", "bottom_up", "difference" (bottom-up −
    published), "difference_pct" (of published), "published_yoy", "comparable_yoy",
    "computed_yoy" (ratio of bottom-up totals)}]} for every element with an aggregation."""
    engine.parse_period(period)
    region = resolve_region(region)
    _check_visible(user, region)
    elements = list(DataElement.objects.exclude(aggregation=""))
    last_year = engine.previous_year(period)
    published = {
        (v.element_id, v.period): v
        for v in DataValue.objects.filter(
            region=region,
            period__in=[period, last_year],
            element__in=elements,
            source=ValueSource.STATS_BUREAU,
        )
    }
    aggregations = {e.code: parse_aggregation(e.aggregation) for e in elements}
    computed = bottom_up_many([region], [period, last_year], aggregations)
    now = computed[period].get(region.pk, {})
    before = computed[last_year].get(region.pk, {})
    comparable = comparable_growth([region], period, aggregations=aggregations).get(region.pk, {})
    out = []
    for element in elements:
        stat = published.get((element.pk, period))
        official = stat.value if stat else None
        mine = now.get(element.code)
        difference = mine - official if mine is not None and official is not None else None
        out.append(
            {
                "code": element.code,
                "name": element.name,
                "published": num(official),
                "bottom_up": num(mine),
                "difference": num(difference),
                "difference_pct": num(engine.ratio(difference, official)),
                "published_yoy": num(stat.published_yoy) if stat else None,
                "comparable_yoy": num(comparable.get(element.code)),
                "computed_yoy": num(engine.computed_growth(mine, before.get(element.code))),
            }
        )
    return {"region": region.code, "region_name": region.name, "period": period, "elements": out}


def contributors(
    user: User, region: Region | str, period: str, element_code: str, limit: int = 50
) -> dict:
    """The firms behind a bottom-up figure, largest contributors to growth first: {"region",
    "period", "element", "name", "total", "rows": [{"credit_code", "enterprise", "township",
    "value", "previous", "change", "share" (of the total, %), "growth" (%)}]}. Firm rows are
    scoped to what the user may see; one query with a correlated lookup of last year's row."""
    from django.db.models import DecimalField, F, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    engine.parse_period(period)
    region = resolve_region(region)
    _check_visible(user, region)
    element = DataElement.objects.filter(code=element_code).first()
    if element is None or not element.aggregation:
        raise engine.IndicatorError(f"数据项 {element_code} 不能由企业数据汇总")
    agg = parse_aggregation(element.aggregation)
    if agg.op == FIGURE:
        name = figure_registry.get(agg.field).name
        raise engine.IndicatorError(f"数据项 {element_code} 不由企业数据汇总，见“{name}”的明细")
    queryset = _firm_rows_of(region, EnterpriseMonth.objects.visible_to(user)).filter(period=period)
    if agg.flags:
        queryset = queryset.filter(**{flag: True for flag in agg.flags})
    money = DecimalField(max_digits=18, decimal_places=2)
    if agg.op == "sum":
        last = EnterpriseMonth.objects.filter(
            enterprise_id=OuterRef("enterprise_id"), period=engine.previous_year(period)
        ).values(agg.field)[:1]
        queryset = queryset.annotate(amount=F(agg.field), before=Subquery(last, output_field=money))
    else:
        queryset = queryset.annotate(
            amount=Value(Decimal(1), output_field=money), before=Value(None, output_field=money)
        )
    queryset = queryset.annotate(
        change=F("amount") - Coalesce(F("before"), Value(Decimal(0), output_field=money))
    ).order_by("-change", "enterprise__name")
    total = queryset.aggregate(total=Sum("amount"))["total"] if agg.op == "sum" else None
    rows = []
    for item in queryset.select_related("enterprise", "township")[:limit]:
        rows.append(
            {
                "credit_code": item.enterprise.credit_code,
                "enterprise": item.enterprise.name,
                "enterprise_id": item.enterprise_id,
                "township": item.township.name,
                "value": num(item.amount),
                "previous": num(item.before),
                "change": num(item.change),
                "share": num(engine.ratio(item.amount, total)),
                "growth": num(engine.computed_growth(item.amount, item.before)),
            }
        )
    return {
        "region": region.code,
        "region_name": region.name,
        "period": period,
        "element": element.code,
        "name": element.name,
        "total": num(total),
        "rows": rows,
    }
