"""Every transfer edit page refuses a form opened before someone else saved."""

import datetime
from decimal import Decimal

from kechuang.core.tests.stale import assert_stale_form_refused
from kechuang.transfer import chains, services
from kechuang.transfer.models import ChainNode, IndustryChain
from kechuang.transfer.tests.test_demands import TransferCastTestCase


class TransferEditConflictTest(TransferCastTestCase):
    def test_a_stale_demand_form_is_refused(self):
        assert_stale_form_refused(
            self,
            f"/transfer/demands/{self.demand_a.pk}/edit/",
            self.demand_a,
            lambda: services.demand_save(actor=self.liaison_a, demand=self.demand_a, title="改"),
            user=self.staff,
        )

    def test_a_stale_achievement_form_is_refused(self):
        assert_stale_form_refused(
            self,
            f"/transfer/achievements/{self.achievement.pk}/edit/",
            self.achievement,
            lambda: services.achievement_save(
                actor=self.leader, achievement=self.achievement, title="改过的成果"
            ),
            user=self.staff,
        )

    def test_a_stale_contract_form_is_refused(self):
        record = services.contract_save(
            actor=self.staff,
            number="HT-STALE",
            title="合同",
            kind="development",
            buyer_name="青田甲阀门有限公司",
            seller_name="浙江理工大学青田研究院",
            amount=Decimal("100000"),
            turnover=Decimal("80000"),
            registered_on=datetime.date(2023, 3, 1),
            direction="absorption",
            region=self.county,
        )
        assert_stale_form_refused(
            self,
            f"/transfer/contracts/{record.pk}/edit/",
            record,
            lambda: services.contract_save(actor=self.leader, contract=record, title="改过的合同"),
            user=self.staff,
        )

    def test_a_stale_event_form_is_refused(self):
        event = chains.event_save(
            actor=self.staff,
            title="阀门产业对接会",
            held_on=datetime.date(2023, 4, 20),
            place="青田县创新赋能中心",
            region=self.county,
        )
        assert_stale_form_refused(
            self,
            f"/transfer/events/{event.pk}/edit/",
            event,
            lambda: chains.event_save(actor=self.leader, event=event, place="温溪镇"),
            user=self.staff,
        )

    def test_a_stale_chain_form_is_refused(self):
        assert_stale_form_refused(
            self,
            f"/transfer/chains/{self.chain.pk}/",
            self.chain,
            lambda: chains.chain_save(
                actor=self.leader,
                chain=IndustryChain.objects.get(pk=self.chain.pk),
                description="他人补充的说明",
            ),
            user=self.staff,
            form="chain_form",
            extra={"action": "chain"},
        )

    def test_a_stale_chain_link_form_is_refused(self):
        assert_stale_form_refused(
            self,
            f"/transfer/chains/{self.chain.pk}/?node={self.node.pk}",
            self.node,
            lambda: chains.chain_node_save(
                actor=self.leader,
                node=ChainNode.objects.get(pk=self.node.pk),
                keywords="铸造 阀体 精密",
            ),
            user=self.staff,
            form="node_form",
            extra={"action": "node"},
        )
