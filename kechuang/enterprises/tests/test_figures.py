"""The ladder's figures: what they count for a region and period, and that the page each
links to lists exactly those records."""

import datetime

from kechuang.core import figures
from kechuang.core.choices import RegionLevel
from kechuang.core.models import Region
from kechuang.core.tests.cast import CastTestCase, credit_code
from kechuang.core.tests.figure_pages import listed
from kechuang.enterprises.choices import PoolStatus
from kechuang.enterprises.models import PoolEntry, Tier
from kechuang.enterprises.services import enterprise_create, qualification_save

D = datetime.date
CODES = (
    "ladder.hnte_candidates",
    "ladder.tsme_candidates",
    "ladder.hnte_new",
    "ladder.tsme_registered",
)


class LadderFiguresTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.hnte = Tier.objects.get(code="hnte")
        cls.tsme = Tier.objects.get(code="tsme")
        liandu = Region.objects.get(code="331102")
        cls.elsewhere = Region.objects.create(
            code="331102001", name="紫金街道", level=RegionLevel.TOWNSHIP, parent=liandu
        )
        cls.ent_c = enterprise_create(
            actor=cls.admin,
            credit_code=credit_code(3, "331102"),
            name="莲都丙电子有限公司",
            township=cls.elsewhere,
            industry_division="39",
        )
        for firm, tier, year, entered_on, status in (
            (cls.ent_a, cls.hnte, 2023, D(2023, 2, 10), PoolStatus.COACHING),
            (cls.ent_b, cls.hnte, 2023, D(2023, 7, 5), PoolStatus.CANDIDATE),  # after June
            (cls.ent_b, cls.tsme, 2023, D(2023, 3, 1), PoolStatus.APPLIED),
            (cls.ent_a, cls.hnte, 2022, D(2022, 3, 1), PoolStatus.CERTIFIED),  # last year
            (cls.ent_c, cls.hnte, 2023, D(2023, 2, 1), PoolStatus.CANDIDATE),  # another county
        ):
            PoolEntry.objects.create(
                enterprise=firm, tier=tier, year=year, entered_on=entered_on, status=status
            )
        for firm, tier, year, issued_on in (
            (cls.ent_a, cls.hnte, 2023, D(2023, 3, 1)),
            (cls.ent_b, cls.hnte, 2023, D(2023, 11, 20)),  # after June
            (cls.ent_a, cls.hnte, 2020, D(2020, 11, 1)),  # an earlier certificate
            (cls.ent_c, cls.hnte, 2023, D(2023, 2, 1)),  # another county
            (cls.ent_b, cls.tsme, 2023, None),  # a registration without an issue date
        ):
            qualification_save(
                actor=cls.admin, enterprise=firm, tier=tier, year=year, issued_on=issued_on
            )

    def assert_source_lists_what_is_counted(self, user, code, region, period, expected):
        counted, shown, _ = listed(self, user, code, region, period)
        self.assertEqual(figures.value(code, region, period), expected, code)
        self.assertEqual(len(counted), expected, code)
        self.assertEqual(shown, counted, code)

    def test_the_county_staff_see_exactly_the_records_behind_each_figure(self):
        for code in CODES:
            with self.subTest(code=code):
                self.assert_source_lists_what_is_counted(
                    self.staff, code, self.county, "2023-06", 1
                )

    def test_records_after_the_period_count_by_the_year_end(self):
        for code, expected in (("ladder.hnte_candidates", 2), ("ladder.hnte_new", 2)):
            with self.subTest(code=code):
                self.assert_source_lists_what_is_counted(
                    self.staff, code, self.county, "2023-12", expected
                )

    def test_a_city_sums_its_counties_and_its_viewer_sees_them(self):
        self.assert_source_lists_what_is_counted(
            self.viewer, "ladder.hnte_candidates", self.city, "2023-06", 2
        )
        self.assert_source_lists_what_is_counted(
            self.viewer, "ladder.hnte_new", self.city, "2023-06", 2
        )

    def test_a_township_counts_its_own_firms_for_its_liaison(self):
        self.assert_source_lists_what_is_counted(
            self.liaison_a, "ladder.hnte_candidates", self.township_a, "2023-06", 1
        )
        self.assert_source_lists_what_is_counted(
            self.liaison_b, "ladder.hnte_candidates", self.township_b, "2023-06", 0
        )

    def test_many_regions_take_one_query(self):
        regions = [self.city, self.county, self.township_a, self.township_b, self.elsewhere]
        with self.assertNumQueries(1):
            found = figures.values("ladder.hnte_candidates", regions, "2023-12")
        self.assertEqual(
            found,
            {
                self.city.pk: 3,
                self.county.pk: 2,
                self.township_a.pk: 1,
                self.township_b.pk: 1,
                self.elsewhere.pk: 1,
            },
        )

    def test_the_page_names_the_filters_the_link_set(self):
        _, _, response = listed(self, self.staff, "ladder.hnte_new", self.county, "2023-06")
        self.assertContains(response, 'name="region" value="331121"')
        self.assertContains(response, "发证日期止：2023-06-30")
