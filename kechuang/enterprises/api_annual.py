"""REST API of a firm's annual figures: read as the firm's page shows them, written through
enterprise_year_save (one record per firm and year)."""

import django_filters
from drf_spectacular.utils import extend_schema_view
from rest_framework import serializers

from kechuang.core.api import ScopedRelatedField, ServiceViewSet, call_service, record_examples
from kechuang.core.filters import IdFilter, YearFilter
from kechuang.enterprises import services
from kechuang.enterprises.models import Enterprise, EnterpriseYear
from kechuang.enterprises.services.annual import FIGURE_FIELDS


class EnterpriseYearFilter(django_filters.FilterSet):
    enterprise = IdFilter(label="企业", field_name="enterprise_id")
    year = YearFilter(label="年度")

    class Meta:
        model = EnterpriseYear
        fields = []


class EnterpriseYearSerializer(serializers.ModelSerializer):
    enterprise = ScopedRelatedField(Enterprise, write=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = EnterpriseYear
        validators = []  # posting an existing key updates it (the service decides)
        fields = ["id", "enterprise", "enterprise_name", "year", *FIGURE_FIELDS]


YEAR_BODY = {
    "enterprise": 12,
    "year": 2023,
    "employees": 120,
    "st_staff": 18,
    "sales_revenue": "56000000.00",
    "total_income": "58000000.00",
    "rnd_expense": "2300000.00",
    "rnd_expense_domestic": "2300000.00",
    "hightech_income": "35000000.00",
    "total_costs": "50000000.00",
    "total_assets": "80000000.00",
    "net_assets": "32000000.00",
    "ip_class1": 2,
    "ip_class2": 11,
    "conversions": 6,
    "incidents": False,
}
YEAR_EXAMPLE = {"id": 40, **YEAR_BODY, "enterprise_name": "青田县示例阀门有限公司"}


def may_enter_figures(user) -> bool:
    return Enterprise.objects.editable_by(user).exists()


@extend_schema_view(
    **record_examples(
        "企业年度数据", YEAR_EXAMPLE, YEAR_BODY, writes=("create", "update", "partial_update")
    )
)
class EnterpriseYearViewSet(ServiceViewSet):
    """Every signed-in user reads the annual figures of the firms they may see; whoever may
    edit a firm (bureau staff, the township's liaison, the firm's own user) enters its
    figures. Posting a year that exists updates it; figures not sent keep their values."""

    serializer_class = EnterpriseYearSerializer
    filterset_class = EnterpriseYearFilter
    service = services.enterprise_year_save
    may_create = staticmethod(may_enter_figures)
    create_refusal = "无权填报企业年度数据"

    def get_queryset(self):
        return EnterpriseYear.objects.visible_to(self.request.user).select_related("enterprise")

    def perform_update(self, serializer):
        record = serializer.instance
        data = dict(serializer.validated_data)
        for name in ("enterprise", "year"):
            if name in data and data.pop(name) != getattr(record, name):
                raise serializers.ValidationError({name: "不能修改企业或年度，请新增该年度的数据"})
        serializer.instance = call_service(
            services.enterprise_year_save,
            actor=self.request.user,
            enterprise=record.enterprise,
            year=record.year,
            **data,
        )
