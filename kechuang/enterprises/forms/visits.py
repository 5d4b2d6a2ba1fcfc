"""The visit list's filters: one definition for the page and the figures' links."""

import django_filters
from django.db.models import Q

from kechuang.core.figures import Period
from kechuang.core.filters import RegionCodeFilter
from kechuang.core.models import Region
from kechuang.core.selectors import townships_visible_to
from kechuang.enterprises.models import Visit


class VisitListFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search")
    township = django_filters.ModelChoiceFilter(
        label="乡镇（街道）",
        field_name="enterprise__township",
        queryset=Region.objects.none(),
        empty_label="全部乡镇",
    )
    visited = django_filters.CharFilter(label="走访期间", method="in_period")
    enterprise = django_filters.NumberFilter(label="企业", field_name="enterprise_id")
    region = RegionCodeFilter(field_name="enterprise__township")

    class Meta:
        model = Visit
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        self.filters["township"].queryset = townships_visible_to(user)
        self.form.fields["township"].widget.attrs["class"] = "form-select"

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(enterprise__name__icontains=value)
            | Q(visitors__icontains=value)
            | Q(agreed__icontains=value)
        )

    def in_period(self, queryset, name, value):
        try:
            period = Period.parse_span(value)
        except (ValueError, TypeError):
            return queryset.none() if value.strip() else queryset
        return queryset.filter(visited_on__gte=period.start, visited_on__lte=period.end)
