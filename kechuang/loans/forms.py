"""Loan recommendation form."""

from django import forms

from kechuang.core.concurrency import VersionedFormMixin
from kechuang.core.forms import StyledFormMixin
from kechuang.enterprises.forms.pool import EnterpriseLookupField
from kechuang.enterprises.models import Enterprise
from kechuang.loans.models import LoanRecommendation
from kechuang.loans.services import LOAN_FIELDS

DATE = {"type": "date"}
BANK_LIST = "loan-banks"


class LoanForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    enterprise = EnterpriseLookupField(label="企业（统一社会信用代码或全称）")

    class Meta:
        model = LoanRecommendation
        fields = LOAN_FIELDS
        widgets = {
            "bank": forms.TextInput(attrs={"list": BANK_LIST, "autocomplete": "off"}),
            "recommended_on": forms.DateInput(DATE, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.editable_by(user)
        if self.instance.pk:
            self.initial["enterprise"] = self.instance.enterprise.credit_code
        else:
            self.fields["recommended_on"].required = False
