"""Writes of the indicators: one function per action, one transaction each.

Every write is checked three ways before it is stored: permission (bureau staff and leaders of
the region; never liaisons, viewers, firm or institute users), the model's own validation
(full_clean), and the rules of data/rules.toml against the stored neighbours (the previous
and next month's cumulative value, the whole a part belongs to). Every write is audited.

Every write or delete of EnterpriseMonth refreshes, in its transaction, the bottom-up totals
(RegionPeriodTotal, derived, not audited) through a totals.TotalsBatch; see totals.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from kechuang.core import concurrency
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
    Target,
)
from kechuang.indicators.totals import TotalsBatch, totals_refresh  # noqa: F401 (callers)

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
    the rules across the whole file already, and the `totals` batch its begin hook started
    and its end hook flushes (without one, the totals are refreshed here)."""
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


@transaction.atomic
def enterprise_month_delete(*, actor: User, month: EnterpriseMonth) -> None:
    """Deletes a firm's figures of one period (bureau staff and leaders of the township the
    row was filed under), audited, and refreshes the totals it was part of."""
    record = concurrency.locked(EnterpriseMonth.objects.select_related("township"), month.pk)
    if record is None:
        raise ValidationError("该月度数据不存在或已被删除")
    _require(actor, record.township, "规上企业月度数据")
    batch = TotalsBatch()
    batch.add_month(record)
    record._history_user = actor
    record.delete()
    batch.flush()


def enterprise_months_delete(*, actor: User, enterprise: Enterprise) -> int:
    """Deletes every month of a firm, audited, and refreshes their totals — in the caller's
    transaction: enterprises.services.enterprise_delete calls it before deleting the firm.
    The actor must be allowed to write each township the rows were filed under. Returns the
    number of rows deleted."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("enterprise_months_delete runs in the caller's transaction")
    months = list(
        EnterpriseMonth.objects.select_for_update(of=("self",))
        .filter(enterprise_id=enterprise.pk)
        .select_related("township")
        .order_by("period")
    )
    for township in {m.township_id: m.township for m in months}.values():
        _require(actor, township, "规上企业月度数据")
    batch = TotalsBatch()
    for month in months:
        batch.add_month(month)
        month._history_user = actor
        month.delete()
    batch.flush()
    return len(months)
