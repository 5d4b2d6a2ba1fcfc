"""Reads of the commissioners, limited to what the user may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Max, Q, QuerySet
from django.urls import reverse

from kechuang.commissioners import engine
from kechuang.commissioners.choices import RequestStatus
from kechuang.commissioners.models import Assignment, Commissioner, ServiceLog, ServiceRequest
from kechuang.core import clock
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


# --- service requests -------------------------------------------------------------------


def may_view_requests(user: User) -> bool:
    """Every role that has requests: firms (their own), commissioners (assigned to them),
    liaisons, the bureau and viewers."""
    return user.is_authenticated and (
        may_view_logs(user) or (user.role == Role.ENTERPRISE and user.enterprise_id is not None)
    )


def request_list(user: User) -> QuerySet[ServiceRequest]:
    return ServiceRequest.objects.visible_to(user).select_related(
        "township", "enterprise", "commissioner"
    )


# How a commissioner's fitness for a request is weighed: each shared field counts most, the
# text similarity (BM25 of the request against the commissioner's profile, scaled so the best
# candidate has 1) next, and an assignment to the request's township breaks near-ties.
FIELD_WEIGHT = 2.0
TEXT_WEIGHT = 1.0
TOWNSHIP_WEIGHT = 0.5
PROFILE_LOGS = 30


@dataclass
class Suggestion:
    commissioner: Commissioner
    score: float
    fields: list[str]
    terms: list[str]
    same_township: bool

    @property
    def reasons(self) -> list[str]:
        out = []
        if self.fields:
            out.append(f"领域：{'、'.join(self.fields)}")
        if self.same_township:
            out.append("同乡镇派驻")
        if self.terms:
            out.append(f"共同词：{'、'.join(self.terms)}")
        return out


def _shared_fields(wanted: list[str], offered: list[str]) -> list[str]:
    """The wanted fields a commissioner offers (茶 matches 茶叶 and the reverse)."""
    return [w for w in wanted if any(w == o or w in o or o in w for o in offered)]


def profile_text(commissioner: Commissioner, logs: list[str]) -> str:
    """What a commissioner is matched by: its fields, institution, note and recent services."""
    parts = [commissioner.fields, commissioner.institution, commissioner.note, *logs]
    return "\n".join(p for p in parts if p)


def suggestions(user: User, request: ServiceRequest, top: int = 10) -> list[Suggestion]:
    """Commissioners of the request's county the user can see, ranked for the request by
    shared fields, text similarity (transfer's matching: `rank_documents`) and an assignment
    to its township on the day; only those sharing a field or a term, or assigned to the
    township. Three queries (and the matching index's version check)."""
    from kechuang.transfer.matching import rank_documents

    county = request.township.code[:6]
    candidates = {
        c.pk: c
        for c in Commissioner.objects.visible_to(user).filter(region__code__startswith=county)
    }
    if not candidates:
        return []
    today = clock.today()
    here = set(
        Assignment.objects.filter(
            commissioner_id__in=candidates, township_id=request.township_id, start__lte=today
        )
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .values_list("commissioner_id", flat=True)
    )
    logs: dict[int, list[str]] = {}
    recent = (
        ServiceLog.objects.visible_to(user)
        .filter(commissioner_id__in=candidates)
        .order_by("-served_on", "-pk")
        .values_list("commissioner_id", "content")
    )
    for pk, content in recent:
        if len(logs.setdefault(pk, [])) < PROFILE_LOGS:
            logs[pk].append(content)
    query = "\n".join(p for p in (request.title, request.content, request.fields) if p)
    ranked = rank_documents(
        query, {pk: profile_text(c, logs.get(pk, [])) for pk, c in candidates.items()}
    )
    best = ranked[0]["score"] if ranked else 1.0
    text = {r["key"]: (r["score"] / best, r["terms"]) for r in ranked}
    wanted = request.field_list
    out = []
    for pk, commissioner in candidates.items():
        fields = _shared_fields(wanted, commissioner.field_list)
        similarity, terms = text.get(pk, (0.0, []))
        same = pk in here
        if not (fields or terms or same):
            continue
        score = FIELD_WEIGHT * len(fields) + TEXT_WEIGHT * similarity + TOWNSHIP_WEIGHT * same
        out.append(Suggestion(commissioner, round(score, 3), fields, terms, same))
    out.sort(key=lambda s: (-s.score, s.commissioner.name, s.commissioner.pk))
    return out[:top]


def assigned_to(user: User) -> QuerySet[ServiceRequest]:
    """The requests waiting for the user's service (a commissioner's assigned ones)."""
    return ServiceRequest.objects.visible_to(user).filter(
        commissioner__user=user, status=RequestStatus.ASSIGNED
    )


def home_widgets(user: User) -> list[dict]:
    """A commissioner: the requests assigned to it; the bureau and liaisons: the requests
    waiting to be assigned."""
    if not user.is_authenticated:
        return []
    url = reverse("commissioners:request_list")
    if user.role == Role.COMMISSIONER:
        return [
            {
                "title": "分派给我的服务需求",
                "value": assigned_to(user).count(),
                "url": f"{url}?status={RequestStatus.ASSIGNED}",
            }
        ]
    if is_bureau(user) or user.role == Role.LIAISON:
        waiting = ServiceRequest.objects.visible_to(user).filter(status=RequestStatus.SUBMITTED)
        return [
            {
                "title": "待分派的服务需求",
                "value": waiting.count(),
                "url": f"{url}?status={RequestStatus.SUBMITTED}",
            }
        ]
    return []
