"""Recording recommendations: who may record for which firm, what each user sees, bad input
named by field, the yearly totals."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.core.tests.cast import CastTestCase
from kechuang.loans import selectors, services
from kechuang.loans.choices import LoanStatus
from kechuang.loans.models import LoanRecommendation
from kechuang.loans.tests.helpers import D, make_loan

FIELDS = {
    "bank": "中国农业银行青田县支行",
    "amount_recommended": Decimal(5_000_000),
    "recommended_on": D(2023, 3, 10),
}


class RecordingTest(CastTestCase):
    def test_a_liaison_records_for_a_firm_of_its_township(self):
        loan = services.loan_create(actor=self.liaison_a, enterprise=self.ent_a, **FIELDS)
        self.assertEqual((loan.region, loan.status), (self.township_a, LoanStatus.RECOMMENDED))
        self.assertEqual(loan.history.first().history_user, self.liaison_a)

    def test_a_liaison_is_refused_a_firm_of_another_township(self):
        # A firm out of sight answers as one that does not exist, naming the field.
        with self.assertRaises(ValidationError) as caught:
            services.loan_create(actor=self.liaison_b, enterprise=self.ent_a, **FIELDS)
        self.assertIn("enterprise", caught.exception.message_dict)
        self.assertFalse(LoanRecommendation.objects.exists())

    def test_a_firm_and_a_viewer_record_nothing(self):
        for user in (self.ent_user_a, self.viewer, self.inst_user):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                services.loan_create(actor=user, enterprise=self.ent_a, **FIELDS)
        self.assertFalse(LoanRecommendation.objects.exists())

    def test_bad_input_names_the_field_and_changes_nothing(self):
        for field, value in (
            ("amount_recommended", Decimal(0)),
            ("amount_granted", Decimal(-1)),
            ("recommended_on", D(2999, 1, 1)),
            ("bank", ""),
        ):
            with self.subTest(field=field), self.assertRaises(ValidationError) as caught:
                services.loan_create(
                    actor=self.staff, enterprise=self.ent_a, **{**FIELDS, field: value}
                )
            self.assertIn(field, caught.exception.message_dict)
        self.assertFalse(LoanRecommendation.objects.exists())

    def test_a_liaison_edits_its_townships_recommendation_only(self):
        mine, theirs = make_loan(self), make_loan(self, firm=self.ent_b)
        services.loan_update(actor=self.liaison_a, loan=mine, amount_granted=Decimal(1_000_000))
        mine.refresh_from_db()
        self.assertEqual(mine.amount_granted, Decimal(1_000_000))
        with self.assertRaises(PermissionDenied):
            services.loan_update(actor=self.liaison_a, loan=theirs, bank="别的银行")
        with self.assertRaises(ValidationError) as caught:
            services.loan_update(actor=self.liaison_a, loan=mine, enterprise=self.ent_b)
        self.assertIn("enterprise", caught.exception.message_dict)
        mine.refresh_from_db()
        self.assertEqual(mine.enterprise, self.ent_a)

    def test_the_status_is_not_edited_directly(self):
        loan = make_loan(self)
        with self.assertRaises(ValidationError) as caught:
            services.loan_update(actor=self.staff, loan=loan, status=LoanStatus.GRANTED)
        self.assertIn("status", caught.exception.message_dict)


class ScopingTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.a = make_loan(cls)
        cls.b = make_loan(cls, firm=cls.ent_b)

    def visible(self, user):
        return set(selectors.loan_list(user))

    def test_each_user_sees_what_its_scope_holds(self):
        self.assertEqual(self.visible(self.staff), {self.a, self.b})
        self.assertEqual(self.visible(self.viewer), {self.a, self.b})
        self.assertEqual(self.visible(self.liaison_a), {self.a})
        self.assertEqual(self.visible(self.liaison_b), {self.b})
        self.assertEqual(self.visible(self.ent_user_a), {self.a})
        self.assertEqual(self.visible(self.inst_user), set())

    def test_the_firms_page_lists_only_its_own(self):
        self.client.force_login(self.ent_user_a)
        response = self.client.get("/loans/")
        self.assertEqual(set(response.context["page"].object_list), {self.a})
        self.assertEqual(self.client.get(f"/loans/{self.b.pk}/").status_code, 404)
        self.assertEqual(self.client.get(f"/api/loans/{self.b.pk}/").status_code, 404)
        self.assertEqual(
            [r["id"] for r in self.client.get("/api/loans/").json()["results"]], [self.a.pk]
        )


class TotalsTest(CastTestCase):
    def test_totals_by_year_count_recommendations_and_grants_by_their_dates(self):
        make_loan(self, status=LoanStatus.GRANTED, granted_on=D(2023, 4, 1))
        make_loan(
            self,
            status=LoanStatus.GRANTED,
            recommended_on=D(2022, 12, 1),
            granted_on=D(2023, 1, 5),
            amount_granted=Decimal(2_000_000),
        )
        make_loan(self, firm=self.ent_b, amount_granted=None)  # waiting
        rows = selectors.totals_by_year(LoanRecommendation.objects.all())
        self.assertEqual([r["year"] for r in rows], [2023, 2022])
        y2023, y2022 = rows
        self.assertEqual(y2023["recommended"], Decimal(8_000_000))
        self.assertEqual((y2023["count"], y2023["firms"]), (2, 2))
        self.assertEqual(y2023["granted"], Decimal(5_000_000))
        self.assertEqual(y2023["firms_granted"], 1)
        self.assertEqual((y2022["recommended"], y2022["granted"]), (Decimal(4_000_000), None))


class OtherCountyTest(CastTestCase):
    def test_another_countys_staff_neither_sees_nor_records_our_firms_loans(self):
        from kechuang.core.choices import Role
        from kechuang.core.models import Region

        other = self.make_user("staff_ld", Role.STAFF, Region.objects.get(code="331102"))
        loan = make_loan(self)
        self.assertFalse(selectors.loan_list(other).exists())
        with self.assertRaises(ValidationError):
            services.loan_create(actor=other, enterprise=self.ent_a, **FIELDS)
        with self.assertRaises(PermissionDenied):
            services.loan_update(actor=other, loan=loan, bank="别的银行")
        with self.assertRaises(PermissionDenied):
            services.loan_transition(
                actor=other, loan=loan, target=LoanStatus.DECLINED, comment="越权"
            )
        loan.refresh_from_db()
        self.assertEqual((loan.bank, loan.status), ("青田农商银行", LoanStatus.RECOMMENDED))
