"""The lists' filters: one definition each for the page, the API and the Excel export."""

import django_filters
from django import forms
from django.db.models import Q

from kechuang.core.filters import RegionCodeFilter
from kechuang.core.models import Region
from kechuang.core.selectors import townships_visible_to
from kechuang.enterprises.choices import TechField
from kechuang.transfer.choices import (
    ContractDirection,
    ContractType,
    DemandSource,
    DemandStatus,
    MatchStatus,
    Maturity,
    TransferMode,
)
from kechuang.transfer.models import (
    Achievement,
    Demand,
    IndustryChain,
    Match,
    TechContract,
)

DATE = {"type": "date"}


def _date(label: str, field_name: str, lookup_expr: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        label=label,
        field_name=field_name,
        lookup_expr=lookup_expr,
        widget=forms.DateInput(attrs=DATE),
    )


class _UserFilterSet(django_filters.FilterSet):
    """A filter set built for a user (from the request or given), like the other apps';
    its `q` searches the fields named in `search_fields` (any one containing the text)."""

    search_fields: tuple[str, ...] = ()

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.user = user or getattr(request, "user", None)
        if self.user is not None and "township" in self.filters:
            self.filters["township"].queryset = townships_visible_to(self.user)
        if "chain" in self.filters:
            self.filters["chain"].queryset = IndustryChain.objects.visible_to(self.user)
        self.form.label_suffix = ""

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class DemandFilter(_UserFilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    status = django_filters.ChoiceFilter(
        label="状态", choices=DemandStatus.choices, empty_label="全部"
    )
    chain = django_filters.ModelChoiceFilter(
        label="产业链", queryset=IndustryChain.objects.all(), empty_label="全部"
    )
    field = django_filters.ChoiceFilter(
        label="技术领域", choices=TechField.choices, empty_label="全部"
    )
    township = django_filters.ModelChoiceFilter(
        label="乡镇（街道）",
        field_name="enterprise__township",
        queryset=Region.objects.none(),
        empty_label="全部",
    )
    source = django_filters.ChoiceFilter(
        label="来源", choices=DemandSource.choices, empty_label="全部"
    )
    # Set by the figures' links (core/figures.py): the firm's region, registered when.
    region = RegionCodeFilter(field_name="enterprise__township")
    created_since = _date("登记日期起", "created_at__date", "gte")
    created_until = _date("登记日期止", "created_at__date", "lte")

    search_fields = ("code", "title", "description", "enterprise__name")

    class Meta:
        model = Demand
        fields = []


class AchievementFilter(_UserFilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    field = django_filters.ChoiceFilter(
        label="技术领域", choices=TechField.choices, empty_label="全部"
    )
    maturity = django_filters.ChoiceFilter(
        label="成熟度", choices=Maturity.choices, empty_label="全部"
    )
    transfer_mode = django_filters.ChoiceFilter(
        label="转化方式", choices=TransferMode.choices, empty_label="全部"
    )
    chain = django_filters.ModelChoiceFilter(
        label="产业链", queryset=IndustryChain.objects.all(), empty_label="全部"
    )

    search_fields = (
        "code",
        "title",
        "abstract",
        "owner_institution__name",
        "owner_enterprise__name",
    )

    class Meta:
        model = Achievement
        fields = []


class MatchFilter(_UserFilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    status = django_filters.ChoiceFilter(
        label="状态", choices=MatchStatus.choices, empty_label="全部"
    )
    township = django_filters.ModelChoiceFilter(
        label="乡镇（街道）",
        field_name="demand__enterprise__township",
        queryset=Region.objects.none(),
        empty_label="全部",
    )
    # Set by the figures' links (core/figures.py): the demand firm's region, when the match
    # was accepted, when it was contracted or dropped.
    region = RegionCodeFilter(field_name="demand__enterprise__township")
    accepted_since = _date("推荐日期起", "recommended_on", "gte")
    accepted_until = _date("推荐日期止", "recommended_on", "lte")
    closed_since = _date("签约或终止日期起", "closed_on", "gte")
    closed_until = _date("签约或终止日期止", "closed_on", "lte")

    search_fields = (
        "demand__title",
        "demand__code",
        "achievement__title",
        "demand__enterprise__name",
    )

    class Meta:
        model = Match
        fields = []


class ContractFilter(_UserFilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    kind = django_filters.ChoiceFilter(
        label="类型", choices=ContractType.choices, empty_label="全部"
    )
    direction = django_filters.ChoiceFilter(
        label="方向", choices=ContractDirection.choices, empty_label="全部"
    )
    since = django_filters.DateFilter(
        label="登记日期起",
        field_name="registered_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs=DATE),
    )
    until = django_filters.DateFilter(
        label="登记日期止",
        field_name="registered_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs=DATE),
    )
    region = RegionCodeFilter(field_name="region")

    search_fields = ("number", "title", "buyer_name", "seller_name")

    class Meta:
        model = TechContract
        fields = []
