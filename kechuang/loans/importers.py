"""Excel spec of loan recommendations: the list's export (same filters as the page).
Recommendations are recorded on their pages, where the firm's township and the workflow are
checked, so the sheet is for export only: `can_import` refuses every user."""

from django import forms

from kechuang.core.excel import Column, SheetSpec, register
from kechuang.loans import selectors
from kechuang.loans.filters import LoanFilter
from kechuang.loans.models import LoanRecommendation


class LoanExportForm(forms.ModelForm):
    class Meta:
        model = LoanRecommendation
        fields = ["bank"]


def _day(value) -> str:
    return value.isoformat() if value else ""


class LoanSheet(SheetSpec):
    kind = "loans"
    title = "科技贷款推荐"
    model = LoanRecommendation
    form_class = LoanExportForm
    key_field = "enterprise"
    filterset_class = LoanFilter
    list_url = "loans:loan_list"
    columns = [
        Column("企业名称", "enterprise", lambda r: r.enterprise.name, required=True, width=30),
        Column("统一社会信用代码", "credit_code", lambda r: r.enterprise.credit_code, width=22),
        Column("乡镇（街道）", "region", lambda r: r.region.name, width=12),
        Column("银行", "bank", lambda r: r.bank, width=24),
        Column("推荐额度（元）", "amount_recommended", lambda r: r.amount_recommended, width=16),
        Column("授信额度（元）", "amount_granted", lambda r: r.amount_granted, width=16),
        Column("推荐日期", "recommended_on", lambda r: _day(r.recommended_on), width=12),
        Column("授信日期", "granted_on", lambda r: _day(r.granted_on), width=12),
        Column("状态", "status", lambda r: r.get_status_display(), width=10),
    ]

    def queryset(self, user):
        return selectors.loan_list(user)

    def can_import(self, user) -> bool:
        return False


register(LoanSheet())
