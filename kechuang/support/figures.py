"""Figures of policy funds (core/figures.py): amounts paid in the period (by payment date,
whatever the award year) and the firms paid, by the firm's township."""

from django.db.models import Q

from kechuang.core import figures
from kechuang.core.figures import ByRegion, Figure, Period
from kechuang.core.models import Region
from kechuang.enterprises.models import Enterprise
from kechuang.support.choices import DisbursementStatus
from kechuang.support.models import Disbursement


def _paid(period: Period) -> Q:
    return Q(status=DisbursementStatus.PAID, paid_on__gte=period.start, paid_on__lte=period.end)


def _firms_paid(period: Period) -> Q:
    paid = Disbursement.objects.filter(_paid(period)).values("enterprise")
    return Q(pk__in=paid)


def _source(region: Region, period: Period) -> str:
    return figures.page(
        "support:disbursement_list", paid=str(period), region=region.code, status="paid"
    )


figures.register(
    Figure.by_region(
        "support.funds.paid",
        "兑现科技经费",
        figures.AMOUNT_UNIT,
        ByRegion(Disbursement, _paid, "region__code", sum_of="amount"),
        _source,
        "当年1月至期末兑现（按兑现日期）的政策奖励金额，按企业所在乡镇",
    )
)
figures.register(
    Figure.by_region(
        "support.funds.firms_paid",
        "获兑现企业",
        "家",
        ByRegion(Enterprise, _firms_paid, "township__code"),
        _source,
        "当年1月至期末获得兑现的企业（不重复计数），按企业所在乡镇",
    )
)
