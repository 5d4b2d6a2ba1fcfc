"""Technology contracts: registration rules, the list's totals and filters, the API."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.core.models import Region
from kechuang.transfer import services
from kechuang.transfer.choices import DemandStatus, MatchStatus
from kechuang.transfer.models import Demand, Match
from kechuang.transfer.tests.test_demands import TransferCastTestCase


def contract(actor, number, amount, turnover, on, region, **extra):
    return services.contract_save(
        actor=actor,
        number=number,
        title=f"合同{number}",
        kind=extra.pop("kind", "development"),
        buyer_name="青田甲阀门有限公司",
        seller_name="浙江理工大学青田研究院",
        amount=Decimal(amount),
        turnover=Decimal(turnover),
        registered_on=on,
        direction=extra.pop("direction", "absorption"),
        region=region,
        **extra,
    )


class ContractServiceTest(TransferCastTestCase):
    def test_turnover_may_not_exceed_the_amount(self):
        with self.assertRaises(ValidationError) as caught:
            contract(self.staff, "HT-1", "100", "101", datetime.date(2023, 2, 1), self.county)
        self.assertIn("技术交易额不能超过合同金额", str(caught.exception))

    def test_it_counts_for_a_county_the_actor_may_write_in(self):
        with self.assertRaises(ValidationError):
            contract(self.staff, "HT-2", "1", "1", datetime.date(2023, 2, 1), self.township_a)
        other = Region.objects.get(code="331102")
        with self.assertRaises(PermissionDenied):
            contract(self.staff, "HT-3", "1", "1", datetime.date(2023, 2, 1), other)
        for user in (self.liaison_a, self.ent_user_a, self.viewer):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                contract(user, "HT-4", "1", "1", datetime.date(2023, 2, 1), self.county)

    def test_a_contract_from_a_match_closes_it_and_the_demand(self):
        match = services.match_accept(
            actor=self.staff,
            demand=self.demand_a,
            achievement=self.achievement,
            on=datetime.date(2023, 1, 5),
        )
        record = contract(
            self.staff,
            "HT-5",
            "300000",
            "250000",
            datetime.date(2023, 3, 1),
            self.county,
            match=match,
        )
        self.assertEqual((record.demand, record.achievement), (self.demand_a, self.achievement))
        match = Match.objects.get(pk=match.pk)
        self.assertEqual(match.status, MatchStatus.CONTRACTED)
        self.assertEqual(match.closed_on, datetime.date(2023, 3, 1))
        self.assertEqual(Demand.objects.get(pk=self.demand_a.pk).status, DemandStatus.CONTRACTED)


class ContractPageTest(TransferCastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        contract(cls.staff, "HT-A", "1000000", "800000", datetime.date(2023, 1, 10), cls.county)
        contract(
            cls.staff,
            "HT-B",
            "500000",
            "500000",
            datetime.date(2023, 5, 10),
            cls.county,
            kind="service",
            direction="output",
        )
        contract(
            cls.admin,
            "HT-C",
            "200000",
            "200000",
            datetime.date(2023, 5, 10),
            Region.objects.get(code="331102"),
        )

    def test_totals_follow_the_filters(self):
        self.client.force_login(self.staff)
        response = self.client.get("/transfer/contracts/")
        totals = response.context["totals"]
        self.assertEqual((totals["count"], totals["turnover"]), (2, Decimal("1300000")))
        self.assertContains(response, "130.00万元")
        self.assertNotContains(response, "HT-C")
        response = self.client.get("/transfer/contracts/", {"direction": "output"})
        self.assertEqual(response.context["totals"]["amount"], Decimal("500000"))
        response = self.client.get(
            "/transfer/contracts/", {"since": "2023-01-01", "until": "2023-03-31"}
        )
        self.assertEqual(response.context["totals"]["turnover"], Decimal("800000"))
        response = self.client.get("/transfer/contracts/", {"kind": "service"})
        self.assertEqual(response.context["totals"]["count"], 1)

    def test_a_liaison_sees_no_county_contracts(self):
        self.client.force_login(self.liaison_a)
        self.assertEqual(self.client.get("/transfer/contracts/").context["totals"]["count"], 0)
        self.assertEqual(self.client.get("/api/contracts/").json()["count"], 0)

    def test_register_through_the_page_in_wan(self):
        self.client.force_login(self.staff)
        response = self.client.post(
            "/transfer/contracts/new/",
            {
                "number": "HT-P",
                "title": "阀门涂层技术开发",
                "kind": "development",
                "buyer_name": "甲",
                "seller_name": "乙",
                "amount": "12.5",
                "turnover": "13",
                "registered_on": "2023-06-01",
                "direction": "absorption",
                "region": self.county.pk,
            },
        )
        self.assertContains(response, "技术交易额不能超过合同金额")

    def test_the_api_refuses_a_turnover_above_the_amount(self):
        self.client.force_login(self.staff)
        response = self.client.post(
            "/api/contracts/",
            {
                "number": "HT-API",
                "title": "t",
                "kind": "transfer",
                "buyer_name": "a",
                "seller_name": "b",
                "amount": "10",
                "turnover": "11",
                "registered_on": "2023-06-01",
                "direction": "output",
                "region": "331121",
            },
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("turnover", response.json())
