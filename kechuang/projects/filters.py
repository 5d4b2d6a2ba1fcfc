"""The lists' filters: one definition each for the page, the API and the Excel export."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from kechuang.core.filters import RegionCodeFilter
from kechuang.core.models import Region
from kechuang.core.selectors import townships_visible_to
from kechuang.projects import selectors
from kechuang.projects.choices import ProgramKind, ProgramLevel, ProjectStatus
from kechuang.projects.models import Call, Program, Project


class _UserFilterSet(django_filters.FilterSet):
    search_fields: tuple[str, ...] = ()

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.user = user or getattr(request, "user", None)
        if "township" in self.filters:
            self.filters["township"].queryset = townships_visible_to(self.user)
        if "program" in self.filters:
            self.filters["program"].queryset = Program.objects.visible_to(self.user)
        if "call" in self.filters:
            self.filters["call"].queryset = Call.objects.visible_to(self.user)
        self.form.label_suffix = ""

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class ProgramFilter(_UserFilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    kind = django_filters.ChoiceFilter(
        label="计划类别", choices=ProgramKind.choices, empty_label="全部"
    )
    level = django_filters.ChoiceFilter(
        label="级别", choices=ProgramLevel.choices, empty_label="全部"
    )

    search_fields = ("name", "issuer")

    class Meta:
        model = Program
        fields = []


class ProjectFilter(_UserFilterSet):
    """`region` + `period` select what the figures count (selectors.in_period)."""

    q = django_filters.CharFilter(label="搜索", method="search")
    kind = django_filters.MultipleChoiceFilter(
        label="计划类别",
        field_name="program__kind",
        choices=ProgramKind.choices,
        widget=forms.SelectMultiple(attrs={"size": 1}),
    )
    level = django_filters.ChoiceFilter(
        label="级别", field_name="program__level", choices=ProgramLevel.choices, empty_label="全部"
    )
    status = django_filters.ChoiceFilter(
        label="状态", choices=ProjectStatus.choices, empty_label="全部"
    )
    year = django_filters.NumberFilter(label="年度")
    program = django_filters.ModelChoiceFilter(
        label="科技计划", queryset=Program.objects.none(), empty_label="全部"
    )
    call = django_filters.ModelChoiceFilter(
        label="申报批次", queryset=Call.objects.none(), empty_label="全部"
    )
    township = django_filters.ModelChoiceFilter(
        label="乡镇（街道）",
        field_name="region",
        queryset=Region.objects.none(),
        empty_label="全部",
    )
    region = RegionCodeFilter(field_name="region")
    period = django_filters.CharFilter(label="期间（YYYY-MM）", method="in_period")

    search_fields = (
        "code",
        "title",
        "lead_enterprise__name",
        "lead_institution__name",
        "partner_institution__name",
    )

    class Meta:
        model = Project
        fields = []

    def in_period(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        try:
            year, last_day = selectors.period_bounds(value)
        except ValidationError:
            return queryset.none()
        return queryset.filter(year=year, collected_on__lte=last_day)
