"""The talent project list's filters (page, API, figures' source pages). Each stage's date
filter (`contact`, `intent`, `signed`, `landed`, `evaluated`, `dropped`) takes a period (YYYY
or YYYY-MM, January through that month) and `region` a region code, so the list shows
exactly the projects a figure counts."""

import django_filters
from django import forms
from django.db.models import Q

from kechuang.core.figures import Period
from kechuang.core.filters import RegionCodeFilter
from kechuang.core.models import Region
from kechuang.core.selectors import townships_visible_to
from kechuang.talent.choices import STAGE_DATES, ProjectKind, Stage
from kechuang.talent.models import TalentProject
from kechuang.talent.programs import class_codes


def period_bounds(value: str):
    found = Period.parse_span(value)
    return found.start, found.end


def _period_filter(label: str):
    return django_filters.CharFilter(
        label=label, method="in_period", widget=forms.TextInput({"placeholder": "如 2023-06"})
    )


class TalentProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    status = django_filters.ChoiceFilter(
        label="阶段", choices=Stage.choices, empty_label="全部阶段"
    )
    talent_class = django_filters.ChoiceFilter(
        label="类别", choices=class_codes, empty_label="全部类别"
    )
    kind = django_filters.ChoiceFilter(
        label="类型", choices=ProjectKind.choices, empty_label="全部类型"
    )
    contact = _period_filter("接洽期间")
    intent = _period_filter("意向期间")
    signed = _period_filter("签约期间")
    landed = _period_filter("落地期间")
    evaluated = _period_filter("评估期间")
    dropped = _period_filter("终止期间")
    unsigned_at = django_filters.CharFilter(
        label="期末未签约",
        method="not_signed_by",
        widget=forms.TextInput({"placeholder": "如 2023-06"}),
    )
    region = RegionCodeFilter(field_name="region")
    township = django_filters.ModelChoiceFilter(
        label="乡镇（街道）",
        field_name="region",
        queryset=Region.objects.none(),
        empty_label="全部",
    )

    class Meta:
        model = TalentProject
        fields = ["program"]

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
            Q(applicant__icontains=value)
            | Q(title__icontains=value)
            | Q(host_enterprise__name__icontains=value)
        )

    def not_signed_by(self, queryset, name, value):
        """Projects not signed by the end of the period (signed later, or not yet)."""
        if not value.strip():
            return queryset
        try:
            _, end = period_bounds(value)
        except ValueError:
            return queryset.none()
        return queryset.filter(Q(signed_on__isnull=True) | Q(signed_on__gt=end))

    def in_period(self, queryset, name, value):
        if not value.strip():
            return queryset
        try:
            start, end = period_bounds(value)
        except ValueError:
            return queryset.none()
        return queryset.filter(**{f"{STAGE_DATES[name]}__range": (start, end)})
