"""The disbursement list's filters (page, API, Excel export, figures' source pages): `paid`
takes a period (YYYY or YYYY-MM, January through that month) of the payment date and
`region` a region code, so the list shows exactly what a figure counts."""

import django_filters
from django import forms
from django.db.models import Q

from kechuang.core.figures import Period
from kechuang.core.filters import RegionCodeFilter, YearFilter
from kechuang.core.models import Region
from kechuang.core.selectors import townships_visible_to
from kechuang.support.choices import DisbursementStatus
from kechuang.support.models import Clause, Disbursement, Policy


class DisbursementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    year = YearFilter(label="奖励年度", widget=forms.NumberInput({"placeholder": "奖励年度"}))
    policy = django_filters.ModelChoiceFilter(
        label="政策",
        field_name="clause__policy",
        queryset=Policy.objects.none(),
        empty_label="全部政策",
    )
    clause = django_filters.ModelChoiceFilter(
        label="条款", queryset=Clause.objects.none(), empty_label="全部条款"
    )
    status = django_filters.ChoiceFilter(
        label="状态", choices=DisbursementStatus.choices, empty_label="全部状态"
    )
    township = django_filters.ModelChoiceFilter(
        label="乡镇（街道）",
        field_name="region",
        queryset=Region.objects.none(),
        empty_label="全部",
    )
    paid = django_filters.CharFilter(
        label="兑现期间", method="paid_in", widget=forms.TextInput({"placeholder": "如 2023-06"})
    )
    region = RegionCodeFilter(field_name="region")

    class Meta:
        model = Disbursement
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.user = user or getattr(request, "user", None)
        if self.user is not None:
            self.filters["township"].queryset = townships_visible_to(self.user)
            self.filters["policy"].queryset = Policy.objects.visible_to(self.user)
            self.filters["clause"].queryset = Clause.objects.visible_to(self.user)
        self.form.label_suffix = ""

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(enterprise__name__icontains=value) | Q(enterprise__credit_code__iexact=value)
        )

    def paid_in(self, queryset, name, value):
        if not value.strip():
            return queryset
        try:
            period = Period.parse_span(value)
        except ValueError:
            return queryset.none()
        return queryset.filter(paid_on__range=(period.start, period.end))
