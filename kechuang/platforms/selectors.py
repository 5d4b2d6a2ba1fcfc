"""Read queries of the platforms: scoped lists for pages, and the counts the figures need."""

from __future__ import annotations

import datetime

from django.db.models import Count, QuerySet

from kechuang.core import figures
from kechuang.core.models import Region, User
from kechuang.platforms.models import Platform, PlatformEvaluation


def platform_list(user: User) -> QuerySet[Platform]:
    return (
        Platform.objects.visible_to(user)
        .select_related("host_enterprise", "host_institution", "region")
        .order_by("name")
    )


def platforms_of_enterprise(user: User, enterprise) -> QuerySet[Platform]:
    """The platforms a firm hosts, as far as the user may see them."""
    return platform_list(user).filter(host_enterprise=enterprise)


def platforms_of_institution(user: User, institution) -> QuerySet[Platform]:
    return platform_list(user).filter(host_institution=institution)


def evaluations_of(platform: Platform, user: User) -> QuerySet[PlatformEvaluation]:
    return PlatformEvaluation.objects.visible_to(user).filter(platform=platform).order_by("-year")


def platform_sections(user: User, *, enterprise=None, institution=None) -> list[dict]:
    """A record page's 科创平台 section, when the host has platforms the user may see."""
    if enterprise is not None:
        platforms = platforms_of_enterprise(user, enterprise)
    else:
        platforms = platforms_of_institution(user, institution)
    platforms = list(platforms.annotate(n_evaluations=Count("evaluations")))
    if not platforms:
        return []
    return [
        {
            "title": "科创平台",
            "template": "platforms/_section_platforms.html",
            "context": {"platforms": platforms},
        }
    ]


# --- counts for the figures: (region, period) -> int ----------------------------------------


def period_bounds(period: str) -> tuple[datetime.date, datetime.date]:
    """'YYYY-MM': January 1 to the month's last day (cumulative, as statistics count);
    'YYYY': the whole year. ValueError with a Chinese message otherwise."""
    found = figures.Period.parse_span(period)
    return found.start, found.end


def _in_region(region) -> QuerySet[Platform]:
    if not isinstance(region, Region):
        region = Region.objects.get(code=str(region))
    return Platform.objects.filter(region__code__startswith=region.prefix)


def applied_count(region, period: str, type: str | None = None) -> int:  # noqa: A002
    """Platforms of the region applied for (申报) between January and the period's month,
    whatever became of them since; of one type when given."""
    start, end = period_bounds(period)
    platforms = _in_region(region).filter(applied_on__range=(start, end))
    if type:
        platforms = platforms.filter(type=type)
    return platforms.count()


def recognised_count(region, period: str, type: str | None = None) -> int:  # noqa: A002
    """Platforms of the region recognised (认定) between January and the period's month."""
    start, end = period_bounds(period)
    platforms = _in_region(region).filter(recognised_on__range=(start, end))
    if type:
        platforms = platforms.filter(type=type)
    return platforms.count()


def recognised_types_in(enterprises, year: int) -> dict[int, set[str]]:
    """{firm id: platform types} of the platforms the firms host that were recognised in the
    year (whatever became of them since): one query for any number of firms."""
    found: dict[int, set[str]] = {}
    rows = Platform.objects.filter(
        host_enterprise__in=enterprises, recognised_on__year=year
    ).values_list("host_enterprise_id", "type")
    for firm, kind in rows:
        found.setdefault(firm, set()).add(kind)
    return found
