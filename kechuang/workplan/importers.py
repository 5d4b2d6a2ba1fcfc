"""Excel exports of the due-in-30-days and late lists (export only: tasks are kept on their
pages, where milestones are rescheduled)."""

from django import forms

from kechuang.core import clock
from kechuang.core.excel import Column, SheetSpec, register
from kechuang.workplan import selectors
from kechuang.workplan.models import Task


class TaskExportForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["title"]


def _owners(row) -> str:
    return "、".join(o.display_name for o in row.owners)


class _TaskRowsSheet(SheetSpec):
    model = Task
    form_class = TaskExportForm
    key_field = "title"
    list_url = "workplan:plan_list"
    columns = [
        Column("计划", "plan", lambda r: r.task.plan.name, width=36),
        Column("任务", "title", lambda r: r.task.title, required=True, width=36),
        Column("状态", "status", lambda r: r.status_label, width=10),
        Column("进度（%）", "progress", lambda r: r.progress, width=10),
        Column("下一节点", "next_due_label", lambda r: r.next_due_label, width=24),
        Column(
            "日期", "next_due", lambda r: r.next_due.isoformat() if r.next_due else "", width=12
        ),
        Column("责任科室", "department", lambda r: r.task.department, width=16),
        Column("责任人", "owners", _owners, width=16),
    ]

    def can_import(self, user) -> bool:
        return False


class DueSoonSheet(_TaskRowsSheet):
    kind = "workplan-due"
    title = "30天内到期的计划任务"
    list_url = "workplan:due_soon"

    def filtered(self, params, user):
        return selectors.due_soon(user, clock.today())


class LateSheet(_TaskRowsSheet):
    kind = "workplan-late"
    title = "已逾期的计划任务"
    list_url = "workplan:late"

    def filtered(self, params, user):
        return selectors.late(user, clock.today())


register(DueSoonSheet())
register(LateSheet())
