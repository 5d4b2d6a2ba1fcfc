"""Read queries of programs, calls and projects, scoped to the user; the counts the figures
registry reads (`provincial_demand_count`, `project_counts`: plain functions of a region and
a period, each listing exactly the records the project list shows with the same filters);
and the milestone alerts."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Case, Count, Q, Value, When
from django.urls import reverse

from kechuang.core import clock, figures
from kechuang.core.choices import Role
from kechuang.core.models import Region, User
from kechuang.core.scoping import is_bureau
from kechuang.projects.choices import ACTIVE_STATUSES, PROVINCIAL_KINDS, ProgramKind, ProgramLevel
from kechuang.projects.models import Call, Milestone, Program, Project

# Milestones due within this many days are shown beside the overdue ones.
DUE_SOON_DAYS = 30


# Programs listed from the national level down.
LEVEL_ORDER = Case(
    *(When(level=level, then=Value(rank)) for rank, level in enumerate(ProgramLevel.values)),
    default=Value(len(ProgramLevel.values)),
)


def program_list(user: User):
    return (
        Program.objects.visible_to(user)
        .select_related("region")
        .order_by(LEVEL_ORDER, "kind", "name")
    )


def call_list(user: User):
    return Call.objects.visible_to(user).select_related("program")


def open_calls(user: User, today: datetime.date | None = None):
    today = today or clock.today()
    return call_list(user).filter(opens_on__lte=today, closes_on__gte=today)


def project_list(user: User):
    return Project.objects.visible_to(user).select_related(
        "program", "call", "region", "lead_enterprise", "lead_institution"
    )


def projects_of_enterprise(user: User, enterprise):
    """The projects a firm leads, as far as the user may see them."""
    return project_list(user).filter(lead_enterprise=enterprise)


def projects_of_institution(user: User, institution):
    """The projects an institute leads or takes part in, as far as the user may see them."""
    return project_list(user).filter(
        Q(lead_institution=institution) | Q(partner_institution=institution)
    )


def milestones_of(project: Project):
    return list(project.milestones.all())


def outputs_of(project: Project):
    return list(project.outputs.all())


# --- counts for the figures --------------------------------------------------------------


def period_bounds(period: str) -> tuple[int, datetime.date]:
    """(year, last day) of a period 'YYYY-MM' (January through that month)."""
    try:
        found = figures.Period.parse(period)
    except figures.FigureError as exc:
        raise ValidationError({"period": str(exc)}) from None
    return found.year, found.end


def _region_prefix(region: Region | str) -> str:
    if isinstance(region, Region):
        return region.prefix
    found = Region.objects.filter(code=str(region)).first()
    if found is None:
        raise ValidationError({"region": f"未知的区划代码：{region}"})
    return found.prefix


def in_period(queryset, region: Region | str, period: str):
    """The projects of a region filed for the period's year and collected by its end:
    what the list's `region` and `period` filters select."""
    year, last_day = period_bounds(period)
    return queryset.filter(
        region__code__startswith=_region_prefix(region), year=year, collected_on__lte=last_day
    )


def provincial_demands(region: Region | str, period: str):
    """The demands collected for the provincial 尖兵 / 领雁 lists (at any status since)."""
    return in_period(Project.objects.all(), region, period).filter(
        program__kind__in=PROVINCIAL_KINDS
    )


def provincial_demand_count(region: Region | str, period: str) -> int:
    """组织上报省尖兵领雁研发攻关需求 (项): the seed's 7 for 331121 at 2023-06."""
    return provincial_demands(region, period).count()


def project_counts(region: Region | str, period: str) -> dict[tuple[str, str], int]:
    """Projects of the region and period by (program level, status)."""
    rows = (
        in_period(Project.objects.all(), region, period)
        .values("program__level", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(r["program__level"], r["status"]): r["n"] for r in rows}


def list_url(region: Region | str, period: str, **filters) -> str:
    """The project list showing the records behind a count (filters as the FilterSet's)."""
    from urllib.parse import urlencode

    code = region.code if isinstance(region, Region) else str(region)
    query = [("region", code), ("period", period)]
    for name, value in filters.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            query.append((name, str(item)))
    return f"{reverse('projects:project_list')}?{urlencode(query)}"


def provincial_demand_url(region: Region | str, period: str) -> str:
    return list_url(region, period, kind=list(PROVINCIAL_KINDS))


# --- milestone alerts --------------------------------------------------------------------


@dataclass
class MilestoneAlert:
    milestone: Milestone
    days_left: int  # negative when overdue

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def project(self) -> Project:
        return self.milestone.project


def milestone_alerts(
    user: User, today: datetime.date | None = None, *, within_days: int = DUE_SOON_DAYS
) -> list[MilestoneAlert]:
    """Milestones of the projects under way the user may see that are not done and are
    overdue or due within `within_days`, soonest first."""
    today = today or clock.today()
    rows = (
        Milestone.objects.visible_to(user)
        .filter(
            done_on__isnull=True,
            due_on__lte=today + datetime.timedelta(days=within_days),
            project__status__in=ACTIVE_STATUSES,
        )
        .select_related("project__region", "project__lead_enterprise", "project__lead_institution")
        .order_by("due_on", "project__title", "id")
    )
    return [MilestoneAlert(m, m.days_left(today)) for m in rows]


def may_see_alerts(user: User) -> bool:
    """Every signed-in user: the alerts are of the projects the user may see."""
    return user.is_authenticated and user.is_active


def home_widgets(user: User) -> list[dict]:
    """Overdue and soon-due milestones, and the open calls, for the home page."""
    if not may_see_alerts(user):
        return []
    alerts = milestone_alerts(user)
    overdue = Counter(a.overdue for a in alerts)
    widgets = [
        {
            "title": "项目节点逾期",
            "value": overdue[True],
            "url": reverse("projects:milestone_alerts"),
        },
        {
            "title": f"项目节点{DUE_SOON_DAYS}天内到期",
            "value": overdue[False],
            "url": reverse("projects:milestone_alerts"),
        },
    ]
    if is_bureau(user) or user.role in (Role.ENTERPRISE, Role.INSTITUTE):
        widgets.append(
            {
                "title": "正在受理的申报批次",
                "value": open_calls(user)
                .filter(program__region__code__startswith=_home_prefix(user))
                .count(),
                "url": reverse("projects:program_list"),
            }
        )
    return widgets


def _home_prefix(user: User) -> str:
    """Calls of the user's county (a firm's township lies in it): the first six digits."""
    if user.is_superuser or user.region is None:
        return ""
    return user.region.code[:6] if len(user.region.code) >= 6 else user.region.prefix


# --- sections of other apps' record pages ---------------------------------------------------


def enterprise_sections(enterprise, user: User) -> list[dict]:
    projects = list(projects_of_enterprise(user, enterprise)[:50])
    if not projects:
        return []
    return [
        {
            "title": "科技项目",
            "template": "projects/_section_projects.html",
            "context": {"projects": projects},
        }
    ]


def institution_sections(institution, user: User) -> list[dict]:
    projects = list(projects_of_institution(user, institution)[:50])
    if not projects:
        return []
    return [
        {
            "title": "科技项目",
            "template": "projects/_section_projects.html",
            "context": {"projects": projects, "institution": institution},
        }
    ]


def jiebang_call(user: User, region: Region, year: int):
    """The county 揭榜挂帅 program's call of the year the user can see (its latest), where the
    challenge board's selected bids become projects; None if there is none."""
    return (
        Call.objects.visible_to(user)
        .filter(program__kind=ProgramKind.JIEBANG, program__region=region, year=year)
        .order_by("-opens_on", "-pk")
        .first()
    )
