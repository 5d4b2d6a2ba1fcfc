"""Institution forms: the page form and the Excel row form share their fields."""

from django import forms

from kechuang.core.choices import Role
from kechuang.core.concurrency import VersionedFormMixin
from kechuang.core.excel import LabelChoiceField, RegionField
from kechuang.core.forms import StyledFormMixin
from kechuang.core.models import Region
from kechuang.institutions.choices import InstitutionKind
from kechuang.institutions.models import Institution
from kechuang.institutions.services import EDITABLE_FIELDS


class InstitutionForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    website = forms.URLField(label="网址", required=False, assume_scheme="https")

    class Meta:
        model = Institution
        fields = EDITABLE_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.all()
        if user is not None and not user.is_superuser:
            regions = regions.filter(code__startswith=user.region.prefix if user.region else "-")
        self.fields["region"].queryset = regions
        if user is not None and user.role == Role.INSTITUTE:
            self.fields["region"].disabled = True

    def clean_credit_code(self):
        return (self.cleaned_data.get("credit_code") or "").strip().upper()


class InstitutionImportForm(InstitutionForm):
    versioned = False
    region = RegionField(label="登记区域", queryset=Region.objects.all())
    kind = LabelChoiceField(label="类型", choices=InstitutionKind.choices)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=None, **kwargs)
