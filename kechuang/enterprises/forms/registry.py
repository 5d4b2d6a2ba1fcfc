"""Enterprise forms: the page form and the Excel row form share their fields."""

from django import forms

from kechuang.core import reference
from kechuang.core.choices import RegionLevel, Role
from kechuang.core.concurrency import VersionedFormMixin
from kechuang.core.excel import LabelChoiceField, RegionField, YesNoField
from kechuang.core.forms import StyledFormMixin
from kechuang.core.models import Region
from kechuang.core.validators import normalize_credit_code
from kechuang.enterprises.choices import EnterpriseStatus
from kechuang.enterprises.models import Enterprise
from kechuang.enterprises.services import EDITABLE_FIELDS


class EnterpriseForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    """Create and edit on the record page."""

    industry_division = forms.ChoiceField(label="行业（GB/T 4754-2017 大类）")

    class Meta:
        model = Enterprise
        fields = EDITABLE_FIELDS
        widgets = {
            "founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "production_started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry_division"].choices = [("", "请选择")] + reference.division_choices()
        townships = Region.objects.filter(level=RegionLevel.TOWNSHIP)
        if user is not None and not user.is_superuser:
            townships = townships.filter(
                code__startswith=user.region.prefix if user.region else "-"
            )
        self.fields["township"].queryset = townships
        if user is not None and user.role == Role.ENTERPRISE:
            # A firm corrects its own profile but not its identity, place or standing.
            for name in (
                "credit_code",
                "township",
                "above_scale",
                "status",
                "recruited_on",
                "dishonest",
            ):
                self.fields[name].disabled = True

    def clean_credit_code(self):
        return normalize_credit_code(self.cleaned_data["credit_code"])


class DivisionField(forms.CharField):
    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return ""
        code = reference.parse_division(text)
        if code is None:
            raise forms.ValidationError(f"未知的行业：{text}（应为 GB/T 4754-2017 两位大类代码）")
        return code

    def has_changed(self, initial, data):
        try:
            return str(initial or "") != self.to_python(data)
        except forms.ValidationError:
            return True


class EnterpriseImportForm(EnterpriseForm):
    """One Excel row: townships by name, booleans as 是/否, status by its label."""

    versioned = False

    township = RegionField(
        label="乡镇（街道）",
        queryset=Region.objects.filter(level=RegionLevel.TOWNSHIP),
        level=RegionLevel.TOWNSHIP,
    )
    industry_division = DivisionField(label="行业代码")
    above_scale = YesNoField(label="规模以上", required=False)
    rnd_active = YesNoField(label="有研发活动", required=False)
    status = LabelChoiceField(label="状态", choices=EnterpriseStatus.choices)

    def __init__(self, *args, user=None, townships=None, **kwargs):
        super().__init__(*args, user=None, **kwargs)
        self.fields["township"].lookup = townships
