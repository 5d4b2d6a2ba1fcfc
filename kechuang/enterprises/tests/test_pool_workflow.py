"""The pool's workflow: every transition allowed and refused, as the declaration says."""

import itertools

from kechuang.core.tests.cast import CastTestCase
from kechuang.core.tests.workflow_table import DAY, WorkflowTable
from kechuang.enterprises.choices import PoolStatus
from kechuang.enterprises.models import PoolEntry, Tier

_years = itertools.count(2000)


class PoolWorkflowTest(WorkflowTable, CastTestCase):
    model = PoolEntry

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.tsme = Tier.objects.get(code="tsme")

    def record_in(self, state):
        return PoolEntry.objects.create(
            enterprise=self.ent_a, tier=self.tsme, year=next(_years), status=state, entered_on=DAY
        )

    def after_move(self, entry, transition):
        # The comment is kept on the entry too, dated with the move.
        label = PoolStatus(transition.target).label
        self.assertIn(f"{DAY.isoformat()} {label}：按计划推进", entry.note)

    def test_certified_and_not_passed_are_final(self):
        for state in (PoolStatus.CERTIFIED, PoolStatus.NOT_PASSED):
            self.assertEqual(PoolEntry.workflow.targets(state), [])
