"""The challenge and bid workflows: every transition allowed and refused (wrong state,
wrong role, other scope), and what a move does to the related records."""

from django.core.exceptions import ValidationError

from kechuang.challenges.choices import BidStatus, ChallengeStatus
from kechuang.challenges.models import Bid, Challenge
from kechuang.challenges.tests.base import ChallengeCastTestCase
from kechuang.core import workflow
from kechuang.core.tests.workflow_table import DAY, WorkflowTable


class ChallengeWorkflowTest(WorkflowTable, ChallengeCastTestCase):
    model = Challenge

    def record_in(self, state):
        challenge = self.challenge(state)
        if state == ChallengeStatus.CLOSED:
            self.bid(challenge)
            self.assign(challenge, self.staff)
        elif state in (ChallengeStatus.PUBLISHED, ChallengeStatus.REVIEWING):
            self.bid(challenge)
        return challenge

    def after_move(self, challenge, transition):
        if transition.target == ChallengeStatus.FAILED:
            self.assertEqual(challenge.decided_on, DAY)
            statuses = set(challenge.bids.values_list("status", flat=True))
            self.assertEqual(statuses, {BidStatus.NOT_SELECTED})

    def test_publishing_needs_a_published_list(self):
        challenge = self.challenge(ChallengeStatus.REFINED, lst=False)
        with self.assertRaises(ValidationError) as caught:
            workflow.take(self.staff, challenge, ChallengeStatus.PUBLISHED)
        self.assertIn("challenge_list", caught.exception.message_dict)
        self.assert_unchanged(challenge, ChallengeStatus.REFINED)

    def test_review_needs_bids_and_reviewers(self):
        challenge = self.challenge(ChallengeStatus.CLOSED)
        with self.assertRaises(ValidationError) as caught:
            workflow.take(self.staff, challenge, ChallengeStatus.REVIEWING)
        self.assertEqual(
            caught.exception.message_dict["status"],
            ["没有有效投标，无法评审（可改为流榜）", "请先指派评审人"],
        )
        self.assert_unchanged(challenge, ChallengeStatus.CLOSED)

    def test_nobody_selects_or_contracts_a_challenge_directly(self):
        for source, target in (
            (ChallengeStatus.REVIEWING, ChallengeStatus.SELECTED),
            (ChallengeStatus.SELECTED, ChallengeStatus.CONTRACTED),
        ):
            with self.subTest(target=target):
                challenge = self.challenge(source)
                with self.assertRaises(ValidationError):
                    workflow.take(self.admin, challenge, target)


class BidWorkflowTest(WorkflowTable, ChallengeCastTestCase):
    model = Bid

    def record_in(self, state):
        """A bid of the institute user's institution on a challenge under review, scored by
        its one reviewer: selection's conditions hold."""
        challenge = self.challenge(ChallengeStatus.REVIEWING)
        bid = self.bid(challenge, status=state)
        self.assign(challenge, self.staff)
        self.review(bid, self.staff)
        return bid

    def after_move(self, bid, transition):
        challenge = Challenge.objects.get(pk=bid.challenge_id)
        if transition.target == BidStatus.SELECTED:
            self.assertEqual((challenge.status, challenge.decided_on), ("selected", DAY))
            row = workflow.history_of(challenge)[-1]
            self.assertTrue(row.automatic)
            self.assertEqual(row.comment, "浙江理工大学青田研究院中选")
        else:
            self.assertEqual(challenge.status, ChallengeStatus.REVIEWING)

    def test_selecting_before_the_review_is_complete_is_refused(self):
        challenge = self.challenge(ChallengeStatus.REVIEWING)
        bid = self.bid(challenge)
        other = self.bid(challenge, institution=self.institution_2)
        self.assign(challenge, self.staff, self.leader)
        self.review(bid, self.staff)
        self.review(bid, self.leader)
        self.review(other, self.staff)
        with self.assertRaises(ValidationError) as caught:
            workflow.take(self.staff, bid, BidStatus.SELECTED, comment="最优")
        message = caught.exception.message_dict["status"][0]
        self.assertIn("还有1份评分未提交", message)
        self.assertIn("李局长（丽水学院）", message)
        self.assert_unchanged(bid, BidStatus.SUBMITTED)

    def test_selecting_on_a_challenge_not_under_review_is_refused(self):
        challenge = self.challenge(ChallengeStatus.CLOSED)
        bid = self.bid(challenge)
        self.assign(challenge, self.staff)
        self.review(bid, self.staff)
        with self.assertRaises(ValidationError):
            workflow.take(self.staff, bid, BidStatus.SELECTED, comment="最优")
        self.assert_unchanged(bid, BidStatus.SUBMITTED)

    def test_selection_needs_a_reason(self):
        bid = self.record_in(BidStatus.SUBMITTED)
        with self.assertRaises(ValidationError) as caught:
            workflow.take(self.staff, bid, BidStatus.SELECTED)
        self.assertIn("comment", caught.exception.message_dict)
