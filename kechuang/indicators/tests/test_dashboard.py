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
