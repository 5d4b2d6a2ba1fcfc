"""The demand and match workflows: every transition allowed and refused, and what a move
of a match does to its demand."""

import itertools

from django.core.exceptions import ValidationError

from kechuang.core import workflow
from kechuang.core.tests.workflow_table import DAY, WorkflowTable
from kechuang.transfer import services
from kechuang.transfer.choices import DemandStatus, MatchStatus
from kechuang.transfer.models import Demand, Match
from kechuang.transfer.tests.test_demands import TransferCastTestCase

_serial = itertools.count(1)


def fresh_demand(case, status=DemandStatus.PUBLISHED) -> Demand:
    return Demand.objects.create(
        code=f"WF-{next(_serial)}",
        title="阀门密封面耐磨",
        description="密封面耐磨涂层",
        enterprise=case.ent_a,
        status=status,
    )


class DemandWorkflowTest(WorkflowTable, TransferCastTestCase):
    model = Demand

    def record_in(self, state):
        return fresh_demand(self, state)

    def test_a_firm_user_may_close_but_not_publish(self):
        moves = workflow.moves_for(self.ent_user_a, fresh_demand(self, DemandStatus.COLLECTED))
        self.assertEqual([m.value for m in moves], [DemandStatus.CLOSED])


class MatchWorkflowTest(WorkflowTable, TransferCastTestCase):
    model = Match

    def record_in(self, state):
        demand = fresh_demand(self, DemandStatus.MATCHED)
        return Match.objects.create(
            demand=demand, achievement=self.achievement, status=state, recommended_on=DAY
        )

    def after_move(self, match, transition):
        demand = Demand.objects.get(pk=match.demand_id)
        expected = {
            MatchStatus.CONTACTED: DemandStatus.MATCHED,
            MatchStatus.NEGOTIATING: DemandStatus.NEGOTIATING,
            MatchStatus.CONTRACTED: DemandStatus.CONTRACTED,
            MatchStatus.DROPPED: DemandStatus.PUBLISHED,
        }[transition.target]
        self.assertEqual(demand.status, expected)

    def test_a_date_before_the_recommendation_is_refused(self):
        match = self.record_in(MatchStatus.RECOMMENDED)
        with self.assertRaises(ValidationError) as caught:
            workflow.take(self.staff, match, MatchStatus.CONTACTED, on=DAY.replace(day=1))
        self.assertEqual(caught.exception.message_dict, {"on": ["日期不能早于推荐日期"]})
        self.assert_unchanged(match, MatchStatus.RECOMMENDED)

    def test_the_demand_logs_the_moves_it_made_with_its_match(self):
        match = services.match_accept(
            actor=self.staff, demand=self.demand_a, achievement=self.achievement, on=DAY
        )
        services.match_transition(actor=self.staff, match=match, status="contacted", on=DAY)
        services.match_transition(actor=self.liaison_a, match=match, status="negotiating")
        rows = workflow.history_of(self.demand_a)
        self.assertEqual(
            [(r.from_state, r.to_state, r.automatic, r.actor) for r in rows],
            [
                ("collected", "matched", True, self.staff),
                ("matched", "negotiating", True, self.liaison_a),
            ],
        )
        self.assertEqual(rows[0].comment, "采纳成果“激光熔覆耐磨涂层技术”")
        self.assertEqual(rows[1].to_label, "洽谈中")

    def test_a_contract_from_a_match_logs_the_match_as_contracted(self):
        from decimal import Decimal

        match = services.match_accept(
            actor=self.staff, demand=self.demand_a, achievement=self.achievement, on=DAY
        )
        services.contract_save(
            actor=self.staff,
            number="JS-WF-1",
            title="涂层技术开发",
            kind="development",
            buyer_name=self.ent_a.name,
            seller_name=self.institution.name,
            amount=Decimal("100000"),
            turnover=Decimal("100000"),
            registered_on=DAY,
            direction="absorption",
            region=self.county,
            match=match,
        )
        row = workflow.history_of(match)[-1]
        self.assertEqual((row.from_state, row.to_state, row.on), ("recommended", "contracted", DAY))
        self.assertEqual(row.comment, "登记技术合同“JS-WF-1”")
        self.assertEqual(Demand.objects.get(pk=self.demand_a.pk).status, DemandStatus.CONTRACTED)


class DemandPageHistoryTest(TransferCastTestCase):
    def test_editors_see_the_moves_of_the_demand_and_its_matches_readers_do_not(self):
        match = services.match_accept(
            actor=self.staff, demand=self.demand_a, achievement=self.achievement, on=DAY
        )
        services.match_transition(
            actor=self.liaison_a, match=match, status="contacted", on=DAY, note="电话联系"
        )
        self.client.force_login(self.ent_user_a)
        page = self.client.get(f"/transfer/demands/{self.demand_a.pk}/")
        self.assertContains(page, "已收集 → 已匹配")
        self.assertContains(page, "匹配对接</span> 已推荐 → 已对接")
        self.assertContains(page, "电话联系")
        # The firm may only close its demand: that is its one button.
        self.assertContains(page, 'name="status" value="closed"')
        self.assertNotContains(page, 'name="status" value="published"')
        # A published demand is read by every user; its history is not.
        self.client.force_login(self.inst_user)
        page = self.client.get(f"/transfer/demands/{self.demand_a.pk}/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "电话联系")
        self.assertNotContains(page, 'name="status"')
