"""Writes of the indicators: one function per action, one transaction each.

Every write is checked three ways before it is stored: permission (bureau staff and leaders of
the region; never liaisons, viewers, firm or institute users), the model's own validation
(full_clean), and the rules of data/rules.toml against the stored neighbours (the previous
and next month's cumulative value, the whole a part belongs to). Every write is audited.

The bottom-up totals (RegionPeriodTotal, derived, not audited) are kept here too: every write
of EnterpriseMonth refreshes, in its transaction, the county and township totals of the
periods it touches and of next year's same period (whose comparable pair reads this period's
rows), with one grouped INSERT … SELECT per level and period; `totals_refresh` rebuilds them
after a bulk load.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q

from kechuang.core import concurrency
from kechuang.core.choices import RegionLevel
from kechuang.core.models import Region, User
from kechuang.core.scoping import can_write_region, is_bureau
from kechuang.enterprises.models import Enterprise
from kechuang.indicators import engine
from kechuang.indicators.choices import IndicatorKind, ValueSource
from kechuang.indicators.models import (
    DataElement,
    DataValue,
    EnterpriseMonth,
    Indicator,
    RegionPeriodTotal,
    Target,
)

# EnterpriseMonth figures, and the data element each one feeds (for the rules).
FIRM_FIGURES = ("revenue", "tech_dev_expense", "value_added", "rnd_active", "hitech")
FIRM_ELEMENTS = {
    "revenue": "main_revenue",
    "tech_dev_expense": "tech_dev_expense",
    "value_added": "industrial_value_added",
}


def may_write(actor: User, region: Region) -> bool:
    """Bureau staff and leaders of a region containing `region` (and superusers)."""
    return actor is not None and is_bureau(actor) and can_write_region(actor, region)


def _require(actor: User, region: Region, what: str) -> None:
    if not may_write(actor, region):
        raise PermissionDenied(f"无权填报{region.name}的{what}")


def rule_elements() -> dict[str, engine.Element]:
    return {
        e.code: engine.Element(e.code, e.name, e.measure, e.cumulative)
        for e in DataElement.objects.all()
    }


@dataclass(frozen=True)
class ValueRow:
    """One value of a batch write (the import's rows, or a single save)."""

    element: DataElement
    region: Region
    period: str
    value: Decimal
    source: str
    previous: Decimal | None = None
    published_yoy: Decimal | None = None

    def fact(self) -> engine.Fact:
        return engine.Fact(
            self.element.code, self.region.code, self.period, self.value, self.region.name
        )


def stored_neighbours(
    rows: Iterable[ValueRow],
) -> dict[tuple[str, str, str], Decimal]:
    """The stored values the rules compare a batch with: for each source, region and year of
    the batch, every element of that region in the batch's periods and the adjacent months
    (one query)."""
    rows = list(rows)
    if not rows:
        return {}
    condition = Q()
    for source in {r.source for r in rows}:
        periods = set()
        for row in rows:
            if row.source != source:
                continue
            periods.add(row.period)
            periods.update(p for p in (engine.previous_month(row.period),) if p)
            periods.update(p for p in (engine.next_month(row.period),) if p)
        regions = {r.region.pk for r in rows if r.source == source}
        condition |= Q(source=source, region_id__in=regions, period__in=periods)
    found = DataValue.objects.filter(condition).values_list(
        "element__code", "region__code", "period", "value", "source"
    )
    return {(element, region, period): value for element, region, period, value, _ in found}


def check_value_rows(rows: list[ValueRow]) -> list[engine.Violation]:
    """The rules of data/rules.toml across the batch and its stored neighbours (of the same
    source: a published part is compared with the published whole)."""
    violations = []
    for source in {r.source for r in rows}:
        batch = [r for r in rows if r.source == source]
        violations += engine.check_rules(
            [r.fact() for r in batch], rule_elements(), stored_neighbours(batch)
        )
    return violations


def write_value(*, actor: User, row: ValueRow) -> DataValue:
    """Stores one value that has passed the rules (the import checks the whole file first);
    permission and full_clean are checked here. Not for direct use: see data_value_save."""
    _require(actor, row.region, "指标数据")
    key = {"element": row.element, "region": row.region, "period": row.period}

    def write(record):
        # A concurrent writer may insert the same key: concurrency.upsert then updates it.
        record = record or DataValue(source=row.source, **key)
        record.value = row.value
        record.previous = row.previous
        record.published_yoy = row.published_yoy
        record.full_clean()
        concurrency.save_changed(record, actor=actor)
        return record

    return concurrency.upsert(
        lambda: DataValue.objects.filter(source=row.source, **key).first(), write
    )


@transaction.atomic
def data_value_save(
    *,
    actor: User,
    element: DataElement,
    region: Region,
    period: str,
    value: Decimal,
    source: str = ValueSource.MANUAL,
    previous: Decimal | None = None,
    published_yoy: Decimal | None = None,
) -> DataValue:
    """Creates or updates an element's value for a region and period from one source (value in
    the element's base unit). ValidationError with Chinese messages if a rule is broken."""
    _require(actor, region, "指标数据")
    row = ValueRow(
        element=element,
        region=region,
        period=period,
        value=Decimal(value),
        source=source,
        previous=None if previous is None else Decimal(previous),
        published_yoy=None if published_yoy is None else Decimal(published_yoy),
    )
    if _valid_period(period):
        violations = check_value_rows([row])
        if violations:
            raise ValidationError([v.message for v in violations])
    return write_value(actor=actor, row=row)


def _valid_period(period: str) -> bool:
    """Whether the rules can read the period; a bad one is reported by full_clean instead."""
    try:
        engine.parse_period(period)
    except engine.IndicatorError:
        return False
    return True


@transaction.atomic
def target_save(
    *,
    actor: User,
    indicator: Indicator,
    region: Region,
    year: int,
    value: Decimal,
    document: str = "",
) -> Target:
    """Creates or updates an indicator's annual target for a region (value in the base unit:
    yuan for amounts, percent for ratios)."""
    _require(actor, region, "指标目标")
    value = Decimal(value)
    errors = []
    if value < 0:
        errors.append(f"{indicator.name}的目标不能为负数")
    if indicator.kind == IndicatorKind.RATIO and value > 100:
        errors.append(f"{indicator.name}是百分比，目标不能超过100%")
    if errors:
        raise ValidationError(errors)
    key = {"indicator": indicator, "region": region, "year": year}

    def write(record):
        record = record or Target(**key)
        record.value = value
        record.document = document
        record.full_clean()
        concurrency.save_changed(record, actor=actor)
        return record

    return concurrency.upsert(lambda: Target.objects.filter(**key).first(), write)


def firm_facts(code: str, name: str, period: str, figures: dict) -> list[engine.Fact]:
    return [
        engine.Fact(element, code, period, Decimal(figures[field]), name)
        for field, element in FIRM_ELEMENTS.items()
        if figures.get(field) is not None
    ]


def firm_neighbours(
    enterprise_ids: Iterable[int], periods: Iterable[str]
) -> dict[tuple[str, str, str], Decimal]:
    """Stored firm figures around the given periods, keyed like the rules' facts with the firm's
    credit code as the 'region' (one query)."""
    wanted = set()
    for period in periods:
        wanted.add(period)
        wanted.update(p for p in (engine.previous_month(period), engine.next_month(period)) if p)
    rows = EnterpriseMonth.objects.filter(
        enterprise_id__in=list(enterprise_ids), period__in=wanted
    ).values_list("enterprise__credit_code", "period", *FIRM_ELEMENTS)
    stored = {}
    for code, period, *values in rows:
        for element, value in zip(FIRM_ELEMENTS.values(), values, strict=True):
            stored[(element, code, period)] = value
    return stored


@transaction.atomic
def enterprise_month_save(
    *, actor: User, enterprise: Enterprise, period: str, **figures
) -> EnterpriseMonth:
    """Creates or updates a firm's cumulative figures for a period (January through the month).
    Township, county and the manufacturing flag are taken from the firm as it is now and kept
    with the row, so a later move never rewrites history. Figures not given keep their stored
    values (0 / 否 for a new row). ValidationError with Chinese messages if a rule is broken."""
    return write_month(actor=actor, enterprise=enterprise, period=period, figures=figures)


def write_month(
    *,
    actor: User,
    enterprise: Enterprise,
    period: str,
    figures: dict,
    check_rules: bool = True,
    totals: TotalsBatch | None = None,
) -> EnterpriseMonth:
    """enterprise_month_save's body; the import passes check_rules=False because it has run
    the rules across the whole file already, and a `totals` batch it flushes once after its
    last row (without one, the totals are refreshed here)."""
    township = enterprise.township
    _require(actor, township, "规上企业月度数据")
    unknown = set(figures) - set(FIRM_FIGURES)
    if unknown:
        raise TypeError(f"unknown figures {sorted(unknown)}")
    record = concurrency.upsert(
        lambda: EnterpriseMonth.objects.filter(enterprise=enterprise, period=period).first(),
        lambda found: _month_row(actor, found, enterprise, period, figures, check_rules),
    )
    batch = totals if totals is not None else TotalsBatch()
    was = getattr(record, "_was", ())
    batch.add(period, enterprise.pk, (*was[:1], record.county_id), (*was[1:], record.township_id))
    if totals is None:
        batch.flush()
    return record


def _month_row(actor, record, enterprise, period, figures, check_rules) -> EnterpriseMonth:
    township = enterprise.township
    if record is None:
        record = EnterpriseMonth(enterprise=enterprise, period=period)
    was = (record.county_id, record.township_id) if record.pk else ()
    for name, value in figures.items():
        setattr(record, name, value)
    record.township = township
    record.county_id = township.parent_id
    record.manufacturing = enterprise.manufacturing
    record.full_clean()
    if check_rules:
        facts = firm_facts(
            enterprise.credit_code,
            enterprise.name,
            period,
            {name: getattr(record, name) for name in FIRM_ELEMENTS},
        )
        violations = engine.check_rules(
            facts, rule_elements(), firm_neighbours([enterprise.pk], [period])
        )
        if violations:
            raise ValidationError([v.message for v in violations])
    concurrency.save_changed(record, actor=actor)
    record._was = was
    return record


# --- bottom-up totals (derived from EnterpriseMonth) ----------------------------------------


def _aggregation_parts(text: str) -> tuple[str, str | None, tuple[str, ...]]:
    """(op, field, flags) of an element's aggregation text (see selectors.parse_aggregation)."""
    from kechuang.indicators.selectors import parse_aggregation

    agg = parse_aggregation(text)
    return agg.op, agg.field, agg.flags


def _ids_sql(ids) -> str:
    return ", ".join(str(int(pk)) for pk in sorted(ids))


def _refresh_statement(models, column: str, elements: list, ids) -> str:
    """INSERT … SELECT of one level's totals ('county_id' or 'township_id' of EnterpriseMonth)
    for one period (params: last year's period, the period), over the regions `ids` (all when
    None): one grouped pass with a left self-join on last year's row of the same firm, turned
    into one row per element by a cross join with the elements."""
    month, total, element = models
    q = connection.ops.quote_name
    col = {f.name: q(f.column) for f in month._meta.concrete_fields}
    tcol = {f.name: q(f.column) for f in total._meta.concrete_fields}
    selects, values, current, previous = ["COUNT(p.id) AS n"], [], [], []
    for i, (pk, text) in enumerate(elements):
        op, field, flags = _aggregation_parts(text)
        condition = " AND ".join(f"c.{col[flag]}" for flag in flags)
        if op == "count":
            selects.append(
                f"COUNT(CASE WHEN {condition} THEN c.id END) AS v{i}"
                if condition
                else f"COUNT(c.id) AS v{i}"
            )
        else:
            both = "p.id IS NOT NULL" + (f" AND {condition}" if condition else "")
            selects.append(
                f"SUM(CASE WHEN {condition} THEN c.{col[field]} ELSE 0 END) AS v{i}"
                if condition
                else f"SUM(c.{col[field]}) AS v{i}"
            )
            selects.append(f"SUM(CASE WHEN {both} THEN c.{col[field]} ELSE 0 END) AS c{i}")
            selects.append(f"SUM(CASE WHEN {both} THEN p.{col[field]} ELSE 0 END) AS p{i}")
            current.append(f"WHEN {int(pk)} THEN g.c{i}")
            previous.append(f"WHEN {int(pk)} THEN g.p{i}")
        values.append(f"WHEN {int(pk)} THEN g.v{i}")

    def pair(cases):
        if not cases:
            return "NULL"
        return f"CASE WHEN g.n > 0 THEN CASE e.id {' '.join(cases)} END END"

    where = f" AND c.{col[column]} IN ({_ids_sql(ids)})" if ids is not None else ""
    table = q(month._meta.db_table)
    targets = ", ".join(
        tcol[name]
        for name in (
            "region",
            "period",
            "element",
            "aggregation",
            "value",
            "comparable_current",
            "comparable_previous",
        )
    )
    return (
        f"INSERT INTO {q(total._meta.db_table)} ({targets}) "
        f"SELECT g.rid, g.period, e.id, e.aggregation, CASE e.id {' '.join(values)} END, "
        f"{pair(current)}, {pair(previous)} FROM ("
        f"SELECT c.{col[column]} AS rid, c.{col['period']} AS period, {', '.join(selects)} "
        f"FROM {table} c LEFT JOIN {table} p ON p.{col['enterprise']} = c.{col['enterprise']} "
        f"AND p.{col['period']} = %s WHERE c.{col['period']} = %s{where} "
        f"GROUP BY c.{col[column]}, c.{col['period']}) g "
        f"CROSS JOIN {q(element._meta.db_table)} e "
        f"WHERE e.id IN ({_ids_sql(pk for pk, _ in elements)})"
    )


def _default_models():
    return EnterpriseMonth, RegionPeriodTotal, DataElement


def _refresh(periods: dict[str, tuple[set | None, set | None]], models=None) -> None:
    """Recomputes the totals of {period: (county ids, township ids)} (None: every region of
    that level): delete, then one INSERT … SELECT per level."""
    models = models or _default_models()
    month, total, element = models
    elements = [
        (pk, text)
        for pk, text in element.objects.exclude(aggregation="")
        # 'contracts:…' elements are summed from the transfer app's contracts, not firm months.
        .exclude(aggregation__startswith="contracts:")
        .values_list("pk", "aggregation")
    ]
    with connection.cursor() as cursor:
        for period, (counties, townships) in sorted(periods.items()):
            if counties is not None and townships is not None and not counties | townships:
                continue
            stale = total.objects.filter(period=period)
            if counties is not None and townships is not None:
                stale = stale.filter(region_id__in=counties | townships)
            stale.delete()
            if not elements:
                continue
            last_year = engine.previous_year(period)
            for column, ids in (("county", counties), ("township", townships)):
                if ids is not None and not ids:
                    continue
                sql = _refresh_statement(models, column, elements, ids)
                cursor.execute(sql, [last_year, period])


def _next_year(period: str) -> str:
    year, month = engine.parse_period(period)
    return engine.make_period(year + 1, month)


class TotalsBatch:
    """The EnterpriseMonth writes of one transaction whose totals are still to refresh:
    add() each written row (its period, firm and the county and township ids it had and has),
    then flush() once — set-based, whatever the number of rows."""

    def __init__(self):
        self.counties: dict[str, set[int]] = {}
        self.townships: dict[str, set[int]] = {}
        self.firms: dict[str, set[int]] = {}

    def add(self, period: str, enterprise_id: int, counties, townships) -> None:
        self.counties.setdefault(period, set()).update(r for r in counties if r is not None)
        self.townships.setdefault(period, set()).update(r for r in townships if r is not None)
        self.firms.setdefault(period, set()).add(enterprise_id)

    def flush(self) -> None:
        if not self.firms:
            return
        keys = {
            period: (set(self.counties.get(period, ())), set(self.townships.get(period, ())))
            for period in self.firms
        }
        # Next year's same period: its comparable pair reads this period's rows, grouped by
        # where those firms are next year.
        condition = Q()
        for period, firms in self.firms.items():
            condition |= Q(period=_next_year(period), enterprise_id__in=firms)
        later = EnterpriseMonth.objects.filter(condition).order_by()
        for period, county_id, township_id in later.values_list(
            "period", "county_id", "township_id"
        ).distinct():
            counties, townships = keys.setdefault(period, (set(), set()))
            counties.add(county_id)
            townships.add(township_id)
        _refresh(keys)
        self.counties.clear()
        self.townships.clear()
        self.firms.clear()


@transaction.atomic
def totals_refresh(periods: Iterable[str] | None = None, regions=None, *, models=None) -> int:
    """Rebuilds the bottom-up totals from EnterpriseMonth — after a bulk load, or after an
    element's aggregation changed — for the given periods (default: every period with firm
    rows or totals) and regions (Regions or codes; a county brings its townships, a city or
    province its counties and their townships; default: all). Idempotent. Returns the number
    of periods refreshed. `models` (EnterpriseMonth, RegionPeriodTotal, DataElement) lets a
    migration pass its historical models."""
    models = models or _default_models()
    month, total, _ = models
    if periods is None:
        periods = set(month.objects.order_by().values_list("period", flat=True).distinct())
        periods |= set(total.objects.order_by().values_list("period", flat=True).distinct())
    periods = sorted(set(periods))
    counties = townships = None
    if regions is not None:
        counties, townships = set(), set()
        codes = [r.code if isinstance(r, Region) else str(r) for r in regions]
        for code in codes:
            region = Region.objects.get(code=code)
            if region.level == RegionLevel.TOWNSHIP:
                townships.add(region.pk)
                continue
            if region.level == RegionLevel.COUNTY:
                counties.add(region.pk)
            else:
                counties |= set(
                    Region.objects.filter(
                        code__startswith=region.prefix, level=RegionLevel.COUNTY
                    ).values_list("pk", flat=True)
                )
        townships |= set(
            Region.objects.filter(parent_id__in=counties, level=RegionLevel.TOWNSHIP).values_list(
                "pk", flat=True
            )
        )
    _refresh({period: (counties, townships) for period in periods}, models)
    return len(periods)
