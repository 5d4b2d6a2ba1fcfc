"""The demo's commissioners: one in every Qingtian township with logs in 2023 H1 (the seed's
全覆盖), the academy's team, an evaluation; a second load writes nothing."""

from kechuang.commissioners import selectors
from kechuang.commissioners.models import Assignment, Commissioner, Evaluation, ServiceLog
from kechuang.core import figures
from kechuang.core.models import Region
from kechuang.core.tests.cast import CastTestCase
from kechuang.demo.commissioners import commissioners_load

from .helpers import D


class CommissionersDemoTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.first = commissioners_load(cls.admin)

    def test_every_township_is_assigned_and_served_in_the_first_half(self):
        towns = Region.objects.filter(level="township", code__startswith="331121").count()
        self.assertGreater(towns, 2)
        self.assertEqual(Assignment.objects.values("township").distinct().count(), towns)
        for code in ("commissioners.townships_covered", "commissioners.townships_served"):
            self.assertEqual(figures.value(code, "331121", "2023-06"), towns, code)
        as_of = D(2023, 6, 30)
        rows = selectors.coverage(self.staff, selectors.coverage_townships(self.staff), as_of)
        self.assertEqual({r.standing for r in rows}, {"served"})
        self.assertEqual(Evaluation.objects.get().get_grade_display(), "优秀")

    def test_the_commissioner_account_logs_for_its_township(self):
        own = Commissioner.objects.get(user=self.commissioner)
        self.assertEqual(own.assignments.get().township, self.township_a)
        self.assertEqual(set(ServiceLog.objects.visible_to(self.commissioner)), set(own.logs.all()))

    def test_a_second_load_writes_nothing(self):
        before = (
            Commissioner.objects.count(),
            ServiceLog.objects.count(),
            ServiceLog.history.count(),
        )
        self.assertEqual(commissioners_load(self.admin).get("created"), None)
        after = (
            Commissioner.objects.count(),
            ServiceLog.objects.count(),
            ServiceLog.history.count(),
        )
        self.assertEqual(after, before)
