"""After the selection: the technology contract in transfer (it counts in the technology
market turnover) and the project in projects."""

from decimal import Decimal

from django.core.exceptions import ValidationError

from kechuang.challenges import services
from kechuang.challenges.choices import BidStatus, ChallengeStatus
from kechuang.challenges.models import Bid, Challenge
from kechuang.challenges.tests.base import ChallengeCastTestCase, D
from kechuang.core import figures, workflow
from kechuang.transfer.choices import ContractDirection
from kechuang.transfer.models import Demand


class AfterSelectionTest(ChallengeCastTestCase):
    def setUp(self):
        self.demand = Demand.objects.create(
            code="XQ-9", title="阀门密封面耐磨", description="磨损", enterprise=self.ent_a
        )
        self.c = self.challenge(ChallengeStatus.SELECTED, demand=self.demand)
        self.selected = self.bid(self.c, status=BidStatus.SELECTED, price="650000")
        self.other = self.bid(self.c, institution=self.institution_2, status=BidStatus.NOT_SELECTED)

    def sign(self, bid=None, **extra):
        return services.bid_contract_sign(
            actor=self.staff,
            bid=bid or self.selected,
            number="JB-HT-1",
            signed_on=D(2023, 6, 20),
            **extra,
        )

    def test_signing_registers_the_contract_and_the_turnover_grows_by_its_amount(self):
        before = figures.value("transfer.turnover", self.county, "2023-06") or Decimal(0)
        bid = self.sign()
        contract = bid.contract
        self.assertEqual(
            (
                contract.buyer_enterprise,
                contract.seller_institution,
                contract.amount,
                contract.demand,
            ),
            (self.ent_a, self.institution, Decimal("650000"), self.demand),
        )
        self.assertEqual(
            (contract.region, contract.direction), (self.county, ContractDirection.ABSORPTION)
        )
        after = figures.value("transfer.turnover", self.county, "2023-06")
        self.assertEqual(after - before, Decimal("650000"))
        challenge = Challenge.objects.get(pk=self.c.pk)
        self.assertEqual(challenge.status, ChallengeStatus.CONTRACTED)
        self.assertEqual(workflow.history_of(challenge)[-1].comment, "登记技术合同“JB-HT-1”")

    def test_an_agreed_amount_other_than_the_price(self):
        bid = self.sign(amount=Decimal("600000"))
        self.assertEqual(bid.contract.turnover, Decimal("600000"))

    def test_only_a_selected_bid_is_signed_once_by_the_bureau(self):
        self.sign()
        with self.assertRaises(ValidationError) as caught:
            self.sign()
        self.assertIn("number", caught.exception.message_dict)
        with self.assertRaises(ValidationError):
            self.sign(bid=self.other)
        from django.core.exceptions import PermissionDenied

        with self.assertRaises(PermissionDenied):
            services.bid_contract_sign(
                actor=self.inst_user, bid=self.selected, number="X", signed_on=D(2023, 6, 20)
            )

    def test_the_contract_page_registers_it(self):
        self.client.force_login(self.staff)
        response = self.client.post(
            f"/challenges/bids/{self.selected.pk}/contract/",
            {"number": "JB-HT-2", "signed_on": "2023-06-21", "amount": "65"},
        )
        self.assertRedirects(response, f"/challenges/bids/{self.selected.pk}/")
        self.assertEqual(Bid.objects.get(pk=self.selected.pk).contract.number, "JB-HT-2")

    def test_the_selected_bid_becomes_a_project_with_its_milestones(self):
        from kechuang.projects.choices import ProjectStatus
        from kechuang.projects.models import Call, Program, Project

        program = Program.objects.create(
            name="县揭榜挂帅项目", kind="jiebang", level="county", region=self.county
        )
        call = Call.objects.create(
            program=program,
            year=2023,
            title="2023年县揭榜挂帅",
            opens_on=D(2023, 3, 1),
            closes_on=D(2023, 4, 30),
        )
        # The list names no call: the county's 揭榜挂帅 call of its year is found.
        bid = services.bid_project_create(actor=self.staff, bid=self.selected)
        project = Project.objects.get(pk=bid.project_id)
        self.assertEqual(
            (project.title, project.lead_enterprise, project.partner_institution),
            (self.c.title, self.ent_a, self.institution),
        )
        self.assertEqual(
            [(m.title, m.due_on) for m in project.milestones.all()], [("完成中试", D(2023, 12, 31))]
        )
        self.assertEqual((project.call, project.status), (call, ProjectStatus.APPROVED))
        self.assertEqual(project.own_funds, self.selected.price)
        with self.assertRaises(ValidationError):
            services.bid_project_create(actor=self.staff, bid=bid)

    def test_without_a_jiebang_call_of_the_year_no_project_is_made(self):
        with self.assertRaises(ValidationError) as caught:
            services.bid_project_create(actor=self.staff, bid=self.selected)
        self.assertIn("揭榜挂帅计划的申报批次", caught.exception.message_dict["project_id"][0])
        self.assertIsNone(Bid.objects.get(pk=self.selected.pk).project_id)
