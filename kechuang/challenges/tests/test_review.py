"""Weighted review: three reviewers score two bids against the list's criteria; totals are
the mean of the weighted scores, two decimals half up; equal totals are reported as tied and
the selection needs a reason; reviewers score independently."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import SimpleTestCase

from kechuang.challenges import engine, services
from kechuang.challenges.choices import BidStatus, ChallengeStatus
from kechuang.challenges.models import Bid, Challenge
from kechuang.challenges.tests.base import ALL_80, ChallengeCastTestCase
from kechuang.core.choices import Role


def all_of(value) -> dict:
    return {k: str(value) for k in ALL_80}


class EngineTest(SimpleTestCase):
    def test_the_example_sheet_weights_sum_to_100(self):
        sheet = engine.sheet("example")
        self.assertEqual(sum(c.weight for c in sheet.criteria), 100)
        self.assertEqual(sheet.weighted(all_of(70)), Decimal(70))

    def test_the_total_is_the_mean_rounded_once_half_up(self):
        self.assertEqual(engine.bid_total([Decimal("80.02"), Decimal("80.03")]), Decimal("80.03"))
        self.assertEqual(
            engine.bid_total([Decimal("80"), Decimal("81"), Decimal("81")]), Decimal("80.67")
        )
        self.assertIsNone(engine.bid_total([]))

    def test_ties_share_a_place_and_are_reported(self):
        ranked = engine.rank(
            {"a": Decimal("80"), "b": Decimal("80"), "c": Decimal("70"), "d": None}
        )
        self.assertEqual(
            [(r.key, r.place, r.tied) for r in ranked],
            [("a", 1, True), ("b", 1, True), ("c", 3, False), ("d", None, False)],
        )
        self.assertTrue(engine.top_tied(ranked))

    def test_scores_are_checked_against_the_sheet(self):
        sheet = engine.sheet("example")
        scores = {**all_of(80), "team": "101", "price": "7.25", "extra": "1"}
        del scores["prospect"]
        _, errors = sheet.check(scores)
        self.assertEqual(
            errors,
            [
                "未知的评审项：extra",
                "“团队实力与研发基础”的分数应在 0–100 之间",
                "“报价合理性”的分数最多保留一位小数",
                "“成果转化与产业化前景”未评分",
            ],
        )


class WeightedReviewTest(ChallengeCastTestCase):
    """Bid A: 80, 90, 70 → 80.00. Bid B: 72, 85, 83 → 80.00. A tie."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.staff_2 = cls.make_user("staff_2", Role.STAFF, cls.county, full_name="周科员")

    def setUp(self):
        self.c = self.challenge(ChallengeStatus.REVIEWING)
        self.bid_a = self.bid(self.c, price="600000")
        self.bid_b = self.bid(self.c, institution=self.institution_2, price="500000")
        self.assign(self.c, self.staff, self.leader, self.staff_2)

    def score_all(self):
        b1 = {**all_of(60), "approach": "100"}
        b2 = {**all_of(80), "approach": "90", "team": "90"}
        for reviewer, a, b in (
            (self.staff, all_of(80), b1),
            (self.leader, all_of(90), b2),
            (self.staff_2, all_of(70), all_of(83)),
        ):
            services.review_save(actor=reviewer, bid=self.bid_a, scores=a, comment="方案可行")
            services.review_save(actor=reviewer, bid=self.bid_b, scores=b)

    def test_three_reviewers_tie_and_the_page_says_so(self):
        self.score_all()
        self.client.force_login(self.admin)
        page = self.client.get(f"/challenges/{self.c.pk}/")
        matrix = page.context["matrix"]
        rows = {r.bid.pk: r for r in matrix.rows}
        self.assertEqual(
            [c.weighted for c in rows[self.bid_b.pk].cells],
            [Decimal("72.00"), Decimal("85.00"), Decimal("83.00")],
        )
        self.assertEqual(rows[self.bid_a.pk].total, Decimal("80.00"))
        self.assertEqual(rows[self.bid_b.pk].total, Decimal("80.00"))
        self.assertEqual({r.place for r in matrix.rows}, {1})
        self.assertTrue(matrix.top_tied and matrix.complete)
        self.assertContains(page, "第1名（并列）", count=2)
        self.assertContains(page, "总分并列第一")
        self.assertContains(page, '<td class="text-end">100</td>', html=False)

    def test_a_tied_selection_takes_a_reason_and_decides_the_others(self):
        self.score_all()
        with self.assertRaises(ValidationError) as caught:
            services.bid_transition(actor=self.leader, bid=self.bid_b, status=BidStatus.SELECTED)
        self.assertIn("comment", caught.exception.message_dict)
        services.bid_transition(
            actor=self.leader,
            bid=self.bid_b,
            status=BidStatus.SELECTED,
            comment="总分并列，丽水学院报价更低且有中试条件",
        )
        self.assertEqual(Bid.objects.get(pk=self.bid_a.pk).status, BidStatus.NOT_SELECTED)
        challenge = Challenge.objects.get(pk=self.c.pk)
        self.assertEqual((challenge.status, str(challenge.decided_on)), ("selected", "2023-06-30"))

    def test_a_reviewer_sees_the_others_scores_only_after_scoring_every_bid(self):
        for reviewer in (self.staff, self.leader):
            services.review_save(actor=reviewer, bid=self.bid_a, scores=all_of(95))
            services.review_save(actor=reviewer, bid=self.bid_b, scores=all_of(65))
        self.client.force_login(self.staff_2)
        page = self.client.get(f"/challenges/{self.c.pk}/")
        self.assertTrue(page.context["matrix"].hidden)
        self.assertContains(page, "已提交（暂不可见）", count=4)
        self.assertNotContains(page, "95.00")
        services.review_save(actor=self.staff_2, bid=self.bid_a, scores=all_of(80))
        page = self.client.get(f"/challenges/{self.c.pk}/")
        self.assertTrue(page.context["matrix"].hidden)
        self.assertContains(page, "80.00")  # their own
        services.review_save(actor=self.staff_2, bid=self.bid_b, scores=all_of(80))
        page = self.client.get(f"/challenges/{self.c.pk}/")
        self.assertFalse(page.context["matrix"].hidden)
        self.assertContains(page, "95.00")

    def test_only_assigned_reviewers_score_within_the_sheet_while_under_review(self):
        other = self.make_user("staff_x", Role.STAFF, self.county)
        with self.assertRaises(PermissionDenied):
            services.review_save(actor=other, bid=self.bid_a, scores=all_of(80))
        with self.assertRaises(ValidationError) as caught:
            services.review_save(
                actor=self.staff, bid=self.bid_a, scores={**all_of(80), "team": "120"}
            )
        self.assertIn("scores", caught.exception.message_dict)
        Challenge.objects.filter(pk=self.c.pk).update(status=ChallengeStatus.CLOSED)
        with self.assertRaises(ValidationError):
            services.review_save(actor=self.staff, bid=self.bid_a, scores=all_of(80))

    def test_the_review_form_posts_one_score_per_criterion(self):
        self.client.force_login(self.staff)
        data = {f"score_{k}": "75" for k in ALL_80} | {"comment": "可行"}
        response = self.client.post(f"/challenges/bids/{self.bid_a.pk}/review/", data)
        self.assertRedirects(response, f"/challenges/{self.c.pk}/")
        review = self.bid_a.reviews.get(reviewer=self.staff)
        self.assertEqual(review.scores["approach"], "75")
        self.client.force_login(self.inst_user)
        response = self.client.get(f"/challenges/bids/{self.bid_a.pk}/review/")
        self.assertEqual(response.status_code, 403)
