"""Talent forms: program, project, payment."""

from django import forms

from kechuang.core.concurrency import VersionedFormMixin
from kechuang.core.forms import StyledFormMixin
from kechuang.enterprises.forms.pool import EnterpriseLookupField
from kechuang.enterprises.models import Enterprise
from kechuang.talent import programs
from kechuang.talent.models import TalentProgram, TalentProject
from kechuang.talent.services import BUREAU_FIELDS, PROGRAM_FIELDS, fields_for

DATE = {"type": "date"}


class ProgramForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = TalentProgram
        fields = PROGRAM_FIELDS
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class ProjectForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    host_enterprise = EnterpriseLookupField(label="承接企业（统一社会信用代码或全称）")
    talent_class = forms.ChoiceField(label="类别", choices=programs.class_codes)

    class Meta:
        model = TalentProject
        fields = BUREAU_FIELDS
        widgets = {
            "contacted_on": forms.DateInput(DATE, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_enterprise"].queryset = Enterprise.objects.editable_by(user)
        self.fields["program"].queryset = TalentProgram.objects.visible_to(user)
        if self.instance.pk:
            self.initial["host_enterprise"] = self.instance.host_enterprise.credit_code
        else:
            self.fields["contacted_on"].required = False
        allowed = fields_for(user)
        for name in BUREAU_FIELDS:
            if name not in allowed:
                del self.fields[name]


class PaymentForm(StyledFormMixin, forms.Form):
    stage = forms.TypedChoiceField(label="期次", coerce=int)
    amount = forms.DecimalField(label="拨付金额（元）", max_digits=14, decimal_places=2)
    paid_on = forms.DateField(label="拨付日期", widget=forms.DateInput(DATE))
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        rules = project.rules
        stages = rules.stages if rules else ()
        self.fields["stage"].choices = [(s.number, f"{s.label}（{s.share:.0%}）") for s in stages]
