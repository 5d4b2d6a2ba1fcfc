"""Reads of work plans, limited to what the user may see, and the derived progress and
status of every task (engine.py's rule applied to the whole tree in a few queries)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse

from kechuang.core import clock, figures
from kechuang.core.choices import RegionLevel, Role
from kechuang.core.models import PREFIX_LENGTH, Region, User
from kechuang.workplan import engine
from kechuang.workplan.choices import STATUS_COLOURS, PlanKind, Status
from kechuang.workplan.models import Milestone, Plan, ProgressUpdate, Task


def may_read(user: User) -> bool:
    """Plans are the bureau's: its users, liaisons, commissioners and viewers of the regions
    concerned read them; firm and institute users do not (read_up would let them)."""
    return user.is_authenticated and (
        user.is_superuser or user.role not in (Role.ENTERPRISE, Role.INSTITUTE)
    )


def plan_list(user: User) -> QuerySet[Plan]:
    plans = Plan.objects.visible_to(user).select_related("region")
    return plans if may_read(user) else plans.none()


def task_list(user: User) -> QuerySet[Task]:
    """Visible tasks with the latest reported percent (`latest_percent`, None if none)."""
    latest = ProgressUpdate.objects.filter(task=OuterRef("pk")).order_by("-reported_on", "-pk")
    tasks = Task.objects.visible_to(user) if may_read(user) else Task.objects.none()
    return (
        tasks.select_related("plan__region", "indicator")
        .annotate(latest_percent=Subquery(latest.values("percent")[:1]))
        .prefetch_related("owners")
    )


@dataclass
class TaskRow:
    """A task with what is derived from it: depth in its tree, progress, status, the next
    open date, and the linked figure's current value."""

    task: Task
    depth: int = 0
    children: list[TaskRow] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    progress: Decimal = Decimal(0)
    own_status: str = engine.NOT_STARTED
    status: str = engine.NOT_STARTED
    next_due: datetime.date | None = None
    next_due_label: str = ""
    figure_value: object = None
    figure_display: str = ""
    figure_source: str = ""
    figure_name: str = ""

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self.status]

    @property
    def owners(self) -> list:
        return list(self.task.owners.all())

    def days_left(self, today: datetime.date) -> int | None:
        return (self.next_due - today).days if self.next_due else None


def _milestones_by_task(task_ids) -> dict[int, list[Milestone]]:
    found: dict[int, list[Milestone]] = {}
    for m in Milestone.objects.filter(task_id__in=task_ids).order_by("due_on", "pk"):
        found.setdefault(m.task_id, []).append(m)
    return found


def derive(tasks: list[Task], today: datetime.date) -> list[TaskRow]:
    """The rows of `tasks` (whole plans) in tree order, each with its derived progress and
    status; one query for the milestones."""
    rows = {t.pk: TaskRow(t) for t in tasks}
    milestones = _milestones_by_task(list(rows))
    roots = []
    for row in rows.values():
        row.milestones = milestones.get(row.task.pk, [])
        parent = rows.get(row.task.parent_id)
        (parent.children if parent else roots).append(row)

    def visit(row: TaskRow, depth: int) -> None:
        row.depth = depth
        for child in row.children:
            visit(child, depth + 1)
        task = row.task
        if row.children:
            row.progress = engine.mean_progress(c.progress for c in row.children)
        else:
            row.progress = Decimal(getattr(task, "latest_percent", None) or 0)
        open_dates = [m.due_on for m in row.milestones if m.done_on is None]
        row.own_status = engine.status(
            today=today,
            start=task.start_date,
            deadline=task.deadline,
            progress=row.progress,
            open_milestones=open_dates,
        )
        row.status = engine.rollup(row.own_status, (c.status for c in row.children))
        upcoming = [(m.due_on, m.name) for m in row.milestones if m.done_on is None]
        upcoming.append((task.deadline, "完成期限"))
        row.next_due, row.next_due_label = min(upcoming)

    ordered: list[TaskRow] = []

    def flatten(row: TaskRow) -> None:
        ordered.append(row)
        for child in sorted(row.children, key=lambda r: (r.task.order, r.task.pk)):
            flatten(child)

    for root in sorted(roots, key=lambda r: (r.task.plan_id, r.task.order, r.task.pk)):
        visit(root, 0)
        flatten(root)
    return ordered


def figure_period(plan: Plan, today: datetime.date) -> str:
    """The period a plan's figures are read for: this month, within the plan's years."""
    day = min(max(today, plan.starts_on), plan.ends_on)
    return f"{day.year:04d}-{day.month:02d}"


def attach_figures(rows: list[TaskRow], today: datetime.date) -> None:
    """Each row's linked figure, computed for its plan's region (once per figure, region and
    period): current value, display and the page listing its records."""
    cache: dict = {}
    for row in rows:
        code = row.task.figure
        if not code:
            continue
        plan = row.task.plan
        key = (code, plan.region_id, figure_period(plan, today))
        if key not in cache:
            found = figures.get(code)
            period = figures.Period.parse(key[2])
            value = found.compute(plan.region, period)
            cache[key] = (found, value, found.display(value), found.source(plan.region, period))
        found, row.figure_value, row.figure_display, row.figure_source = cache[key]
        row.figure_name = found.name


def tree(user: User, plan: Plan, today: datetime.date | None = None) -> list[TaskRow]:
    today = today or clock.today()
    rows = derive(list(task_list(user).filter(plan=plan)), today)
    attach_figures(rows, today)
    return rows


def all_rows(user: User, today: datetime.date) -> list[TaskRow]:
    return derive(list(task_list(user)), today)


def late(user: User, today: datetime.date | None = None) -> list[TaskRow]:
    """Tasks late by their own dates (a parent is not listed for its children's), most
    overdue first."""
    today = today or clock.today()
    rows = [r for r in all_rows(user, today) if r.own_status == engine.LATE]
    return sorted(rows, key=lambda r: (_overdue_since(r, today), r.task.pk))


def _overdue_since(row: TaskRow, today: datetime.date) -> datetime.date:
    dates = [m.due_on for m in row.milestones if m.done_on is None and m.due_on < today]
    if row.task.deadline < today:
        dates.append(row.task.deadline)
    return min(dates)


def due_soon(user: User, today: datetime.date | None = None) -> list[TaskRow]:
    """Open tasks, not late, whose next date (milestone or deadline) is within 30 days."""
    today = today or clock.today()
    rows = [r for r in all_rows(user, today) if engine.due_soon(r.own_status, r.next_due, today)]
    return sorted(rows, key=lambda r: (r.next_due, r.task.pk))


def owned(user: User, today: datetime.date | None = None) -> list[TaskRow]:
    """The tasks the user is an owner of, with their statuses (plan, tree order)."""
    today = today or clock.today()
    return [r for r in all_rows(user, today) if any(o.pk == user.pk for o in r.task.owners.all())]


def timeline(rows: list[TaskRow]) -> dict:
    """The milestones and deadlines of a plan's tasks for the timeline chart."""
    points = []
    for row in rows:
        for m in row.milestones:
            points.append(
                {
                    "task": row.task.title,
                    "name": m.name,
                    "date": m.due_on.isoformat(),
                    "done": m.done_on is not None,
                }
            )
        points.append(
            {
                "task": row.task.title,
                "name": "完成期限",
                "date": row.task.deadline.isoformat(),
                "done": row.status == engine.DONE,
            }
        )
    return {"tasks": [r.task.title for r in rows], "points": points}


def evidence_of(updates: list[ProgressUpdate]) -> dict[int, list]:
    """{update id: its attachments} for a task's reports, in one query."""
    from django.contrib.contenttypes.models import ContentType

    from kechuang.core.models import Attachment

    found: dict[int, list] = {}
    rows = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(ProgressUpdate),
        object_id__in=[u.pk for u in updates],
    ).order_by("uploaded_at", "pk")
    for attachment in rows:
        found.setdefault(attachment.object_id, []).append(attachment)
    return found


def home_widgets(user: User) -> list[dict]:
    """The owner's tasks: how many are open and how many of them are late."""
    if not user.is_authenticated or not Task.objects.filter(owners=user).exists():
        return []
    rows = owned(user)
    open_rows = [r for r in rows if r.status != engine.DONE]
    url = reverse("workplan:my_tasks")
    return [
        {"title": "我负责的计划任务", "value": len(open_rows), "url": url},
        {
            "title": "我负责的任务已逾期",
            "value": sum(1 for r in open_rows if r.status == engine.LATE),
            "url": url,
        },
    ]


def next_steps(region: Region, period) -> list[str]:
    """The report's 下一步工作计划 from the annual plans of the period's year of the region
    (or of its county, for a township): one item per task under a top-level task, written
    as "“1”一大突破：国家重点研发计划项目零突破（1项）"; done tasks are left out. Not limited
    to a user: the report builder checks who may read the report."""
    codes = {region.code, region.code[: PREFIX_LENGTH[RegionLevel.COUNTY]]}
    plans = Plan.objects.filter(
        region__code__in=codes,
        kind=PlanKind.ANNUAL,
        start_year__lte=period.year,
        end_year__gte=period.year,
    )
    latest = ProgressUpdate.objects.filter(task=OuterRef("pk")).order_by("-reported_on", "-pk")
    tasks = list(
        Task.objects.filter(plan__in=plans).annotate(
            latest_percent=Subquery(latest.values("percent")[:1])
        )
    )
    rows = derive(tasks, clock.today())

    def phrase(row: TaskRow) -> str:
        task = row.task
        return f"{task.title}（{task.target_text}）" if task.target_text else task.title

    def open_leaves(row: TaskRow) -> list[TaskRow]:
        if row.status == engine.DONE:
            return []
        if not row.children:
            return [row]
        return [leaf for child in row.children for leaf in open_leaves(child)]

    items = []
    for root in (row for row in rows if row.depth == 0):
        for row in root.children or [root]:
            leaves = open_leaves(row)
            if not leaves:
                continue
            if leaves == [row]:
                items.append(phrase(row) if row is root else f"{root.task.title}：{phrase(row)}")
            else:
                items.append(f"{row.task.title}：" + "；".join(phrase(leaf) for leaf in leaves))
    return items
