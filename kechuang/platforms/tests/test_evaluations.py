"""Annual evaluations: scores checked against the score sheet, the grade at each band's
boundary, and revocation of a recognised platform graded 不合格."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.core import workflow
from kechuang.core.tests.cast import CastTestCase
from kechuang.platforms import services, sheets
from kechuang.platforms.choices import Grade, PlatformStatus, PlatformType
from kechuang.platforms.tests.helpers import make_platform

SHEET = "zj-enterprise-institute-eval-2017"
ON = datetime.date(2024, 3, 20)


def scores(total: str) -> dict:
    """Item scores of the enterprise-institute sheet adding up to `total` (max 25 each)."""
    rest = Decimal(total) - 75
    return {"conditions": "25", "results": "25", "performance": "25", "contribution": str(rest)}


class EvaluationTest(CastTestCase):
    def evaluate(self, platform, total, year=2023, actor=None):
        return services.evaluation_save(
            actor=actor or self.staff,
            platform=platform,
            year=year,
            sheet=SHEET,
            scores=scores(total) if isinstance(total, str) else total,
            evaluated_on=ON,
        )

    def test_grades_at_the_band_boundaries(self):
        sheet = sheets.load_sheet(SHEET)
        self.assertTrue(sheet.example)
        cases = [("100", Grade.EXCELLENT), ("85", Grade.EXCELLENT), ("84.9", Grade.PASS),
                 ("79", Grade.PASS)]  # fmt: skip
        platform = make_platform(self, status=PlatformStatus.RECOGNISED)
        for n, (total, grade) in enumerate(cases):
            evaluation = self.evaluate(platform, total, year=2010 + n)
            self.assertEqual((evaluation.total, evaluation.grade), (Decimal(total), grade))
        low = {"conditions": "15", "results": "15", "performance": "15", "contribution": "15"}
        self.assertEqual(self.evaluate(platform, low, year=2030).grade, Grade.PASS)
        low["contribution"] = "14.9"
        self.assertEqual(self.evaluate(platform, low, year=2031).grade, Grade.FAIL)

    def test_fail_revokes_a_recognised_platform_through_the_workflow(self):
        platform = make_platform(self, status=PlatformStatus.RECOGNISED)
        fail = {"conditions": "10", "results": "10", "performance": "10", "contribution": "10"}
        self.evaluate(platform, fail)
        platform.refresh_from_db()
        self.assertEqual((platform.status, platform.revoked_on), (PlatformStatus.REVOKED, ON))
        log = workflow.history_of(platform)[-1]
        self.assertTrue(log.automatic)
        self.assertEqual(log.comment, "2023年度评价不合格（40.0分）")

    def test_fail_while_preparing_is_recorded_without_revoking(self):
        platform = make_platform(self, status=PlatformStatus.PREPARING)
        fail = {"conditions": "0", "results": "0", "performance": "0", "contribution": "0"}
        self.assertEqual(self.evaluate(platform, fail).grade, Grade.FAIL)
        platform.refresh_from_db()
        self.assertEqual(platform.status, PlatformStatus.PREPARING)

    def test_scores_are_checked_against_the_sheet_naming_each_item(self):
        platform = make_platform(self, status=PlatformStatus.RECOGNISED)
        bad = {"conditions": "26", "results": "x", "performance": "1.25", "other": "1"}
        with self.assertRaises(ValidationError) as caught:
            self.evaluate(platform, bad)
        self.assertEqual(
            caught.exception.message_dict["scores"],
            [
                "“研发条件”的得分应在 0 至 25 分之间",
                "“研发成果”的得分应为数字",
                "“绩效”的得分最多一位小数",
                "缺少“产业贡献”的得分",
                "评分表中没有“other”这一项",
            ],
        )
        platform.refresh_from_db()
        self.assertEqual(platform.status, PlatformStatus.RECOGNISED)

    def test_a_sheet_of_another_type_or_a_planned_platform_is_refused(self):
        complex_ = make_platform(
            self, status=PlatformStatus.RECOGNISED, type=PlatformType.SERVICE_COMPLEX
        )
        with self.assertRaises(ValidationError) as caught:
            self.evaluate(complex_, "80")
        self.assertIn("sheet", caught.exception.message_dict)
        with self.assertRaises(ValidationError) as caught:
            self.evaluate(make_platform(self), "80")
        self.assertIn("platform", caught.exception.message_dict)

    def test_only_the_bureau_of_the_platforms_region_evaluates(self):
        platform = make_platform(self, status=PlatformStatus.RECOGNISED)
        for user in (self.liaison_a, self.ent_user_a, self.viewer):
            with self.assertRaises(PermissionDenied):
                self.evaluate(platform, "80", actor=user)
        self.assertFalse(platform.evaluations.exists())
