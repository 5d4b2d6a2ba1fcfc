"""The enterprise list's filters: one definition for the page, the API and the export."""

import django_filters
from django.db.models import Q

from kechuang.core import reference
from kechuang.core.models import Region
from kechuang.core.selectors import townships_visible_to
from kechuang.enterprises.choices import EnterpriseStatus
from kechuang.enterprises.models import Enterprise

BOOL_CHOICES = [("", "全部"), ("true", "是"), ("false", "否")]


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="名称或信用代码", method="search")
    township = django_filters.ModelChoiceFilter(
        label="乡镇（街道）",
        queryset=Region.objects.none(),
        field_name="township",
        empty_label="全部",
    )
    industry_section = django_filters.ChoiceFilter(
        label="行业门类", choices=reference.section_choices, empty_label="全部"
    )
    industry_division = django_filters.ChoiceFilter(
        label="行业大类", choices=reference.division_choices, empty_label="全部"
    )
    above_scale = django_filters.TypedChoiceFilter(
        label="规模以上", choices=BOOL_CHOICES, coerce=lambda v: v == "true"
    )
    manufacturing = django_filters.TypedChoiceFilter(
        label="制造业", choices=BOOL_CHOICES, coerce=lambda v: v == "true"
    )
    rnd_active = django_filters.TypedChoiceFilter(
        label="有研发活动", choices=BOOL_CHOICES, coerce=lambda v: v == "true"
    )
    status = django_filters.ChoiceFilter(
        label="状态", choices=EnterpriseStatus.choices, empty_label="全部"
    )
    ordering = django_filters.OrderingFilter(
        label="排序",
        empty_label="默认",
        fields=(
            ("name", "name"),
            ("credit_code", "credit_code"),
            ("township__code", "township"),
            ("founded_on", "founded_on"),
            ("updated_at", "updated_at"),
        ),
        field_labels={
            "name": "名称",
            "credit_code": "信用代码",
            "township__code": "乡镇",
            "founded_on": "成立日期",
            "updated_at": "更新时间",
        },
    )

    class Meta:
        model = Enterprise
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = user or getattr(request, "user", None)
        if user is not None:
            self.filters["township"].queryset = townships_visible_to(user)
        self.form.label_suffix = ""

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__icontains=value.upper()))
