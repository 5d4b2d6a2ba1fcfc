"""Loan pages: list with filters, totals and export, create and edit forms, moves from the
detail page, the firm's record section."""

import io
from decimal import Decimal

from openpyxl import load_workbook

from kechuang.core.tests.cast import CastTestCase
from kechuang.loans.choices import LoanStatus
from kechuang.loans.models import LoanRecommendation
from kechuang.loans.tests.helpers import D, make_loan


class LoanPagesTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.a = make_loan(cls, bank="青田农商银行")
        cls.b = make_loan(
            cls, firm=cls.ent_b, bank="中国银行青田支行", recommended_on=D(2022, 5, 1)
        )

    def test_the_list_filters_by_year_bank_status_and_township(self):
        self.client.force_login(self.staff)
        for query, expected in (
            ("year=2023", {self.a}),
            ("bank=中国银行青田支行", {self.b}),
            ("status=recommended", {self.a, self.b}),
            ("status=granted", set()),
            (f"township={self.township_b.pk}", {self.b}),
            ("q=甲", {self.a}),
        ):
            response = self.client.get(f"/loans/?{query}")
            self.assertEqual(set(response.context["page"].object_list), expected, query)
        response = self.client.get("/loans/?year=2023")
        self.assertEqual([t["year"] for t in response.context["totals"]], [2023])

    def test_the_export_holds_the_filtered_list(self):
        self.client.force_login(self.staff)
        response = self.client.get("/imports/loans/export/?year=2022")
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][0], "企业名称")
        self.assertEqual([r[0] for r in rows[1:]], [self.ent_b.name])

    def test_a_liaison_records_a_recommendation_through_the_form(self):
        self.client.force_login(self.liaison_a)
        response = self.client.post(
            "/loans/new/",
            {
                "enterprise": self.ent_a.credit_code,
                "bank": "青田农商银行",
                "amount_recommended": "3000000",
                "recommended_on": "2023-05-01",
            },
        )
        loan = LoanRecommendation.objects.latest("pk")
        self.assertRedirects(response, f"/loans/{loan.pk}/")
        self.assertEqual(loan.amount_recommended, Decimal(3_000_000))

    def test_a_bad_amount_is_shown_under_its_field(self):
        self.client.force_login(self.staff)
        response = self.client.post(
            f"/loans/{self.a.pk}/edit/",
            {
                "enterprise": self.ent_a.credit_code,
                "bank": "青田农商银行",
                "amount_recommended": "0",
                "recommended_on": "2023-03-01",
                "version": "",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("amount_recommended", response.context["form"].errors)
        self.a.refresh_from_db()
        self.assertEqual(self.a.amount_recommended, Decimal(4_000_000))

    def test_the_bureau_records_the_grant_on_the_detail_page(self):
        self.client.force_login(self.staff)
        response = self.client.post(
            f"/loans/{self.a.pk}/status/", {"status": LoanStatus.GRANTED, "on": "2023-04-20"}
        )
        self.assertRedirects(response, f"/loans/{self.a.pk}/")
        self.a.refresh_from_db()
        self.assertEqual((self.a.status, self.a.granted_on), (LoanStatus.GRANTED, D(2023, 4, 20)))
        page = self.client.get(f"/loans/{self.a.pk}/")
        self.assertContains(page, "已授信")

    def test_the_firms_record_page_lists_its_loans(self):
        self.client.force_login(self.ent_user_a)
        response = self.client.get(f"/enterprises/{self.ent_a.pk}/")
        self.assertContains(response, 'id="section-loans"')
        self.assertContains(response, "青田农商银行")
        self.assertNotContains(response, "中国银行青田支行")

    def test_a_firm_user_may_not_open_the_forms(self):
        self.client.force_login(self.ent_user_a)
        self.assertEqual(self.client.get("/loans/new/").status_code, 403)
        self.assertEqual(self.client.get(f"/loans/{self.a.pk}/edit/").status_code, 403)
