"""Figures of the tier ladder (core/figures.py): the pool's candidates and the year's new
qualifications, counted by the firm's township."""

from django.db.models import Q

from kechuang.core import figures
from kechuang.core.figures import ByRegion, Figure, Period
from kechuang.core.models import Region
from kechuang.enterprises.models import (
    Enterprise,
    PlaqueDelivery,
    PoolEntry,
    Qualification,
    Tier,
    Visit,
)
from kechuang.enterprises.selectors.qualifications import HNTE, TSME, issued_by_q, issued_in_q

TOWNSHIP_CODE = "enterprise__township__code"


def _tier_pk(code: str) -> int | str:
    return Tier.objects.filter(code=code).values_list("pk", flat=True).first() or ""


def _pool(tier: str) -> ByRegion:
    """The year's pool entries aimed at `tier`, entered by the period's last day, whatever
    their status since (a firm certified later was still a candidate)."""
    return ByRegion(
        PoolEntry,
        lambda p: Q(tier__code=tier, year=p.year, entered_on__lte=p.end),
        TOWNSHIP_CODE,
    )


def _pool_page(tier: str):
    def source(region: Region, period: Period) -> str:
        return figures.page(
            "enterprises:poolentry_list",
            tier=_tier_pk(tier),
            year=period.year,
            region=region.code,
            entered_until=period.end.isoformat(),
        )

    return source


def _issued(tier: str) -> ByRegion:
    """Qualifications of `tier` issued in the period's year by its last day."""
    return ByRegion(
        Qualification,
        lambda p: Q(tier__code=tier) & issued_in_q(p.year) & issued_by_q(p.end),
        TOWNSHIP_CODE,
    )


def _issued_page(tier: str):
    def source(region: Region, period: Period) -> str:
        return figures.page(
            "enterprises:qualification_list",
            tier=_tier_pk(tier),
            issued_year=period.year,
            issued_until=period.end.isoformat(),
            region=region.code,
        )

    return source


for code, name, records, source, description in (
    (
        "ladder.hnte_candidates",
        "高新技术企业培育对象",
        _pool(HNTE),
        _pool_page(HNTE),
        "培育库中当年申报高新技术企业的企业（截至期末入库，不论此后状态）",
    ),
    (
        "ladder.tsme_candidates",
        "科技型中小企业培育对象",
        _pool(TSME),
        _pool_page(TSME),
        "培育库中当年申报科技型中小企业的企业（截至期末入库，不论此后状态）",
    ),
    (
        "ladder.hnte_new",
        "新认定高新技术企业",
        _issued(HNTE),
        _issued_page(HNTE),
        "当年发证、截至期末的高新技术企业证书（含到期后重新认定）",
    ),
    (
        "ladder.tsme_registered",
        "科技型中小企业（当年登记）",
        _issued(TSME),
        _issued_page(TSME),
        "当年登记的科技型中小企业（未填发证日期的自1月起计入）",
    ),
):
    figures.register(Figure.by_region(code, name, "家", records, source, description))


def _delivered_page(region: Region, period: Period) -> str:
    return figures.page(
        "enterprises:plaquedelivery_list", delivered=str(period), region=region.code
    )


figures.register(
    Figure.by_region(
        "enterprises.plaques.delivered",
        "发放牌匾",
        "块",
        ByRegion(
            PlaqueDelivery,
            lambda p: Q(delivered_on__gte=p.start, delivered_on__lte=p.end),
            f"qualification__{TOWNSHIP_CODE}",
        ),
        _delivered_page,
        "当年送达企业、截至期末的资质牌匾（送牌匾进企业）",
    )
)
figures.register(
    Figure.by_region(
        "enterprises.plaques.firms",
        "获发牌匾的企业",
        "家",
        ByRegion(
            Enterprise,
            lambda p: Q(
                pk__in=PlaqueDelivery.objects.filter(
                    delivered_on__gte=p.start, delivered_on__lte=p.end
                ).values("qualification__enterprise")
            ),
            "township__code",
        ),
        _delivered_page,
        "当年送达牌匾、截至期末的企业（一家企业只计一次；种子报告“为18家……企业发放牌匾”）",
    )
)


def _visits_page(region: Region, period: Period) -> str:
    return figures.page("enterprises:visit_list", visited=str(period), region=region.code)


# The one visit log (pool firms, cadres' key firms, any firm), by the firm's township.
figures.register(
    Figure.by_region(
        "ladder.visits",
        "走访企业",
        "次",
        ByRegion(Visit, lambda p: Q(visited_on__gte=p.start, visited_on__lte=p.end), TOWNSHIP_CODE),
        _visits_page,
        "当年1月至期末的走访记录（培育库企业、科技干部联系企业及其他企业，按企业所在乡镇）",
    )
)
