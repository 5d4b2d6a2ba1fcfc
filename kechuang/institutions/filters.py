"""The institution list's filters: one definition for the page, the API and the export."""

import django_filters
from django.db.models import Q

from kechuang.institutions.choices import InstitutionKind
from kechuang.institutions.models import Institution


class InstitutionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="名称或简称", method="search")
    kind = django_filters.ChoiceFilter(label="类型", choices=InstitutionKind.choices)
    ordering = django_filters.OrderingFilter(
        label="排序",
        fields=(("name", "name"), ("kind", "kind"), ("updated_at", "updated_at")),
        field_labels={"name": "名称", "kind": "类型", "updated_at": "更新时间"},
    )

    class Meta:
        model = Institution
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None):
        super().__init__(data, queryset, request=request, prefix=prefix)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))
