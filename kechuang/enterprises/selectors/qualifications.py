"""Read queries of qualifications and tiers, scoped to the user.

A firm's standing on the ladder is derived from its valid qualifications, never typed:
the highest-rank tier among the qualifications valid on a given day.
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from kechuang.core import clock
from kechuang.core.choices import Role
from kechuang.core.models import PREFIX_LENGTH, Region, User
from kechuang.enterprises.choices import EnterpriseStatus, PoolStatus
from kechuang.enterprises.models import (
    Enterprise,
    PlaqueDelivery,
    PoolEntry,
    Qualification,
    Tier,
)

HNTE = "hnte"
TSME = "tsme"


def valid_on_q(on: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": on, f"{prefix}valid_until__gte": on})


def qualification_list(user: User) -> QuerySet[Qualification]:
    return Qualification.objects.visible_to(user).select_related(
        "enterprise", "enterprise__township", "tier"
    )


def qualifications_of(enterprise: Enterprise) -> QuerySet[Qualification]:
    """A firm's qualifications, latest validity first (the caller has checked visibility)."""
    return (
        Qualification.objects.filter(enterprise=enterprise)
        .select_related("tier")
        .order_by("-valid_until", "-tier__rank")
    )


def current_tier(enterprise: Enterprise, on: datetime.date | None = None) -> Tier | None:
    """The highest-rank tier among the firm's qualifications valid on the day (default today)."""
    on = on or clock.today()
    found = (
        Qualification.objects.filter(valid_on_q(on), enterprise=enterprise)
        .select_related("tier")
        .order_by("-tier__rank", "tier__code")
        .first()
    )
    return found.tier if found else None


def with_current_tier(enterprises: QuerySet, on: datetime.date | None = None) -> QuerySet:
    """Enterprises annotated with current_tier_code / _name / _rank, still one query."""
    on = on or clock.today()
    best = Qualification.objects.filter(valid_on_q(on), enterprise=OuterRef("pk")).order_by(
        "-tier__rank", "tier__code"
    )
    return enterprises.annotate(
        current_tier_code=Subquery(best.values("tier__code")[:1]),
        current_tier_name=Subquery(best.values("tier__name")[:1]),
        current_tier_rank=Subquery(best.values("tier__rank")[:1]),
    )


def ladder_history(enterprise: Enterprise) -> list[dict]:
    """The firm's way up the ladder, oldest first: pool entries and qualifications."""
    events = []
    for q in qualifications_of(enterprise):
        events.append(
            {
                "date": q.issued_on or q.valid_from,
                "kind": "qualification",
                "text": f"取得{q.tier.name}（{q.year}年度）",
                "detail": f"有效期 {q.valid_from:%Y-%m-%d} 至 {q.valid_until:%Y-%m-%d}",
            }
        )
    entries = PoolEntry.objects.filter(enterprise=enterprise).select_related("tier")
    for entry in entries:
        events.append(
            {
                "date": entry.entered_on,
                "kind": "pool",
                "text": f"进入培育库，目标{entry.tier.name}（{entry.year}年申报）",
                "detail": f"当前状态：{entry.get_status_display()}",
            }
        )
        final = entry.status in (PoolStatus.CERTIFIED, PoolStatus.NOT_PASSED)
        if final and entry.status_changed_on:
            events.append(
                {
                    "date": entry.status_changed_on,
                    "kind": "pool",
                    "text": f"{entry.tier.name}申报{entry.get_status_display()}",
                    "detail": f"{entry.year}年度",
                }
            )
    return sorted(events, key=lambda e: e["date"])


def containing_q(region: Region, path: str = "region") -> Q:
    """Records whose region (at `path`) contains `region` or is it."""
    depth = PREFIX_LENGTH[region.level]
    q = Q(pk__in=[])
    for level, length in PREFIX_LENGTH.items():
        if length <= depth:
            q |= Q(**{f"{path}__level": level, f"{path}__code__startswith": region.code[:length]})
    return q


def tiers_for(user: User) -> QuerySet[Tier]:
    """The tiers that apply to a user's region: national ones and those of regions above it."""
    tiers = Tier.objects.select_related("region")
    if user.is_superuser:
        return tiers
    national = Q(region__isnull=True)
    if user.region_id is None:
        return tiers.filter(national)
    return tiers.filter(national | containing_q(user.region))


def tiers_managed_by(user: User) -> QuerySet[Tier]:
    """The tier list of bureau staff: what applies to them and what regions below them define."""
    tiers = Tier.objects.select_related("region")
    if user.is_superuser:
        return tiers
    below = Tier.objects.editable_by(user).values("pk")
    return tiers_for(user) | tiers.filter(pk__in=below)


def recordable_firms(user: User) -> QuerySet[Enterprise]:
    """Firms whose qualifications the user records: staff and liaisons of the firm's area;
    a firm cannot certify itself."""
    if user.role == Role.ENTERPRISE and not user.is_superuser:
        return Enterprise.objects.none()
    return Enterprise.objects.editable_by(user)


def may_record_qualifications(user: User, enterprise: Enterprise) -> bool:
    return recordable_firms(user).filter(pk=enterprise.pk).exists()


def tier_applies_to(tier: Tier, enterprise: Enterprise) -> bool:
    """National tiers apply everywhere; a regional tier only to firms inside its region."""
    return tier.region_id is None or tier.region.contains(enterprise.township)


def issued_in_q(year: int) -> Q:
    """Issued in a year; those without an issue date count in their own year."""
    return Q(issued_on__year=year) | Q(issued_on__isnull=True, year=year)


def issued_by_q(day: datetime.date) -> Q:
    """Issued on or before a day; those without an issue date (registrations of
    calendar-year tiers) count from the first day of their year."""
    return Q(issued_on__lte=day) | Q(issued_on__isnull=True, year__lte=day.year)


def issued_in(qualifications: QuerySet, year: int) -> QuerySet:
    return qualifications.filter(issued_in_q(year))


def issued_by(qualifications: QuerySet, day: datetime.date) -> QuerySet:
    return qualifications.filter(issued_by_q(day))


def newly_certified(user: User, tier_code: str, year: int) -> QuerySet[Qualification]:
    """Firms certified in a tier in a year (the plaques list), each marked `renewed` when the
    firm held the tier before, first-time otherwise."""
    return with_renewed(
        issued_in(qualification_list(user).filter(tier__code=tier_code), year)
    ).order_by("enterprise__township__code", "enterprise__name")


def with_renewed(qualifications: QuerySet) -> QuerySet:
    """Marks each qualification `renewed` when the firm held the same tier before it."""
    earlier = Qualification.objects.filter(
        enterprise=OuterRef("enterprise"),
        tier=OuterRef("tier"),
        valid_from__lt=OuterRef("valid_from"),
    )
    return qualifications.annotate(renewed=Exists(earlier))


def valid_counts_by_township(user: User, on: datetime.date) -> dict:
    """Active firms holding a valid HNTE and a valid TSME on the day, per township (one query),
    with the total. Townships without any active firm are left out."""
    valid = valid_on_q(on, "qualifications__")
    rows = list(
        Enterprise.objects.visible_to(user)
        .filter(status=EnterpriseStatus.ACTIVE)
        .values("township__code", "township__name")
        .annotate(
            hnte=Count("pk", filter=valid & Q(qualifications__tier__code=HNTE), distinct=True),
            tsme=Count("pk", filter=valid & Q(qualifications__tier__code=TSME), distinct=True),
            firms=Count("pk", distinct=True),
        )
        .order_by("township__code")
    )
    total = {
        "hnte": sum(r["hnte"] for r in rows),
        "tsme": sum(r["tsme"] for r in rows),
        "firms": sum(r["firms"] for r in rows),
    }
    return {"on": on, "rows": rows, "total": total}


def qualification_rows(enterprise: Enterprise, on: datetime.date) -> list[dict]:
    rows = []
    for q in qualifications_of(enterprise):
        if q.valid_until < on:
            state = "已过期"
        elif q.valid_from > on:
            state = "未生效"
        else:
            state = "有效"
        rows.append({"qualification": q, "state": state})
    return rows


def record_sections(enterprise: Enterprise, user: User) -> list[dict]:
    today = clock.today()
    return [
        {
            "title": "资质与梯次",
            "template": "enterprises/_section_qualifications.html",
            "context": {
                "enterprise": enterprise,
                "today": today,
                "current_tier": current_tier(enterprise, today),
                "rows": qualification_rows(enterprise, today),
                "history": ladder_history(enterprise),
                "may_add": may_record_qualifications(user, enterprise),
            },
        }
    ]


def tiers_applying_to(enterprise: Enterprise) -> QuerySet[Tier]:
    """National tiers and those of the regions the firm's township lies in."""
    return Tier.objects.filter(Q(region__isnull=True) | containing_q(enterprise.township))


def plaque_deliveries(user: User) -> QuerySet[PlaqueDelivery]:
    """Plaque deliveries the user may see, newest first."""
    return (
        PlaqueDelivery.objects.visible_to(user)
        .select_related("qualification__enterprise__township", "qualification__tier")
        .order_by("-delivered_on", "pk")
    )
