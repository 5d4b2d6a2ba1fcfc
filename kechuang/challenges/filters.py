"""The lists' filters: one definition each for the page and the API."""

import django_filters
from django import forms
from django.db.models import Q

from kechuang.challenges.choices import TAKEN_STATUSES, BidStatus, ChallengeStatus
from kechuang.challenges.models import Bid, Challenge, ChallengeList
from kechuang.core.filters import IdFilter, RegionCodeFilter, YearFilter
from kechuang.core.models import Region
from kechuang.core.selectors import townships_visible_to

DATE = {"type": "date"}


def _date(label: str, field_name: str, lookup_expr: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        label=label, field_name=field_name, lookup_expr=lookup_expr, widget=forms.DateInput(DATE)
    )


class _UserFilterSet(django_filters.FilterSet):
    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.user = user or getattr(request, "user", None)
        self.form.label_suffix = ""


class ChallengeFilter(_UserFilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    status = django_filters.ChoiceFilter(
        label="状态", choices=ChallengeStatus.choices, empty_label="全部"
    )
    challenge_list = django_filters.ModelChoiceFilter(
        label="榜单", queryset=ChallengeList.objects.none(), empty_label="全部"
    )
    year = YearFilter(label="年度", field_name="challenge_list__year")
    township = django_filters.ModelChoiceFilter(
        label="乡镇（街道）",
        field_name="enterprise__township",
        queryset=Region.objects.none(),
        empty_label="全部",
    )
    region = RegionCodeFilter(field_name="enterprise__township")
    taken = django_filters.BooleanFilter(label="揭榜成功", method="filter_taken")
    published_since = _date("发布日期起", "published_on", "gte")
    published_until = _date("发布日期止", "published_on", "lte")
    decided_since = _date("结果日期起", "decided_on", "gte")
    decided_until = _date("结果日期止", "decided_on", "lte")

    class Meta:
        model = Challenge
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.user is not None:
            self.filters["township"].queryset = townships_visible_to(self.user)
            self.filters["challenge_list"].queryset = ChallengeList.objects.visible_to(self.user)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(problem__icontains=value)
            | Q(enterprise__name__icontains=value)
        )

    def filter_taken(self, queryset, name, value):
        if value is None:
            return queryset
        taken = Q(status__in=TAKEN_STATUSES)
        return queryset.filter(taken) if value else queryset.exclude(taken)


class BidFilter(_UserFilterSet):
    status = django_filters.ChoiceFilter(
        label="状态", choices=BidStatus.choices, empty_label="全部"
    )
    challenge = IdFilter(label="榜题编号", field_name="challenge_id")
    institution = IdFilter(label="院所编号", field_name="institution_id")

    class Meta:
        model = Bid
        fields = []
