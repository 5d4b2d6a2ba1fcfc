"""Deadline and expiry alerts of the ladder, scoped to the user, on today's date.

Each county sets its own periods (LadderSettings); a county without a row uses the model's
defaults, the seed report's rule. "Today" is clock.today(), so tests can freeze it.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch
from django.urls import reverse

from kechuang.core import clock
from kechuang.core.choices import RegionLevel, Role
from kechuang.core.models import Region, User
from kechuang.core.scoping import is_bureau
from kechuang.enterprises.choices import EnterpriseStatus
from kechuang.enterprises.models import Enterprise, LadderSettings, Qualification, Tier
from kechuang.enterprises.services.pool import county_of

TSME, HNTE = "tsme", "hnte"
COUNTY_CODE_LENGTH = 6


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the month's last day when it is shorter (31 Jan → 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: datetime.date, years: int) -> datetime.date:
    return add_months(day, 12 * years)


def settings_for_county(county: Region | None) -> LadderSettings:
    """The county's settings, or unsaved defaults when it has none (or above county level)."""
    if county is not None:
        found = LadderSettings.objects.filter(region=county).first()
        if found is not None:
            return found
    return LadderSettings(region=county)


def settings_for_user(user: User) -> LadderSettings:
    return settings_for_county(county_of(user.region))


class _SettingsByCounty:
    """Settings of every county the user's records may lie in: one query."""

    def __init__(self, user: User):
        rows = LadderSettings.objects.select_related("region").filter(
            region__level=RegionLevel.COUNTY
        )
        if not user.is_superuser and user.region is not None:
            rows = rows.filter(region__code__startswith=user.region.prefix[:COUNTY_CODE_LENGTH])
        self.by_code = {s.region.code[:COUNTY_CODE_LENGTH]: s for s in rows}
        self.default = LadderSettings()

    def of(self, township: Region) -> LadderSettings:
        return self.by_code.get(township.code[:COUNTY_CODE_LENGTH], self.default)

    def longest_warning(self) -> int:
        return max(
            [self.default.expiry_warning_months]
            + [s.expiry_warning_months for s in self.by_code.values()]
        )


@dataclass
class Deadline:
    """A recruited firm that must reach a tier by a date."""

    enterprise: Enterprise
    tier: Tier
    due_on: datetime.date
    days_left: int  # negative when overdue
    reached_on: datetime.date | None  # reached, but after the due date

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


@dataclass
class Expiry:
    qualification: Qualification
    days_left: int

    @property
    def enterprise(self) -> Enterprise:
        return self.qualification.enterprise


def _reached_on(q: Qualification) -> datetime.date:
    # A TSME registration has no issue date: it counts from the first day of its year.
    return q.issued_on or q.valid_from


def recruited_deadlines(
    user: User, today: datetime.date | None = None, *, settings: _SettingsByCounty | None = None
) -> list[Deadline]:
    """Recruited firms without a TSME / HNTE qualification obtained by their due date."""
    today = today or clock.today()
    settings = settings or _SettingsByCounty(user)
    tiers = {t.code: t for t in Tier.objects.filter(code__in=[TSME, HNTE])}
    firms = (
        Enterprise.objects.visible_to(user)
        .filter(
            recruited_on__isnull=False,
            production_started_on__isnull=False,
            status=EnterpriseStatus.ACTIVE,
        )
        .select_related("township")
        .prefetch_related(
            Prefetch(
                "qualifications",
                queryset=Qualification.objects.filter(tier__in=tiers.values()),
                to_attr="ladder_qualifications",
            )
        )
    )
    rows = []
    for firm in firms:
        rule = settings.of(firm.township)
        if rule.recruit_cutoff and firm.recruited_on < rule.recruit_cutoff:
            continue
        for code, years in ((TSME, rule.tsme_years), (HNTE, rule.hnte_years)):
            tier = tiers.get(code)
            if tier is None:
                continue
            due = add_years(firm.production_started_on, years)
            dates = sorted(
                _reached_on(q) for q in firm.ladder_qualifications if q.tier_id == tier.pk
            )
            if dates and dates[0] <= due:
                continue
            late = next((d for d in dates if d > due), None)
            rows.append(Deadline(firm, tier, due, (due - today).days, late))
    rows.sort(key=lambda r: (r.due_on, r.enterprise.name, r.tier.rank))
    return rows


def hnte_expiring(
    user: User, today: datetime.date | None = None, *, settings: _SettingsByCounty | None = None
) -> list[Expiry]:
    """HNTE certificates ending within the county's warning window, with no later certificate."""
    today = today or clock.today()
    settings = settings or _SettingsByCounty(user)
    later = Qualification.objects.filter(
        enterprise=OuterRef("enterprise"),
        tier=OuterRef("tier"),
        valid_until__gt=OuterRef("valid_until"),
    )
    candidates = (
        Qualification.objects.visible_to(user)
        .filter(
            tier__code=HNTE,
            valid_until__gte=today,
            valid_until__lte=add_months(today, settings.longest_warning()),
            enterprise__status=EnterpriseStatus.ACTIVE,
        )
        .exclude(Exists(later))
        .select_related("enterprise__township", "tier")
        .order_by("valid_until", "enterprise__name")
    )
    return [
        Expiry(q, (q.valid_until - today).days)
        for q in candidates
        if q.valid_until
        <= add_months(today, settings.of(q.enterprise.township).expiry_warning_months)
    ]


def tsme_unrenewed(user: User, today: datetime.date | None = None):
    """Last year's TSME registrations of firms not yet registered this year."""
    today = today or clock.today()
    this_year = Qualification.objects.filter(
        enterprise=OuterRef("enterprise"), tier=OuterRef("tier"), year=today.year
    )
    return (
        Qualification.objects.visible_to(user)
        .filter(tier__code=TSME, year=today.year - 1, enterprise__status=EnterpriseStatus.ACTIVE)
        .exclude(Exists(this_year))
        .select_related("enterprise__township", "tier")
        .order_by("enterprise__township__code", "enterprise__name")
    )


def may_see_alerts(user: User) -> bool:
    return user.is_authenticated and (
        is_bureau(user) or user.role in (Role.LIAISON, Role.VIEWER, Role.COMMISSIONER)
    )


def home_widgets(user: User) -> list[dict]:
    """Counts of the three alert lists for staff, leaders and liaisons."""
    if not (is_bureau(user) or user.role == Role.LIAISON):
        return []
    today = clock.today()
    settings = _SettingsByCounty(user)  # one query for both lists
    return [
        {
            "title": "招引企业创建期限",
            "value": len(recruited_deadlines(user, today, settings=settings)),
            "url": reverse("enterprises:alert_deadlines"),
        },
        {
            "title": "高企证书即将到期",
            "value": len(hnte_expiring(user, today, settings=settings)),
            "url": reverse("enterprises:alert_expiring"),
        },
        {
            "title": "科小企业未重新登记",
            "value": tsme_unrenewed(user, today).count(),
            "url": reverse("enterprises:alert_unrenewed"),
        },
    ]
