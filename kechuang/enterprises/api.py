"""REST API of the enterprise registry: same filters and scoping as the list page."""

from rest_framework import serializers

from kechuang.core.api import DisplayField, ScopedSlugRelatedField, ServiceViewSet, linkable_regions
from kechuang.core.choices import RegionLevel, Role
from kechuang.core.formatting import mask_name, mask_phone
from kechuang.core.models import Region
from kechuang.core.scoping import can_see_contacts, is_bureau
from kechuang.enterprises import selectors, services
from kechuang.enterprises.filters import EnterpriseFilter
from kechuang.enterprises.models import Enterprise


def linkable_townships(user):
    return linkable_regions(user).filter(level=RegionLevel.TOWNSHIP)


class EnterpriseSerializer(serializers.ModelSerializer):
    township = ScopedSlugRelatedField(
        Region,
        queryset=linkable_townships,
        slug_field="code",
        error_messages={
            "does_not_exist": "乡镇（街道）不存在或无权使用：{value}",
            "invalid": "乡镇（街道）应填写9位统计用区划代码",
        },
    )
    township_name = serializers.CharField(source="township.name", read_only=True)
    status_display = DisplayField(source="get_status_display")

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "credit_code",
            "name",
            "township",
            "township_name",
            "industry_section",
            "industry_division",
            "above_scale",
            "manufacturing",
            "rnd_active",
            "founded_on",
            "production_started_on",
            "address",
            "contact_person",
            "contact_phone",
            "status",
            "status_display",
            "updated_at",
        ]
        read_only_fields = ["industry_section", "manufacturing", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not can_see_contacts(request.user):
            data["contact_person"] = mask_name(data["contact_person"])
            data["contact_phone"] = mask_phone(data["contact_phone"])
        return data


def may_register_firms(user) -> bool:
    return is_bureau(user) or user.role == Role.LIAISON


class EnterpriseViewSet(ServiceViewSet):
    """Enterprises visible to the caller. Staff and liaisons create; whoever may edit updates."""

    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilter
    create_service = services.enterprise_create
    service = services.enterprise_update
    record_name = "enterprise"
    may_create = may_register_firms
    create_refusal = "无权登记企业"

    def get_queryset(self):
        return selectors.enterprise_list(self.request.user)
