"""Excel specs of the support app, export only (applications are made on their pages, where
the clause's conditions are checked): the disbursement list (same filters as the page) and
the 政策找企业 list (same form as its page)."""

from django import forms

from kechuang.core.excel import Column, SheetSpec, register
from kechuang.support import selectors
from kechuang.support.filters import DisbursementFilter
from kechuang.support.models import Disbursement


class DisbursementExportForm(forms.ModelForm):
    class Meta:
        model = Disbursement
        fields = ["note"]


def _day(value) -> str:
    return value.isoformat() if value else ""


class DisbursementSheet(SheetSpec):
    kind = "disbursements"
    title = "政策兑现"
    model = Disbursement
    form_class = DisbursementExportForm
    key_field = "id"
    filterset_class = DisbursementFilter
    list_url = "support:disbursement_list"
    columns = [
        Column("编号", "id", lambda d: d.pk, width=8),
        Column("企业", "enterprise", lambda d: d.enterprise.name, width=30),
        Column("统一社会信用代码", "credit_code", lambda d: d.enterprise.credit_code, width=22),
        Column("所属区域", "region", lambda d: d.region.name, width=12),
        Column("政策", "policy", lambda d: d.clause.policy.name, width=30),
        Column("条款", "clause", lambda d: d.clause.name, width=24),
        Column("奖励年度", "year", lambda d: d.year, width=8),
        Column("申报数量", "quantity", lambda d: d.quantity or "", width=8),
        Column("按条款计算（元）", "entitled", lambda d: d.entitled, width=16),
        Column("兑现金额（元）", "amount", lambda d: d.amount, width=16),
        Column("状态", "status", lambda d: d.get_status_display(), width=10),
        Column("申请日期", "applied_on", lambda d: _day(d.applied_on), width=12),
        Column("批准日期", "approved_on", lambda d: _day(d.approved_on), width=12),
        Column("兑现日期", "paid_on", lambda d: _day(d.paid_on), width=12),
    ]

    def queryset(self, user):
        return selectors.disbursement_list(user).order_by("-applied_on", "-pk")

    def can_import(self, user) -> bool:
        return False


class EntitlementSheet(SheetSpec):
    """Rows are selectors.Entitlement, computed with the 政策找企业 page's form."""

    kind = "entitlements"
    title = "政策找企业"
    model = Disbursement
    form_class = DisbursementExportForm
    key_field = "credit_code"
    list_url = "support:entitlement_list"
    columns = [
        Column("企业", "enterprise", lambda e: e.enterprise.name, width=30),
        Column("统一社会信用代码", "credit_code", lambda e: e.enterprise.credit_code, width=22),
        Column("所属区域", "region", lambda e: e.enterprise.township.name, width=12),
        Column("政策", "policy", lambda e: e.clause.policy.name, width=30),
        Column("条款", "clause", lambda e: e.clause.name, width=24),
        Column("奖励年度", "year", lambda e: e.year, width=8),
        Column(
            "可申请金额（元）",
            "amount",
            lambda e: e.amount if e.amount is not None else "",
            width=16,
        ),
        Column("金额规则", "rule", lambda e: e.clause.amount_text, width=30),
        Column("所需材料", "evidence", lambda e: e.clause.evidence, width=30),
    ]

    def queryset(self, user):
        return Disbursement.objects.none()

    def filtered(self, params, user):
        from kechuang.support.services import may_see_entitlements

        if user is None or not may_see_entitlements(user):
            return []
        from kechuang.support.forms import entitlement_search

        return entitlement_search(user, params)[2]

    def can_import(self, user) -> bool:
        return False


register(DisbursementSheet())
register(EntitlementSheet())
