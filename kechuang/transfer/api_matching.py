"""REST API of the matching pipeline: matches (read, accepted from the engine's suggestions
through match_accept, moved along their statuses) and the feedback on turned-down
suggestions (read, and recorded through match_reject).

Accepting takes only the demand and the achievement: the engine's score, terms and reasons
are computed on the server, never taken from the caller."""

import django_filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from kechuang.core.api import (
    DisplayField,
    EditableObjectMixin,
    RelatedTextField,
    ScopedRelatedField,
    call_service,
    record_examples,
)
from kechuang.core.filters import IdFilter
from kechuang.transfer import selectors, services
from kechuang.transfer.choices import MatchStatus, RejectReason
from kechuang.transfer.filters import MatchFilter
from kechuang.transfer.models import Achievement, Demand, Match, MatchFeedback


class MatchSerializer(serializers.ModelSerializer):
    demand_code = serializers.CharField(source="demand.code", read_only=True)
    demand_title = serializers.CharField(source="demand.title", read_only=True)
    enterprise_name = serializers.CharField(source="demand.enterprise.name", read_only=True)
    achievement_title = serializers.CharField(source="achievement.title", read_only=True)
    status_display = DisplayField(source="get_status_display")
    terms = serializers.ListField(child=serializers.CharField(), read_only=True)
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Match
        fields = [
            "id",
            "demand",
            "demand_code",
            "demand_title",
            "enterprise_name",
            "achievement",
            "achievement_title",
            "status",
            "status_display",
            "score",
            "terms",
            "reasons",
            "recommended_on",
            "contacted_on",
            "negotiating_on",
            "closed_on",
            "note",
        ]
        read_only_fields = fields


class MatchAcceptSerializer(serializers.Serializer):
    demand = ScopedRelatedField(Demand, write=True, help_text="需求编号（id）")
    achievement = ScopedRelatedField(Achievement, help_text="成果编号（id）")
    on = serializers.DateField(required=False, allow_null=True, help_text="推荐日期，默认今天")


class MatchTransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=MatchStatus.choices)
    on = serializers.DateField(required=False, allow_null=True, help_text="默认今天")
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


MATCH_EXAMPLE = {
    "id": 9,
    "demand": 4,
    "demand_code": "XQ2024-004",
    "demand_title": "阀门密封面激光熔覆工艺",
    "enterprise_name": "青田县示例阀门有限公司",
    "achievement": 17,
    "achievement_title": "高性能激光熔覆涂层技术",
    "status": "contacted",
    "status_display": "已对接",
    "score": "0.812",
    "terms": ["激光熔覆", "密封面"],
    "reasons": ["同属产业链环节：阀门·密封件"],
    "recommended_on": "2024-03-02",
    "contacted_on": "2024-03-10",
    "negotiating_on": None,
    "closed_on": None,
    "note": "",
}


@extend_schema_view(**record_examples("匹配对接", MATCH_EXAMPLE))
class MatchViewSet(
    EditableObjectMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Every signed-in user reads the matches of the demands they may see; bureau staff and
    township liaisons (for their township's firms) move a match along its statuses."""

    serializer_class = MatchSerializer
    filterset_class = MatchFilter

    def get_queryset(self):
        return selectors.match_list(self.request.user)

    @extend_schema(
        request=MatchAcceptSerializer,
        responses={201: MatchSerializer},
        examples=[
            OpenApiExample("采纳推荐", value={"demand": 4, "achievement": 17}, request_only=True),
            OpenApiExample("结果", value=MATCH_EXAMPLE, response_only=True),
        ],
    )
    def create(self, request):
        """Accepts the engine's suggestion of an achievement for a demand (采纳)."""
        if not services.may_manage_matches(request.user):
            raise PermissionDenied("只有科技局工作人员和乡镇联络员可以处理匹配推荐")
        body = MatchAcceptSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        match = call_service(
            services.match_accept,
            actor=request.user,
            demand=body.validated_data["demand"],
            achievement=body.validated_data["achievement"],
            on=body.validated_data.get("on"),
        )
        match = self.get_queryset().get(pk=match.pk)
        return Response(MatchSerializer(match).data, status=201)

    @extend_schema(
        request=MatchTransitionSerializer,
        responses=MatchSerializer,
        examples=[
            OpenApiExample(
                "进入洽谈",
                value={"status": "negotiating", "on": "2024-03-20", "note": "双方已互访"},
                request_only=True,
            ),
            OpenApiExample(
                "结果", value={**MATCH_EXAMPLE, "status": "negotiating"}, response_only=True
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Moves the match along its statuses, dating the step; the demand follows."""
        match = self.get_object()
        if not services.may_manage_matches(request.user):
            raise PermissionDenied("无权处理该对接")
        body = MatchTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        match = call_service(
            services.match_transition,
            actor=request.user,
            match=match,
            status=body.validated_data["status"],
            on=body.validated_data.get("on"),
            note=body.validated_data.get("note", ""),
        )
        match = self.get_queryset().get(pk=match.pk)
        return Response(MatchSerializer(match, context=self.get_serializer_context()).data)


class MatchFeedbackFilter(django_filters.FilterSet):
    demand = IdFilter(label="需求", field_name="demand_id")
    reason = django_filters.ChoiceFilter(label="原因", choices=RejectReason.choices)

    class Meta:
        model = MatchFeedback
        fields = []


class MatchFeedbackSerializer(serializers.ModelSerializer):
    demand = ScopedRelatedField(Demand, write=True)
    achievement = ScopedRelatedField(Achievement)
    achievement_title = serializers.CharField(source="achievement.title", read_only=True)
    reason_display = DisplayField(source="get_reason_display")
    created_by_name = RelatedTextField(source="created_by.display_name")

    class Meta:
        model = MatchFeedback
        fields = [
            "id",
            "demand",
            "achievement",
            "achievement_title",
            "reason",
            "reason_display",
            "note",
            "created_by_name",
            "created_at",
        ]
        read_only_fields = ["created_at"]


FEEDBACK_BODY = {"demand": 4, "achievement": 21, "reason": "too_early", "note": "仍处于实验室阶段"}
FEEDBACK_EXAMPLE = {
    "id": 2,
    **FEEDBACK_BODY,
    "achievement_title": "超细晶不锈钢粉末制备",
    "reason_display": "成果尚不成熟",
    "created_by_name": "王科员",
    "created_at": "2024-03-02T10:15:00+08:00",
}


@extend_schema_view(
    **record_examples("不采纳反馈", FEEDBACK_EXAMPLE, FEEDBACK_BODY, writes=("create",))
)
class MatchFeedbackViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Every signed-in user reads the feedback on the demands they may see; bureau staff and
    township liaisons turn a suggestion down with a reason (match_reject)."""

    serializer_class = MatchFeedbackSerializer
    filterset_class = MatchFeedbackFilter

    def get_queryset(self):
        return MatchFeedback.objects.visible_to(self.request.user).select_related(
            "achievement", "created_by"
        )

    def create(self, request, *args, **kwargs):
        if not services.may_manage_matches(request.user):
            raise PermissionDenied("只有科技局工作人员和乡镇联络员可以处理匹配推荐")
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = call_service(
            services.match_reject, actor=self.request.user, **serializer.validated_data
        )
