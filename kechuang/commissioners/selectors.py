"""Reads of the commissioners, limited to what the user may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Max, Q, QuerySet

from kechuang.commissioners import engine
from kechuang.commissioners.models import Assignment, Commissioner, ServiceLog
from kechuang.core.choices import RegionLevel, Role
from kechuang.core.models import Region, User
from kechuang.core.scoping import is_bureau


def may_view_coverage(user: User) -> bool:
    """The bureau, liaisons and city/province viewers: a commissioner sees only its own logs,
    so a coverage page built from them would mislead."""
    return user.is_authenticated and (
        user.is_superuser or is_bureau(user) or user.role in (Role.LIAISON, Role.VIEWER)
    )


def may_view_logs(user: User) -> bool:
    return may_view_coverage(user) or user.role == Role.COMMISSIONER


def commissioner_list(user: User) -> QuerySet[Commissioner]:
    return Commissioner.objects.visible_to(user).select_related("region")


def own_commissioner(user: User) -> Commissioner | None:
    if not user.is_authenticated or user.role != Role.COMMISSIONER:
        return None
    return Commissioner.objects.filter(user=user).first()


def log_list(user: User) -> QuerySet[ServiceLog]:
    return ServiceLog.objects.visible_to(user).select_related(
        "commissioner", "township", "enterprise"
    )


def coverage_townships(user: User) -> QuerySet[Region]:
    return Region.objects.visible_to(user).filter(level=RegionLevel.TOWNSHIP).order_by("code")


@dataclass
class CoverageRow:
    township: Region
    assignments: list[Assignment]
    last_served: datetime.date | None
    standing: str

    @property
    def standing_label(self) -> str:
        from kechuang.commissioners.choices import Coverage

        return Coverage(self.standing).label


def coverage(user: User, townships: QuerySet[Region], as_of: datetime.date) -> list[CoverageRow]:
    """Every township of `townships` with its commissioners on `as_of` and its last service
    date, gaps first (assigned but not served in 90 days, then not assigned). Three queries."""
    towns = list(townships)
    ids = [t.pk for t in towns]
    active = (
        Assignment.objects.visible_to(user)
        .filter(township_id__in=ids, start__lte=as_of)
        .filter(Q(end__isnull=True) | Q(end__gte=as_of))
        .select_related("commissioner")
    )
    by_town: dict[int, list[Assignment]] = {}
    for assignment in active:
        by_town.setdefault(assignment.township_id, []).append(assignment)
    last = dict(
        ServiceLog.objects.visible_to(user)
        .filter(township_id__in=ids, served_on__lte=as_of)
        .order_by()
        .values_list("township")
        .annotate(last=Max("served_on"))
    )
    rows = [
        CoverageRow(
            t,
            by_town.get(t.pk, []),
            last.get(t.pk),
            engine.coverage_of(t.pk in by_town, last.get(t.pk), as_of),
        )
        for t in towns
    ]
    rows.sort(key=lambda r: (engine.COVERAGE_ORDER[r.standing], r.township.code))
    return rows
