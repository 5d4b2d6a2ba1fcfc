"""Forms of the screening pages."""

from django import forms
from django.db.models import Q

from kechuang.core import clock
from kechuang.core.forms import StyledFormMixin
from kechuang.core.selectors import townships_visible_to
from kechuang.enterprises.models import Tier


class ScreeningForm(StyledFormMixin, forms.Form):
    tier = forms.ModelChoiceField(label="培育目标", queryset=Tier.objects.none(), empty_label=None)
    year = forms.IntegerField(label="申报年度", min_value=2000, max_value=2100)
    township = forms.ModelChoiceField(
        label="乡镇（街道）", queryset=None, required=False, empty_label="全部"
    )
    whole_township = forms.BooleanField(
        label="筛查范围包括培育库以外的全部在营企业", required=False
    )
    as_of = forms.DateField(
        label="评估基准日", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, data=None, *, user):
        today = clock.today()
        initial = {"year": today.year, "as_of": today}
        super().__init__(data, initial=initial)
        self.fields["tier"].queryset = Tier.objects.exclude(policy="").filter(
            Q(region__isnull=True) | Q(region__code__in=_ancestor_codes(user))
        )
        self.fields["township"].queryset = townships_visible_to(user)
        hnte = self.fields["tier"].queryset.filter(code="hnte").first()
        if hnte:
            self.initial["tier"] = hnte.pk


def _ancestor_codes(user) -> list[str]:
    codes, region = [], user.region
    while region is not None:
        codes.append(region.code)
        region = region.parent
    return codes
