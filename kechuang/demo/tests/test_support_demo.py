"""The support demo reproduces section (七) of the seed report: 兑现科技经费2119.85万元 paid in
the first half of 2023, with applications still open and firms entitled but unclaimed
(mixed into DemoLoadTests)."""

from decimal import Decimal

from kechuang.core import figures
from kechuang.core.models import User
from kechuang.demo.support import PAID_TOTAL, POLICY
from kechuang.support import selectors
from kechuang.support.models import Disbursement, Policy


class SupportDemoChecks:
    def test_funds_paid_in_the_first_half_of_2023_are_the_seeds(self):
        self.assertEqual(PAID_TOTAL, Decimal("21198500.00"))
        paid = figures.value("support.funds.paid", "331121", "2023-06")
        self.assertEqual(paid, PAID_TOTAL)
        self.assertEqual(figures.get("support.funds.paid").display(paid), "2119.85万元")
        self.assertGreater(figures.value("support.funds.firms_paid", "331121", "2023-06"), 0)

    def test_open_applications_and_unclaimed_entitlements_remain(self):
        policy = Policy.objects.get(key=POLICY)
        self.assertTrue(policy.is_example)
        self.assertTrue(all(c.is_example for c in policy.clauses.all()))
        open_states = set(
            Disbursement.objects.exclude(status="paid").values_list("status", flat=True)
        )
        self.assertEqual(open_states, {"applied", "reviewed", "approved"})
        staff = User.objects.get(username="staff")
        self.assertTrue(selectors.entitlements(staff, 2022)[1])
        self.assertTrue(selectors.entitlements(staff, 2023)[1])
