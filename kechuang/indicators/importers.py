"""Excel specs of the indicators: the statistics bureau's region table (`stats`) and its
enterprise-level monthly table (`enterprise_months`). Each serves the template, the UI import
with its dry run, `kechuang import KIND FILE` and the export.

The rules of data/rules.toml run across the whole file plus the stored values before anything
is written; a file with one bad row writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from kechuang.core.excel import Column, RowError, SheetSpec, region_lookup, register, yes_no
from kechuang.core.scoping import is_bureau
from kechuang.core.validators import normalize_credit_code
from kechuang.enterprises.models import Enterprise
from kechuang.indicators import engine
from kechuang.indicators.choices import ValueSource
from kechuang.indicators.forms import EnterpriseMonthImportForm, StatsRowForm
from kechuang.indicators.models import DataElement, DataValue, EnterpriseMonth
from kechuang.indicators.services import (
    FIRM_ELEMENTS,
    TotalsBatch,
    check_value_rows,
    firm_facts,
    firm_neighbours,
    may_write,
    rule_elements,
    write_month,
    write_value,
)

UNIT_NOTE = "、".join(engine.UNITS)


@dataclass
class PendingTotals:
    """The totals batch of one file being written: set by the sheet's begin(), filled by
    each save() (the row form carries this object), flushed by end()."""

    batch: TotalsBatch | None = None


def _plain(value):
    """A stored Decimal as the number an export writes (no trailing zeros)."""
    return None if value is None else value.normalize() + 0


def _violation_errors(violations, rows_by_fact, column: str) -> list[RowError]:
    errors = []
    for violation in violations:
        fact = violation.fact
        row = rows_by_fact.get((fact.element, fact.region, fact.period), 0)
        errors.append(RowError(row, column, violation.message))
    return errors


class StatsSheet(SheetSpec):
    kind = "stats"
    title = "统计数据"
    model = DataValue
    form_class = StatsRowForm
    key_field = "region_code"
    list_url = "core:home"
    columns = [
        Column(
            "区划代码",
            "region_code",
            lambda v: v.region.code,
            required=True,
            width=12,
            note="GB/T 2260 代码，如 331121（青田县）",
        ),
        Column(
            "期间",
            "period",
            lambda v: v.period,
            required=True,
            width=10,
            note="YYYY-MM，表示1月至该月累计，如 2023-04",
        ),
        Column(
            "指标项",
            "element_name",
            lambda v: v.element.name,
            required=True,
            width=34,
            note="数据项代码或名称，如 tech_dev_expense 或 规上工业企业技术开发费",
        ),
        Column(
            "本期值",
            "amount",
            lambda v: _plain(v.value),
            required=True,
            width=18,
            note="按【单位】列的单位填写",
        ),
        Column(
            "上年同期值",
            "previous_amount",
            lambda v: _plain(v.previous),
            width=18,
            note="按【单位】列的单位填写；选填",
        ),
        Column(
            "同比增长(%)",
            "published_yoy",
            lambda v: _plain(v.published_yoy),
            width=12,
            note="统计局公布的同比增长，如 40.01 表示增长40.01%；选填",
        ),
        Column(
            "单位",
            "unit",
            lambda v: engine.BASE_UNIT[v.element.measure],
            required=True,
            width=8,
            note=f"可填：{UNIT_NOTE}；导入时换算为元、家（个）、%",
        ),
    ]

    def queryset(self, user):
        return (
            DataValue.objects.visible_to(user)
            .filter(source=ValueSource.STATS_BUREAU)
            .select_related("region", "element")
            .order_by("region__code", "period", "element__code")
        )

    def form_kwargs(self, user):
        elements = {}
        for element in DataElement.objects.all():
            elements[element.code] = element
            elements[element.name] = element
        return {"regions": region_lookup(), "elements": elements}

    def row_key(self, data, context):
        """(region code, period, element code); None when a part is unreadable."""
        region = context["regions"].get(data.get("region_code", "").strip())
        element = context["elements"].get(data.get("element_name", "").strip())
        period = data.get("period", "").strip()
        if region is None or element is None or not period:
            return None
        return (region.code, period, element.code)

    def existing(self, keys, context) -> dict:
        if not keys:
            return {}
        found = DataValue.objects.filter(
            source=ValueSource.STATS_BUREAU,
            region__code__in={k[0] for k in keys},
            period__in={k[1] for k in keys},
            element__code__in={k[2] for k in keys},
        ).select_related("region", "element")
        return {(v.region.code, v.period, v.element.code): v for v in found}

    def form_data(self, data, instance, positions):
        # Columns left out keep the stored values (handled by the form, in base units).
        return dict(data)

    def duplicate_message(self, key, first_row: int) -> str:
        return f"{key[0]} {key[1]} {key[2]} 与第{first_row}行重复"

    def describe_key(self, key) -> str:
        return f"{key[0]} {key[1]} {key[2]}"

    def label(self, data):
        return (
            f"{data.get('region_code', '')} {data.get('period', '')} {data.get('element_name', '')}"
        )

    def can_import(self, user) -> bool:
        return is_bureau(user)

    def check_permission(self, form, user):
        if not may_write(user, form.region):
            return f"无权导入{form.region.name}的统计数据"
        return None

    def check_rows(self, rows, context):
        value_rows = [outcome.form.value_row() for outcome in rows]
        where = {
            (r.element.code, r.region.code, r.period): outcome.row
            for r, outcome in zip(value_rows, rows, strict=True)
        }
        return _violation_errors(check_value_rows(value_rows), where, "本期值")

    def save(self, form, user):
        return write_value(actor=user, row=form.value_row())


class EnterpriseMonthSheet(SheetSpec):
    kind = "enterprise_months"
    title = "规上企业月度数据"
    model = EnterpriseMonth
    form_class = EnterpriseMonthImportForm
    key_field = "credit_code"
    list_url = "core:home"
    columns = [
        Column(
            "统一社会信用代码",
            "credit_code",
            lambda m: m.enterprise.credit_code,
            required=True,
            width=24,
            note="须为已登记的企业",
        ),
        Column(
            "企业名称", "name", lambda m: m.enterprise.name, width=30, note="仅供查看，导入时不读取"
        ),
        Column(
            "期间", "period", lambda m: m.period, required=True, width=10, note="YYYY-MM，1月起累计"
        ),
        Column("营业收入(元)", "revenue", lambda m: _plain(m.revenue), width=18, note="1月起累计"),
        Column(
            "技术开发费(元)",
            "tech_dev_expense",
            lambda m: _plain(m.tech_dev_expense),
            width=18,
            note="不能超过营业收入",
        ),
        Column("工业增加值(元)", "value_added", lambda m: _plain(m.value_added), width=18),
        Column(
            "有研发活动(是/否)",
            "rnd_active",
            lambda m: yes_no(m.rnd_active),
            width=12,
            note="是/否",
        ),
        Column("高新技术产业(是/否)", "hitech", lambda m: yes_no(m.hitech), width=12, note="是/否"),
    ]

    def queryset(self, user):
        return (
            EnterpriseMonth.objects.visible_to(user)
            .select_related("enterprise")
            .order_by("enterprise__credit_code", "period")
        )

    def normalize_key(self, value: str) -> str:
        return normalize_credit_code(value)

    def row_key(self, data, context):
        code, period = data.get("credit_code", ""), data.get("period", "").strip()
        return (code, period) if code and period else None

    def existing(self, keys, context) -> dict:
        codes = {code for code, _ in keys if code in context["enterprises"]}
        found = EnterpriseMonth.objects.filter(
            enterprise__credit_code__in=codes, period__in={p for _, p in keys}
        ).select_related("enterprise")
        return {(m.enterprise.credit_code, m.period): m for m in found}

    def duplicate_message(self, key, first_row: int) -> str:
        return f"{key[1]}与第{first_row}行重复"

    def describe_key(self, key) -> str:
        return f"{key[0]} {key[1]}"

    def label(self, data):
        name = data.get("name") or normalize_credit_code(data.get("credit_code", ""))
        return f"{name} {data.get('period', '')}"

    def form_kwargs(self, user):
        # Firms the user cannot see read as unregistered, so imports reveal nothing.
        visible = Enterprise.objects.visible_to(user).select_related("township")
        return {"enterprises": {e.credit_code: e for e in visible}, "totals": PendingTotals()}

    def begin(self, user, context):
        # The file's writes share one batch of totals, refreshed once in end().
        context["totals"].batch = TotalsBatch()

    def end(self, user, context):
        pending = context["totals"]
        batch, pending.batch = pending.batch, None
        if batch is not None:
            batch.flush()

    def undone(self, user, records):
        # The months an undone import created or changed: their totals, refreshed once.
        batch = TotalsBatch()
        for row in records.get(EnterpriseMonth._meta.label, []):
            batch.add(row.period, row.enterprise_id, [row.county_id], [row.township_id])
        batch.flush()

    def check_permission(self, form, user):
        if not may_write(user, form.enterprise.township):
            return "无权导入该企业的月度数据"
        return None

    def check_rows(self, rows, context):
        facts, where = [], {}
        for outcome in rows:
            form = outcome.form
            data = form.cleaned_data
            for fact in firm_facts(
                form.enterprise.credit_code, form.enterprise.name, data["period"], data
            ):
                facts.append(fact)
                where[(fact.element, fact.region, fact.period)] = outcome.row
        stored = firm_neighbours(
            [o.form.enterprise.pk for o in rows], {o.form.cleaned_data["period"] for o in rows}
        )
        violations = engine.check_rules(facts, rule_elements(), stored)
        return _violation_errors(violations, where, "")

    def save(self, form, user):
        data = form.cleaned_data
        figures = {name: data[name] for name in (*FIRM_ELEMENTS, "rnd_active", "hitech")}
        # Outside begin/end (no batch) write_month refreshes the totals itself.
        return write_month(
            actor=user,
            enterprise=form.enterprise,
            period=data["period"],
            figures=figures,
            check_rules=False,
            totals=getattr(form.totals, "batch", None),
        )


register(StatsSheet())
register(EnterpriseMonthSheet())
