"""The bottom-up totals (RegionPeriodTotal): kept in step with EnterpriseMonth, rebuilt, and
checked against a fresh computation.

Every path that changes firm months (services.write_month, the month and firm deletes, the
import through its begin/end hooks) records what it touched in a TotalsBatch and flushes it
in its own transaction. A flush refreshes, for each period touched and next year's same
period (whose comparable pair reads this period's rows), the counties and townships
concerned: one grouped INSERT … SELECT … ON CONFLICT DO UPDATE per level and period, then a
DELETE of the rows whose region has no firm left in that period.

Concurrent writers never collide: on PostgreSQL a flush first takes transaction-level
advisory locks on its firms (so a writer of last year's row and a writer of this year's row
of one firm see each other's rows), then per period a shared lock on the period and an
exclusive one on each (county, period); a rebuild takes the period exclusively. Each
statement that computes runs after the locks, so under READ COMMITTED it sees every row a
previous holder committed. Locks are taken in one order (firms, then periods ascending, the
period before its counties), so flushes do not deadlock each other. SQLite serializes
writers already (IMMEDIATE transactions) and runs the same statements without the locks.

`totals_differences` recomputes the totals in Python from the firm rows (not with the
maintenance SQL) and lists every difference; `kechuang totals --check` prints them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q

from kechuang.core.choices import RegionLevel
from kechuang.core.models import Region
from kechuang.indicators import engine
from kechuang.indicators.models import DataElement, EnterpriseMonth, RegionPeriodTotal

# Advisory lock spaces (first key of pg_advisory_xact_lock(int, int)); county locks use the
# county id, which is positive, so the spaces never meet.
PERIOD_LOCKS = -1
FIRM_LOCKS = -2
CENT = Decimal("0.01")
TOTAL_FIELDS = ("aggregation", "value", "comparable_current", "comparable_previous")


def _default_models():
    return EnterpriseMonth, RegionPeriodTotal, DataElement


def _parse(text: str):
    from kechuang.indicators.selectors import parse_aggregation

    return parse_aggregation(text)


def _elements(element) -> list[tuple[int, str]]:
    """(pk, aggregation) of the elements summed from firm months ('figure:…' elements are
    read from the figures registry instead)."""
    return list(
        element.objects.exclude(aggregation="")
        .exclude(aggregation__startswith="figure:")
        .order_by("pk")
        .values_list("pk", "aggregation")
    )


def _ids_sql(ids) -> str:
    return ", ".join(str(int(pk)) for pk in sorted(ids))


def _period_key(period: str) -> int:
    year, month = engine.parse_period(period)
    return year * 100 + month


def _next_year(period: str) -> str:
    year, month = engine.parse_period(period)
    return engine.make_period(year + 1, month)


# --- locks -----------------------------------------------------------------------------------


def _advisory_locks(pairs: Iterable[tuple[int, int]], *, shared: bool = False) -> None:
    """Transaction-level advisory locks on (space, key) pairs, in sorted order, held until
    the transaction ends. PostgreSQL only: SQLite has one writer at a time already."""
    pairs = sorted(set(pairs))
    if connection.vendor != "postgresql" or not pairs:
        return
    if not connection.in_atomic_block:
        raise RuntimeError("totals need a transaction to lock in")
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {function}(a, b) FROM unnest(%s::integer[], %s::integer[]) AS t(a, b)",
            [[a for a, _ in pairs], [b for _, b in pairs]],
        )


def _lock_period(period: str, counties: set[int] | None) -> None:
    """A writer's locks (shared period, exclusive counties) or, with None, a rebuild's."""
    key = _period_key(period)
    if counties is None:
        _advisory_locks([(PERIOD_LOCKS, key)])
        return
    _advisory_locks([(PERIOD_LOCKS, key)], shared=True)
    _advisory_locks((county, key) for county in counties)


# --- refresh ---------------------------------------------------------------------------------


def _upsert_statement(models, column: str, elements: list, ids) -> str:
    """INSERT … SELECT … ON CONFLICT of one level's totals ('county' or 'township' of
    EnterpriseMonth) for one period (params: last year's period, the period), over the
    regions `ids` (all when None): one grouped pass with a left self-join on last year's row
    of the same firm, turned into one row per element by a cross join with the elements."""
    month, total, element = models
    q = connection.ops.quote_name
    col = {f.name: q(f.column) for f in month._meta.concrete_fields}
    tcol = {f.name: q(f.column) for f in total._meta.concrete_fields}
    selects, values, current, previous = ["COUNT(p.id) AS n"], [], [], []
    for i, (pk, text) in enumerate(elements):
        agg = _parse(text)
        condition = " AND ".join(f"c.{col[flag]}" for flag in agg.flags)
        if agg.op == "count":
            selects.append(
                f"COUNT(CASE WHEN {condition} THEN c.id END) AS v{i}"
                if condition
                else f"COUNT(c.id) AS v{i}"
            )
        else:
            both = "p.id IS NOT NULL" + (f" AND {condition}" if condition else "")
            selects.append(
                f"SUM(CASE WHEN {condition} THEN c.{col[agg.field]} ELSE 0 END) AS v{i}"
                if condition
                else f"SUM(c.{col[agg.field]}) AS v{i}"
            )
            selects.append(f"SUM(CASE WHEN {both} THEN c.{col[agg.field]} ELSE 0 END) AS c{i}")
            selects.append(f"SUM(CASE WHEN {both} THEN p.{col[agg.field]} ELSE 0 END) AS p{i}")
            current.append(f"WHEN {int(pk)} THEN g.c{i}")
            previous.append(f"WHEN {int(pk)} THEN g.p{i}")
        values.append(f"WHEN {int(pk)} THEN g.v{i}")

    def pair(cases):
        if not cases:
            return "NULL"
        return f"CASE WHEN g.n > 0 THEN CASE e.id {' '.join(cases)} END END"

    where = f" AND c.{col[column]} IN ({_ids_sql(ids)})" if ids is not None else ""
    table = q(month._meta.db_table)
    key = ", ".join(tcol[name] for name in ("region", "period", "element"))
    targets = ", ".join([key, *(tcol[name] for name in TOTAL_FIELDS)])
    updates = ", ".join(f"{tcol[name]} = excluded.{tcol[name]}" for name in TOTAL_FIELDS)
    # Rows whose figures did not change are left alone (no new row version to write).
    differ = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    changed = " OR ".join(
        f"{q(total._meta.db_table)}.{tcol[name]} {differ} excluded.{tcol[name]}"
        for name in TOTAL_FIELDS
    )
    # The SELECT ends in a WHERE, so SQLite reads ON CONFLICT as the upsert, not a join's ON.
    return (
        f"INSERT INTO {q(total._meta.db_table)} ({targets}) "
        f"SELECT g.rid, g.period, e.id, e.aggregation, CASE e.id {' '.join(values)} END, "
        f"{pair(current)}, {pair(previous)} FROM ("
        f"SELECT c.{col[column]} AS rid, c.{col['period']} AS period, {', '.join(selects)} "
        f"FROM {table} c LEFT JOIN {table} p ON p.{col['enterprise']} = c.{col['enterprise']} "
        f"AND p.{col['period']} = %s WHERE c.{col['period']} = %s{where} "
        f"GROUP BY c.{col[column]}, c.{col['period']}) g "
        f"CROSS JOIN {q(element._meta.db_table)} e "
        f"WHERE e.id IN ({_ids_sql(pk for pk, _ in elements)}) "
        f"ON CONFLICT ({key}) DO UPDATE SET {updates} WHERE {changed}"
    )


def _delete_stale(models, period: str, counties, townships, element_ids: list[int]) -> None:
    """Deletes the period's rows, within the scope, of regions no firm row is in any more
    and of elements no longer summed from firms."""
    month, total, _ = models
    rows = total.objects.filter(period=period)
    stale = ~Q(element_id__in=element_ids)
    if counties is None:
        in_use = month.objects.filter(period=period)
        stale |= ~Q(region_id__in=in_use.values("county_id")) & ~Q(
            region_id__in=in_use.values("township_id")
        )
    else:
        # Each level's ids against that level's index of EnterpriseMonth.
        rows = rows.filter(region_id__in=counties | townships)
        for column, ids in (("county_id", counties), ("township_id", townships)):
            if ids:
                in_use = month.objects.filter(period=period, **{f"{column}__in": ids})
                stale |= Q(region_id__in=ids) & ~Q(region_id__in=in_use.values(column))
    rows.filter(stale).delete()


def _refresh(
    periods: dict[str, tuple[set | None, set | None]], models=None, *, rebuild: bool = False
) -> None:
    """Recomputes the totals of {period: (county ids, township ids)} (None: every region of
    that level), period by period in ascending order, each under its lock (a writer's
    county locks, or with `rebuild` the period's exclusive lock)."""
    models = models or _default_models()
    elements = _elements(models[2])
    element_ids = [pk for pk, _ in elements]
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        for period, (counties, townships) in sorted(periods.items()):
            if counties is not None and not counties | townships:
                continue
            _lock_period(period, None if rebuild or counties is None else counties)
            last_year = engine.previous_year(period)
            for column, ids in (("county", counties), ("township", townships)):
                if elements and (ids is None or ids):
                    sql = _upsert_statement(models, column, elements, ids)
                    cursor.execute(sql, [last_year, period])
            _delete_stale(models, period, counties, townships, element_ids)


class TotalsBatch:
    """The EnterpriseMonth writes of one transaction whose totals are still to refresh:
    add() each written or deleted row (its period, firm and the county and township ids it
    had and has), then flush() once — set-based, whatever the number of rows."""

    def __init__(self):
        self.counties: dict[str, set[int]] = {}
        self.townships: dict[str, set[int]] = {}
        self.firms: dict[str, set[int]] = {}

    def add(self, period: str, enterprise_id: int, counties, townships) -> None:
        self.counties.setdefault(period, set()).update(r for r in counties if r is not None)
        self.townships.setdefault(period, set()).update(r for r in townships if r is not None)
        self.firms.setdefault(period, set()).add(enterprise_id)

    def add_month(self, month: EnterpriseMonth) -> None:
        """A row about to be deleted (or written where it stood)."""
        self.add(month.period, month.enterprise_id, [month.county_id], [month.township_id])

    def flush(self) -> None:
        if not self.firms:
            return
        with transaction.atomic(savepoint=False):
            firms = set().union(*self.firms.values())
            _advisory_locks((FIRM_LOCKS, pk) for pk in firms)
            keys = {
                period: (set(self.counties.get(period, ())), set(self.townships.get(period, ())))
                for period in self.firms
            }
            # Next year's same period: its comparable pair reads this period's rows, grouped
            # by where those firms are next year (read after the firm locks: see the module).
            condition = Q()
            for period, ids in self.firms.items():
                condition |= Q(period=_next_year(period), enterprise_id__in=ids)
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


# --- rebuild and check -----------------------------------------------------------------------


def region_scope(regions) -> tuple[set[int] | None, set[int] | None]:
    """(county ids, township ids) of Regions or codes: a county brings its townships, a city
    or province its counties and their townships; (None, None) for all. Region.DoesNotExist
    for an unknown code."""
    if regions is None:
        return None, None
    counties, townships = set(), set()
    for item in regions:
        region = item if isinstance(item, Region) else Region.objects.get(code=str(item))
        if region.level == RegionLevel.TOWNSHIP:
            townships.add(region.pk)
        elif region.level == RegionLevel.COUNTY:
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
    return counties, townships


def _all_periods(models) -> set[str]:
    month, total, _ = models
    periods = set(month.objects.order_by().values_list("period", flat=True).distinct())
    return periods | set(total.objects.order_by().values_list("period", flat=True).distinct())


@transaction.atomic
def totals_refresh(periods: Iterable[str] | None = None, regions=None, *, models=None) -> int:
    """Rebuilds the bottom-up totals from EnterpriseMonth — after a bulk load, or after an
    element's aggregation changed — for the given periods (default: every period with firm
    rows or totals) and regions (Regions or codes, see region_scope; default: all).
    Idempotent. Returns the number of periods refreshed. `models` (EnterpriseMonth,
    RegionPeriodTotal, DataElement) lets a migration pass its historical models."""
    models = models or _default_models()
    periods = sorted(set(periods) if periods is not None else _all_periods(models))
    counties, townships = region_scope(regions)
    _refresh({period: (counties, townships) for period in periods}, models, rebuild=True)
    return len(periods)


@dataclass(frozen=True)
class TotalDifference:
    """One stored figure that differs from the fresh computation (None: no row)."""

    region: str
    region_name: str
    period: str
    element: str
    element_name: str
    field: str
    stored: Decimal | str | None
    computed: Decimal | str | None


FIELD_LABELS = {
    "aggregation": "汇总方式",
    "value": "汇总值",
    "comparable_current": "可比口径本期",
    "comparable_previous": "可比口径上年同期",
}


def computed_totals(periods: Iterable[str], counties=None, townships=None) -> dict:
    """{(region id, period, element id): {field: value}}: what the totals should hold,
    computed afresh from the firm rows by the selectors' live reference (grouped ORM sums per
    level, and an inner self-join per period for the comparable pair) — not by the
    maintenance statements. Regions limited to the given ids (None: all)."""
    from kechuang.indicators import selectors

    periods = sorted(periods)
    elements = {pk: (text, _parse(text)) for pk, text in _elements(DataElement)}
    codes = dict(DataElement.objects.filter(pk__in=list(elements)).values_list("pk", "code"))
    aggregations = {codes[pk]: agg for pk, (_, agg) in elements.items()}
    if counties is None:
        rows = EnterpriseMonth.objects.filter(period__in=periods).order_by()
        ids = set(rows.values_list("county_id", flat=True).distinct())
        ids |= set(rows.values_list("township_id", flat=True).distinct())
    else:
        ids = counties | townships
    regions = list(Region.objects.filter(pk__in=ids))
    result: dict[tuple[int, str, int], dict] = {}
    if not regions or not elements:
        return result
    values = selectors.live_bottom_up_many(regions, periods, aggregations)
    for period in periods:
        pairs = selectors.live_comparable_sums(regions, period, aggregations)
        for region_id, figures in values[period].items():
            for pk, (text, agg) in elements.items():
                pair = pairs.get(region_id, {}).get(codes[pk]) if agg.op == "sum" else None
                result[(region_id, period, pk)] = {
                    "aggregation": text,
                    "value": figures[codes[pk]].quantize(CENT),
                    "comparable_current": None if pair is None else pair[0].quantize(CENT),
                    "comparable_previous": None if pair is None else pair[1].quantize(CENT),
                }
    return result


def totals_differences(periods: Iterable[str] | None = None, regions=None) -> list:
    """Every difference between the stored totals and computed_totals, for the given periods
    (default: every period with firm rows or totals) and regions (see region_scope; default:
    all), ordered by region code, period, element and field. Read in one snapshot on
    PostgreSQL (REPEATABLE READ), so concurrent writers cannot show as differences."""
    with transaction.atomic():
        if connection.vendor == "postgresql" and _outermost():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        models = _default_models()
        periods = sorted(set(periods) if periods is not None else _all_periods(models))
        counties, townships = region_scope(regions)
        computed = computed_totals(periods, counties, townships)
        stored_rows = RegionPeriodTotal.objects.filter(period__in=periods)
        if counties is not None:
            stored_rows = stored_rows.filter(region_id__in=counties | townships)
        stored = {
            (region_id, period, element_id): dict(zip(TOTAL_FIELDS, values, strict=True))
            for region_id, period, element_id, *values in stored_rows.values_list(
                "region_id", "period", "element_id", *TOTAL_FIELDS
            ).iterator()
        }
        found = []
        for key in computed.keys() | stored.keys():
            mine, theirs = stored.get(key), computed.get(key)
            if mine is None or theirs is None:  # a missing or a surplus row: its value
                was = None if mine is None else mine["value"]
                found.append((key, "value", was, None if theirs is None else theirs["value"]))
                continue
            found.extend(
                (key, field, mine[field], theirs[field])
                for field in TOTAL_FIELDS
                if mine[field] != theirs[field]
            )
        return _described(found)


def _outermost() -> bool:
    """Whether the current atomic block began the transaction (no query has run in it)."""
    return len(connection.savepoint_ids) == 0 and connection.in_atomic_block


def _described(found: list) -> list[TotalDifference]:
    region_ids = {key[0] for key, *_ in found}
    element_ids = {key[2] for key, *_ in found}
    regions = {r.pk: r for r in Region.objects.filter(pk__in=region_ids)}
    elements = {e.pk: e for e in DataElement.objects.filter(pk__in=element_ids)}
    differences = [
        TotalDifference(
            region=regions[region_id].code,
            region_name=regions[region_id].name,
            period=period,
            element=elements[element_id].code,
            element_name=elements[element_id].name,
            field=field,
            stored=was,
            computed=should,
        )
        for (region_id, period, element_id), field, was, should in found
    ]
    order = list(TOTAL_FIELDS)
    differences.sort(key=lambda d: (d.region, d.period, d.element, order.index(d.field)))
    return differences
