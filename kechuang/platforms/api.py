"""REST API of the platforms (read): same filters and scoping as the list page. Changes
go through the pages (the workflow's moves need the recognition document's attachment)."""

from rest_framework import mixins, serializers, viewsets

from kechuang.core.api import DisplayField, RelatedTextField
from kechuang.platforms import selectors
from kechuang.platforms.filters import PlatformFilter
from kechuang.platforms.models import Platform, PlatformEvaluation


class EvaluationSerializer(serializers.ModelSerializer):
    grade_display = DisplayField(source="get_grade_display")

    class Meta:
        model = PlatformEvaluation
        fields = [
            "id",
            "year",
            "sheet",
            "scores",
            "total",
            "grade",
            "grade_display",
            "evaluated_on",
            "evaluator",
        ]


class PlatformSerializer(serializers.ModelSerializer):
    type_display = DisplayField(source="get_type_display")
    level_display = DisplayField(source="get_level_display")
    status_display = DisplayField(source="get_status_display")
    host_enterprise_name = RelatedTextField(source="host_enterprise.name", label="依托企业名称")
    host_institution_name = RelatedTextField(source="host_institution.name", label="依托院所名称")
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    evaluations = EvaluationSerializer(many=True, read_only=True)

    class Meta:
        model = Platform
        fields = [
            "id",
            "name",
            "type",
            "type_display",
            "level",
            "level_display",
            "host_enterprise",
            "host_enterprise_name",
            "host_institution",
            "host_institution_name",
            "region",
            "field",
            "status",
            "status_display",
            "applied_on",
            "recognised_on",
            "revoked_on",
            "recognition_number",
            "rnd_staff",
            "rnd_staff_qualified",
            "plan",
            "evaluations",
            "updated_at",
        ]
        read_only_fields = fields


class PlatformViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Platforms visible to the caller, with their evaluations; filters as on the list page."""

    serializer_class = PlatformSerializer
    filterset_class = PlatformFilter

    def get_queryset(self):
        return selectors.platform_list(self.request.user).prefetch_related("evaluations")
