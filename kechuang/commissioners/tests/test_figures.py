"""Commissioner figures: townships covered and served, service logs, at the period's edges;
each source page lists exactly the records counted."""

from kechuang.commissioners import services
from kechuang.commissioners.tests.helpers import D, log, make_commissioners
from kechuang.core import figures
from kechuang.core.tests.cast import CastTestCase
from kechuang.core.tests.figure_pages import listed


class CommissionerFiguresTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_commissioners(cls)
        services.assignment_create(
            actor=cls.staff, commissioner=cls.own, township=cls.township_a, start=D(2023, 6, 30)
        )
        services.assignment_create(  # ended before the year
            actor=cls.staff,
            commissioner=cls.other,
            township=cls.township_b,
            start=D(2022, 1, 1),
            end=D(2022, 12, 31),
        )
        services.assignment_create(  # a second one in township A: still one township
            actor=cls.staff, commissioner=cls.other, township=cls.township_a, start=D(2023, 1, 1)
        )
        log(cls, cls.own, cls.township_a, D(2023, 6, 30))  # last day counted
        log(cls, cls.own, cls.township_a, D(2023, 1, 1))
        log(cls, cls.other, cls.township_b, D(2023, 7, 1))  # after the period
        log(cls, cls.other, cls.township_b, D(2022, 12, 31))  # last year

    def test_counts(self):
        value = figures.value
        self.assertEqual(value("commissioners.townships_covered", "331121", "2023-06"), 1)
        self.assertEqual(value("commissioners.townships_covered", "331121", "2022-12"), 1)
        self.assertEqual(value("commissioners.townships_served", "331121", "2023-06"), 1)
        self.assertEqual(value("commissioners.townships_served", "331121", "2023-07"), 2)
        self.assertEqual(value("commissioners.service_logs", "331121", "2023-06"), 2)
        self.assertEqual(value("commissioners.service_logs", "331121", "2023-07"), 3)
        self.assertEqual(value("commissioners.service_logs", "331121101", "2023-06"), 0)
        self.assertEqual(value("commissioners.service_logs", "331100", "2023-12"), 3)

    def test_each_source_page_lists_exactly_the_records_counted(self):
        for code in (
            "commissioners.townships_covered",
            "commissioners.townships_served",
            "commissioners.service_logs",
        ):
            for user, region in (
                (self.staff, self.county),
                (self.liaison_a, self.township_a),
                (self.viewer, self.city),
            ):
                counted, shown, _ = listed(self, user, code, region, "2023-07")
                self.assertTrue(counted, code)
                self.assertEqual(shown, counted, (code, user.username))
