"""The dashboard page and its JSON: who may open which region."""

from kechuang.indicators.tests.base import IndicatorTestCase


class DashboardTest(IndicatorTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for region, value, growth in (
            (cls.county, 338_000_000, "40.01"),
            (cls.liandu, 496_000_000, "18.50"),
        ):
            cls.value(region, "2023-04", "tech_dev_expense", value, published_yoy=growth)
            cls.value(region, "2022-04", "tech_dev_expense", value * 7 // 10)
        cls.value(cls.township_a, "2023-04", "tech_dev_expense", 27_000_000)

    def test_staff_see_their_county_with_its_ranking_among_siblings(self):
        self.client.force_login(self.staff)
        response = self.client.get("/indicators/", {"region": "331121", "period": "2023-04"})
        self.assertContains(response, "3.38亿元")
        self.assertContains(response, 'id="ranking-table"')
        data = self.client.get(
            "/indicators/api/ranking/",
            {"parent": "331100", "indicator": "tech_dev_expense", "period": "2023-04"},
        ).json()
        self.assertEqual([r["region_name"] for r in data["rows"][:2]], ["青田县", "莲都区"])

    def test_the_work_figures_show_for_the_users_own_region_not_a_siblings(self):
        self.client.force_login(self.staff)
        own = self.client.get("/indicators/", {"region": "331121", "period": "2023-04"})
        self.assertContains(own, 'id="figures-table"')
        self.assertEqual(own.context["dashboard_config"]["urls"]["figures"], "/api/figures/")
        sibling = self.client.get("/indicators/", {"region": "331102", "period": "2023-04"})
        self.assertEqual(sibling.status_code, 200)
        self.assertNotContains(sibling, 'id="figures-table"')
        self.assertNotIn("figures", sibling.context["dashboard_config"]["urls"])

    def test_the_api_answers_the_cli_contract(self):
        self.client.force_login(self.staff)
        data = self.client.get(
            "/indicators/api/table/", {"region": "331121", "period": "2023-04"}
        ).json()
        self.assertEqual(set(data) >= {"region", "period", "indicators"}, True)
        row = next(r for r in data["indicators"] if r["code"] == "tech_dev_expense")
        self.assertEqual(
            (row["display"], row["yoy"], row["yoy_source"]), ("3.38亿元", 40.01, "published")
        )

    def test_a_liaison_sees_only_its_township(self):
        self.client.force_login(self.liaison_a)
        response = self.client.get("/indicators/")
        self.assertEqual([r.code for r in response.context["regions"]], ["331121001"])
        self.assertEqual(response.context["region"], self.township_a)
        refused = self.client.get(
            "/indicators/api/table/", {"region": "331121", "period": "2023-04"}
        )
        self.assertEqual(refused.status_code, 403)
        other = self.client.get(
            "/indicators/api/table/", {"region": "331121101", "period": "2023-04"}
        )
        self.assertEqual(other.status_code, 403)

    def test_firm_and_institute_users_are_refused(self):
        for user in (self.ent_user_a, self.inst_user):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get("/indicators/").status_code, 403)
                response = self.client.get(
                    "/indicators/api/table/", {"region": "331121", "period": "2023-04"}
                )
                self.assertEqual(response.status_code, 403)

    def test_a_city_viewer_drills_down_to_the_counties(self):
        self.client.force_login(self.viewer)
        data = self.client.get(
            "/indicators/api/children/", {"region": "331100", "period": "2023-04"}
        ).json()
        names = [c["region_name"] for c in data["children"]]
        self.assertEqual(len(names), 9)
        self.assertIn("青田县", names)

    def test_a_bad_period_is_a_clear_error(self):
        self.client.force_login(self.staff)
        response = self.client.get(
            "/indicators/api/table/", {"region": "331121", "period": "2023-13"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("期间", response.json()["detail"])


class SourcesAndFirmsTest(IndicatorTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.firm_a = cls.firm(801, cls.township_a, "鹤城甲阀门有限公司")
        cls.firm_b = cls.firm(802, cls.township_b, "温溪乙阀门有限公司")
        for firm, now, before in (
            (cls.firm_a, 9_000_000, 5_000_000),
            (cls.firm_b, 4_000_000, 3_500_000),
        ):
            cls.month(firm, "2023-04", revenue=now * 30, tech_dev_expense=now, rnd_active=True)
            cls.month(
                firm, "2022-04", revenue=before * 30, tech_dev_expense=before, rnd_active=True
            )
        cls.value(cls.county, "2023-04", "tech_dev_expense", 13_500_000, published_yoy="41.00")

    def test_the_comparison_shows_published_and_bottom_up_side_by_side(self):
        self.client.force_login(self.staff)
        response = self.client.get(
            "/indicators/sources/", {"region": "331121", "period": "2023-04"}
        )
        row = next(
            e for e in response.context["data"]["elements"] if e["code"] == "tech_dev_expense"
        )
        self.assertEqual((row["published"], row["bottom_up"]), (13_500_000, 13_000_000))
        self.assertEqual(row["published_yoy"], 41.0)

    def test_firms_are_listed_largest_contribution_first_and_scoped(self):
        query = {"region": "331121", "period": "2023-04", "element": "tech_dev_expense"}
        self.client.force_login(self.staff)
        rows = self.client.get("/indicators/firms/", query).context["data"]["rows"]
        self.assertEqual([r["enterprise"] for r in rows], [self.firm_a.name, self.firm_b.name])
        self.client.force_login(self.liaison_b)
        self.assertEqual(self.client.get("/indicators/firms/", query).status_code, 403)
        self.client.force_login(self.ent_user_a)
        self.assertEqual(self.client.get("/indicators/sources/", query).status_code, 403)
