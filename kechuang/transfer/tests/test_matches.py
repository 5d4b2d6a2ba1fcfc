"""Accepting and rejecting suggestions, the pipeline's transitions and who sees the board."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.transfer import services
from kechuang.transfer.choices import DemandStatus, MatchStatus, RejectReason
from kechuang.transfer.models import Demand, Match, MatchFeedback
from kechuang.transfer.tests.test_demands import TransferCastTestCase

DAY = datetime.date(2023, 3, 1)


class MatchServiceTest(TransferCastTestCase):
    def accept(self, user=None, demand=None, achievement=None):
        return services.match_accept(
            actor=user or self.staff,
            demand=demand or self.demand_a,
            achievement=achievement or self.achievement,
            on=DAY,
        )

    def test_accepting_creates_a_recommended_match_and_matches_the_demand(self):
        match = self.accept()
        self.assertEqual(match.status, MatchStatus.RECOMMENDED)
        # What the engine says of the pair, computed on the server.
        self.assertIn("耐磨", match.terms)
        self.assertGreater(match.score, 0)
        self.assertTrue(any("耐磨" in r for r in match.reasons))
        self.assertEqual(match.accepted_by, self.staff)
        self.assertEqual(Demand.objects.get(pk=self.demand_a.pk).status, DemandStatus.MATCHED)

    def test_the_same_pair_is_not_accepted_twice(self):
        self.accept()
        with self.assertRaises(ValidationError):
            self.accept()

    def test_rejecting_records_structured_feedback(self):
        feedback = services.match_reject(
            actor=self.liaison_a,
            demand=self.demand_a,
            achievement=self.achievement_2,
            reason=RejectReason.NOT_RELEVANT,
            note="鞋材与阀门无关",
        )
        self.assertEqual(feedback.get_reason_display(), "与需求不相关")
        self.assertEqual(Demand.objects.get(pk=self.demand_a.pk).status, DemandStatus.COLLECTED)
        with self.assertRaises(ValidationError):
            services.match_reject(
                actor=self.staff,
                demand=self.demand_a,
                achievement=self.achievement_2,
                reason="bogus",
            )

    def test_a_rejected_accepted_pair_is_refused(self):
        self.accept()
        with self.assertRaises(ValidationError):
            services.match_reject(
                actor=self.staff,
                demand=self.demand_a,
                achievement=self.achievement,
                reason=RejectReason.COST,
            )

    def test_it_refuses_other_townships_and_firm_users(self):
        with self.assertRaises(PermissionDenied):
            self.accept(user=self.liaison_b)
        with self.assertRaises(PermissionDenied):
            self.accept(user=self.ent_user_a)

    def test_the_pipeline_dates_each_step_and_moves_the_demand(self):
        match = self.accept()
        match = services.match_transition(
            actor=self.staff, match=match, status=MatchStatus.CONTACTED, on=DAY
        )
        self.assertEqual(match.contacted_on, DAY)
        later = datetime.date(2023, 4, 1)
        match = services.match_transition(
            actor=self.liaison_a, match=match, status=MatchStatus.NEGOTIATING, on=later
        )
        self.assertEqual(match.negotiating_on, later)
        self.assertEqual(Demand.objects.get(pk=self.demand_a.pk).status, DemandStatus.NEGOTIATING)
        match = services.match_transition(
            actor=self.staff, match=match, status=MatchStatus.CONTRACTED, on=later
        )
        self.assertEqual(match.closed_on, later)
        self.assertEqual(Demand.objects.get(pk=self.demand_a.pk).status, DemandStatus.CONTRACTED)

    def test_refused_moves_name_both_statuses(self):
        match = self.accept()
        with self.assertRaises(ValidationError) as caught:
            services.match_transition(actor=self.staff, match=match, status=MatchStatus.CONTRACTED)
        self.assertIn("对接状态不能从“已推荐”改为“已签约”", caught.exception.messages[0])
        dropped = services.match_transition(
            actor=self.staff, match=match, status=MatchStatus.DROPPED, on=DAY
        )
        self.assertEqual(dropped.closed_on, DAY)
        self.assertEqual(Demand.objects.get(pk=self.demand_a.pk).status, DemandStatus.PUBLISHED)
        with self.assertRaises(ValidationError):
            services.match_transition(actor=self.staff, match=dropped, status=MatchStatus.CONTACTED)

    def test_liaison_b_may_not_move_township_a_matches(self):
        match = self.accept()
        with self.assertRaises(PermissionDenied):
            services.match_transition(
                actor=self.liaison_b, match=match, status=MatchStatus.CONTACTED
            )


class MatchPageTest(TransferCastTestCase):
    def post_suggestion(self, action, **data):
        self.client.force_login(self.staff)
        return self.client.post(
            f"/transfer/demands/{self.demand_a.pk}/{action}/",
            {"achievement": self.achievement.pk, **data},
            HTTP_HX_REQUEST="true",
        )

    def test_accept_button_answers_with_the_row(self):
        response = self.post_suggestion("accept")
        self.assertContains(response, "已采纳")
        self.assertContains(response, "耐磨")

    def test_a_forged_engine_result_in_the_post_is_ignored(self):
        self.post_suggestion("accept", score="99", terms='["伪造"]', reasons='["伪造的理由"]')
        match = Match.objects.get(demand=self.demand_a)
        self.assertNotIn("伪造", match.terms)
        self.assertNotIn("伪造的理由", match.reasons)
        self.assertLess(match.score, 99)
        self.assertIn("耐磨", match.terms)

    def test_an_achievement_the_firm_may_not_read_is_neither_suggested_nor_accepted(self):
        from kechuang.transfer.models import Achievement

        Achievement.objects.filter(pk=self.achievement.pk).update(published=False)
        self.client.force_login(self.staff)
        page = self.client.get(f"/transfer/demands/{self.demand_a.pk}/")
        self.assertNotIn(self.achievement.code, [s["code"] for s in page.context["suggestions"]])
        with self.assertRaises(ValidationError):
            services.match_accept(
                actor=self.staff, demand=self.demand_a, achievement=self.achievement
            )
        self.assertFalse(Match.objects.exists())

    def test_reject_button_records_the_reason(self):
        response = self.post_suggestion("reject", reason="too_early", note="尚在实验室")
        self.assertContains(response, "不采纳：成果尚不成熟")
        self.assertEqual(MatchFeedback.objects.get().note, "尚在实验室")

    def test_liaison_b_is_refused_the_buttons(self):
        self.client.force_login(self.liaison_b)
        response = self.client.post(
            f"/transfer/demands/{self.demand_a.pk}/accept/", {"achievement": self.achievement.pk}
        )
        self.assertEqual(response.status_code, 404)

    def test_the_board_shows_columns_with_counts_and_moves(self):
        match = services.match_accept(
            actor=self.staff, demand=self.demand_a, achievement=self.achievement, on=DAY
        )
        services.match_accept(
            actor=self.staff, demand=self.demand_b, achievement=self.achievement_2, on=DAY
        )
        self.client.force_login(self.liaison_a)
        response = self.client.get("/transfer/matches/")
        columns = {c["status"]: c for c in response.context["columns"]}
        self.assertEqual(columns["recommended"]["count"], 1)
        self.assertContains(response, "高压阀门密封面耐磨涂层")
        self.assertNotContains(response, "鞋底材料轻量化")
        response = self.client.post(
            f"/transfer/matches/{match.pk}/status/",
            {"status": "contacted"},
            HTTP_HX_REQUEST="true",
        )
        self.assertEqual(response.status_code, 200)
        columns = {c["status"]: c for c in response.context["columns"]}
        self.assertEqual(columns["contacted"]["count"], 1)
        response = self.client.post(
            f"/transfer/matches/{match.pk}/status/",
            {"status": "contracted"},
            HTTP_HX_REQUEST="true",
        )
        self.assertContains(response, "对接状态不能从“已对接”改为“已签约”")

    def test_a_firm_user_sees_its_own_matches_without_buttons(self):
        services.match_accept(actor=self.staff, demand=self.demand_a, achievement=self.achievement)
        services.match_accept(
            actor=self.staff, demand=self.demand_b, achievement=self.achievement_2
        )
        self.client.force_login(self.ent_user_a)
        response = self.client.get("/transfer/matches/")
        self.assertContains(response, "高压阀门密封面耐磨涂层")
        self.assertNotContains(response, "鞋底材料轻量化")
        self.assertFalse(response.context["may_manage"])
