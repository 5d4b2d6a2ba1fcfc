"""Filters of the log list and the coverage page: one definition for the pages and the API.
`served` / `assigned` take a period (YYYY or YYYY-MM, January through that month) and
`region` a region code, so the pages list exactly what a figure counts."""

import django_filters
from django.db.models import Q

from kechuang.commissioners.choices import RequestStatus
from kechuang.commissioners.models import Assignment, ServiceLog, ServiceRequest
from kechuang.core.choices import RegionLevel
from kechuang.core.figures import Period
from kechuang.core.filters import RegionCodeFilter
from kechuang.core.models import Region
from kechuang.core.selectors import townships_visible_to


def _period(value: str) -> Period | None:
    try:
        return Period.parse_span(value)
    except (ValueError, TypeError):
        return None


def _in_region(queryset, path: str, value: str):
    region = Region.objects.filter(code=value.strip()).first()
    if region is None:
        return queryset.none() if value.strip() else queryset
    return queryset.filter(**{f"{path}__startswith": region.prefix})


def assigned_in(period: Period) -> Q:
    """Townships with an assignment overlapping the period."""
    overlapping = Assignment.objects.filter(start__lte=period.end).filter(
        Q(end__isnull=True) | Q(end__gte=period.start)
    )
    return Q(level=RegionLevel.TOWNSHIP, pk__in=overlapping.values("township"))


def served_in(period: Period) -> Q:
    """Townships with at least one service log in the period."""
    logs = ServiceLog.objects.filter(served_on__gte=period.start, served_on__lte=period.end)
    return Q(level=RegionLevel.TOWNSHIP, pk__in=logs.values("township"))


class LogFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    township = django_filters.ModelChoiceFilter(
        label="乡镇（街道）", queryset=Region.objects.none(), empty_label="全部乡镇"
    )
    served = django_filters.CharFilter(label="服务期间", method="in_period")
    region = RegionCodeFilter(field_name="township")

    class Meta:
        model = ServiceLog
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
            Q(commissioner__name__icontains=value)
            | Q(place__icontains=value)
            | Q(cooperative__icontains=value)
            | Q(enterprise__name__icontains=value)
            | Q(content__icontains=value)
        )

    def in_period(self, queryset, name, value):
        if not value.strip():
            return queryset
        period = _period(value)
        if period is None:
            return queryset.none()
        return queryset.filter(served_on__gte=period.start, served_on__lte=period.end)


class CoverageFilter(django_filters.FilterSet):
    """Townships: `assigned` / `served` keep those assigned / served in a period."""

    assigned = django_filters.CharFilter(label="派驻期间", method="by_assignment")
    served = django_filters.CharFilter(label="服务期间", method="by_service")
    region = django_filters.CharFilter(label="区划代码", method="in_region")

    class Meta:
        model = Region
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.form.label_suffix = ""

    def by_assignment(self, queryset, name, value):
        period = _period(value) if value.strip() else None
        if not value.strip():
            return queryset
        return queryset.filter(assigned_in(period)) if period else queryset.none()

    def by_service(self, queryset, name, value):
        period = _period(value) if value.strip() else None
        if not value.strip():
            return queryset
        return queryset.filter(served_in(period)) if period else queryset.none()

    def in_region(self, queryset, name, value):
        return _in_region(queryset, "code", value)


def requests_in(period: Period) -> Q:
    return Q(submitted_on__gte=period.start, submitted_on__lte=period.end)


def requests_served_in(period: Period) -> Q:
    return Q(served_on__gte=period.start, served_on__lte=period.end)


class RequestFilter(django_filters.FilterSet):
    """The request list: `submitted` / `served` take a period, `region` a region code, so
    the list shows exactly what the figures count."""

    q = django_filters.CharFilter(label="搜索", method="search")
    status = django_filters.ChoiceFilter(
        label="状态", choices=RequestStatus.choices, empty_label="全部状态"
    )
    township = django_filters.ModelChoiceFilter(
        label="乡镇（街道）", queryset=Region.objects.none(), empty_label="全部乡镇"
    )
    submitted = django_filters.CharFilter(label="提出期间", method="in_period")
    served = django_filters.CharFilter(label="服务期间", method="in_period")
    region = RegionCodeFilter(field_name="township")

    class Meta:
        model = ServiceRequest
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
            Q(title__icontains=value)
            | Q(content__icontains=value)
            | Q(fields__icontains=value)
            | Q(requester__icontains=value)
            | Q(enterprise__name__icontains=value)
            | Q(commissioner__name__icontains=value)
        )

    def in_period(self, queryset, name, value):
        if not value.strip():
            return queryset
        period = _period(value)
        if period is None:
            return queryset.none()
        condition = requests_in if name == "submitted" else requests_served_in
        return queryset.filter(condition(period))
