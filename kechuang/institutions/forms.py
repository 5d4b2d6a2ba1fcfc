"""Institution forms: the page form and the Excel row form share their fields."""

from django import forms

from kechuang.core.choices import Role
from kechuang.core.excel import LabelChoiceField
from kechuang.core.forms import StyledFormMixin
from kechuang.core.models import Region
from kechuang.institutions.choices import InstitutionKind
from kechuang.institutions.models import Institution

FIELDS = [
    "name",
    "short_name",
    "kind",
    "credit_code",
    "region",
    "location",
    "address",
    "contact_person",
    "contact_phone",
    "website",
    "description",
]


class InstitutionForm(StyledFormMixin, forms.ModelForm):
    website = forms.URLField(label="网址", required=False, assume_scheme="https")

    class Meta:
        model = Institution
        fields = FIELDS
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


class RegionByCodeOrNameField(forms.ModelChoiceField):
    def to_python(self, value):
        text = str(value or "").strip()
        if not text:
            return None
        found = self.queryset.filter(code=text).first() or self.queryset.filter(name=text).first()
        if found is None:
            raise forms.ValidationError(f"未知的区域：{text}", code="invalid_choice")
        return found

    def has_changed(self, initial, data):
        try:
            new = self.to_python(data)
        except forms.ValidationError:
            return True
        return str(initial or "") != str(new.pk if new else "")


class InstitutionImportForm(InstitutionForm):
    region = RegionByCodeOrNameField(label="登记区域", queryset=Region.objects.all())
    kind = LabelChoiceField(label="类型", choices=InstitutionKind.choices)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=None, **kwargs)
