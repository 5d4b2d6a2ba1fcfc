"""Figures of technology transfer (core/figures.py): demands collected, matches made,
achievements transferred, technology contracts and their turnover (技术市场交易额, which the
indicators read from here)."""

from django.db.models import Q

from kechuang.core import figures
from kechuang.core.figures import ByRegion, Figure, Period
from kechuang.core.models import Region
from kechuang.transfer.choices import MatchStatus
from kechuang.transfer.models import Demand, Match, TechContract


def _span(period: Period) -> dict:
    return {"since": period.start.isoformat(), "until": period.end.isoformat()}


# Demands registered in the period's year by its last day, by the firm's township.
demands = ByRegion(
    Demand,
    lambda p: Q(created_at__date__gte=p.start, created_at__date__lte=p.end),
    "enterprise__township__code",
)
# Matches accepted (采纳) in the span, whatever became of them since.
matched = ByRegion(
    Match,
    lambda p: Q(recommended_on__gte=p.start, recommended_on__lte=p.end),
    "demand__enterprise__township__code",
)
# Matches that ended in a contract in the span: achievements transferred (成果转化).
transferred = ByRegion(
    Match,
    lambda p: Q(status=MatchStatus.CONTRACTED, closed_on__gte=p.start, closed_on__lte=p.end),
    "demand__enterprise__township__code",
)


def _registered(period: Period) -> Q:
    return Q(registered_on__gte=period.start, registered_on__lte=period.end)


# Contracts by the county they count for (a city sums its counties).
contracts = ByRegion(TechContract, _registered, "region__code")
turnover = ByRegion(TechContract, _registered, "region__code", sum_of="turnover")


def _demand_page(region: Region, period: Period) -> str:
    span = _span(period)
    return figures.page(
        "transfer:demand_list",
        region=region.code,
        created_since=span["since"],
        created_until=span["until"],
    )


def _matched_page(region: Region, period: Period) -> str:
    span = _span(period)
    return figures.page(
        "transfer:match_pipeline",
        region=region.code,
        accepted_since=span["since"],
        accepted_until=span["until"],
    )


def _transferred_page(region: Region, period: Period) -> str:
    span = _span(period)
    return figures.page(
        "transfer:match_pipeline",
        status=MatchStatus.CONTRACTED.value,
        region=region.code,
        closed_since=span["since"],
        closed_until=span["until"],
    )


def _contract_page(region: Region, period: Period) -> str:
    return figures.page("transfer:contract_list", region=region.code, **_span(period))


for code, name, unit, records, source, description in (
    (
        "transfer.demands",
        "收集技术需求",
        "项",
        demands,
        _demand_page,
        "当年登记、截至期末的企业技术需求（按提出企业所在地，不论此后状态）",
    ),
    (
        "transfer.matched",
        "匹配成果",
        "项",
        matched,
        _matched_page,
        "当年采纳推荐、进入对接的需求与成果（按需求企业所在地，不论此后状态）",
    ),
    (
        "transfer.transferred",
        "完成成果转化",
        "项",
        transferred,
        _transferred_page,
        "当年签约的对接（按需求企业所在地）",
    ),
    (
        "transfer.contracts",
        "技术合同",
        "项",
        contracts,
        _contract_page,
        "当年登记、截至期末的技术合同（按计入区域）",
    ),
    (
        "transfer.turnover",
        "技术市场交易额",
        figures.AMOUNT_UNIT,
        turnover,
        _contract_page,
        "当年登记、截至期末的技术合同技术交易额之和（按计入区域）",
    ),
):
    figures.register(Figure.by_region(code, name, unit, records, source, description))
