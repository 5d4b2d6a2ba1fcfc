"""Policy funds (section 七 of the seed report: 兑现科技经费2119.85万元), loaded through the
support services and workflow; left alone once the policy has disbursements.

The seed gives only the total paid in the first half of 2023. The policy and its clauses are
an example (data/qingtian-example-2022.toml, labelled 示例); the firms are demo firms that
meet the clauses on their demo data. Paid between 2023-01-01 and 2023-06-30, exactly
21,198,500.00 yuan:

    新认定高新技术企业奖励 2022年度  18 × 500,000 =  9,000,000
    新认定高新技术企业奖励 2023年度  12 × 500,000 =  6,000,000
    科技型中小企业入库奖励 2022年度 100 ×  30,000 =  3,000,000
    创新券兑付 2022年度             6,397 张 × 500 =  3,198,500 (31 firms × 200 张, one × 197)

Besides: six 2023 HNTE awards applied, reviewed or approved and not yet paid; the remaining
qualifying firms are left unclaimed, so 政策找企业 lists them.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from kechuang.demo import dataset
from kechuang.enterprises.choices import EnterpriseStatus
from kechuang.enterprises.models import Enterprise
from kechuang.support import services
from kechuang.support.choices import DisbursementStatus as S
from kechuang.support.facts import facts_for
from kechuang.support.models import Disbursement, Policy

D = datetime.date
POLICY = "qingtian-example-2022"
PAID_TOTAL = Decimal("21198500.00")
VOUCHER_UNITS = [200] * 31 + [197]
NOTE = "演示数据"


def _firms_with(fact: str, year: int) -> list[Enterprise]:
    firms = Enterprise.objects.filter(
        status=EnterpriseStatus.ACTIVE, township__code__startswith=dataset.COUNTY
    )
    found = facts_for(firms.values("pk"), year)
    chosen = [pk for pk, facts in found.items() if facts[fact]]
    return list(firms.filter(pk__in=chosen).order_by("credit_code"))


def _award(admin, firm, clause, year, moves, applied_on, quantity=None) -> Disbursement:
    record = services.disbursement_create(
        actor=admin,
        enterprise=firm,
        clause=clause,
        year=year,
        quantity=quantity,
        applied_on=applied_on,
        note=NOTE,
    )
    for target, on in moves:
        record = services.disbursement_transition(
            actor=admin, disbursement=record, target=target, on=on, comment=NOTE
        )
    return record


def _paid_moves(n: int, month: int) -> list:
    day = 3 + n % 20
    return [
        (S.REVIEWED, D(2023, month, day)),
        (S.APPROVED, D(2023, month, day + 2)),
        (S.PAID, D(2023, month, day + 5)),
    ]


def support_load(admin) -> dict:
    policy = Policy.objects.filter(key=POLICY).first()
    if policy is None:
        policy = services.policy_load(actor=admin, key=POLICY)
    if Disbursement.objects.filter(clause__policy=policy).exists():
        return {"kept": Disbursement.objects.filter(clause__policy=policy).count()}
    clauses = {c.code: c for c in policy.clauses.all()}
    created = 0

    hnte_2022 = _firms_with("hnte_new_in_year", 2022)[:18]
    for n, firm in enumerate(hnte_2022):
        month = 2 + n % 3
        _award(admin, firm, clauses["hnte-new"], 2022, _paid_moves(n, month), D(2023, 1, 5))
        created += 1

    hnte_2023 = _firms_with("hnte_new_in_year", 2023)
    for n, firm in enumerate(hnte_2023[:12]):
        _award(admin, firm, clauses["hnte-new"], 2023, _paid_moves(n, 5 + n % 2), D(2023, 3, 1))
        created += 1
    pending = [
        [],
        [],
        [],
        [(S.REVIEWED, D(2023, 6, 20))],
        [(S.REVIEWED, D(2023, 6, 20))],
        [(S.REVIEWED, D(2023, 6, 20)), (S.APPROVED, D(2023, 6, 28))],
    ]
    for firm, moves in zip(hnte_2023[12:18], pending, strict=False):
        _award(admin, firm, clauses["hnte-new"], 2023, moves, D(2023, 6, 12))
        created += 1

    tsme_2022 = _firms_with("tsme_registered_in_year", 2022)
    for n, firm in enumerate(tsme_2022[:100]):
        _award(
            admin, firm, clauses["tsme-registered"], 2022, _paid_moves(n, 1 + n % 5), D(2023, 1, 3)
        )
        created += 1
    for n, (firm, units) in enumerate(zip(tsme_2022, VOUCHER_UNITS, strict=False)):
        _award(
            admin,
            firm,
            clauses["innovation-voucher"],
            2022,
            _paid_moves(n, 3 + n % 4),
            D(2023, 2, 20),
            quantity=units,
        )
        created += 1
    return {"created": created}
