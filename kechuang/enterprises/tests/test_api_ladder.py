"""REST API of the ladder: tiers, qualifications, pool entries, visits and annual figures."""

import datetime

from kechuang.core.tests.cast import credit_code
from kechuang.core.tests.test_api import ApiTestCase
from kechuang.enterprises.models import EnterpriseYear, PoolEntry, Qualification, Tier, Visit
from kechuang.enterprises.services import (
    enterprise_create,
    enterprise_year_save,
    pool_entry_add,
    qualification_save,
    tier_save,
    visit_log,
)

DAY = datetime.date(2024, 3, 1)


class LadderApiTestCase(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.tsme = Tier.objects.get(code="tsme")
        cls.hnte = Tier.objects.get(code="hnte")
        cls.other_tier = tier_save(
            actor=cls.other_staff,
            region=cls.other_county,
            code="liandu-star",
            name="莲都科技之星",
            rank=30,
            validity="calendar_year",
        )
        cls.qual_a = qualification_save(
            actor=cls.staff, enterprise=cls.ent_a, tier=cls.tsme, year=2023, number="TSME-A"
        )
        cls.qual_b = qualification_save(
            actor=cls.staff, enterprise=cls.ent_b, tier=cls.tsme, year=2023, number="TSME-B"
        )
        cls.qual_other = qualification_save(
            actor=cls.admin, enterprise=cls.other_ent, tier=cls.tsme, year=2023, number="TSME-O"
        )
        cls.entry_a = pool_entry_add(
            actor=cls.staff, enterprise=cls.ent_a, tier=cls.hnte, year=2024, entered_on=DAY
        )
        cls.entry_b = pool_entry_add(
            actor=cls.staff, enterprise=cls.ent_b, tier=cls.hnte, year=2024, entered_on=DAY
        )
        cls.entry_other = pool_entry_add(
            actor=cls.admin, enterprise=cls.other_ent, tier=cls.hnte, year=2024, entered_on=DAY
        )
        cls.visit_a = visit_log(
            actor=cls.liaison_a, entry=cls.entry_a, visited_on=DAY, visitors="周", agreed="归集"
        )
        cls.visit_other = visit_log(
            actor=cls.admin, entry=cls.entry_other, visited_on=DAY, visitors="丙", agreed="归集"
        )
        cls.year_a = enterprise_year_save(actor=cls.staff, enterprise=cls.ent_a, year=2023)
        cls.year_other = enterprise_year_save(actor=cls.admin, enterprise=cls.other_ent, year=2023)

    def more_firms(self, n=3):
        return [
            enterprise_create(
                actor=self.admin,
                credit_code=credit_code(700 + i),
                name=f"加测企业{i}",
                township=self.township_a,
                industry_division="34",
            )
            for i in range(n)
        ]


class TierApiTest(LadderApiTestCase):
    URL = "/api/tiers/"

    def test_national_tiers_are_listed_and_another_countys_are_not(self):
        ids = self.ids(self.staff, self.URL)
        self.assertLessEqual({self.tsme.pk, self.hnte.pk}, ids)
        self.assertNotIn(self.other_tier.pk, ids)
        self.assertEqual(
            self.call(self.staff, "get", f"{self.URL}{self.other_tier.pk}/").status_code, 404
        )
        self.assertIn(self.other_tier.pk, self.ids(self.other_staff, self.URL))

    def test_staff_define_their_countys_tiers_through_the_service(self):
        body = {
            "code": "qingtian-star",
            "name": "青田县科技之星",
            "rank": 25,
            "region": "331121",
            "validity": "calendar_year",
        }
        response = self.call(self.staff, "post", self.URL, body)
        self.assertEqual(response.status_code, 201, response.content)
        tier = Tier.objects.get(code="qingtian-star")
        self.assertEqual(tier.history.latest().history_user, self.staff)
        url = f"{self.URL}{tier.pk}/"
        response = self.call(self.staff, "patch", url, {"name": "青田县科技新星"})
        self.assertEqual(response.status_code, 200, response.content)
        tier.refresh_from_db()
        self.assertEqual((tier.name, tier.rank), ("青田县科技新星", 25))
        self.assertEqual(self.call(self.staff, "patch", url, {"code": "y"}).status_code, 400)

    def test_refusals(self):
        body = {"code": "x", "name": "x", "rank": 1, "region": "331121", "validity": "years"}
        for user in (self.liaison_a, self.ent_user_a, self.viewer):
            with self.subTest(user=user.username):
                self.assertEqual(self.call(user, "post", self.URL, body).status_code, 403)
        # A national tier follows national policy; another county's is not even seen.
        national = self.call(self.staff, "patch", f"{self.URL}{self.hnte.pk}/", {"name": "x"})
        self.assertEqual(national.status_code, 403)
        other = self.call(self.staff, "patch", f"{self.URL}{self.other_tier.pk}/", {"name": "x"})
        self.assertEqual(other.status_code, 404)
        self.assertFalse(Tier.objects.filter(name="x").exists())


class QualificationApiTest(LadderApiTestCase):
    URL = "/api/qualifications/"

    def test_the_list_is_scoped(self):
        self.assertEqual(self.ids(self.liaison_a, self.URL), {self.qual_a.pk})
        self.assertEqual(self.ids(self.ent_user_a, self.URL), {self.qual_a.pk})
        self.assertEqual(self.ids(self.staff, self.URL), {self.qual_a.pk, self.qual_b.pk})
        self.assertEqual(self.ids(self.inst_user, self.URL), set())
        for user in (self.staff, self.liaison_b):
            response = self.call(user, "get", f"{self.URL}{self.qual_other.pk}/")
            self.assertEqual(response.status_code, 404)
        self.assertEqual(
            self.call(self.liaison_b, "get", f"{self.URL}{self.qual_a.pk}/").status_code, 404
        )

    def test_a_liaison_records_a_qualification_through_the_service(self):
        body = {
            "enterprise": self.ent_a.pk,
            "tier": self.hnte.pk,
            "year": 2023,
            "issued_on": "2023-12-08",
            "number": "GR2023",
        }
        response = self.call(self.liaison_a, "post", self.URL, body)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["valid_until"], "2026-12-07")
        record = Qualification.objects.get(number="GR2023")
        self.assertTrue(self.audited_by(record, self.liaison_a))

    def test_a_change_is_audited_and_keeps_the_fields_not_sent(self):
        url = f"{self.URL}{self.qual_a.pk}/"
        response = self.call(self.liaison_a, "patch", url, {"batch": "第二批"})
        self.assertEqual(response.status_code, 200, response.content)
        self.qual_a.refresh_from_db()
        self.assertEqual((self.qual_a.batch, self.qual_a.number), ("第二批", "TSME-A"))
        self.assertTrue(self.audited_by(self.qual_a, self.liaison_a))

    def test_roles_that_may_not_record_are_refused(self):
        body = {"enterprise": self.ent_a.pk, "tier": self.hnte.pk, "year": 2023}
        for user in (self.ent_user_a, self.viewer, self.commissioner, self.inst_user):
            with self.subTest(user=user.username):
                self.assertEqual(self.call(user, "post", self.URL, body).status_code, 403)
        response = self.call(
            self.ent_user_a, "patch", f"{self.URL}{self.qual_a.pk}/", {"number": "x"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(Qualification.objects.count(), 3)

    def test_another_townships_firm_or_countys_tier_is_a_400_naming_the_field(self):
        body = {"enterprise": self.ent_b.pk, "tier": self.tsme.pk, "year": 2024}
        response = self.call(self.liaison_a, "post", self.URL, body)
        self.assertEqual(response.status_code, 400)
        self.assertIn("enterprise", response.json())
        body = {"enterprise": self.ent_a.pk, "tier": self.other_tier.pk, "year": 2024}
        response = self.call(self.staff, "post", self.URL, body)
        self.assertEqual(response.status_code, 400)
        self.assertIn("tier", response.json())

    def test_filters_work(self):
        self.assertEqual(self.ids(self.staff, self.URL, q="TSME-B"), {self.qual_b.pk})
        self.assertEqual(
            self.ids(self.staff, self.URL, township=self.township_a.pk), {self.qual_a.pk}
        )
        self.assertEqual(self.ids(self.staff, self.URL, year=2022), set())

    def test_the_list_query_count_does_not_grow(self):
        def add():
            for firm in self.more_firms():
                qualification_save(actor=self.staff, enterprise=firm, tier=self.tsme, year=2023)

        self.assert_list_queries_constant(self.staff, self.URL, add)


class PoolEntryApiTest(LadderApiTestCase):
    URL = "/api/pool-entries/"

    def test_the_list_is_scoped(self):
        self.assertEqual(self.ids(self.liaison_a, self.URL), {self.entry_a.pk})
        self.assertEqual(self.ids(self.ent_user_a, self.URL), {self.entry_a.pk})
        self.assertEqual(self.ids(self.staff, self.URL), {self.entry_a.pk, self.entry_b.pk})
        self.assertEqual(
            self.call(self.staff, "get", f"{self.URL}{self.entry_other.pk}/").status_code, 404
        )

    def test_a_liaison_puts_a_firm_in_the_pool(self):
        body = {
            "enterprise": self.ent_a.pk,
            "tier": self.tsme.pk,
            "year": 2024,
            "liaison": self.liaison_a.pk,
        }
        response = self.call(self.liaison_a, "post", self.URL, body)
        self.assertEqual(response.status_code, 201, response.content)
        entry = PoolEntry.objects.get(pk=response.json()["id"])
        self.assertEqual(entry.liaison, self.liaison_a)
        self.assertTrue(self.audited_by(entry, self.liaison_a))

    def test_refusals(self):
        body = {"enterprise": self.ent_a.pk, "tier": self.tsme.pk, "year": 2024}
        for user in (self.ent_user_a, self.viewer, self.inst_user):
            with self.subTest(user=user.username):
                self.assertEqual(self.call(user, "post", self.URL, body).status_code, 403)
        response = self.call(self.liaison_b, "post", self.URL, body)
        self.assertEqual(response.status_code, 400)
        self.assertIn("enterprise", response.json())
        self.assertEqual(PoolEntry.objects.count(), 3)

    def test_the_note_is_set_through_the_service_and_refused_to_others(self):
        url = f"{self.URL}{self.entry_a.pk}/note/"
        response = self.call(self.liaison_a, "post", url, {"note": "研发费用归集待规范"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["note"], "研发费用归集待规范")
        self.entry_a.refresh_from_db()
        self.assertEqual(self.entry_a.history.latest().history_user, self.liaison_a)
        self.assertEqual(self.call(self.liaison_b, "post", url, {"note": "x"}).status_code, 404)
        self.assertEqual(self.call(self.ent_user_a, "post", url, {"note": "x"}).status_code, 403)
        self.entry_a.refresh_from_db()
        self.assertEqual(self.entry_a.note, "研发费用归集待规范")

    def test_transitions_go_through_the_service(self):
        url = f"{self.URL}{self.entry_a.pk}/transition/"
        response = self.call(self.liaison_a, "post", url, {"status": "coaching", "note": "辅导"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "coaching")
        self.entry_a.refresh_from_db()
        self.assertTrue(self.audited_by(self.entry_a, self.liaison_a))
        response = self.call(self.liaison_a, "post", url, {"status": "certified"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("status", response.json())
        self.assertEqual(
            self.call(self.ent_user_a, "post", url, {"status": "applied"}).status_code, 403
        )
        self.assertEqual(
            self.call(self.liaison_b, "post", url, {"status": "applied"}).status_code, 404
        )
        other = f"{self.URL}{self.entry_other.pk}/transition/"
        self.assertEqual(
            self.call(self.staff, "post", other, {"status": "coaching"}).status_code, 404
        )
        self.entry_other.refresh_from_db()
        self.assertEqual(self.entry_other.status, "candidate")

    def test_assign_names_a_liaison_of_the_township_only(self):
        url = f"{self.URL}{self.entry_a.pk}/assign/"
        response = self.call(self.staff, "post", url, {"liaison": self.liaison_a.pk})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["liaison"], self.liaison_a.pk)
        response = self.call(self.staff, "post", url, {"liaison": self.liaison_b.pk})
        self.assertEqual(response.status_code, 400)
        self.assertIn("liaison", response.json())
        response = self.call(self.staff, "post", url, {"liaison": self.other_staff.pk})
        self.assertEqual(response.status_code, 400)

    def test_filters_work(self):
        self.assertEqual(
            self.ids(self.staff, self.URL, township=self.township_b.pk), {self.entry_b.pk}
        )
        self.assertEqual(self.ids(self.staff, self.URL, status="applied"), set())
        self.assertEqual(self.ids(self.staff, self.URL, q=self.ent_a.name), {self.entry_a.pk})

    def test_the_list_query_count_does_not_grow(self):
        def add():
            for firm in self.more_firms():
                pool_entry_add(
                    actor=self.staff,
                    enterprise=firm,
                    tier=self.hnte,
                    year=2024,
                    liaison=self.liaison_a,
                )

        self.assert_list_queries_constant(self.staff, self.URL, add)


class VisitApiTest(LadderApiTestCase):
    URL = "/api/visits/"

    def test_the_list_is_scoped_and_filtered(self):
        self.assertEqual(self.ids(self.staff, self.URL), {self.visit_a.pk})
        self.assertEqual(self.ids(self.liaison_b, self.URL), set())
        self.assertEqual(self.ids(self.staff, self.URL, entry=self.entry_b.pk), set())
        self.assertEqual(
            self.call(self.staff, "get", f"{self.URL}{self.visit_other.pk}/").status_code, 404
        )

    def test_a_liaison_logs_a_visit(self):
        body = {
            "entry": self.entry_a.pk,
            "visited_on": "2024-03-05",
            "visitors": "周",
            "agreed": "复核",
        }
        response = self.call(self.liaison_a, "post", self.URL, body)
        self.assertEqual(response.status_code, 201, response.content)
        visit = Visit.objects.get(pk=response.json()["id"])
        self.assertEqual(visit.recorded_by, self.liaison_a)
        self.assertTrue(self.audited_by(visit, self.liaison_a))

    def test_refusals(self):
        body = {
            "entry": self.entry_a.pk,
            "visited_on": "2024-03-05",
            "visitors": "x",
            "agreed": "y",
        }
        self.assertEqual(self.call(self.commissioner, "post", self.URL, body).status_code, 403)
        response = self.call(self.liaison_b, "post", self.URL, body)
        self.assertEqual(response.status_code, 400)
        self.assertIn("entry", response.json())
        self.assertEqual(Visit.objects.count(), 2)

    def test_the_list_query_count_does_not_grow(self):
        def add():
            for i in range(3):
                visit_log(
                    actor=self.staff,
                    entry=self.entry_b,
                    visited_on=DAY,
                    visitors=f"{i}",
                    agreed="x",
                )

        self.assert_list_queries_constant(self.staff, self.URL, add)


class EnterpriseYearApiTest(LadderApiTestCase):
    URL = "/api/enterprise-years/"

    def test_the_list_is_scoped(self):
        self.assertEqual(self.ids(self.ent_user_a, self.URL), {self.year_a.pk})
        self.assertEqual(self.ids(self.liaison_b, self.URL), set())
        self.assertEqual(
            self.call(self.staff, "get", f"{self.URL}{self.year_other.pk}/").status_code, 404
        )

    def test_a_firm_user_enters_its_own_figures(self):
        body = {
            "enterprise": self.ent_a.pk,
            "year": 2022,
            "employees": 50,
            "st_staff": 8,
            "total_income": "1000000.00",
            "sales_revenue": "900000.00",
        }
        response = self.call(self.ent_user_a, "post", self.URL, body)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["sales_revenue"], "900000.00")
        record = EnterpriseYear.objects.get(enterprise=self.ent_a, year=2022)
        self.assertTrue(self.audited_by(record, self.ent_user_a))
        response = self.call(self.ent_user_a, "patch", f"{self.URL}{record.pk}/", {"employees": 60})
        self.assertEqual(response.status_code, 200, response.content)
        record.refresh_from_db()
        self.assertEqual((record.employees, record.st_staff), (60, 8))

    def test_the_models_rules_come_back_as_400_naming_the_field(self):
        body = {"enterprise": self.ent_a.pk, "year": 2022, "employees": 5, "st_staff": 8}
        response = self.call(self.staff, "post", self.URL, body)
        self.assertEqual(response.status_code, 400)
        self.assertIn("st_staff", response.json())

    def test_refusals(self):
        body = {"enterprise": self.ent_b.pk, "year": 2022}
        response = self.call(self.ent_user_a, "post", self.URL, body)
        self.assertEqual(response.status_code, 400)
        self.assertIn("enterprise", response.json())
        for user in (self.viewer, self.commissioner, self.inst_user):
            with self.subTest(user=user.username):
                self.assertEqual(self.call(user, "post", self.URL, body).status_code, 403)
        self.assertEqual(
            self.call(
                self.viewer, "patch", f"{self.URL}{self.year_a.pk}/", {"employees": 1}
            ).status_code,
            403,
        )
        self.assertEqual(EnterpriseYear.objects.count(), 2)

    def test_the_list_query_count_does_not_grow(self):
        def add():
            for firm in self.more_firms():
                enterprise_year_save(actor=self.staff, enterprise=firm, year=2023)

        self.assert_list_queries_constant(self.staff, self.URL, add)


class QualificationYearTest(LadderApiTestCase):
    def test_a_year_no_calendar_holds_is_a_400_naming_the_year(self):
        response = self.call(
            self.staff, "patch", f"/api/qualifications/{self.qual_a.pk}/", {"year": 7030835}
        )
        self.assertEqual(response.status_code, 400, response.content)
        self.assertIn("year", response.json())
