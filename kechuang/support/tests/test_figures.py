"""Support figures: amounts paid in the period (by payment date) and the firms paid; the
source page lists exactly the disbursements counted."""

from decimal import Decimal

from kechuang.core import figures
from kechuang.core.tests.figure_pages import listed
from kechuang.support.tests.helpers import D, SupportTestCase


class SupportFiguresTest(SupportTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        case = cls()
        case.pay(case.apply(cls.ent_a, "hnte-new"), on=D(2023, 6, 30))  # last day counted
        case.pay(case.apply(cls.ent_a, "tsme-registered"), on=D(2023, 7, 1))  # after
        case.pay(case.apply(cls.ent_b, "innovation-voucher", quantity=3), on=D(2023, 2, 28))
        case.apply(cls.ent_b, "tsme-registered")  # not paid

    def test_amounts_and_firms_paid(self):
        value = figures.value
        self.assertEqual(value("support.funds.paid", "331121", "2023-06"), Decimal(501500))
        self.assertEqual(value("support.funds.paid", "331121", "2023-07"), Decimal(531500))
        self.assertEqual(value("support.funds.paid", "331121001", "2023-06"), Decimal(500000))
        self.assertEqual(value("support.funds.paid", "331121", "2023-02"), Decimal(1500))
        self.assertIsNone(value("support.funds.paid", "331121", "2023-01"))
        self.assertIsNone(value("support.funds.paid", "331121", "2022-12"))
        self.assertEqual(value("support.funds.firms_paid", "331121", "2023-06"), 2)
        self.assertEqual(value("support.funds.firms_paid", "331121", "2023-07"), 2)
        self.assertEqual(value("support.funds.firms_paid", "331121101", "2023-06"), 1)
        self.assertEqual(
            figures.get("support.funds.paid").display(Decimal(21198500)), "2119.85万元"
        )

    def test_the_source_page_lists_exactly_the_disbursements_counted(self):
        for user, region in (
            (self.staff, self.county),
            (self.liaison_a, self.township_a),
            (self.viewer, self.city),
        ):
            counted, shown, response = listed(self, user, "support.funds.paid", region, "2023-06")
            self.assertTrue(counted)
            self.assertEqual(shown, counted, user.username)
            firms = set(response.context["filter"].qs.values_list("enterprise_id", flat=True))
            counted_firms, _, _ = listed(self, user, "support.funds.firms_paid", region, "2023-06")
            self.assertEqual(firms, counted_firms, user.username)
