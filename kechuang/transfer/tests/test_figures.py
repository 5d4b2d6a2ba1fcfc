"""Technology transfer's figures: what they count for a region and period, and that the page
each links to lists exactly those records (published demands of other counties included in
what the bureau may read, so the region filter matters)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from kechuang.core import figures
from kechuang.core.choices import RegionLevel
from kechuang.core.models import Region
from kechuang.core.tests.cast import credit_code
from kechuang.core.tests.figure_pages import listed
from kechuang.enterprises.services import enterprise_create
from kechuang.transfer import services
from kechuang.transfer.choices import DemandStatus, MatchStatus
from kechuang.transfer.models import Demand, Match
from kechuang.transfer.tests.test_contracts import contract
from kechuang.transfer.tests.test_demands import TransferCastTestCase

D = datetime.date


def registered(demand: Demand, day: datetime.date) -> None:
    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    Demand.objects.filter(pk=demand.pk).update(created_at=when)


class TransferFiguresTest(TransferCastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        liandu = Region.objects.get(code="331102")
        cls.liandu = liandu
        township = Region.objects.create(
            code="331102001", name="紫金街道", level=RegionLevel.TOWNSHIP, parent=liandu
        )
        ent_c = enterprise_create(
            actor=cls.admin,
            credit_code=credit_code(3, "331102"),
            name="莲都丙电子有限公司",
            township=township,
            industry_division="39",
        )
        # Published: every signed-in user reads it, the county's staff included.
        cls.demand_c = services.demand_save(
            actor=cls.admin,
            code="XQ-C-001",
            title="电子元件散热",
            description="散热片",
            enterprise=ent_c,
            status=DemandStatus.PUBLISHED,
        )
        cls.demand_late = services.demand_save(
            actor=cls.admin,
            code="XQ-A-009",
            title="阀门远程监测",
            description="传感器",
            enterprise=cls.ent_a,
        )
        registered(cls.demand_a, D(2023, 2, 1))
        registered(cls.demand_b, D(2023, 5, 31))
        registered(cls.demand_c, D(2023, 3, 1))
        registered(cls.demand_late, D(2023, 7, 1))
        cls.match_a = Match.objects.create(
            demand=cls.demand_a,
            achievement=cls.achievement,
            status=MatchStatus.NEGOTIATING,
            recommended_on=D(2023, 3, 1),
        )
        cls.match_b = Match.objects.create(
            demand=cls.demand_b,
            achievement=cls.achievement_2,
            status=MatchStatus.DROPPED,
            recommended_on=D(2023, 4, 1),
            closed_on=D(2023, 4, 20),
        )
        cls.match_c = Match.objects.create(
            demand=cls.demand_c,
            achievement=cls.achievement,
            status=MatchStatus.NEGOTIATING,
            recommended_on=D(2023, 3, 5),
        )
        # Contracting from the match moves it to contracted on the registration day.
        contract(
            cls.admin, "HT-1", "2000000", "1500000", D(2023, 5, 10), cls.county, match=cls.match_a
        )
        contract(cls.admin, "HT-2", "300000", "300000", D(2023, 1, 5), cls.county)
        contract(cls.admin, "HT-3", "700000", "700000", D(2023, 8, 1), cls.county)  # after June
        contract(cls.admin, "HT-4", "900000", "900000", D(2022, 6, 1), cls.county)  # last year
        contract(cls.admin, "HT-5", "500000", "500000", D(2023, 2, 1), liandu, match=cls.match_c)

    def assert_source_lists_what_is_counted(self, user, code, region, period, expected):
        counted, shown, response = listed(self, user, code, region, period)
        self.assertEqual(figures.value(code, region, period), expected, code)
        self.assertEqual(len(counted), expected, code)
        self.assertEqual(shown, counted, code)
        return response

    def test_the_county_staff_see_exactly_the_records_behind_each_count(self):
        for code, expected in (
            ("transfer.demands", 2),  # demand_a and demand_b; not C's county, not July's
            ("transfer.matched", 2),  # accepted ones, the dropped one too
            ("transfer.transferred", 1),
            ("transfer.contracts", 2),
        ):
            with self.subTest(code=code):
                self.assert_source_lists_what_is_counted(
                    self.staff, code, self.county, "2023-06", expected
                )

    def test_the_turnover_is_the_total_of_the_contracts_its_page_lists(self):
        self.client.force_login(self.staff)
        value = figures.value("transfer.turnover", self.county, "2023-06")
        self.assertEqual(value, Decimal("1800000"))
        figure = figures.get("transfer.turnover")
        response = self.client.get(figure.source(self.county, figures.Period.parse("2023-06")))
        self.assertEqual(response.context["totals"]["turnover"], value)
        self.assertEqual(response.context["totals"]["count"], 2)

    def test_a_city_sums_its_counties_for_its_viewer(self):
        self.assert_source_lists_what_is_counted(
            self.viewer, "transfer.demands", self.city, "2023-06", 3
        )
        self.assert_source_lists_what_is_counted(
            self.viewer, "transfer.transferred", self.city, "2023-06", 2
        )
        self.assertEqual(
            figures.value("transfer.turnover", self.city, "2023-12"), Decimal("3000000")
        )

    def test_a_county_without_contracts_has_no_turnover_but_zero_contracts(self):
        region = Region.objects.get(code="331122")
        self.assertIsNone(figures.value("transfer.turnover", region, "2023-06"))
        self.assertEqual(figures.value("transfer.contracts", region, "2023-06"), 0)
        self.assertEqual(figures.evaluate(region, "2023-06", ["transfer.turnover"])[0].display, "—")

    def test_evaluate_gives_display_and_source_per_figure(self):
        rows = {r.code: r for r in figures.evaluate(self.county, "2023-06")}
        self.assertEqual(rows["transfer.turnover"].display, "180.00万元")
        self.assertEqual(rows["transfer.demands"].display, "2项")
        self.assertEqual(
            rows["transfer.contracts"].source,
            "/transfer/contracts/?region=331121&since=2023-01-01&until=2023-06-30",
        )
