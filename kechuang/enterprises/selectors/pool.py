"""Read queries of the cultivation pool, scoped to the user."""

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When

from kechuang.core.choices import RegionLevel
from kechuang.core.models import Region, User
from kechuang.enterprises.choices import PoolStatus
from kechuang.enterprises.models import Enterprise, PoolEntry, Tier, Visit
from kechuang.enterprises.selectors.qualifications import tiers_managed_by
from kechuang.enterprises.services.pool import LIAISON_ROLES, may_manage_pool

STATUS_ORDER = list(PoolStatus.values)
# The funnel's layers; each counts the entries that reached that stage or a later one.
FUNNEL_STAGES = [
    PoolStatus.CANDIDATE,
    PoolStatus.COACHING,
    PoolStatus.APPLIED,
    PoolStatus.CERTIFIED,
]


def status_rank():
    return Case(
        *[When(status=s, then=Value(i)) for i, s in enumerate(STATUS_ORDER)],
        output_field=IntegerField(),
    )


def pool_list(user: User):
    """Pool entries the user may see, by township, then status, then firm."""
    return (
        PoolEntry.objects.visible_to(user)
        .select_related("enterprise__township", "tier", "liaison")
        .annotate(status_rank=status_rank())
        .order_by(
            "enterprise__township__sort_order",
            "enterprise__township__code",
            "status_rank",
            "enterprise__name",
            "-year",
            "tier__rank",
        )
    )


def pool_matrix(entries) -> dict:
    """Counts by township and status of a (filtered) pool list: one query."""
    rows = (
        entries.order_by()
        .values("enterprise__township__name", "enterprise__township__code", "status")
        .annotate(n=Count("pk"))
        .order_by("enterprise__township__code")
    )
    townships: dict[str, dict] = {}
    for row in rows:
        name = row["enterprise__township__name"]
        counts = townships.setdefault(name, {s: 0 for s in STATUS_ORDER})
        counts[row["status"]] = row["n"]
    return {
        "statuses": [PoolStatus(s).label for s in STATUS_ORDER],
        "rows": [
            {"township": name, "counts": [c[s] for s in STATUS_ORDER], "total": sum(c.values())}
            for name, c in townships.items()
        ],
    }


def pool_entry_detail(user: User):
    return PoolEntry.objects.visible_to(user).select_related(
        "enterprise__township", "tier", "liaison"
    )


def visits_of(entry: PoolEntry, user: User):
    return Visit.objects.visible_to(user).filter(entry=entry).select_related("recorded_by")


def tiers_for(user: User) -> list[Tier]:
    """The tiers a firm of the user's area may aim at: national ones, its regions' own and
    those the regions below it define."""
    return list(tiers_managed_by(user).order_by("rank", "code"))


def liaison_candidates(user: User, enterprise: Enterprise | None = None) -> list[User]:
    """Active cadres the user can see who may follow a firm (of its township, if given)."""
    users = (
        User.objects.visible_to(user)
        .filter(is_active=True, role__in=LIAISON_ROLES)
        .select_related("region")
        .order_by("role", "username")
    )
    if enterprise is None:
        return list(users)
    return [u for u in users if u.region and u.region.contains(enterprise.township)]


def funnel(user: User, year: int, township: Region | None = None) -> dict:
    """Per tier, how many of the year's entries reached each stage: one query.

    An entry that did not pass counts for the stages its history shows it reached.
    """
    history = PoolEntry.history.model
    was_coaching = Exists(history.objects.filter(id=OuterRef("pk"), status=PoolStatus.COACHING))
    was_applied = Exists(history.objects.filter(id=OuterRef("pk"), status=PoolStatus.APPLIED))
    failed = Q(status=PoolStatus.NOT_PASSED)
    entries = PoolEntry.objects.visible_to(user).filter(year=year)
    if township is not None:
        entries = entries.filter(enterprise__township=township)
    rows = (
        entries.order_by()
        .values("tier__code", "tier__name", "tier__rank")
        .annotate(
            candidate=Count("pk"),
            coaching=Count(
                "pk",
                filter=Q(status__in=[PoolStatus.COACHING, PoolStatus.APPLIED, PoolStatus.CERTIFIED])
                | (failed & (was_coaching | was_applied)),
            ),
            applied=Count(
                "pk",
                filter=Q(status__in=[PoolStatus.APPLIED, PoolStatus.CERTIFIED])
                | (failed & was_applied),
            ),
            certified=Count("pk", filter=Q(status=PoolStatus.CERTIFIED)),
            not_passed=Count("pk", filter=failed),
        )
        .order_by("tier__rank", "tier__code")
    )
    return {
        "year": year,
        "stages": [s.label for s in FUNNEL_STAGES],
        "tiers": [
            {
                "code": r["tier__code"],
                "name": r["tier__name"],
                "counts": [r[s.value] for s in FUNNEL_STAGES],
                "not_passed": r["not_passed"],
            }
            for r in rows
        ],
    }


def pool_years(user: User) -> list[int]:
    return list(
        PoolEntry.objects.visible_to(user)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def townships_for_funnel(user: User):
    return Region.objects.visible_to(user).filter(level=RegionLevel.TOWNSHIP)


def record_sections(enterprise: Enterprise, user: User) -> list[dict]:
    """The firm's pool entries, when there are any or the user may add (its visits are the
    visit log's section)."""
    entries = list(
        PoolEntry.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .select_related("tier", "liaison")
    )
    may_add = (
        may_manage_pool(user)
        and Enterprise.objects.editable_by(user).filter(pk=enterprise.pk).exists()
    )
    if not entries and not may_add:
        return []
    return [
        {
            "title": "培育库",
            "template": "enterprises/_section_pool.html",
            "context": {
                "enterprise": enterprise,
                "entries": entries,
                "may_add": may_add,
            },
        }
    ]
