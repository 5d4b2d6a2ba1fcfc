"""REST API of indicator values, targets and firms' monthly figures."""

from decimal import Decimal

from kechuang.core.tests.test_api import ApiTestCase
from kechuang.indicators.choices import ValueSource
from kechuang.indicators.models import DataElement, DataValue, EnterpriseMonth, Indicator, Target


class IndicatorApiTestCase(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.element = DataElement.objects.get(code="tech_dev_expense")
        cls.indicator = Indicator.objects.get(code="tech_dev_ratio")
        cls.value_county = cls.value(cls.county, "2023-06", "100")
        cls.value_a = cls.value(cls.township_a, "2023-06", "40")
        cls.value_other = cls.value(cls.other_county, "2023-06", "90")
        cls.target_county = Target.objects.create(
            indicator=cls.indicator, region=cls.county, year=2023, value=Decimal("3")
        )
        cls.target_other = Target.objects.create(
            indicator=cls.indicator, region=cls.other_county, year=2023, value=Decimal("2")
        )
        cls.month_a = cls.month(cls.ent_a, "2023-06")
        cls.month_other = cls.month(cls.other_ent, "2023-06")

    @classmethod
    def value(cls, region, period, value):
        return DataValue.objects.create(
            element=cls.element,
            region=region,
            period=period,
            value=Decimal(value),
            source=ValueSource.STATS_BUREAU,
        )

    @classmethod
    def month(cls, enterprise, period):
        return EnterpriseMonth.objects.create(
            enterprise=enterprise,
            period=period,
            township=enterprise.township,
            county_id=enterprise.township.parent_id,
            revenue=Decimal("1000"),
        )


class DataValueApiTest(IndicatorApiTestCase):
    URL = "/api/data-values/"

    def test_the_list_is_scoped(self):
        self.assertEqual(self.ids(self.staff, self.URL), {self.value_county.pk, self.value_a.pk})
        self.assertEqual(self.ids(self.liaison_a, self.URL), {self.value_a.pk})
        self.assertEqual(self.ids(self.ent_user_a, self.URL), set())
        self.assertIn(self.value_other.pk, self.ids(self.viewer, self.URL))
        url = f"{self.URL}{self.value_other.pk}/"
        self.assertEqual(self.call(self.staff, "get", url).status_code, 404)

    def test_staff_enter_a_value_through_the_service(self):
        body = {
            "element": "tech_dev_expense",
            "region": "331121",
            "period": "2023-07",
            "value": "120.5",
            "source": "manual",
        }
        response = self.call(self.staff, "post", self.URL, body)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["value"], "120.5000")
        record = DataValue.objects.get(period="2023-07")
        self.assertTrue(self.audited_by(record, self.staff))

    def test_the_rules_come_back_as_400(self):
        body = {"element": "tech_dev_expense", "region": "331121", "period": "2023-13"}
        response = self.call(self.staff, "post", self.URL, {**body, "value": "1"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("period", response.json())
        body = {**body, "period": "2023-05", "value": "-5", "source": "manual"}
        self.assertEqual(self.call(self.staff, "post", self.URL, body).status_code, 400)
        self.assertEqual(DataValue.objects.count(), 3)

    def test_refusals(self):
        body = {
            "element": "tech_dev_expense",
            "region": "331121",
            "period": "2023-07",
            "value": "1",
        }
        for user in (self.liaison_a, self.viewer, self.ent_user_a):
            with self.subTest(user=user.username):
                self.assertEqual(self.call(user, "post", self.URL, body).status_code, 403)
        response = self.call(self.staff, "post", self.URL, {**body, "region": "331102"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("region", response.json())
        response = self.call(
            self.staff, "patch", f"{self.URL}{self.value_county.pk}/", {"value": "1"}
        )
        self.assertEqual(response.status_code, 405)
        self.assertEqual(DataValue.objects.count(), 3)

    def test_filters_work(self):
        self.assertEqual(self.ids(self.staff, self.URL, region="331121"), {self.value_county.pk})
        self.assertEqual(
            self.ids(self.staff, self.URL, within="331121"), {self.value_county.pk, self.value_a.pk}
        )
        self.assertEqual(self.ids(self.staff, self.URL, period="2023-05"), set())
        self.assertEqual(self.ids(self.staff, self.URL, year=2023, element="gdp"), set())

    def test_the_list_query_count_does_not_grow(self):
        def add():
            for month in ("01", "02", "03"):
                self.value(self.county, f"2023-{month}", "10")

        self.assert_list_queries_constant(self.staff, self.URL, add)


class TargetApiTest(IndicatorApiTestCase):
    URL = "/api/targets/"

    def test_the_list_is_scoped(self):
        self.assertEqual(self.ids(self.staff, self.URL), {self.target_county.pk})
        url = f"{self.URL}{self.target_other.pk}/"
        self.assertEqual(self.call(self.staff, "get", url).status_code, 404)

    def test_a_leader_sets_a_target_and_posting_again_replaces_it(self):
        body = {"indicator": "tech_dev_ratio", "region": "331121", "year": 2024, "value": "3.5"}
        response = self.call(self.leader, "post", self.URL, body)
        self.assertEqual(response.status_code, 201, response.content)
        response = self.call(self.leader, "post", self.URL, {**body, "value": "3.8"})
        self.assertEqual(response.status_code, 201, response.content)
        record = Target.objects.get(year=2024)
        self.assertEqual(record.value, Decimal("3.8"))
        self.assertTrue(self.audited_by(record, self.leader))

    def test_refusals(self):
        body = {"indicator": "tech_dev_ratio", "region": "331121", "year": 2024, "value": "120"}
        response = self.call(self.staff, "post", self.URL, body)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.call(self.liaison_a, "post", self.URL, body).status_code, 403)
        response = self.call(
            self.staff, "post", self.URL, {**body, "region": "331102", "value": "1"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("region", response.json())
        self.assertFalse(Target.objects.filter(year=2024).exists())

    def test_the_list_query_count_does_not_grow(self):
        def add():
            for year in (2020, 2021, 2022):
                Target.objects.create(
                    indicator=self.indicator, region=self.county, year=year, value=Decimal("1")
                )

        self.assert_list_queries_constant(self.staff, self.URL, add)


class EnterpriseMonthApiTest(IndicatorApiTestCase):
    URL = "/api/enterprise-months/"

    def test_the_list_is_scoped_and_read_only(self):
        self.assertEqual(self.ids(self.ent_user_a, self.URL), {self.month_a.pk})
        self.assertEqual(self.ids(self.liaison_b, self.URL), set())
        url = f"{self.URL}{self.month_other.pk}/"
        self.assertEqual(self.call(self.staff, "get", url).status_code, 404)
        body = {"enterprise": self.ent_a.pk, "period": "2023-07"}
        self.assertEqual(self.call(self.staff, "post", self.URL, body).status_code, 405)

    def test_filters_work(self):
        self.assertEqual(
            self.ids(self.staff, self.URL, enterprise=self.ent_a.pk), {self.month_a.pk}
        )
        self.assertEqual(self.ids(self.staff, self.URL, period="2023-05"), set())
        self.assertEqual(self.ids(self.staff, self.URL, township="331121001"), {self.month_a.pk})

    def test_the_list_query_count_does_not_grow(self):
        def add():
            for month in ("01", "02", "03"):
                self.month(self.ent_a, f"2023-{month}")

        self.assert_list_queries_constant(self.staff, self.URL, add)
