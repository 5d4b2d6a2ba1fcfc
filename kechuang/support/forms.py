"""Support forms: an application (disbursement), the 政策找企业 and totals filters."""

from django import forms

from kechuang.core.forms import StyledFormMixin
from kechuang.core.selectors import townships_visible_to
from kechuang.enterprises.forms.pool import EnterpriseLookupField
from kechuang.enterprises.models import Enterprise
from kechuang.support import selectors
from kechuang.support.models import Clause, Policy
from kechuang.support.services import may_manage

DATE = {"type": "date"}


class DisbursementForm(StyledFormMixin, forms.Form):
    enterprise = EnterpriseLookupField(label="企业（统一社会信用代码或全称）")
    clause = forms.ModelChoiceField(label="兑现条款", queryset=Clause.objects.none())
    year = forms.IntegerField(label="奖励年度", min_value=2000, max_value=2100)
    quantity = forms.IntegerField(
        label="申报数量",
        min_value=1,
        required=False,
        help_text="按数量计算的条款（如创新券张数）填写",
    )
    amount = forms.DecimalField(
        label="兑现金额（元）",
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text="留空按条款计算；可核定低于条款金额",
    )
    applied_on = forms.DateField(
        label="申请日期", required=False, widget=forms.DateInput(DATE), help_text="留空为今天"
    )
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clause"].queryset = selectors.clause_list(user)
        self.fields["clause"].label_from_instance = lambda c: f"{c.policy.name}：{c.name}"
        if "year" not in self.initial:
            self.initial["year"] = selectors.default_year()
        if may_manage(user):
            self.fields["enterprise"].queryset = Enterprise.objects.editable_by(user)
        else:
            del self.fields["enterprise"], self.fields["amount"], self.fields["applied_on"]


class EntitlementForm(StyledFormMixin, forms.Form):
    year = forms.TypedChoiceField(label="奖励年度", coerce=int, required=False)
    policy = forms.ModelChoiceField(
        label="政策", queryset=Policy.objects.none(), required=False, empty_label="全部政策"
    )
    clause = forms.ModelChoiceField(
        label="条款", queryset=Clause.objects.none(), required=False, empty_label="全部条款"
    )
    township = forms.ModelChoiceField(
        label="乡镇（街道）", queryset=None, required=False, empty_label="全部乡镇"
    )

    def __init__(self, *args, user, policies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, f"{y}年度") for y in selectors.award_years(policies)]
        self.fields["policy"].queryset = selectors.policy_list(user)
        self.fields["clause"].queryset = selectors.clause_list(user)
        self.fields["township"].queryset = townships_visible_to(user)


class TotalsForm(StyledFormMixin, forms.Form):
    by = forms.ChoiceField(
        label="汇总方式", choices=list(selectors.TOTAL_LABELS.items()), required=False
    )
    year = forms.IntegerField(label="奖励年度", min_value=2000, max_value=2100, required=False)
    paid = forms.CharField(label="兑现期间", required=False, max_length=7)


def entitlement_search(user, params):
    """(form, year, rows) of the 政策找企业 list for a query string (page and export)."""
    policies = list(selectors.policy_list(user))
    form = EntitlementForm(params or None, user=user, policies=policies)
    data = form.cleaned_data if form.is_valid() else {}
    firms = None
    if data.get("township"):
        firms = Enterprise.objects.visible_to(user).filter(township=data["township"])
    year, rows = selectors.entitlements(
        user,
        data.get("year") or selectors.default_year(policies),
        policy=data.get("policy"),
        clause=data.get("clause"),
        enterprises=firms,
    )
    return form, year, rows
