"""REST API of work plans (read): plans, and tasks with their derived progress and status."""

from rest_framework import mixins, serializers, viewsets

from kechuang.core import clock
from kechuang.core.api import DisplayField
from kechuang.workplan import selectors
from kechuang.workplan.choices import Status
from kechuang.workplan.models import Milestone, Plan, Task


class PlanSerializer(serializers.ModelSerializer):
    kind_display = DisplayField(source="get_kind_display")
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "region", "name", "kind", "kind_display", "start_year", "end_year", "note"]
        read_only_fields = fields


class TaskMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "name", "fixed_on", "weeks_before", "before", "due_on", "done_on"]
        read_only_fields = fields


class TaskSerializer(serializers.ModelSerializer):
    milestones = TaskMilestoneSerializer(many=True, read_only=True)
    owners = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    progress = serializers.SerializerMethodField(help_text="进度（%），由进展报告或下级任务得出")
    status = serializers.SerializerMethodField(help_text="状态，由日期和进度得出")
    status_display = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "plan",
            "parent",
            "order",
            "title",
            "department",
            "owners",
            "starts_on",
            "deadline",
            "figure",
            "target",
            "target_text",
            "indicator",
            "progress",
            "status",
            "status_display",
            "milestones",
        ]
        read_only_fields = fields

    def _row(self, task):
        return self.context["rows"].get(task.pk)

    def get_progress(self, task) -> str:
        row = self._row(task)
        return str(row.progress) if row else "0"

    def get_status(self, task) -> str:
        row = self._row(task)
        return row.status if row else ""

    def get_status_display(self, task) -> str:
        row = self._row(task)
        return Status(row.status).label if row else ""


class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Plans visible to the caller (their county's; a city or province viewer's below)."""

    serializer_class = PlanSerializer

    def get_queryset(self):
        return selectors.plan_list(self.request.user)


class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Tasks visible to the caller, with milestones and derived progress and status."""

    serializer_class = TaskSerializer

    def get_queryset(self):
        tasks = selectors.task_list(self.request.user).prefetch_related("milestones")
        plan = self.request.query_params.get("plan", "")
        return tasks.filter(plan_id=int(plan)) if plan.isdigit() else tasks

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated:
            rows = selectors.all_rows(user, clock.today())
            context["rows"] = {r.task.pk: r for r in rows}
        else:
            context["rows"] = {}
        return context
