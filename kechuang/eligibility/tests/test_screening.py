"""Screening and self-check: the engine run over stored firms, scoped to the user."""

import datetime
from decimal import Decimal
from unittest import mock

from kechuang.core.tests.cast import CastTestCase
from kechuang.eligibility import screening
from kechuang.enterprises.choices import TechField
from kechuang.enterprises.models import EnterpriseYear, PoolEntry, Tier

AS_OF = datetime.date(2023, 6, 30)
WAN = Decimal(10_000)


def add_years(enterprise, *, rnd_wan: int):
    """Three fiscal years 2020–2022: 4,000 / 4,800 / 6,000 万元 sales, the given R&D a year."""
    for year, sales in ((2020, 4000), (2021, 4800), (2022, 6000)):
        EnterpriseYear.objects.create(
            enterprise=enterprise,
            year=year,
            employees=120,
            st_staff=18,
            sales_revenue=sales * WAN,
            total_income=(sales + 200) * WAN,
            rnd_expense=rnd_wan * WAN,
            rnd_expense_domestic=rnd_wan * WAN,
            hightech_income=sales * WAN * Decimal("0.75"),
            total_costs=sales * WAN,
            total_assets=9000 * WAN,
            net_assets=(3000 + (year - 2020) * 400) * WAN,
            ip_class1=2,
            ip_class2=5,
            conversions=5,
        )


class ScreeningTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.hnte = Tier.objects.get(code="hnte")
        for firm, rnd in ((cls.ent_a, 600), (cls.ent_b, 150)):
            firm.tech_field = TechField.NEW_MATERIALS
            firm.founded_on = datetime.date(2015, 3, 1)
            firm.save()
            add_years(firm, rnd_wan=rnd)
            PoolEntry.objects.create(
                enterprise=firm, tier=cls.hnte, year=2023, entered_on=datetime.date(2023, 2, 1)
            )

    def screen(self, user, **kwargs):
        return screening.screen(user, tier=self.hnte, year=2023, as_of=AS_OF, **kwargs)

    def test_it_reports_the_rnd_gap_of_a_firm_that_falls_short(self):
        rows = {r.enterprise.pk: r for r in self.screen(self.staff)}
        short = rows[self.ent_b.pk]
        self.assertEqual(short.verdict, "ineligible")
        rnd = next(c for c in short.criteria if c["key"] == "rnd_ratio")
        self.assertFalse(rnd["passed"])
        # 3 years of sales 14,800万元 at 4% = 592万元 needed; 450万元 spent.
        self.assertEqual(Decimal(str(rnd["gap"])), Decimal("1420000"))
        self.assertIn("研发费用需再增加 142.00万元", short.summary())

    def test_a_firm_meeting_the_hard_criteria_is_not_ruled_out(self):
        rows = {r.enterprise.pk: r for r in self.screen(self.staff)}
        strong = rows[self.ent_a.pk]
        self.assertNotEqual(strong.verdict, "ineligible")
        self.assertTrue(all(c["passed"] is not False for c in strong.criteria))

    def test_a_township_liaison_screens_only_its_own_township(self):
        rows = self.screen(self.liaison_a)
        self.assertEqual([r.enterprise.pk for r in rows], [self.ent_a.pk])

    def test_a_firm_without_figures_is_undetermined_with_what_is_missing(self):
        EnterpriseYear.objects.filter(enterprise=self.ent_b).delete()
        row = next(r for r in self.screen(self.staff) if r.enterprise.pk == self.ent_b.pk)
        self.assertEqual(row.verdict, "undetermined")
        self.assertTrue(row.missing)

    def test_the_page_lists_verdicts_and_refuses_users_who_do_not_screen(self):
        query = {"tier": self.hnte.pk, "year": 2023, "as_of": "2023-06-30"}
        self.client.force_login(self.staff)
        response = self.client.get("/eligibility/screening/", query)
        self.assertContains(response, self.ent_b.name)
        self.assertContains(response, "研发费用需再增加")
        for user in (self.viewer, self.ent_user_a, self.inst_user, self.commissioner):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get("/eligibility/screening/", query).status_code, 403)

    def test_the_liaison_page_does_not_show_another_township(self):
        self.client.force_login(self.liaison_a)
        query = {"tier": self.hnte.pk, "year": 2023, "as_of": "2023-06-30"}
        response = self.client.get("/eligibility/screening/", query)
        self.assertContains(response, self.ent_a.name)
        self.assertNotContains(response, self.ent_b.name)

    def test_the_screening_query_count_does_not_grow_with_firms(self):
        with self.assertNumQueries(2):
            self.screen(self.staff)


class SelfCheckTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        add_years(cls.ent_a, rnd_wan=600)

    @mock.patch("django.utils.timezone.localdate", return_value=AS_OF)
    def test_a_firm_user_sees_its_own_self_check(self, _today):
        self.client.force_login(self.ent_user_a)
        response = self.client.get("/eligibility/self-check/")
        self.assertContains(response, "高新技术企业")
        self.assertContains(response, "科技型中小企业")
        self.assertContains(response, "综合评价得分")
        self.assertContains(response, "符合")

    @mock.patch("django.utils.timezone.localdate", return_value=AS_OF)
    def test_missing_data_is_named_in_chinese(self, _today):
        self.client.force_login(self.ent_user_a)
        response = self.client.get("/eligibility/self-check/")
        self.assertContains(response, "技术领域 缺失")

    def test_a_firm_user_is_refused_another_firms_self_check(self):
        self.client.force_login(self.ent_user_a)
        response = self.client.get(f"/eligibility/self-check/{self.ent_b.pk}/")
        self.assertEqual(response.status_code, 404)

    def test_a_liaison_is_refused_another_townships_firm(self):
        self.client.force_login(self.liaison_b)
        self.assertEqual(
            self.client.get(f"/eligibility/self-check/{self.ent_a.pk}/").status_code, 404
        )
        self.client.force_login(self.liaison_a)
        self.assertEqual(
            self.client.get(f"/eligibility/self-check/{self.ent_a.pk}/").status_code, 200
        )


class ScreeningExportTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.hnte = Tier.objects.get(code="hnte")
        for firm in (cls.ent_a, cls.ent_b):
            PoolEntry.objects.create(
                enterprise=firm, tier=cls.hnte, year=2023, entered_on=datetime.date(2023, 2, 1)
            )

    def export(self, user, **extra):
        self.client.force_login(user)
        query = {"tier": self.hnte.pk, "year": 2023, "as_of": "2023-06-30", **extra}
        response = self.client.get("/eligibility/screening/export/", query)
        self.assertEqual(response.status_code, 200)
        return response.content

    def test_the_export_reimports_as_the_same_candidate_list(self):
        from kechuang.core.excel import get_spec, run_import

        result = run_import(get_spec("pool"), self.export(self.staff), self.staff, dry_run=True)
        self.assertEqual(result.errors, [])
        self.assertEqual(result.summary()["无变化"], 2)

    def test_a_township_screening_imports_as_new_candidates(self):
        from kechuang.core.excel import get_spec, run_import

        PoolEntry.objects.all().delete()
        content = self.export(self.staff, whole_township="on", township=self.township_a.pk)
        result = run_import(get_spec("pool"), content, self.staff, dry_run=False)
        self.assertEqual(result.errors, [])
        self.assertEqual(
            list(PoolEntry.objects.values_list("enterprise", "tier__code", "year")),
            [(self.ent_a.pk, "hnte", 2023)],
        )
