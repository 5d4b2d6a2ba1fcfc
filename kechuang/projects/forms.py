"""Forms of programs, calls and projects. Money is stored in yuan and typed in 万元."""

from django import forms

from kechuang.core.choices import RegionLevel, Role
from kechuang.core.concurrency import VersionedFormMixin
from kechuang.core.forms import StyledFormMixin
from kechuang.core.models import Region
from kechuang.enterprises.models import Enterprise
from kechuang.institutions.models import Institution
from kechuang.projects import engine
from kechuang.projects.models import Call, Milestone, Output, Program, Project
from kechuang.projects.services import CALL_FIELDS, PROGRAM_FIELDS, PROJECT_FIELDS
from kechuang.transfer.forms import WanField
from kechuang.transfer.models import Demand, TechContract

DATE = {"type": "date"}


def _date(**attrs):
    return forms.DateInput(attrs={**DATE, **attrs}, format="%Y-%m-%d")


class ProgramForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    funding_rule = forms.ChoiceField(label="资金要求", required=False)

    class Meta:
        model = Program
        fields = PROGRAM_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funding_rule"].choices = [("", "（无）"), *engine.rule_choices()]
        prefix = user.region.prefix if user.region and not user.is_superuser else ""
        self.fields["region"].queryset = Region.objects.filter(
            code__startswith=prefix, level__in=[RegionLevel.COUNTY, RegionLevel.CITY]
        )
        if user.region and user.region.level == RegionLevel.COUNTY:
            self.initial.setdefault("region", user.region.pk)


class CallForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Call
        fields = [f for f in CALL_FIELDS if f != "program"]
        widgets = {
            "opens_on": _date(),
            "closes_on": _date(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }


class ProjectForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    """A new project (with its program and lead) or an existing one's editable fields."""

    government_funds = WanField(label="财政资金（万元）", required=False)
    own_funds = WanField(label="自筹资金（万元）", required=False)

    class Meta:
        model = Project
        fields = ("program", "lead_enterprise", "lead_institution", "year", *PROJECT_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        creating = self.instance.pk is None
        if creating:
            self.fields["program"].queryset = Program.objects.visible_to(user)
            self.fields["lead_enterprise"].queryset = Enterprise.objects.editable_by(user)
            self.fields["lead_institution"].queryset = Institution.objects.editable_by(user)
            self.fields["year"].required = False
            self.fields["year"].help_text = "不填为申报批次的年度或今年"
            if user.role == Role.ENTERPRISE:
                self.initial.setdefault("lead_enterprise", user.enterprise_id)
                del self.fields["lead_institution"]
            if user.role == Role.INSTITUTE:
                self.initial.setdefault("lead_institution", user.institution_id)
                del self.fields["lead_enterprise"]
        else:
            for name in ("program", "lead_enterprise", "lead_institution", "year"):
                del self.fields[name]
        self.fields["call"].queryset = Call.objects.visible_to(user).select_related("program")
        self.fields["partner_institution"].queryset = Institution.objects.visible_to(user)
        self.fields["transfer_demand"].queryset = Demand.objects.visible_to(user)
        self.fields["transfer_contract"].queryset = TechContract.objects.visible_to(user)

    def clean_government_funds(self):
        return self.cleaned_data.get("government_funds") or 0

    def clean_own_funds(self):
        return self.cleaned_data.get("own_funds") or 0

    def _post_clean(self):
        # The service validates the whole record (region, lead, call); the form checks its
        # fields only, so an incomplete new record is not reported twice.
        pass


class MilestoneForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ("title", "due_on", "note")
        widgets = {"due_on": _date()}


class MilestoneDoneForm(forms.Form):
    done_on = forms.DateField(label="完成日期", required=False)


class OutputForm(StyledFormMixin, forms.ModelForm):
    amount = WanField(label="金额（万元）", required=False)

    class Meta:
        model = Output
        fields = ("kind", "count", "amount", "description")

    def _post_clean(self):
        pass
