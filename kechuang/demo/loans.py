"""The seed report's loan recommendations and plaques (section 七), through the loans and
enterprise services; looked up by natural key and left alone when present.

Seed: 为6家科技型企业推荐科技贷款授信额度共2400万元；首次开展“送牌匾进企业 助企暖企服务”活动，
为18家新认定高新技术企业企业发放牌匾. The seed names neither the firms, the banks, the split of
the 2400万元, the grants nor the delivery date: those are demo data (notes say 演示)."""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal

from kechuang.demo import dataset
from kechuang.enterprises.choices import EnterpriseStatus
from kechuang.enterprises.models import Enterprise, PlaqueDelivery
from kechuang.enterprises.selectors.qualifications import newly_certified
from kechuang.enterprises.services import plaque_deliver
from kechuang.loans import services
from kechuang.loans.choices import LoanStatus
from kechuang.loans.models import LoanRecommendation

D = datetime.date
WAN = Decimal(10000)
# (bank, recommended 万元, recommended on, outcome, granted 万元, decided on): 2400万元 in all.
LOANS = (
    ("青田农商银行", 600, D(2023, 2, 20), LoanStatus.GRANTED, 600, D(2023, 3, 28)),
    ("中国农业银行青田县支行", 500, D(2023, 3, 10), LoanStatus.GRANTED, 500, D(2023, 4, 18)),
    ("中国工商银行青田支行", 400, D(2023, 3, 10), LoanStatus.GRANTED, 300, D(2023, 5, 9)),
    ("青田农商银行", 400, D(2023, 4, 21), LoanStatus.GRANTED, 400, D(2023, 6, 2)),
    ("中国建设银行青田支行", 300, D(2023, 5, 16), LoanStatus.DECLINED, None, D(2023, 6, 20)),
    ("中国农业银行青田县支行", 200, D(2023, 6, 12), LoanStatus.RECOMMENDED, None, None),
)  # fmt: skip
PLAQUE_DAY = D(2023, 6, 16)


def _firms() -> list[Enterprise]:
    """Six active R&D firms of the county, in credit-code order."""
    return list(
        Enterprise.objects.filter(
            status=EnterpriseStatus.ACTIVE,
            township__code__startswith=dataset.COUNTY,
            rnd_active=True,
        ).order_by("credit_code")[: len(LOANS)]
    )


def _loans(admin, counts: Counter) -> None:
    for firm, (bank, wan, on, outcome, granted, decided) in zip(_firms(), LOANS, strict=True):
        if LoanRecommendation.objects.filter(
            enterprise=firm, bank=bank, recommended_on=on
        ).exists():
            counts["loans_kept"] += 1
            continue
        loan = services.loan_create(
            actor=admin,
            enterprise=firm,
            bank=bank,
            amount_recommended=wan * WAN,
            recommended_on=on,
            note="演示数据",
        )
        if granted is not None:
            loan = services.loan_update(actor=admin, loan=loan, amount_granted=granted * WAN)
        if outcome != LoanStatus.RECOMMENDED:
            services.loan_transition(
                actor=admin,
                loan=loan,
                target=outcome,
                on=decided,
                comment="银行已授信（演示）" if granted else "银行评估后未授信（演示）",
            )
        counts["loans_created"] += 1


def _plaques(admin, counts: Counter) -> None:
    for qualification in newly_certified(admin, "hnte", 2023):
        if PlaqueDelivery.objects.filter(qualification=qualification).exists():
            counts["plaques_kept"] += 1
            continue
        issued = qualification.issued_on or PLAQUE_DAY
        plaque_deliver(
            actor=admin,
            qualification=qualification,
            delivered_on=max(issued, PLAQUE_DAY),
            delivered_by="县科技局（演示）",
            note="送牌匾进企业 助企暖企服务（演示）",
        )
        counts["plaques_created"] += 1


def loans_load(admin) -> dict:
    counts: Counter = Counter()
    _loans(admin, counts)
    _plaques(admin, counts)
    return dict(counts)
