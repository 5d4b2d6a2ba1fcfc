"""JSON for the dashboard's charts and for other systems (the same selectors as the CLI),
and the indicator records: values per region and period, targets, firms' monthly figures."""

import django_filters
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import NotFound, ParseError, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from kechuang.core.api import (
    ScopedSlugRelatedField,
    ServiceViewSet,
    linkable_regions,
    record_examples,
)
from kechuang.core.filters import IdFilter, YearFilter
from kechuang.core.models import Region
from kechuang.core.scoping import is_bureau
from kechuang.indicators import engine, selectors, services
from kechuang.indicators.choices import ValueSource
from kechuang.indicators.models import DataElement, DataValue, EnterpriseMonth, Indicator, Target


def _param(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(
        name, str, OpenApiParameter.QUERY, required=True, description=description
    )


REGION = _param("region", "区划代码，如 331121")
PERIOD = _param("period", "期间 YYYY-MM（1月至该月累计）")
INDICATOR = _param("indicator", "指标代码")


class _SelectorView(APIView):
    """Signed-in users who may see the region's figures (selectors.can_see_figures).

    The answer is the selector's JSON object, as `kechuang indicators --format json` prints.
    """

    parameters: list = []

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.get = extend_schema(
            parameters=cls.parameters,
            responses={200: OpenApiTypes.OBJECT},
            description=cls.__doc__,
        )(cls.get)

    def get(self, request):
        params = request.query_params
        try:
            return Response(self.fetch(request.user, params))
        except engine.IndicatorError as exc:
            raise ParseError(str(exc)) from exc
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except KeyError as exc:
            raise ParseError(f"缺少参数：{exc.args[0]}") from exc
        except LookupError as exc:
            raise NotFound(str(exc)) from exc


class IndicatorTableView(_SelectorView):
    """GET ?region=CODE&period=YYYY-MM: the `kechuang indicators` JSON."""

    parameters = [REGION, PERIOD]

    def fetch(self, user, params):
        return selectors.indicator_table(user, params["region"], params["period"])


class TrendView(_SelectorView):
    """GET ?region=CODE&indicator=CODE&years=2021,2022,2023: monthly cumulative series."""

    parameters = [REGION, INDICATOR, _param("years", "逗号分隔的年份，如 2022,2023")]

    def fetch(self, user, params):
        years = [int(y) for y in params["years"].split(",") if y.strip().isdigit()]
        if not years:
            raise engine.IndicatorError("years 应为逗号分隔的年份，如 2022,2023")
        return selectors.trend(user, params["region"], params["indicator"], years)


class YearlyView(_SelectorView):
    """GET ?region=CODE&indicator=CODE: full-year values by year."""

    parameters = [REGION, INDICATOR]

    def fetch(self, user, params):
        return selectors.yearly(user, params["region"], params["indicator"])


class RankingView(_SelectorView):
    """GET ?parent=CODE&indicator=CODE&period=YYYY-MM: the sibling regions ranked."""

    parameters = [_param("parent", "上级区划代码"), INDICATOR, PERIOD]

    def fetch(self, user, params):
        return selectors.ranking(user, params["parent"], params["indicator"], params["period"])


class ChildrenView(_SelectorView):
    """GET ?region=CODE&period=YYYY-MM: every child region's scoreboard (drill-down)."""

    parameters = [REGION, PERIOD]

    def fetch(self, user, params):
        return selectors.children_table(user, params["region"], params["period"])


# --- indicator records -------------------------------------------------------------------


def all_elements(user):
    return DataElement.objects.all()


def all_indicators(user):
    return Indicator.objects.all()


class _RegionPeriodFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(label="区划代码", field_name="region__code")
    within = django_filters.CharFilter(label="区域及其下级", method="filter_within")

    def filter_within(self, queryset, name, value):
        region = Region.objects.filter(code=value.strip()).first()
        if region is None:
            return queryset.none()
        return queryset.filter(region__code__startswith=region.prefix)


class DataValueFilter(_RegionPeriodFilter):
    element = django_filters.CharFilter(label="数据项代码", field_name="element__code")
    period = django_filters.CharFilter(label="期间")
    year = YearFilter(label="年度", field_name="period", method="filter_year")
    source = django_filters.ChoiceFilter(label="来源", choices=ValueSource.choices)

    class Meta:
        model = DataValue
        fields = []

    def filter_year(self, queryset, name, value):
        return queryset.filter(period__startswith=f"{int(value):04d}-")


class DataValueSerializer(serializers.ModelSerializer):
    element = ScopedSlugRelatedField(DataElement, queryset=all_elements, slug_field="code")
    element_name = serializers.CharField(source="element.name", read_only=True)
    region = ScopedSlugRelatedField(Region, queryset=linkable_regions, slug_field="code")
    region_name = serializers.CharField(source="region.name", read_only=True)
    source = serializers.ChoiceField(choices=ValueSource.choices, default=ValueSource.MANUAL)

    class Meta:
        model = DataValue
        validators = []  # posting an existing key updates it (the service decides)
        fields = [
            "id",
            "element",
            "element_name",
            "region",
            "region_name",
            "period",
            "value",
            "previous",
            "published_yoy",
            "source",
        ]


VALUE_BODY = {
    "element": "rnd_expense",
    "region": "331121",
    "period": "2023-06",
    "value": "312500000.0000",
    "previous": "268000000.0000",
    "published_yoy": "16.60",
    "source": "stats_bureau",
}
VALUE_EXAMPLE = {
    "id": 120,
    **VALUE_BODY,
    "element_name": "R&D经费支出",
    "region_name": "青田县",
}


@extend_schema_view(**record_examples("指标数据", VALUE_EXAMPLE, VALUE_BODY, writes=("create",)))
class DataValueViewSet(ServiceViewSet):
    """Users who may see the region read its values; bureau staff and leaders of the region
    enter them (data_value_save, which applies the validation rules). Posting an element,
    region, period and source that already has a value replaces it."""

    serializer_class = DataValueSerializer
    filterset_class = DataValueFilter
    service = services.data_value_save
    may_create = staticmethod(is_bureau)
    create_refusal = "无权填报指标数据"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return DataValue.objects.visible_to(self.request.user).select_related("element", "region")


class TargetFilter(_RegionPeriodFilter):
    indicator = django_filters.CharFilter(label="指标代码", field_name="indicator__code")
    year = YearFilter(label="年度")

    class Meta:
        model = Target
        fields = []


class TargetSerializer(serializers.ModelSerializer):
    indicator = ScopedSlugRelatedField(Indicator, queryset=all_indicators, slug_field="code")
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    region = ScopedSlugRelatedField(Region, queryset=linkable_regions, slug_field="code")
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Target
        validators = []  # posting an existing key updates it (the service decides)
        fields = [
            "id",
            "indicator",
            "indicator_name",
            "region",
            "region_name",
            "year",
            "value",
            "document",
        ]


TARGET_BODY = {
    "indicator": "rnd_intensity",
    "region": "331121",
    "year": 2024,
    "value": "2.8000",
    "document": "青田县2024年科技工作要点",
}
TARGET_EXAMPLE = {
    "id": 8,
    **TARGET_BODY,
    "indicator_name": "R&D经费投入强度",
    "region_name": "青田县",
}


@extend_schema_view(**record_examples("指标目标", TARGET_EXAMPLE, TARGET_BODY, writes=("create",)))
class TargetViewSet(ServiceViewSet):
    """Users who may see the region read its targets; bureau staff and leaders of the region
    set them (target_save). Posting an indicator, region and year that has a target
    replaces it."""

    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    service = services.target_save
    may_create = staticmethod(is_bureau)
    create_refusal = "无权设定指标目标"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return (
            Target.objects.visible_to(self.request.user)
            .select_related("indicator", "region")
            .order_by("-year", "region__code", "indicator__sort_order", "pk")
        )


class EnterpriseMonthFilter(django_filters.FilterSet):
    enterprise = IdFilter(label="企业", field_name="enterprise_id")
    period = django_filters.CharFilter(label="期间")
    township = django_filters.CharFilter(label="乡镇（街道）代码", field_name="township__code")

    class Meta:
        model = EnterpriseMonth
        fields = []


class EnterpriseMonthSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    township = serializers.SlugRelatedField(slug_field="code", read_only=True)
    county = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = EnterpriseMonth
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "period",
            "township",
            "county",
            "manufacturing",
            "revenue",
            "tech_dev_expense",
            "value_added",
            "rnd_active",
            "hitech",
        ]
        read_only_fields = fields


MONTH_EXAMPLE = {
    "id": 501,
    "enterprise": 12,
    "enterprise_name": "青田县示例阀门有限公司",
    "period": "2023-06",
    "township": "331121101",
    "county": "331121",
    "manufacturing": True,
    "revenue": "28000000.00",
    "tech_dev_expense": "1150000.00",
    "value_added": "6100000.00",
    "rnd_active": True,
    "hitech": True,
}


@extend_schema_view(**record_examples("规上企业月度数据", MONTH_EXAMPLE))
class EnterpriseMonthViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Users who may see the firm read its monthly cumulative figures (a firm's user its own).
    Read-only: the figures come in through the stats import."""

    serializer_class = EnterpriseMonthSerializer
    filterset_class = EnterpriseMonthFilter

    def get_queryset(self):
        return (
            EnterpriseMonth.objects.visible_to(self.request.user)
            .select_related("enterprise", "township", "county")
            .order_by("enterprise_id", "period")
        )
