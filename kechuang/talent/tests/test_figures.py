"""Talent figures: projects that reached each stage in the year up to the period, in all and
per class, and the page each links to lists exactly the projects counted."""

import datetime

from kechuang.core import figures
from kechuang.core.tests.cast import CastTestCase
from kechuang.core.tests.figure_pages import listed
from kechuang.talent.choices import Stage
from kechuang.talent.tests.helpers import make_project

D = datetime.date


class TalentFiguresTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_project(cls, status=Stage.SIGNED, signed_on=D(2023, 6, 30))  # last day counted
        make_project(cls, status=Stage.SIGNED, signed_on=D(2023, 7, 1))  # after the period
        make_project(
            cls,
            status=Stage.SIGNED,
            signed_on=D(2022, 12, 31),
            contacted_on=D(2022, 1, 1),
            intended_on=D(2022, 5, 1),
        )
        make_project(
            cls, host=cls.ent_b, status=Stage.LANDED, talent_class="B", signed_on=D(2023, 3, 1)
        )
        make_project(cls, status=Stage.INTENT, intended_on=D(2023, 4, 1))

    def test_counts_by_stage_and_class(self):
        value = figures.value
        self.assertEqual(value("talent.projects.signed", "331121", "2023-06"), 2)
        self.assertEqual(value("talent.projects.signed.C", "331121", "2023-06"), 1)
        self.assertEqual(value("talent.projects.signed.B", "331121", "2023-06"), 1)
        self.assertEqual(value("talent.projects.signed", "331121", "2023-07"), 3)
        self.assertEqual(value("talent.projects.signed", "331121001", "2023-06"), 1)
        self.assertEqual(value("talent.projects.contact", "331121", "2023-12"), 4)
        self.assertEqual(value("talent.projects.intent", "331121", "2023-12"), 4)
        self.assertEqual(value("talent.projects.evaluated", "331121", "2023-12"), 0)

    def test_intents_not_signed_by_the_end_of_the_period(self):
        value = figures.value
        # Signed on 06-30 is signed by the end of June; signed on 07-01 is not.
        self.assertEqual(value("talent.projects.intent_unsigned", "331121", "2023-06"), 2)
        self.assertEqual(value("talent.projects.intent_unsigned", "331121", "2023-07"), 1)
        self.assertEqual(value("talent.projects.intent_unsigned", "331121", "2023-05"), 3)
        self.assertEqual(value("talent.projects.intent_unsigned", "331121", "2023-03"), 2)

    def test_each_source_page_lists_exactly_the_projects_counted(self):
        for code in (
            "talent.projects.intent_unsigned",
            "talent.projects.signed",
            "talent.projects.signed.C",
            "talent.projects.intent",
        ):
            for user, region in (
                (self.staff, self.county),
                (self.liaison_a, self.township_a),
                (self.viewer, self.city),
            ):
                counted, shown, _ = listed(self, user, code, region, "2023-06")
                self.assertTrue(counted, code)
                self.assertEqual(shown, counted, (code, user.username))
