"""Loan figures: amounts recommended and granted and the firms concerned, in the year up to
the period's last day; the page each links to lists exactly the records counted."""

from decimal import Decimal

from kechuang.core import figures
from kechuang.core.tests.cast import CastTestCase
from kechuang.core.tests.figure_pages import listed
from kechuang.loans.choices import LoanStatus
from kechuang.loans.tests.helpers import D, make_loan

value = figures.value


class LoanFiguresTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Township A's firm: two recommendations in H1 (one granted on the last day of June),
        # one on 1 July; one of last year granted in January.
        make_loan(
            cls,
            status=LoanStatus.GRANTED,
            recommended_on=D(2023, 1, 1),
            granted_on=D(2023, 6, 30),
            amount_recommended=Decimal(6_000_000),
            amount_granted=Decimal(5_000_000),
        )
        make_loan(cls, recommended_on=D(2023, 6, 30), amount_recommended=Decimal(2_000_000))
        make_loan(cls, recommended_on=D(2023, 7, 1), amount_recommended=Decimal(1_000_000))
        make_loan(
            cls,
            status=LoanStatus.GRANTED,
            recommended_on=D(2022, 12, 31),
            granted_on=D(2023, 1, 1),
            amount_recommended=Decimal(3_000_000),
            amount_granted=Decimal(3_000_000),
        )
        # Township B's firm: recommended in H1, withdrawn since (still counted as recommended).
        make_loan(
            cls,
            firm=cls.ent_b,
            status=LoanStatus.WITHDRAWN,
            recommended_on=D(2023, 2, 1),
            amount_recommended=Decimal(4_000_000),
        )

    def test_amounts_at_the_periods_boundaries(self):
        self.assertEqual(value("loans.recommended", "331121", "2023-06"), Decimal(12_000_000))
        self.assertEqual(value("loans.recommended", "331121", "2023-07"), Decimal(13_000_000))
        self.assertEqual(value("loans.recommended", "331121", "2022-12"), Decimal(3_000_000))
        self.assertEqual(value("loans.granted", "331121", "2023-05"), Decimal(3_000_000))
        self.assertEqual(value("loans.granted", "331121", "2023-06"), Decimal(8_000_000))
        self.assertEqual(value("loans.recommended", "331121101", "2023-06"), Decimal(4_000_000))
        self.assertIsNone(value("loans.granted", "331121101", "2023-06"))  # none granted
        self.assertIsNone(value("loans.recommended", "331121", "2021-12"))

    def test_firms_are_counted_once(self):
        self.assertEqual(value("loans.firms", "331121", "2023-06"), 2)
        self.assertEqual(value("loans.firms", "331121001", "2023-06"), 1)
        self.assertEqual(value("loans.firms", "331121", "2022-12"), 1)
        self.assertEqual(value("loans.firms_granted", "331121", "2023-06"), 1)
        self.assertEqual(value("loans.firms_granted", "331121101", "2023-12"), 0)

    def test_each_amounts_page_lists_exactly_the_records_summed(self):
        for code in ("loans.recommended", "loans.granted"):
            for user, region in (
                (self.staff, self.county),
                (self.liaison_a, self.township_a),
                (self.viewer, self.city),
            ):
                counted, shown, _ = listed(self, user, code, region, "2023-06")
                self.assertTrue(counted, code)
                self.assertEqual(shown, counted, (code, user.username))

    def test_each_firms_page_lists_the_loans_of_exactly_the_firms_counted(self):
        for code in ("loans.firms", "loans.firms_granted"):
            for user, region in ((self.staff, self.county), (self.liaison_b, self.township_b)):
                figure = figures.get(code)
                period = figures.Period.parse("2023-06")
                counted = set(figure.records(region, period).values_list("pk", flat=True))
                self.client.force_login(user)
                response = self.client.get(figure.source(region, period))
                firms = set(response.context["filter"].qs.values_list("enterprise", flat=True))
                self.assertEqual(firms, counted, (code, user.username))
