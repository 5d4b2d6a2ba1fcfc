"""REST API of the tier ladder's tiers and qualifications: the same scoping and filters as
the pages; writes through the services."""

from drf_spectacular.utils import extend_schema_view
from rest_framework import serializers

from kechuang.core.api import (
    DisplayField,
    ScopedRelatedField,
    ScopedSlugRelatedField,
    ServiceViewSet,
    call_service,
    linkable_regions,
    record_examples,
)
from kechuang.core.models import Region
from kechuang.core.scoping import is_bureau
from kechuang.enterprises import services
from kechuang.enterprises.forms.qualifications import QualificationFilter
from kechuang.enterprises.models import Enterprise, Qualification, Tier
from kechuang.enterprises.selectors import qualifications as ladder_selectors
from kechuang.enterprises.services.pool import may_manage_pool
from kechuang.enterprises.services.qualifications import QUALIFICATION_FIELDS


def tiers_visible(user):
    """Tiers of the user's area; bureau staff also those the regions below them define."""
    if is_bureau(user):
        return ladder_selectors.tiers_managed_by(user)
    return ladder_selectors.tiers_for(user)


# --- tiers -------------------------------------------------------------------------------


class TierSerializer(serializers.ModelSerializer):
    region = ScopedSlugRelatedField(
        Region,
        queryset=linkable_regions,
        slug_field="code",
        allow_null=True,
        help_text="设定该梯次的区域代码；全国性梯次为 null（不能在此设定）",
    )
    validity_display = DisplayField(source="get_validity_display")

    class Meta:
        model = Tier
        fields = [
            "id",
            "code",
            "name",
            "rank",
            "region",
            "validity",
            "validity_display",
            "validity_years",
            "policy",
            "document",
            "criteria",
            "is_example",
        ]
        read_only_fields = ["policy"]

    def validate_code(self, code):
        if self.instance is not None and code != self.instance.code:
            raise serializers.ValidationError("资质代码设定后不能修改")
        return code


TIER_FIELDS = (
    "region",
    "code",
    "name",
    "rank",
    "validity",
    "validity_years",
    "criteria",
    "document",
    "is_example",
)


def _tier_save(*, actor, tier: Tier | None = None, **fields) -> Tier:
    """tier_save takes every field of a tier: a partial change keeps the stored ones."""
    if tier is not None:
        fields = {**{name: getattr(tier, name) for name in TIER_FIELDS}, **fields}
    return services.tier_save(actor=actor, **fields)


TIER_EXAMPLE = {
    "id": 2,
    "code": "hnte",
    "name": "高新技术企业",
    "rank": 20,
    "region": None,
    "validity": "years",
    "validity_display": "自发证日起按年数",
    "validity_years": 3,
    "policy": "hnte-2016",
    "document": "国科发火〔2016〕32号",
    "criteria": "",
    "is_example": False,
}


TIER_BODY = {
    "code": "lishui-xiaojuren",
    "name": "丽水市科技小巨人",
    "rank": 30,
    "region": "331100",
    "validity": "years",
    "validity_years": 3,
    "document": "丽科〔2022〕12号",
    "criteria": "",
    "is_example": False,
}


@extend_schema_view(
    **record_examples(
        "资质梯次", TIER_EXAMPLE, TIER_BODY, writes=("create", "update", "partial_update")
    )
)
class TierViewSet(ServiceViewSet):
    """Every signed-in user: the tiers that apply to their area (national ones and their
    regions' own); bureau staff also those the regions below them define, and define tiers
    for their region (tier_save). National tiers follow national policy: not editable."""

    serializer_class = TierSerializer
    queryset = Tier.objects.none()  # for the schema; get_queryset scopes
    service = staticmethod(_tier_save)
    record_name = "tier"
    may_create = staticmethod(is_bureau)
    create_refusal = "无权设定资质梯次"

    def get_queryset(self):
        return tiers_visible(self.request.user).order_by("rank", "code")


# --- qualifications ----------------------------------------------------------------------


class QualificationSerializer(serializers.ModelSerializer):
    enterprise = ScopedRelatedField(Enterprise, write=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    tier = ScopedRelatedField(Tier, queryset=tiers_visible)
    tier_name = serializers.CharField(source="tier.name", read_only=True)
    source_display = DisplayField(source="get_source_display")

    class Meta:
        model = Qualification
        validators = []  # posting an existing key updates it (the service decides)
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "tier",
            "tier_name",
            "year",
            "number",
            "issued_on",
            "valid_from",
            "valid_until",
            "source",
            "source_display",
            "batch",
        ]
        read_only_fields = ["valid_from", "valid_until", "source"]


QUALIFICATION_BODY = {
    "enterprise": 12,
    "tier": 2,
    "year": 2023,
    "number": "GR202333001234",
    "issued_on": "2023-12-08",
    "batch": "浙江省2023年第一批",
}
QUALIFICATION_EXAMPLE = {
    "id": 31,
    **QUALIFICATION_BODY,
    "enterprise_name": "青田县示例阀门有限公司",
    "tier_name": "高新技术企业",
    "valid_from": "2023-12-08",
    "valid_until": "2026-12-07",
    "source": "manual",
    "source_display": "手工录入",
}


@extend_schema_view(
    **record_examples(
        "资质",
        QUALIFICATION_EXAMPLE,
        QUALIFICATION_BODY,
        writes=("create", "update", "partial_update"),
    )
)
class QualificationViewSet(ServiceViewSet):
    """Every signed-in user reads the qualifications they may see; bureau staff and township
    liaisons record those of the firms they may edit (a firm cannot certify itself).
    Validity is derived from the tier, never sent."""

    serializer_class = QualificationSerializer
    filterset_class = QualificationFilter
    service = services.qualification_save
    record_name = "qualification"
    create_refusal = "无权登记资质"

    may_create = staticmethod(may_manage_pool)

    def get_queryset(self):
        return ladder_selectors.qualification_list(self.request.user).order_by(
            "-year", "tier__rank", "enterprise__name", "pk"
        )

    def perform_update(self, serializer):
        record = serializer.instance
        data = serializer.validated_data
        fields = {name: data.get(name, getattr(record, name)) for name in QUALIFICATION_FIELDS}
        serializer.instance = call_service(
            services.qualification_save,
            actor=self.request.user,
            qualification=record,
            enterprise=data.get("enterprise", record.enterprise),
            **fields,
        )
