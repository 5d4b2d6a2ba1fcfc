"""Excel spec of loan recommendations (template, import, export with the list's filters).

A row names the firm by credit code, else by exact name, among the firms the importer may
see; the record is the firm's recommendation to that bank on that date (the row's key), so
re-importing an export changes nothing. Status and grant date move by the workflow on the
detail page: their columns are export only."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django import forms

from kechuang.core.excel import Column, SheetSpec, register
from kechuang.core.validators import normalize_credit_code
from kechuang.enterprises.forms.annual import IdentityField
from kechuang.enterprises.models import Enterprise
from kechuang.loans import selectors, services
from kechuang.loans.filters import LoanFilter
from kechuang.loans.models import LoanRecommendation


@dataclass
class FirmLookup:
    """The firms a file's rows may name, built once per file."""

    by_code: dict[str, Enterprise] = field(default_factory=dict)
    by_name: dict[str, list[Enterprise]] = field(default_factory=dict)
    writable: set[int] = field(default_factory=set)

    def firm(self, code: str, name: str) -> tuple[Enterprise | None, str]:
        """(the firm, "") or (None, why not)."""
        code, name = normalize_credit_code(code or ""), (name or "").strip()
        if code and code in self.by_code:
            return self.by_code[code], ""
        found = self.by_name.get(name, [])
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, f"企业名称对应多家已登记企业，请填写统一社会信用代码：{name}"
        return None, f"未匹配到已登记企业：{name or code}"


class LoanImportForm(forms.ModelForm):
    """One row: the firm by credit code or name, then the recommendation's own fields."""

    name = IdentityField(label="企业名称", required=False)
    credit_code = IdentityField(label="统一社会信用代码", required=False)

    class Meta:
        model = LoanRecommendation
        fields = ("bank", "amount_recommended", "amount_granted", "recommended_on", "note")

    def __init__(self, *args, lookup: FirmLookup | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lookup = lookup or FirmLookup()
        self.enterprise = self.instance.enterprise if self.instance.pk else None

    def clean(self):
        data = super().clean()
        if self.instance.pk is None:
            self.enterprise, reason = self.lookup.firm(data.get("credit_code"), data.get("name"))
            if reason:
                self.add_error("name", reason)
        return data


def _day(value) -> str:
    return value.isoformat() if value else ""


def _key_day(text: str) -> str | None:
    try:
        return datetime.date.fromisoformat((text or "").strip()).isoformat()
    except ValueError:
        return None


class LoanSheet(SheetSpec):
    kind = "loans"
    title = "科技贷款推荐"
    model = LoanRecommendation
    form_class = LoanImportForm
    key_field = "name"
    filterset_class = LoanFilter
    list_url = "loans:loan_list"
    columns = [
        Column(
            "企业名称",
            "name",
            lambda r: r.enterprise.name,
            required=True,
            width=30,
            note="未填信用代码时按名称精确匹配已登记企业",
        ),
        Column(
            "统一社会信用代码",
            "credit_code",
            lambda r: r.enterprise.credit_code,
            width=22,
            note="选填；填写时优先按信用代码匹配",
        ),
        Column("银行", "bank", lambda r: r.bank, required=True, width=24),
        Column(
            "推荐额度（元）", "amount_recommended", lambda r: r.amount_recommended, required=True
        ),
        Column("授信额度（元）", "amount_granted", lambda r: r.amount_granted, note="授信后填写"),
        Column(
            "推荐日期",
            "recommended_on",
            lambda r: _day(r.recommended_on),
            required=True,
            width=12,
            note="如 2023-03-10；同一企业、银行、推荐日期的行更新已有记录",
        ),
        Column("备注", "note", lambda r: r.note, width=24),
        Column("乡镇（街道）", "region", lambda r: r.region.name, width=12, note="仅导出"),
        Column("授信日期", "granted_on", lambda r: _day(r.granted_on), width=12, note="仅导出"),
        Column("状态", "status", lambda r: r.get_status_display(), width=10, note="仅导出"),
    ]

    def queryset(self, user):
        return selectors.loan_list(user)

    def can_import(self, user) -> bool:
        return services.may_register(user)

    def form_kwargs(self, user):
        # Only firms the user can see are matched: others read as unmatched, revealing nothing.
        firms = list(Enterprise.objects.visible_to(user).only("pk", "name", "credit_code"))
        by_name = defaultdict(list)
        for firm in firms:
            by_name[firm.name].append(firm)
        writable = set(Enterprise.objects.editable_by(user).values_list("pk", flat=True))
        return {"lookup": FirmLookup({f.credit_code: f for f in firms}, dict(by_name), writable)}

    def row_key(self, data, context):
        """(firm, bank, recommended date) when the row names them; the form says why not."""
        firm, _ = context["lookup"].firm(data.get("credit_code"), data.get("name"))
        bank, day = (data.get("bank") or "").strip(), _key_day(data.get("recommended_on"))
        return (firm.pk, bank, day) if firm and bank and day else None

    def existing(self, keys, context) -> dict:
        found = LoanRecommendation.objects.filter(
            enterprise_id__in={k[0] for k in keys}, bank__in={k[1] for k in keys}
        ).select_related("enterprise", "region")
        return {(r.enterprise_id, r.bank, r.recommended_on.isoformat()): r for r in found}

    def duplicate_message(self, key, first_row: int) -> str:
        return f"与第{first_row}行是同一企业、银行和推荐日期"

    def describe_key(self, key) -> str:
        return ""

    def label(self, data):
        return f"{data.get('name', '')} {data.get('bank', '')} {data.get('recommended_on', '')}"

    def check_permission(self, form, user):
        if form.enterprise is None or form.enterprise.pk not in form.lookup.writable:
            return "无权登记该企业的科技贷款推荐"
        return None

    def save(self, form, user):
        fields = {name: form.cleaned_data[name] for name in LoanImportForm.Meta.fields}
        if form.instance.pk:
            loan = LoanRecommendation.objects.get(pk=form.instance.pk)
            return services.loan_update(actor=user, loan=loan, **fields)
        return services.loan_create(actor=user, enterprise=form.enterprise, **fields)


register(LoanSheet())
