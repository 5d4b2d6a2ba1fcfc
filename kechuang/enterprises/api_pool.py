"""REST API of the cultivation pool: its entries, their visits and the funnel chart's data,
scoped like the pool pages; writes through the pool's services."""

import django_filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from kechuang.core import clock
from kechuang.core.api import (
    DisplayField,
    EditableObjectMixin,
    RelatedTextField,
    ScopedRelatedField,
    call_service,
    record_examples,
)
from kechuang.core.filters import IdFilter
from kechuang.core.models import Region, User
from kechuang.enterprises import services
from kechuang.enterprises.api_ladder import tiers_visible
from kechuang.enterprises.choices import PoolStatus
from kechuang.enterprises.forms.pool import PoolEntryFilter
from kechuang.enterprises.models import Enterprise, PoolEntry, Tier, Visit
from kechuang.enterprises.selectors import pool as selectors
from kechuang.enterprises.services.pool import LIAISON_ROLES, may_manage_pool


class FunnelQuery(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=1990, max_value=2100)
    township = serializers.IntegerField(required=False)


class FunnelTierSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    counts = serializers.ListField(child=serializers.IntegerField(), help_text="按各阶段")
    not_passed = serializers.IntegerField()


class FunnelSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    stages = serializers.ListField(child=serializers.CharField())
    tiers = FunnelTierSerializer(many=True)


FUNNEL_EXAMPLE = {
    "year": 2024,
    "stages": ["培育对象", "辅导中", "已申报", "已认定"],
    "tiers": [{"code": "hnte", "name": "高新技术企业", "counts": [30, 22, 15, 9], "not_passed": 3}],
}


class PoolFunnelView(APIView):
    """Every signed-in user: per tier, how many of the year's pool entries (of those the user
    may see) reached 培育对象 / 辅导中 / 已申报 / 已认定."""

    serializer_class = FunnelSerializer

    @extend_schema(
        parameters=[FunnelQuery],
        responses=FunnelSerializer,
        examples=[OpenApiExample("漏斗", value=FUNNEL_EXAMPLE, response_only=True)],
    )
    def get(self, request):
        query = FunnelQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year") or clock.today().year
        township = None
        if "township" in query.validated_data:
            # A township the caller cannot see gives an empty funnel, not someone else's.
            township = (
                selectors.townships_for_funnel(request.user)
                .filter(pk=query.validated_data["township"])
                .first()
            ) or Region(pk=0)
        return Response(selectors.funnel(request.user, year, township))


# --- pool entries and visits -------------------------------------------------------------


def liaison_choices(user):
    """Active cadres the caller can see who may follow a pool firm (the service checks the
    township)."""
    return User.objects.visible_to(user).filter(is_active=True, role__in=LIAISON_ROLES)


class PoolEntrySerializer(serializers.ModelSerializer):
    enterprise = ScopedRelatedField(Enterprise, write=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    township = serializers.CharField(source="enterprise.township.name", read_only=True)
    tier = ScopedRelatedField(Tier, queryset=tiers_visible)
    tier_name = serializers.CharField(source="tier.name", read_only=True)
    status_display = DisplayField(source="get_status_display")
    liaison = ScopedRelatedField(User, queryset=liaison_choices, required=False, allow_null=True)
    liaison_name = RelatedTextField(source="liaison.display_name")

    class Meta:
        model = PoolEntry
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "township",
            "tier",
            "tier_name",
            "year",
            "status",
            "status_display",
            "liaison",
            "liaison_name",
            "entered_on",
            "status_changed_on",
            "note",
        ]
        read_only_fields = ["status", "status_changed_on"]
        extra_kwargs = {"entered_on": {"required": False}}


class PoolTransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PoolStatus.choices)
    on = serializers.DateField(required=False, allow_null=True, help_text="默认今天")
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class PoolNoteSerializer(serializers.Serializer):
    note = serializers.CharField(allow_blank=True, max_length=500)


class PoolAssignSerializer(serializers.Serializer):
    liaison = ScopedRelatedField(User, queryset=liaison_choices, allow_null=True)


POOL_BODY = {"enterprise": 12, "tier": 2, "year": 2024, "liaison": 5, "note": "已完成研发费用归集"}
POOL_EXAMPLE = {
    "id": 7,
    **POOL_BODY,
    "enterprise_name": "青田县示例阀门有限公司",
    "township": "鹤城街道",
    "tier_name": "高新技术企业",
    "status": "candidate",
    "status_display": "培育对象",
    "liaison_name": "陈联络员",
    "entered_on": "2024-03-01",
    "status_changed_on": None,
}


@extend_schema_view(**record_examples("培育库企业", POOL_EXAMPLE, POOL_BODY, writes=("create",)))
class PoolEntryViewSet(
    EditableObjectMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Every signed-in user reads the pool entries they may see; bureau staff and township
    liaisons put the firms they may edit in the pool, move them along the pool's statuses
    and name their liaison cadre."""

    serializer_class = PoolEntrySerializer
    filterset_class = PoolEntryFilter

    def get_queryset(self):
        return selectors.pool_list(self.request.user)

    def create(self, request, *args, **kwargs):
        if not may_manage_pool(request.user):
            raise PermissionDenied("无权管理培育库")
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = call_service(
            services.pool_entry_add, actor=self.request.user, **serializer.validated_data
        )

    def _answer(self, entry):
        entry = self.get_queryset().get(pk=entry.pk)
        return Response(PoolEntrySerializer(entry, context=self.get_serializer_context()).data)

    @extend_schema(
        request=PoolTransitionSerializer,
        responses=PoolEntrySerializer,
        examples=[
            OpenApiExample(
                "进入辅导",
                value={"status": "coaching", "on": "2024-04-02", "note": "已安排辅导机构"},
                request_only=True,
            ),
            OpenApiExample(
                "结果", value={**POOL_EXAMPLE, "status": "coaching"}, response_only=True
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Moves the entry along the pool's statuses; any other move is a 400 naming both."""
        entry = self.get_object()
        body = PoolTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = call_service(
            services.pool_entry_transition,
            actor=request.user,
            entry=entry,
            status=body.validated_data["status"],
            on=body.validated_data.get("on"),
            note=body.validated_data.get("note", ""),
        )
        return self._answer(entry)

    @extend_schema(
        request=PoolAssignSerializer,
        responses=PoolEntrySerializer,
        examples=[
            OpenApiExample("指定联系干部", value={"liaison": 5}, request_only=True),
            OpenApiExample("结果", value=POOL_EXAMPLE, response_only=True),
        ],
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Names (or, with null, clears) the liaison cadre who follows the firm."""
        entry = self.get_object()
        body = PoolAssignSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        entry = call_service(
            services.pool_entry_assign,
            actor=request.user,
            entry=entry,
            liaison=body.validated_data["liaison"],
        )
        return self._answer(entry)

    @extend_schema(
        request=PoolNoteSerializer,
        responses=PoolEntrySerializer,
        examples=[
            OpenApiExample("备注", value={"note": "研发费用归集待规范"}, request_only=True),
            OpenApiExample("结果", value=POOL_EXAMPLE, response_only=True),
        ],
    )
    @action(detail=True, methods=["post"])
    def note(self, request, pk=None):
        """Replaces the entry's note (备注), as the pool list's import does."""
        entry = self.get_object()
        body = PoolNoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = call_service(
            services.pool_entry_note_set,
            actor=request.user,
            entry=entry,
            note=body.validated_data["note"],
        )
        return self._answer(entry)


class VisitFilter(django_filters.FilterSet):
    entry = IdFilter(label="培育对象", field_name="entry_id")
    enterprise = IdFilter(label="企业", field_name="enterprise_id")

    class Meta:
        model = Visit
        fields = []


class VisitSerializer(serializers.ModelSerializer):
    enterprise = ScopedRelatedField(Enterprise, write=True, required=False)
    entry = ScopedRelatedField(PoolEntry, write=True, required=False, allow_null=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    recorded_by_name = RelatedTextField(source="recorded_by.display_name")

    class Meta:
        model = Visit
        fields = [
            "id",
            "enterprise",
            "entry",
            "enterprise_name",
            "visited_on",
            "visitors",
            "agreed",
            "next_step",
            "next_on",
            "recorded_by_name",
        ]


VISIT_BODY = {
    "enterprise": 12,
    "entry": 7,
    "visited_on": "2024-04-10",
    "visitors": "王科员、陈联络员",
    "agreed": "企业6月前完成研发辅助账",
    "next_step": "复核研发辅助账",
    "next_on": "2024-06-15",
}
VISIT_EXAMPLE = {
    "id": 3,
    **VISIT_BODY,
    "enterprise_name": "青田县示例阀门有限公司",
    "recorded_by_name": "王科员",
}


@extend_schema_view(**record_examples("走访记录", VISIT_EXAMPLE, VISIT_BODY, writes=("create",)))
class VisitViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Every signed-in user reads the visits to the firms they may see (a firm's user: its
    own); bureau staff and township liaisons who may manage the firm log a visit (to a pool
    entry when `entry` is given)."""

    serializer_class = VisitSerializer
    filterset_class = VisitFilter

    def get_queryset(self):
        return Visit.objects.visible_to(self.request.user).select_related(
            "enterprise", "recorded_by"
        )

    def create(self, request, *args, **kwargs):
        if not may_manage_pool(request.user):
            raise PermissionDenied("无权记录走访")
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = call_service(
            services.visit_log, actor=self.request.user, **serializer.validated_data
        )
