"""REST API of technology transfer: demands, achievements and contracts, with the same
filters and scoping as the list pages; writes go through the services."""

from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from kechuang.core.api import call_service
from kechuang.core.formatting import mask_name, mask_phone
from kechuang.core.models import Region
from kechuang.core.scoping import can_see_contacts
from kechuang.enterprises.models import Enterprise
from kechuang.institutions.models import Institution
from kechuang.transfer import selectors, services
from kechuang.transfer.filters import AchievementFilter, ContractFilter, DemandFilter
from kechuang.transfer.models import Achievement, Demand, TechContract


class DemandSerializer(serializers.ModelSerializer):
    enterprise = serializers.SlugRelatedField(
        slug_field="credit_code",
        queryset=Enterprise.objects.all(),
        error_messages={"does_not_exist": "未知的企业统一社会信用代码：{value}"},
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    township = serializers.CharField(source="enterprise.township.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    chain_name = serializers.CharField(source="chain.name", read_only=True, default="")

    class Meta:
        model = Demand
        fields = [
            "id",
            "code",
            "title",
            "description",
            "enterprise",
            "enterprise_name",
            "township",
            "chain",
            "chain_name",
            "node",
            "field",
            "budget",
            "deadline",
            "status",
            "status_display",
            "source",
            "created_at",
        ]
        read_only_fields = ["status", "created_at"]


class AchievementSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        required=False,
        error_messages={"does_not_exist": "未知的区划代码：{value}"},
    )
    owner_institution = serializers.PrimaryKeyRelatedField(
        queryset=Institution.objects.all(), required=False, allow_null=True
    )
    owner_enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), required=False, allow_null=True
    )
    owner_name = serializers.SerializerMethodField()
    maturity_display = serializers.CharField(source="get_maturity_display", read_only=True)

    class Meta:
        model = Achievement
        fields = [
            "id",
            "code",
            "title",
            "abstract",
            "field",
            "maturity",
            "maturity_display",
            "trl",
            "patents",
            "owner_institution",
            "owner_enterprise",
            "owner_name",
            "region",
            "chain",
            "node",
            "contact_person",
            "contact_phone",
            "transfer_mode",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def get_owner_name(self, obj) -> str:
        owner = obj.owner
        return owner.name if owner else ""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        own = user is not None and (
            (user.institution_id and user.institution_id == instance.owner_institution_id)
            or (user.enterprise_id and user.enterprise_id == instance.owner_enterprise_id)
        )
        if user is not None and not can_see_contacts(user) and not own:
            data["contact_person"] = mask_name(data["contact_person"])
            data["contact_phone"] = mask_phone(data["contact_phone"])
        return data


class ContractSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        error_messages={"does_not_exist": "未知的区划代码：{value}"},
    )
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    direction_display = serializers.CharField(source="get_direction_display", read_only=True)

    class Meta:
        model = TechContract
        fields = [
            "id",
            "number",
            "title",
            "kind",
            "kind_display",
            "buyer_name",
            "buyer_enterprise",
            "seller_name",
            "seller_institution",
            "seller_enterprise",
            "amount",
            "turnover",
            "registered_on",
            "direction",
            "direction_display",
            "region",
            "demand",
            "achievement",
            "match",
            "event",
        ]

    def validate(self, attrs):
        amount = attrs.get("amount", getattr(self.instance, "amount", None))
        turnover = attrs.get("turnover", getattr(self.instance, "turnover", None))
        if amount is not None and turnover is not None and turnover > amount:
            raise serializers.ValidationError({"turnover": "技术交易额不能超过合同金额"})
        return attrs


class _ServiceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    service = None
    record_name = ""
    may_create = None

    def perform_create(self, serializer):
        if not type(self).may_create(self.request.user):
            raise PermissionDenied("无权登记该类记录")
        serializer.instance = call_service(
            type(self).service, actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = call_service(
            type(self).service,
            actor=self.request.user,
            **{self.record_name: serializer.instance},
            **serializer.validated_data,
        )


class DemandViewSet(_ServiceViewSet):
    """Technology demands visible to the caller; a firm's user sees only its own."""

    serializer_class = DemandSerializer
    filterset_class = DemandFilter
    service = services.demand_save
    record_name = "demand"
    may_create = services.may_post_demand

    def get_queryset(self):
        return selectors.demand_list(self.request.user)


class AchievementViewSet(_ServiceViewSet):
    """Achievements visible to the caller; an institute's user sees only its own."""

    serializer_class = AchievementSerializer
    filterset_class = AchievementFilter
    service = services.achievement_save
    record_name = "achievement"
    may_create = services.may_post_achievement

    def get_queryset(self):
        return selectors.achievement_list(self.request.user)


class ContractViewSet(_ServiceViewSet):
    """Technology contracts of the caller's region; bureau staff register them."""

    serializer_class = ContractSerializer
    filterset_class = ContractFilter
    service = services.contract_save
    record_name = "contract"
    may_create = services.may_register_contracts

    def get_queryset(self):
        return selectors.contract_list(self.request.user)
