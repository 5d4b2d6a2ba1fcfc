"""Every write to work plans: one function per action, one transaction each, the actor first.
Plans belong to a county; its bureau (leaders and staff) changes them and their tasks."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kechuang.core import clock, concurrency
from kechuang.core.choices import BUREAU_ROLES
from kechuang.core.models import User
from kechuang.core.scoping import is_bureau, require_editable
from kechuang.workplan import engine
from kechuang.workplan.models import Milestone, Plan, ProgressUpdate, Task

PLAN_FIELDS = ["region", "name", "kind", "start_year", "end_year", "note"]
TASK_FIELDS = [
    "parent",
    "order",
    "title",
    "description",
    "department",
    "starts_on",
    "deadline",
    "figure",
    "target",
    "target_text",
    "indicator",
]
MILESTONE_FIELDS = ["name", "fixed_on", "weeks_before", "before", "done_on"]


def may_manage(user: User) -> bool:
    """Who keeps plans, tasks, milestones and progress: the bureau of the plan's county."""
    return is_bureau(user)


def _refuse_unless_bureau(actor: User) -> None:
    if not may_manage(actor):
        raise PermissionDenied("只有科技局可以修改工作计划")


def _save(actor: User, record) -> None:
    record.full_clean()
    concurrency.save_changed(record, actor=actor)


# --- plans ---------------------------------------------------------------------------------


@transaction.atomic
def plan_save(actor: User, plan: Plan | None = None, *, document=None, **fields) -> Plan:
    """Creates a plan (plan=None) or changes one; `document`, if given, is attached as the
    plan's 计划文件 in the same transaction."""
    _refuse_unless_bureau(actor)
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValidationError({name: "该项不能修改" for name in unknown})
    if plan is None:
        require_editable(actor, region=fields.get("region"))
        plan = Plan(**fields)
    else:
        require_editable(actor, plan=plan)
        require_editable(actor, region=fields.get("region"))
        plan = concurrency.locked(Plan.objects.all(), plan.pk)
        for name, value in fields.items():
            setattr(plan, name, value)
    _save(actor, plan)
    if document is not None:
        from kechuang.core.attachments import attach

        attach(actor=actor, record=plan, upload=document, kind="计划文件")
    return plan


# --- tasks ---------------------------------------------------------------------------------


def _check_owners(actor: User, plan: Plan, owners) -> None:
    """Owners are bureau cadres (leaders, staff) of the plan's county whom the actor sees."""
    for user in owners:
        if not User.objects.visible_to(actor).filter(pk=user.pk).exists():
            raise ValidationError({"owners": f"责任人“{user}”不存在或无权使用"})
        if not (user.role in BUREAU_ROLES and user.region_id == plan.region_id):
            raise ValidationError({"owners": f"责任人“{user}”须为本县科技局的干部"})


@transaction.atomic
def task_save(
    actor: User, task: Task | None = None, *, plan: Plan | None = None, owners=None, **fields
) -> Task:
    """Creates a task of `plan` (task=None) or changes one. Changing the deadline moves every
    milestone scheduled back from it, in the same transaction."""
    _refuse_unless_bureau(actor)
    unknown = set(fields) - set(TASK_FIELDS)
    if unknown:
        raise ValidationError({name: "该项不能修改" for name in unknown})
    if task is None:
        if plan is None:
            raise ValidationError({"plan": "请选择计划"})
        require_editable(actor, plan=plan)
        task = Task(plan=plan, **fields)
    else:
        require_editable(actor, task=task)
        task = concurrency.locked(Task.objects.select_related("plan"), task.pk)
        for name, value in fields.items():
            setattr(task, name, value)
    require_editable(actor, parent=fields.get("parent"))
    _save(actor, task)
    if owners is not None:
        owners = list(owners)
        _check_owners(actor, task.plan, owners)
        task.owners.set(owners)
    if "deadline" in fields:
        reschedule(actor, task)
    return task


# --- milestones ----------------------------------------------------------------------------


def _rules(milestones) -> list[engine.MilestoneRule]:
    return [
        engine.MilestoneRule(
            key=m.pk or "new",
            name=m.name,
            fixed=m.fixed_on,
            weeks=m.weeks_before,
            before=m.before_id,
        )
        for m in milestones
    ]


def _dates(task: Task, milestones) -> dict:
    try:
        return engine.schedule(task.deadline, _rules(milestones))
    except engine.ScheduleError as exc:
        raise ValidationError({"before": str(exc)}) from exc


def reschedule(actor: User, task: Task) -> int:
    """Recomputes the stored dates of the task's milestones (in the caller's transaction);
    returns how many moved. Each move is audited."""
    milestones = list(Milestone.objects.select_for_update().filter(task=task).order_by("pk"))
    for m in milestones:
        concurrency.snapshot(m)
    dates = _dates(task, milestones)
    moved = 0
    for m in milestones:
        if m.due_on != dates[m.pk]:
            m.due_on = dates[m.pk]
            concurrency.save_changed(m, actor=actor)
            moved += 1
    return moved


@transaction.atomic
def milestone_save(
    actor: User, milestone: Milestone | None = None, *, task: Task | None = None, **fields
) -> Milestone:
    """Adds a milestone to `task` (milestone=None) or changes one; then every milestone of
    the task is rescheduled. A chain of milestones that loops is refused, naming `before`."""
    _refuse_unless_bureau(actor)
    unknown = set(fields) - set(MILESTONE_FIELDS)
    if unknown:
        raise ValidationError({name: "该项不能修改" for name in unknown})
    if milestone is None:
        if task is None:
            raise ValidationError({"task": "请选择任务"})
        require_editable(actor, task=task)
        milestone = Milestone(task=task, **fields)
    else:
        require_editable(actor, milestone=milestone)
        milestone = concurrency.locked(Milestone.objects.all(), milestone.pk)
        for name, value in fields.items():
            setattr(milestone, name, value)
    require_editable(actor, before=fields.get("before"))
    milestone.full_clean(exclude=["due_on"])
    task = Task.objects.select_for_update().get(pk=milestone.task_id)
    others = list(Milestone.objects.filter(task=task).exclude(pk=milestone.pk))
    dates = _dates(task, [*others, milestone])
    milestone.due_on = dates[milestone.pk or "new"]
    _save(actor, milestone)
    reschedule(actor, task)
    return milestone


# --- progress ------------------------------------------------------------------------------


@transaction.atomic
def progress_report(actor: User, *, task: Task, evidence=None, **fields) -> ProgressUpdate:
    """Records a progress report on a task; `evidence`, if given, is attached as 佐证材料."""
    _refuse_unless_bureau(actor)
    require_editable(actor, task=task)
    if task.children.exists():
        raise ValidationError({"percent": "有下级任务的任务，进度由下级任务汇总，不直接填报"})
    update = ProgressUpdate(task=task, author=actor, **fields)
    if update.reported_on and update.reported_on > clock.today():
        raise ValidationError({"reported_on": "报告日期不能晚于今天"})
    _save(actor, update)
    if evidence is not None:
        from kechuang.core.attachments import attach

        attach(actor=actor, record=update, upload=evidence, kind="佐证材料")
    return update
