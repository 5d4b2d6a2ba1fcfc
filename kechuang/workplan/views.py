"""Work plan pages: thin wrappers over the selectors and services."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kechuang.core import clock, concurrency
from kechuang.core.forms import add_service_errors, save_changes
from kechuang.core.scoping import get_editable_or_403, get_visible_or_404
from kechuang.workplan import engine, selectors, services
from kechuang.workplan.choices import STATUS_COLOURS, Status
from kechuang.workplan.forms import (
    MilestoneForm,
    PlanForm,
    ProgressForm,
    TaskForm,
)
from kechuang.workplan.models import Milestone, Plan, Task


def _legend() -> list[tuple[str, str]]:
    return [(label, STATUS_COLOURS[value]) for value, label in Status.choices]


def _visible(model, request, pk: int):
    """The record if the user reads plans at all (not firms, institutes) and sees it."""
    if not selectors.may_read(request.user):
        raise PermissionDenied("工作计划只供科技局、乡镇和上级查看")
    return get_visible_or_404(model, request.user, pk=pk)


def _require_manager(user) -> None:
    if not services.may_manage(user):
        raise PermissionDenied("只有科技局可以修改工作计划")


def plan_list(request):
    """Every signed-in user: the plans of their county (firms and institutes see none)."""
    plans = list(selectors.plan_list(request.user))
    return render(
        request,
        "workplan/plan_list.html",
        {"plans": plans, "may_manage": services.may_manage(request.user)},
    )


def plan_detail(request, pk: int):
    """Whoever may see the plan: its task tree with progress, status and figures."""
    plan = _visible(Plan, request, pk)
    editable = services.may_manage(request.user) and (
        Plan.objects.editable_by(request.user).filter(pk=plan.pk).exists()
    )
    rows = selectors.tree(request.user, plan)
    context = {"plan": plan, "rows": rows, "editable": editable, "legend": _legend()}
    return render(request, "workplan/plan_detail.html", context)


def plan_timeline(request, pk: int):
    """Whoever may see the plan: its milestones and deadlines on a timeline."""
    plan = _visible(Plan, request, pk)
    rows = selectors.tree(request.user, plan)
    context = {"plan": plan, "chart": selectors.timeline(rows), "today": clock.today()}
    return render(request, "workplan/plan_timeline.html", context)


def _plan_page(request, plan: Plan | None):
    form = PlanForm(request.POST or None, request.FILES or None, instance=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            if plan is None:
                data = dict(form.cleaned_data)
                plan = services.plan_save(request.user, **data)
            else:
                changed = {name: form.cleaned_data[name] for name in form.changed_data}
                with concurrency.unchanged_since(plan, form.version):
                    plan = services.plan_save(request.user, plan, **changed)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "工作计划已保存")
            return redirect(plan)
    return render(request, "workplan/plan_edit.html", {"form": form, "plan": plan})


def plan_create(request):
    """Bureau staff and leaders of a county."""
    _require_manager(request.user)
    return _plan_page(request, None)


def plan_edit(request, pk: int):
    """Bureau staff and leaders of the plan's county."""
    _require_manager(request.user)
    return _plan_page(request, get_editable_or_403(Plan, request.user, pk=pk))


def _task_page(request, plan: Plan, task: Task | None):
    form = TaskForm(request.POST or None, instance=task, user=request.user, plan=plan)
    if request.method == "POST" and form.is_valid():
        fields = {n: form.cleaned_data[n] for n in form.changed_data if n != "owners"}
        owners = form.cleaned_data["owners"] if "owners" in form.changed_data else None
        try:
            if task is None:
                task = services.task_save(request.user, plan=plan, owners=owners, **fields)
            else:
                with concurrency.unchanged_since(task, form.version):
                    task = services.task_save(request.user, task, owners=owners, **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "任务已保存")
            return redirect(task)
    return render(request, "workplan/task_edit.html", {"form": form, "plan": plan, "task": task})


def task_create(request, pk: int):
    """Bureau staff and leaders of the plan's county: a task of the plan `pk`."""
    _require_manager(request.user)
    plan = get_editable_or_403(Plan, request.user, pk=pk)
    return _task_page(request, plan, None)


def task_edit(request, pk: int):
    """Bureau staff and leaders of the plan's county."""
    _require_manager(request.user)
    task = get_editable_or_403(Task, request.user, pk=pk)
    return _task_page(request, task.plan, task)


def _task_context(request, task: Task, **extra) -> dict:
    rows = selectors.tree(request.user, task.plan)
    row = next(r for r in rows if r.task.pk == task.pk)
    editable = services.may_manage(request.user) and (
        Task.objects.editable_by(request.user).filter(pk=task.pk).exists()
    )
    updates = list(task.updates.select_related("author"))
    evidence = selectors.evidence_of(updates)
    for update in updates:
        update.files = evidence.get(update.pk, [])
    context = {
        "task": task,
        "row": row,
        "children": [r for r in rows if r.task.parent_id == task.pk],
        "updates": updates,
        "editable": editable,
        "milestone_form": MilestoneForm(task=task) if editable else None,
        "progress_form": ProgressForm() if editable and not row.children else None,
        "today": clock.today(),
    }
    context.update(extra)
    return context


def task_detail(request, pk: int):
    """Whoever may see the task: milestones, progress reports, forms for the bureau."""
    task = _visible(Task, request, pk)
    return render(request, "workplan/task_detail.html", _task_context(request, task))


@require_POST
def milestone_create(request, pk: int):
    """Bureau staff and leaders of the plan's county: a milestone of the task `pk`."""
    _require_manager(request.user)
    task = get_editable_or_403(Task, request.user, pk=pk)
    form = MilestoneForm(request.POST, task=task)
    if form.is_valid():
        try:
            services.milestone_save(request.user, task=task, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "节点已保存")
            return redirect(task)
    context = _task_context(request, task, milestone_form=form)
    return render(request, "workplan/task_detail.html", context, status=400)


def milestone_edit(request, pk: int):
    """Bureau staff and leaders of the plan's county."""
    _require_manager(request.user)
    milestone = get_editable_or_403(Milestone, request.user, pk=pk)
    form = MilestoneForm(request.POST or None, instance=milestone, task=milestone.task)
    save = partial(services.milestone_save, request.user, milestone)
    if request.method == "POST" and form.is_valid() and save_changes(form, milestone, save):
        messages.success(request, "节点已保存")
        return redirect(milestone.task)
    return render(request, "workplan/milestone_edit.html", {"form": form, "milestone": milestone})


@require_POST
def progress_create(request, pk: int):
    """Bureau staff and leaders of the plan's county: a progress report on the task `pk`."""
    _require_manager(request.user)
    task = get_editable_or_403(Task, request.user, pk=pk)
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        data = dict(form.cleaned_data)
        evidence = data.pop("evidence", None)
        try:
            services.progress_report(request.user, task=task, evidence=evidence, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "进展已登记")
            return redirect(task)
    context = _task_context(request, task, progress_form=form)
    return render(request, "workplan/task_detail.html", context, status=400)


def _task_rows_page(request, rows, title: str, kind: str, note: str):
    context = {
        "rows": rows,
        "title": title,
        "export_kind": kind,
        "note": note,
        "today": clock.today(),
    }
    return render(request, "workplan/task_rows.html", context)


def due_soon(request):
    """Every signed-in user: the tasks they may see due in the next 30 days."""
    rows = selectors.due_soon(request.user)
    note = f"未完成、未逾期，且下一个节点或完成期限在{engine.DUE_SOON_DAYS}天内的任务。"
    return _task_rows_page(request, rows, f"{engine.DUE_SOON_DAYS}天内到期", "workplan-due", note)


def late(request):
    """Every signed-in user: the tasks they may see that are late."""
    rows = selectors.late(request.user)
    note = "完成期限已过或有节点已过计划日期仍未完成的任务（不因下级任务逾期而列出上级任务）。"
    return _task_rows_page(request, rows, "已逾期任务", "workplan-late", note)


def my_tasks(request):
    """Every signed-in user: the tasks they are an owner of."""
    rows = selectors.owned(request.user)
    return _task_rows_page(request, rows, "我负责的计划任务", "", "")
