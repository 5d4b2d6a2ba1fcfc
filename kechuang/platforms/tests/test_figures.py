"""Platform figures: applications and recognitions in the year up to the period, in all and by
type, and the page each links to lists exactly the platforms counted."""

import datetime

from kechuang.core import figures
from kechuang.core.tests.cast import CastTestCase
from kechuang.core.tests.figure_pages import listed
from kechuang.platforms.choices import PlatformStatus, PlatformType
from kechuang.platforms.tests.helpers import make_platform

D = datetime.date


class PlatformFiguresTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        applied = PlatformStatus.APPLIED
        make_platform(cls, status=applied, applied_on=D(2023, 6, 30))  # last day counted
        make_platform(cls, status=applied, applied_on=D(2023, 7, 1))  # after the period
        make_platform(cls, status=applied, applied_on=D(2022, 12, 31))  # last year
        make_platform(
            cls,
            host=cls.ent_b,
            status=PlatformStatus.RECOGNISED,
            type=PlatformType.ENTERPRISE_INSTITUTE,
            applied_on=D(2023, 1, 1),
            recognised_on=D(2023, 6, 1),
        )
        make_platform(cls, host=cls.institution, status=PlatformStatus.PLANNED)

    def test_counts_by_type_and_in_all(self):
        value = figures.value
        self.assertEqual(value("platforms.applied", "331121", "2023-06"), 2)
        self.assertEqual(value("platforms.applied.hnte_rnd_centre", "331121", "2023-06"), 1)
        self.assertEqual(value("platforms.applied.enterprise_institute", "331121", "2023-06"), 1)
        self.assertEqual(value("platforms.applied", "331121", "2023-07"), 3)
        self.assertEqual(value("platforms.applied", "331121001", "2023-06"), 1)
        self.assertEqual(value("platforms.recognised", "331121", "2023-05"), 0)
        self.assertEqual(value("platforms.recognised", "331121", "2023-06"), 1)
        self.assertEqual(value("platforms.recognised.enterprise_institute", "331100", "2023-12"), 1)

    def test_each_source_page_lists_exactly_the_platforms_counted(self):
        for code in (
            "platforms.applied",
            "platforms.applied.hnte_rnd_centre",
            "platforms.recognised",
        ):
            for user, region in ((self.staff, self.county), (self.liaison_a, self.township_a)):
                counted, shown, _ = listed(self, user, code, region, "2023-06")
                self.assertTrue(counted or code == "platforms.recognised")
                self.assertEqual(shown, counted, (code, user.username))
