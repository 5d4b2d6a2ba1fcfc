"""Shared set-up of the support tests: the cast, the example policy loaded, and firm data."""

from __future__ import annotations

import datetime
from decimal import Decimal

from kechuang.core.tests.cast import CastTestCase
from kechuang.enterprises.models import EnterpriseYear, Qualification, Tier
from kechuang.platforms.models import Platform
from kechuang.support import services
from kechuang.support.models import Clause

D = datetime.date
POLICY = "qingtian-example-2022"
PAY_DAY = D(2023, 3, 1)


def qualify(firm, tier_code: str, year: int, issued_on=None) -> Qualification:
    record = Qualification(
        enterprise=firm, tier=Tier.objects.get(code=tier_code), year=year, issued_on=issued_on
    )
    record.full_clean()
    record.save()
    return record


def annual(firm, year: int, rnd_expense, conversions: int = 0) -> EnterpriseYear:
    amount = Decimal(rnd_expense)
    return EnterpriseYear.objects.create(
        enterprise=firm,
        year=year,
        rnd_expense=amount,
        total_costs=amount * 10,
        conversions=conversions,
    )


def recognise(firm, kind: str, on: datetime.date, name: str) -> Platform:
    return Platform.objects.create(
        name=name,
        type=kind,
        level="provincial",
        host_enterprise=firm,
        region=firm.township,
        status="recognised",
        recognised_on=on,
        recognition_number=f"浙科发{on.year}号",
    )


class SupportTestCase(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.policy = services.policy_load(actor=cls.admin, key=POLICY)
        cls.clauses = {c.code: c for c in Clause.objects.filter(policy=cls.policy)}
        # Firm A: newly certified HNTE and registered TSME in 2022.
        qualify(cls.ent_a, "hnte", 2022, D(2022, 12, 1))
        qualify(cls.ent_a, "tsme", 2022)
        # Firm B: a TSME registered in 2022.
        qualify(cls.ent_b, "tsme", 2022)

    def apply(self, firm, code: str, year: int = 2022, actor=None, **fields):
        actor = actor or self.staff
        if services.may_manage(actor):
            fields.setdefault("applied_on", D(2023, 1, 5))
        return services.disbursement_create(
            actor=actor, enterprise=firm, clause=self.clauses[code], year=year, **fields
        )

    def pay(self, record, on=PAY_DAY):
        for target, day in (
            ("reviewed", D(2023, 2, 1)),
            ("approved", D(2023, 2, 10)),
            ("paid", on),
        ):
            record = services.disbursement_transition(
                actor=self.staff, disbursement=record, target=target, on=day
            )
        return record
