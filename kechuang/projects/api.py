"""REST API of programs, calls and projects: list and read, with the same filters and
scoping as the pages (writes are the pages' for now; they go through the same services)."""

from rest_framework import mixins, serializers, viewsets

from kechuang.core.api import DisplayField, RelatedTextField
from kechuang.projects import selectors
from kechuang.projects.filters import ProgramFilter, ProjectFilter
from kechuang.projects.models import Call, Milestone, Output, Program, Project


class ProgramSerializer(serializers.ModelSerializer):
    kind_display = DisplayField(source="get_kind_display")
    level_display = DisplayField(source="get_level_display")
    region = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = Program
        fields = [
            "id",
            "name",
            "kind",
            "kind_display",
            "level",
            "level_display",
            "issuer",
            "region",
            "funding_rule",
            "description",
        ]
        read_only_fields = fields


class CallSerializer(serializers.ModelSerializer):
    program_name = serializers.CharField(source="program.name", read_only=True)

    class Meta:
        model = Call
        fields = ["id", "program", "program_name", "year", "title", "opens_on", "closes_on", "note"]
        read_only_fields = fields


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "due_on", "done_on", "note"]
        read_only_fields = fields


class OutputSerializer(serializers.ModelSerializer):
    kind_display = DisplayField(source="get_kind_display")

    class Meta:
        model = Output
        fields = ["id", "kind", "kind_display", "count", "amount", "description"]
        read_only_fields = fields


class ProjectSerializer(serializers.ModelSerializer):
    status_display = DisplayField(source="get_status_display")
    program_name = serializers.CharField(source="program.name", read_only=True)
    program_kind = serializers.CharField(source="program.kind", read_only=True)
    level = serializers.CharField(source="program.level", read_only=True)
    call_title = RelatedTextField(source="call.title")
    lead_enterprise_name = RelatedTextField(source="lead_enterprise.name")
    lead_institution_name = RelatedTextField(source="lead_institution.name")
    region = serializers.CharField(source="region.code", read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    outputs = OutputSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "title",
            "program",
            "program_name",
            "program_kind",
            "level",
            "call",
            "call_title",
            "year",
            "lead_enterprise",
            "lead_enterprise_name",
            "lead_institution",
            "lead_institution_name",
            "partner_institution",
            "partners",
            "region",
            "status",
            "status_display",
            "government_funds",
            "own_funds",
            "collected_on",
            "submitted_on",
            "decided_on",
            "contract_signed_on",
            "finished_on",
            "transfer_demand",
            "transfer_contract",
            "milestones",
            "outputs",
        ]
        read_only_fields = fields


class _ReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    pass


class ProgramViewSet(_ReadOnlyViewSet):
    """Programs: every signed-in user reads them."""

    serializer_class = ProgramSerializer
    filterset_class = ProgramFilter

    def get_queryset(self):
        return selectors.program_list(self.request.user)


class CallViewSet(_ReadOnlyViewSet):
    """Calls of the programs: every signed-in user reads them."""

    serializer_class = CallSerializer

    def get_queryset(self):
        return selectors.call_list(self.request.user)


class ProjectViewSet(_ReadOnlyViewSet):
    """Projects the caller may see (a firm's or institute's user: its own), with their
    milestones and outputs; the same filters as the list page."""

    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter

    def get_queryset(self):
        return selectors.project_list(self.request.user).prefetch_related("milestones", "outputs")
