"""The board's figures: challenges published and taken for a region and period, and that the
page each links to lists exactly those records."""

from kechuang.challenges.choices import ChallengeStatus
from kechuang.challenges.models import Challenge
from kechuang.challenges.tests.base import ChallengeCastTestCase, D
from kechuang.core import figures
from kechuang.core.models import Region
from kechuang.core.tests.figure_pages import listed


class ChallengeFiguresTest(ChallengeCastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        dates = {
            # status, published_on, decided_on
            "a": (ChallengeStatus.PUBLISHED, D(2023, 3, 1), None),
            "b": (ChallengeStatus.SELECTED, D(2023, 2, 1), D(2023, 5, 20)),
            "c": (ChallengeStatus.CONTRACTED, D(2023, 1, 10), D(2023, 6, 30)),
            "d": (ChallengeStatus.FAILED, D(2023, 4, 1), D(2023, 6, 1)),
            "e": (ChallengeStatus.SELECTED, D(2023, 5, 1), D(2023, 7, 2)),  # after June
            "f": (ChallengeStatus.CONTRACTED, D(2022, 9, 1), D(2022, 12, 1)),  # last year
            "g": (ChallengeStatus.POSTED, None, None),
        }
        cls.made = {}
        for key, (status, published_on, decided_on) in dates.items():
            cls.made[key] = Challenge.objects.create(
                enterprise=cls.ent_a if key != "b" else cls.ent_b,
                challenge_list=cls.lst,
                title=f"榜题{key}",
                problem="问题",
                goal="目标",
                status=status,
                published_on=published_on,
                decided_on=decided_on,
            )

    def assert_source_lists_what_is_counted(self, user, code, region, expected):
        counted, shown, _ = listed(self, user, code, region, "2023-06")
        self.assertEqual(figures.value(code, region, "2023-06"), len(expected), code)
        self.assertEqual(counted, {self.made[k].pk for k in expected}, code)
        self.assertEqual(shown, counted, code)

    def test_the_county_staff_see_exactly_the_records_behind_each_count(self):
        self.assert_source_lists_what_is_counted(
            self.staff, "challenges.published", self.county, "abcde"
        )
        self.assert_source_lists_what_is_counted(self.staff, "challenges.taken", self.county, "bc")

    def test_a_township_counts_its_firms(self):
        self.assert_source_lists_what_is_counted(
            self.liaison_b, "challenges.taken", self.township_b, "b"
        )
        self.assert_source_lists_what_is_counted(
            self.viewer, "challenges.published", self.city, "abcde"
        )

    def test_display_and_source(self):
        rows = {r.code: r for r in figures.evaluate(self.county, "2023-06")}
        self.assertEqual(rows["challenges.taken"].display, "2项")
        self.assertEqual(
            rows["challenges.taken"].source,
            "/challenges/?region=331121&taken=true&decided_since=2023-01-01&decided_until=2023-06-30",
        )
        other = Region.objects.get(code="331122")
        self.assertEqual(figures.value("challenges.published", other, "2023-06"), 0)
