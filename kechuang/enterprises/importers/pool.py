"""Excel spec of the cultivation pool (培育库): template, export and import of candidate lists.

A pool entry is matched on (统一社会信用代码, 培育目标, 申报年度). The core framework's
run_import keys a row on one cell, so this sheet brings its own runner, `run_import`
below, built from the framework's pieces; `row_key` and `existing` are the two hooks that
would let the core runner do it instead. Columns a file has beyond the sheet's own (the
verdict columns of a screening export) are ignored, so screening lists import as candidates.
"""

from kechuang.core import excel
from kechuang.core.excel import Column, SheetSpec
from kechuang.core.scoping import is_bureau
from kechuang.core.validators import normalize_credit_code
from kechuang.enterprises import services
from kechuang.enterprises.forms.pool import PoolEntryFilter, PoolImportForm, build_lookup
from kechuang.enterprises.models import Enterprise, PoolEntry
from kechuang.enterprises.selectors.pool import liaison_candidates, pool_list, tiers_for
from kechuang.enterprises.services.pool import may_manage_pool


def _liaison_text(entry: PoolEntry) -> str:
    return entry.liaison.username if entry.liaison else ""


class PoolSheet(SheetSpec):
    kind = "pool"
    title = "培育库"
    model = PoolEntry
    form_class = PoolImportForm
    key_field = "enterprise"
    filterset_class = PoolEntryFilter
    list_url = "enterprises:poolentry_list"
    columns = [
        Column(
            "统一社会信用代码",
            "enterprise",
            lambda e: e.enterprise.credit_code,
            required=True,
            width=24,
            note="与培育目标、申报年度一起匹配已有的培育记录",
        ),
        Column("企业名称", "name", lambda e: e.enterprise.name, width=36, note="仅供核对，不导入"),
        Column(
            "培育目标",
            "tier",
            lambda e: e.tier.name,
            required=True,
            width=16,
            note="梯次名称或代码，如 高新技术企业 / hnte",
        ),
        Column("申报年度", "year", lambda e: e.year, required=True, width=10, note="如 2023"),
        Column(
            "状态",
            "status",
            lambda e: e.get_status_display(),
            width=10,
            note="培育对象 / 辅导中 / 已申报 / 已认定 / 未通过；新增时为空即“培育对象”",
        ),
        Column("联系干部", "liaison", _liaison_text, width=14, note="用户名或姓名，选填"),
        Column("备注", "note", lambda e: e.note, width=40),
    ]

    def queryset(self, user):
        return pool_list(user)

    def can_import(self, user) -> bool:
        return may_manage_pool(user)

    def label(self, data):
        return data.get("name", "")

    def form_kwargs(self, user):
        firms = Enterprise.objects.editable_by(user) if may_manage_pool(user) else []
        return {
            "lookups": {
                "enterprise": build_lookup(firms, "credit_code"),
                "tier": build_lookup(tiers_for(user), "code", "name"),
                "liaison": build_lookup(liaison_candidates(user), "username", "full_name"),
            }
        }

    def row_key(self, data: dict[str, str], context: dict) -> tuple | None:
        """(credit code, tier code, year) of a row, or None when it cannot be told."""
        tier = context["lookups"]["tier"].get(data.get("tier", "").strip())
        year = data.get("year", "").strip()
        code = normalize_credit_code(data.get("enterprise", ""))
        if not (code and year.isdigit()) or tier in (None, "ambiguous"):
            return None
        return (code, tier.code, int(year))

    def duplicate_message(self, key, first_row: int) -> str:
        return f"与第{first_row}行是同一企业、培育目标和年度"

    def existing(self, keys, context) -> dict:
        codes = {k[0] for k in keys}
        entries = PoolEntry.objects.filter(enterprise__credit_code__in=codes).select_related(
            "enterprise", "tier", "liaison"
        )
        return {(e.enterprise.credit_code, e.tier.code, e.year): e for e in entries}

    def form_data(self, data, instance, positions) -> dict:
        """Columns left out of the file keep the entry's current values."""
        filled = {k: v for k, v in data.items() if k != "name"}
        if instance is None:
            return filled
        current = {
            "status": instance.status,
            "liaison": instance.liaison.username if instance.liaison else "",
            "note": instance.note,
        }
        for name, value in current.items():
            if name not in positions:
                filled[name] = value
        return filled

    def check_permission(self, form, user):
        if not is_bureau(user) and not may_manage_pool(user):
            return "无权管理培育库"
        return None

    def save(self, form, user):
        data = form.cleaned_data
        entry = form.instance
        if entry.pk is None:
            return services.pool_entry_add(
                actor=user,
                enterprise=data["enterprise"],
                tier=data["tier"],
                year=data["year"],
                liaison=data.get("liaison"),
                note=data.get("note", ""),
                status=data["status"],
            )
        stored = PoolEntry.objects.get(pk=entry.pk)
        if data["status"] != stored.status:
            services.pool_entry_transition(actor=user, entry=stored, status=data["status"])
        if data.get("liaison") != stored.liaison:
            services.pool_entry_assign(actor=user, entry=stored, liaison=data.get("liaison"))
        if data.get("note", "") != stored.note:
            services.pool_entry_note_set(actor=user, entry=stored, note=data.get("note", ""))
        return stored


POOL_SHEET = excel.register(PoolSheet())
