"""The platform list's filters: one definition for the page, the API and the export.
`applied` / `recognised` take a period (YYYY or YYYY-MM, January through that month) and
`region` a region code, so the list shows exactly the platforms a figure counts."""

import django_filters
from django import forms
from django.db.models import Q

from kechuang.core.filters import RegionCodeFilter
from kechuang.core.models import Region
from kechuang.core.selectors import townships_visible_to
from kechuang.platforms.choices import PlatformLevel, PlatformStatus, PlatformType
from kechuang.platforms.models import Platform
from kechuang.platforms.selectors import period_bounds


class PlatformFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    type = django_filters.ChoiceFilter(
        label="类型", choices=PlatformType.choices, empty_label="全部类型"
    )
    level = django_filters.ChoiceFilter(
        label="级别", choices=PlatformLevel.choices, empty_label="全部级别"
    )
    status = django_filters.ChoiceFilter(
        label="状态", choices=PlatformStatus.choices, empty_label="全部状态"
    )
    applied = django_filters.CharFilter(
        label="申报期间", method="in_period", widget=forms.TextInput({"placeholder": "如 2023-06"})
    )
    recognised = django_filters.CharFilter(
        label="认定期间", method="in_period", widget=forms.TextInput({"placeholder": "如 2023"})
    )
    region = RegionCodeFilter(field_name="region")
    township = django_filters.ModelChoiceFilter(
        label="乡镇（街道）",
        field_name="region",
        queryset=Region.objects.none(),
        empty_label="全部",
    )

    class Meta:
        model = Platform
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.user = user or getattr(request, "user", None)
        if self.user is not None:
            self.filters["township"].queryset = townships_visible_to(self.user)
        self.form.label_suffix = ""

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(host_enterprise__name__icontains=value)
            | Q(host_institution__name__icontains=value)
            | Q(recognition_number__icontains=value)
        )

    def in_period(self, queryset, name, value):
        if not value.strip():
            return queryset
        try:
            start, end = period_bounds(value)
        except ValueError:
            return queryset.none()
        return queryset.filter(**{f"{name}_on__range": (start, end)})
