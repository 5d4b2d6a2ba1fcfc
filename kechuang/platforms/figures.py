"""Figures of innovation platforms (core/figures.py): platforms applied for and recognised
in the year up to the period, in all and by type (the seed's "1 + 3": one provincial
enterprise research institute and three provincial HNTE R&D centres applied for)."""

from django.db.models import Q

from kechuang.core import figures
from kechuang.core.figures import ByRegion, Figure, Period
from kechuang.core.models import Region
from kechuang.platforms.choices import PlatformType
from kechuang.platforms.models import Platform


def _applied(kind: str | None):
    def condition(period: Period) -> Q:
        q = Q(applied_on__gte=period.start, applied_on__lte=period.end)
        return q & Q(type=kind) if kind else q

    return condition


def _recognised(kind: str | None):
    def condition(period: Period) -> Q:
        q = Q(recognised_on__gte=period.start, recognised_on__lte=period.end)
        return q & Q(type=kind) if kind else q

    return condition


def _page(filter_name: str, kind: str | None):
    def source(region: Region, period: Period) -> str:
        return figures.page(
            "platforms:platform_list",
            **{filter_name: str(period), "region": region.code, "type": kind or ""},
        )

    return source


for kind, label in ((None, "科创平台"), *PlatformType.choices):
    suffix = f".{kind}" if kind else ""
    figures.register(
        Figure.by_region(
            f"platforms.applied{suffix}",
            f"申报{label}",
            "家",
            ByRegion(
                Platform,
                _applied(kind),
                "region__code",
            ),
            _page("applied", kind),
            f"当年申报、截至期末的{label}（按依托单位所在地，不论此后状态）",
        )
    )
    figures.register(
        Figure.by_region(
            f"platforms.recognised{suffix}",
            f"认定{label}",
            "家",
            ByRegion(
                Platform,
                _recognised(kind),
                "region__code",
            ),
            _page("recognised", kind),
            f"当年认定、截至期末的{label}（按依托单位所在地）",
        )
    )
