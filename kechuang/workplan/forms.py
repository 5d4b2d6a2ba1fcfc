"""Work plan forms, one column each: plan, task, milestone, progress report."""

from django import forms

from kechuang.core import figures
from kechuang.core.choices import BUREAU_ROLES, RegionLevel
from kechuang.core.concurrency import VersionedFormMixin
from kechuang.core.forms import StyledFormMixin
from kechuang.core.models import Region, User
from kechuang.workplan.models import Milestone, Plan, ProgressUpdate, Task
from kechuang.workplan.services import MILESTONE_FIELDS, PLAN_FIELDS, TASK_FIELDS

DATE = {"type": "date"}


def figure_choices() -> list[tuple[str, str]]:
    return [("", "（不关联）")] + [(f.code, f"{f.name}（{f.code}）") for f in figures.all_figures()]


class PlanForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    document = forms.FileField(label="计划文件", required=False)

    class Meta:
        model = Plan
        fields = PLAN_FIELDS
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.editable_by(user).filter(
            level=RegionLevel.COUNTY
        )
        if self.instance.pk:
            del self.fields["document"]  # later files: the plan page's attachment panel


class TaskForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    figure = forms.ChoiceField(label="关联数字", required=False, choices=figure_choices)

    class Meta:
        model = Task
        fields = [*TASK_FIELDS, "owners"]
        widgets = {
            "starts_on": forms.DateInput(DATE, format="%Y-%m-%d"),
            "deadline": forms.DateInput(DATE, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        parents = Task.objects.filter(plan=plan)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["owners"].queryset = User.objects.visible_to(user).filter(
            role__in=BUREAU_ROLES, region=plan.region
        )
        self.fields["owners"].widget.attrs["size"] = 5


class MilestoneForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = MILESTONE_FIELDS
        widgets = {
            "fixed_on": forms.DateInput(DATE, format="%Y-%m-%d"),
            "done_on": forms.DateInput(DATE, format="%Y-%m-%d"),
        }
        help_texts = {"fixed_on": "填固定日期，或填提前周数（倒排），二者选一"}

    def __init__(self, *args, task: Task, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.task = task
        others = Milestone.objects.filter(task=task)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["before"].queryset = others
        self.fields["before"].empty_label = "（任务完成期限）"


class ProgressForm(StyledFormMixin, forms.ModelForm):
    evidence = forms.FileField(label="佐证材料", required=False)

    class Meta:
        model = ProgressUpdate
        fields = ["reported_on", "percent", "note"]
        widgets = {
            "reported_on": forms.DateInput(DATE, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
