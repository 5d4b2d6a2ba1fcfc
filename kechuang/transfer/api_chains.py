"""REST API of industry chains, their links and matchmaking events: read as the pages show
them; chains and events written through transfer.chains (chain_save, event_save)."""

import django_filters
from drf_spectacular.utils import extend_schema_view
from rest_framework import serializers

from kechuang.core.api import (
    DisplayField,
    ScopedRelatedField,
    ScopedSlugRelatedField,
    ServiceViewSet,
    linkable_regions,
    record_examples,
)
from kechuang.core.filters import IdFilter
from kechuang.core.models import Region
from kechuang.enterprises.models import Enterprise
from kechuang.institutions.models import Institution
from kechuang.transfer import chains
from kechuang.transfer.models import ChainNode, Demand, IndustryChain, Match, MatchmakingEvent


def may_write(user) -> bool:
    return chains.may_write(user)


class ChainSerializer(serializers.ModelSerializer):
    region = ScopedSlugRelatedField(Region, queryset=linkable_regions, slug_field="code")
    region_name = serializers.CharField(source="region.name", read_only=True)
    node_count = serializers.IntegerField(read_only=True)
    enterprise_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = IndustryChain
        fields = [
            "id",
            "code",
            "name",
            "region",
            "region_name",
            "description",
            "sort_order",
            "node_count",
            "enterprise_count",
        ]


CHAIN_BODY = {
    "code": "valve",
    "name": "阀门",
    "region": "331121",
    "description": "温溪、油竹阀门产业集群",
    "sort_order": 2,
}
CHAIN_EXAMPLE = {
    "id": 2,
    **CHAIN_BODY,
    "region_name": "青田县",
    "node_count": 12,
    "enterprise_count": 86,
}


@extend_schema_view(
    **record_examples(
        "产业链", CHAIN_EXAMPLE, CHAIN_BODY, writes=("create", "update", "partial_update")
    )
)
class ChainViewSet(ServiceViewSet):
    """Users of the chain's region and of the regions below it read it (a county's chains
    down to its townships' liaisons and firms); bureau staff and leaders of the region create
    and change chains (chain_save)."""

    serializer_class = ChainSerializer
    service = chains.chain_save
    record_name = "chain"
    may_create = staticmethod(may_write)
    create_refusal = "无权维护产业链"

    def get_queryset(self):
        return chains.chain_list(self.request.user).order_by("sort_order", "code")


class ChainNodeFilter(django_filters.FilterSet):
    chain = IdFilter(label="产业链", field_name="chain_id")
    stage = django_filters.CharFilter(label="位置")

    class Meta:
        model = ChainNode
        fields = []


class ChainNodeSerializer(serializers.ModelSerializer):
    chain = ScopedRelatedField(IndustryChain, write=True)
    parent = ScopedRelatedField(ChainNode, write=True, required=False, allow_null=True)
    chain_name = serializers.CharField(source="chain.name", read_only=True)
    stage_display = DisplayField(source="get_stage_display")

    class Meta:
        model = ChainNode
        fields = [
            "id",
            "chain",
            "chain_name",
            "parent",
            "name",
            "stage",
            "stage_display",
            "keywords",
            "sort_order",
        ]

    def validate_chain(self, chain):
        if self.instance is not None and chain.pk != self.instance.chain_id:
            raise serializers.ValidationError("环节不能移到另一条产业链")
        return chain


NODE_EXAMPLE = {
    "id": 14,
    "chain": 2,
    "chain_name": "阀门",
    "parent": None,
    "name": "密封件",
    "stage": "upstream",
    "stage_display": "上游",
    "keywords": "密封 填料 垫片",
    "sort_order": 1,
}


NODE_BODY = {
    k: v for k, v in NODE_EXAMPLE.items() if k not in ("id", "chain_name", "stage_display")
}


@extend_schema_view(
    **record_examples(
        "产业链环节", NODE_EXAMPLE, NODE_BODY, writes=("create", "update", "partial_update")
    )
)
class ChainNodeViewSet(ServiceViewSet):
    """Users who may see the chain read its links; bureau staff and leaders of the chain's
    region add and change links (chain_node_save), as on the chain's page."""

    serializer_class = ChainNodeSerializer
    filterset_class = ChainNodeFilter
    service = chains.chain_node_save
    record_name = "node"
    may_create = staticmethod(may_write)
    create_refusal = "无权维护产业链"

    def get_queryset(self):
        return ChainNode.objects.visible_to(self.request.user).select_related("chain")


class EventFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="名称或地点", method="search")
    held_after = django_filters.DateFilter(
        label="起始日期", field_name="held_on", lookup_expr="gte"
    )
    held_before = django_filters.DateFilter(
        label="截止日期", field_name="held_on", lookup_expr="lte"
    )

    class Meta:
        model = MatchmakingEvent
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(title__icontains=value) | queryset.filter(place__icontains=value)


class EventSerializer(serializers.ModelSerializer):
    region = ScopedSlugRelatedField(Region, queryset=linkable_regions, slug_field="code")
    region_name = serializers.CharField(source="region.name", read_only=True)
    enterprises = ScopedRelatedField(Enterprise, many=True, required=False)
    institutions = ScopedRelatedField(Institution, many=True, required=False)
    demands = ScopedRelatedField(Demand, many=True, required=False)
    matches = ScopedRelatedField(Match, many=True, required=False)
    contract_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = MatchmakingEvent
        fields = [
            "id",
            "title",
            "held_on",
            "place",
            "organisers",
            "region",
            "region_name",
            "note",
            "enterprises",
            "institutions",
            "demands",
            "matches",
            "contract_count",
        ]


EVENT_BODY = {
    "title": "不锈钢新材料院企对接会",
    "held_on": "2024-05-18",
    "place": "温溪镇企业服务中心",
    "organisers": "青田县科技局",
    "region": "331121",
    "note": "签订合作意向3项",
    "enterprises": [12, 15],
    "institutions": [3],
    "demands": [4],
    "matches": [9],
}
EVENT_EXAMPLE = {"id": 5, **EVENT_BODY, "region_name": "青田县", "contract_count": 1}


@extend_schema_view(
    **record_examples(
        "院企对接活动", EVENT_EXAMPLE, EVENT_BODY, writes=("create", "update", "partial_update")
    )
)
class EventViewSet(ServiceViewSet):
    """Users who may see the event's region read it; bureau staff and leaders of the region
    record and change events (event_save), naming only participants they may see."""

    serializer_class = EventSerializer
    filterset_class = EventFilter
    service = chains.event_save
    record_name = "event"
    may_create = staticmethod(may_write)
    create_refusal = "无权登记对接活动"

    def get_queryset(self):
        return chains.event_list(self.request.user).prefetch_related(
            "enterprises", "institutions", "demands", "matches"
        )
