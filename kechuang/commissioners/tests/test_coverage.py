"""Coverage: every township with its commissioners and last service, the gaps first: a
township assigned but not served within 90 days, then those not assigned."""

from unittest import mock

from django.urls import reverse

from kechuang.commissioners import engine, services
from kechuang.commissioners.choices import Coverage
from kechuang.commissioners.tests.helpers import D, log, make_commissioners
from kechuang.core.models import Region
from kechuang.core.tests.cast import CastTestCase

TODAY = D(2023, 6, 30)


class CoverageRuleTest(CastTestCase):
    def test_ninety_days_include_today(self):
        self.assertEqual(engine.coverage_of(True, D(2023, 4, 2), TODAY), Coverage.SERVED)
        self.assertEqual(engine.coverage_of(True, D(2023, 4, 1), TODAY), Coverage.STALE)
        self.assertEqual(engine.coverage_of(True, None, TODAY), Coverage.STALE)
        self.assertEqual(engine.coverage_of(False, TODAY, TODAY), Coverage.UNASSIGNED)


class CoveragePageTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_commissioners(cls)
        # Township A: assigned and served 60 days ago; township B: assigned, last served
        # 120 days ago; a third township: an assignment that ended, so not assigned.
        cls.township_c = Region.objects.filter(level="township", parent=cls.county).exclude(
            pk__in=[cls.township_a.pk, cls.township_b.pk]
        )[0]
        services.assignment_create(
            actor=cls.staff, commissioner=cls.own, township=cls.township_a, start=D(2023, 1, 1)
        )
        services.assignment_create(
            actor=cls.staff,
            commissioner=cls.other,
            township=cls.township_b,
            village="季宅村",
            start=D(2023, 1, 1),
            end=D(2023, 12, 31),
        )
        services.assignment_create(
            actor=cls.staff,
            commissioner=cls.other,
            township=cls.township_c,
            start=D(2022, 1, 1),
            end=D(2022, 12, 31),
        )
        log(cls, cls.own, cls.township_a, D(2023, 5, 1))
        log(cls, cls.other, cls.township_b, D(2023, 3, 2))

    def rows(self, user):
        self.client.force_login(user)
        with mock.patch("kechuang.core.clock.today", return_value=TODAY):
            response = self.client.get(reverse("commissioners:coverage"))
        self.assertEqual(response.status_code, 200)
        return response.context["rows"]

    def test_gap_townships_come_first(self):
        rows = self.rows(self.staff)
        towns = Region.objects.filter(level="township", code__startswith="331121").count()
        self.assertEqual(len(rows), towns)
        self.assertEqual(rows[0].township, self.township_b)
        self.assertEqual(rows[0].standing, Coverage.STALE)
        self.assertEqual(rows[0].last_served, D(2023, 3, 2))
        self.assertEqual(rows[-1].township, self.township_a)
        self.assertEqual(rows[-1].standing, Coverage.SERVED)
        standings = [r.standing for r in rows]
        self.assertEqual(standings[1 : len(rows) - 1], [Coverage.UNASSIGNED] * (len(rows) - 2))
        self.assertIn(self.township_c, [r.township for r in rows[1:-1]])

    def test_liaison_sees_its_township_and_commissioner_is_refused(self):
        rows = self.rows(self.liaison_b)
        self.assertEqual([(r.township, r.standing) for r in rows], [(self.township_b, "stale")])
        self.client.force_login(self.commissioner)
        self.assertEqual(self.client.get(reverse("commissioners:coverage")).status_code, 403)

    def test_page_lists_gaps_for_a_phone(self):
        self.client.force_login(self.staff)
        with mock.patch("kechuang.core.clock.today", return_value=TODAY):
            html = self.client.get(reverse("commissioners:coverage")).content.decode()
        self.assertIn("已派驻，90天内未服务", html)
        self.assertIn("table-cards", html)  # one table, cards on a phone (core CSS)
