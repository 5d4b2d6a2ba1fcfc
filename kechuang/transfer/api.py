"""REST API of technology transfer: demands, achievements and contracts, with the same
filters and scoping as the list pages; writes go through the services."""

from rest_framework import serializers

from kechuang.core.api import (
    DisplayField,
    RelatedTextField,
    ScopedRelatedField,
    ScopedSlugRelatedField,
    ServiceViewSet,
    linkable_regions,
)
from kechuang.core.formatting import mask_name, mask_phone
from kechuang.core.models import Region
from kechuang.core.scoping import can_see_contacts
from kechuang.enterprises.models import Enterprise
from kechuang.institutions.models import Institution
from kechuang.transfer import selectors, services
from kechuang.transfer.filters import AchievementFilter, ContractFilter, DemandFilter
from kechuang.transfer.models import (
    Achievement,
    ChainNode,
    Demand,
    IndustryChain,
    Match,
    MatchmakingEvent,
    TechContract,
)
from kechuang.transfer.selectors import chains_for


def nodes_for(user):
    """The links of the chains the user may pick."""
    return ChainNode.objects.filter(chain__in=chains_for(user))


class DemandSerializer(serializers.ModelSerializer):
    enterprise = ScopedSlugRelatedField(Enterprise, write=True, slug_field="credit_code")
    chain = ScopedRelatedField(IndustryChain, queryset=chains_for, required=False, allow_null=True)
    node = ScopedRelatedField(ChainNode, queryset=nodes_for, required=False, allow_null=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    township = serializers.CharField(source="enterprise.township.name", read_only=True)
    status_display = DisplayField(source="get_status_display")
    chain_name = RelatedTextField(source="chain.name")

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
    region = ScopedSlugRelatedField(
        Region, queryset=linkable_regions, slug_field="code", required=False
    )
    owner_institution = ScopedRelatedField(Institution, write=True, required=False, allow_null=True)
    owner_enterprise = ScopedRelatedField(Enterprise, write=True, required=False, allow_null=True)
    chain = ScopedRelatedField(IndustryChain, queryset=chains_for, required=False, allow_null=True)
    node = ScopedRelatedField(ChainNode, queryset=nodes_for, required=False, allow_null=True)
    owner_name = serializers.SerializerMethodField()
    maturity_display = DisplayField(source="get_maturity_display")

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
            "published",
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
    region = ScopedSlugRelatedField(Region, queryset=linkable_regions, slug_field="code")
    buyer_enterprise = ScopedRelatedField(Enterprise, required=False, allow_null=True)
    seller_institution = ScopedRelatedField(Institution, required=False, allow_null=True)
    seller_enterprise = ScopedRelatedField(Enterprise, required=False, allow_null=True)
    # Registering a contract moves its match and demand along: the caller must be able to.
    demand = ScopedRelatedField(Demand, write=True, required=False, allow_null=True)
    achievement = ScopedRelatedField(Achievement, required=False, allow_null=True)
    match = ScopedRelatedField(Match, write=True, required=False, allow_null=True)
    event = ScopedRelatedField(MatchmakingEvent, required=False, allow_null=True)
    kind_display = DisplayField(source="get_kind_display")
    direction_display = DisplayField(source="get_direction_display")

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


class DemandViewSet(ServiceViewSet):
    """Technology demands visible to the caller; a firm's user sees only its own."""

    serializer_class = DemandSerializer
    filterset_class = DemandFilter
    service = services.demand_save
    record_name = "demand"
    may_create = services.may_post_demand

    def get_queryset(self):
        return selectors.demand_list(self.request.user)


class AchievementViewSet(ServiceViewSet):
    """Achievements visible to the caller; an institute's user sees only its own."""

    serializer_class = AchievementSerializer
    filterset_class = AchievementFilter
    service = services.achievement_save
    record_name = "achievement"
    may_create = services.may_post_achievement

    def get_queryset(self):
        return selectors.achievement_list(self.request.user)


class ContractViewSet(ServiceViewSet):
    """Technology contracts of the caller's region; bureau staff register them."""

    serializer_class = ContractSerializer
    filterset_class = ContractFilter
    service = services.contract_save
    record_name = "contract"
    may_create = services.may_register_contracts

    def get_queryset(self):
        return selectors.contract_list(self.request.user)
