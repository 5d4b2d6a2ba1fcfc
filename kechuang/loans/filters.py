"""The loan recommendation list's filters (page, API, export, figures' source pages).
`recommended` and `granted` take a period (YYYY or YYYY-MM, January through that month)
and `region` a region code, so the list shows exactly the records a figure counts."""

import django_filters
from django import forms
from django.db.models import Q

from kechuang.core.figures import Period
from kechuang.core.filters import RegionCodeFilter
from kechuang.core.models import Region
from kechuang.core.selectors import townships_visible_to
from kechuang.loans.choices import LoanStatus
from kechuang.loans.models import LoanRecommendation

PERIOD_FIELDS = {"recommended": "recommended_on", "granted": "granted_on"}


def _period_filter(label: str):
    return django_filters.CharFilter(
        label=label, method="in_period", widget=forms.TextInput({"placeholder": "如 2023-06"})
    )


class LoanFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    year = django_filters.NumberFilter(
        label="推荐年度", field_name="recommended_on", lookup_expr="year"
    )
    bank = django_filters.ChoiceFilter(label="银行", choices=(), empty_label="全部银行")
    status = django_filters.ChoiceFilter(
        label="状态", choices=LoanStatus.choices, empty_label="全部状态"
    )
    recommended = _period_filter("推荐期间")
    granted = _period_filter("授信期间")
    region = RegionCodeFilter(field_name="region")
    township = django_filters.ModelChoiceFilter(
        label="乡镇（街道）",
        field_name="region",
        queryset=Region.objects.none(),
        empty_label="全部乡镇",
    )

    class Meta:
        model = LoanRecommendation
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.user = user or getattr(request, "user", None)
        if self.user is not None:
            from kechuang.loans.selectors import banks_of

            self.filters["township"].queryset = townships_visible_to(self.user)
            self.filters["bank"].extra["choices"] = [(b, b) for b in banks_of(self.user)]
        self.form.label_suffix = ""

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(enterprise__name__icontains=value)
            | Q(enterprise__credit_code__icontains=value)
            | Q(bank__icontains=value)
        )

    def in_period(self, queryset, name, value):
        if not value.strip():
            return queryset
        try:
            found = Period.parse_span(value)
        except ValueError:
            return queryset.none()
        return queryset.filter(**{f"{PERIOD_FIELDS[name]}__range": (found.start, found.end)})
