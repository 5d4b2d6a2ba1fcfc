"""Figures of loan recommendations (core/figures.py), by the firm's township: amounts
recommended and granted in the year up to the period (by the recommendation's and the
grant's date, whatever became of a recommendation since), and the firms concerned."""

from django.db.models import Q

from kechuang.core import figures
from kechuang.core.figures import ByRegion, Figure, Period
from kechuang.core.models import Region
from kechuang.enterprises.models import Enterprise
from kechuang.loans.filters import PERIOD_FIELDS
from kechuang.loans.models import LoanRecommendation


def _within(kind: str):
    field = PERIOD_FIELDS[kind]

    def condition(period: Period) -> Q:
        return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})

    return condition


def _firms(kind: str):
    """Firms with a recommendation (a grant) in the period, by the firm's township, once
    however many they have."""
    within = _within(kind)

    def condition(period: Period) -> Q:
        return Q(pk__in=LoanRecommendation.objects.filter(within(period)).values("enterprise"))

    return condition


def _page(kind: str):
    def source(region: Region, period: Period) -> str:
        return figures.page("loans:loan_list", **{kind: str(period), "region": region.code})

    return source


for code, name, unit, records, kind, description in (
    (
        "loans.recommended",
        "推荐科技贷款授信额度",
        figures.AMOUNT_UNIT,
        ByRegion(
            LoanRecommendation,
            _within("recommended"),
            "region__code",
            sum_of="amount_recommended",
        ),
        "recommended",
        "当年推荐、截至期末的科技贷款推荐额度（按推荐日期，不论此后状态）",
    ),
    (
        "loans.granted",
        "科技贷款授信额度",
        figures.AMOUNT_UNIT,
        ByRegion(LoanRecommendation, _within("granted"), "region__code", sum_of="amount_granted"),
        "granted",
        "当年获银行授信、截至期末的授信额度（按授信日期）",
    ),
    (
        "loans.firms",
        "推荐科技贷款的企业",
        "家",
        ByRegion(Enterprise, _firms("recommended"), "township__code"),
        "recommended",
        "当年有科技贷款推荐、截至期末的企业（一家企业只计一次）",
    ),
    (
        "loans.firms_granted",
        "获科技贷款授信的企业",
        "家",
        ByRegion(Enterprise, _firms("granted"), "township__code"),
        "granted",
        "当年获银行授信、截至期末的企业（一家企业只计一次）",
    ),
):
    figures.register(Figure.by_region(code, name, unit, records, _page(kind), description))
