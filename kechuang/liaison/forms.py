"""Cadre link form: the cadre, the county's townships (boxes), key firms by credit code."""

from django import forms

from kechuang.core.choices import BUREAU_ROLES, RegionLevel
from kechuang.core.concurrency import VersionedFormMixin
from kechuang.core.forms import StyledFormMixin
from kechuang.core.models import Region, User
from kechuang.enterprises.models import Enterprise
from kechuang.liaison.models import CadreLink

DATE = {"type": "date"}


class CadreLinkForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    firm_codes = forms.CharField(
        label="联系企业",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="统一社会信用代码，每行一个",
    )

    class Meta:
        model = CadreLink
        fields = ("cadre", "townships", "valid_from", "valid_until", "note")
        widgets = {
            "townships": forms.CheckboxSelectMultiple,
            "valid_from": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["cadre"].queryset = User.objects.visible_to(user).filter(
            role__in=BUREAU_ROLES, is_active=True, region__level=RegionLevel.COUNTY
        )
        self.fields["townships"].queryset = Region.objects.visible_to(user).filter(
            level=RegionLevel.TOWNSHIP
        )
        self.fields["townships"].widget.attrs["class"] = "form-check-input"
        self.fields["townships"].required = False
        if self.instance.pk:
            self.initial["firm_codes"] = "\n".join(
                self.instance.firms.values_list("credit_code", flat=True)
            )

    def clean_firm_codes(self):
        codes = [c.strip().upper() for c in self.cleaned_data["firm_codes"].split() if c.strip()]
        found = {
            f.credit_code: f
            for f in Enterprise.objects.visible_to(self.user).filter(credit_code__in=codes)
        }
        missing = [c for c in codes if c not in found]
        if missing:
            raise forms.ValidationError(f"联系企业：找不到或无权查看 {'、'.join(missing)}")
        return [found[c] for c in dict.fromkeys(codes)]

    def link_fields(self) -> dict:
        """The cleaned data as the services take it."""
        data = dict(self.cleaned_data)
        data["firms"] = data.pop("firm_codes")
        data["townships"] = list(data["townships"])
        return data


class EndForm(StyledFormMixin, forms.Form):
    on = forms.DateField(label="结束日期", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
