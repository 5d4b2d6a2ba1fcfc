"""REST API of matches, feedback, chains, chain links and matchmaking events."""

import datetime

from kechuang.core.tests.test_api import ApiTestCase
from kechuang.transfer import chains, services
from kechuang.transfer.choices import ChainStage, Maturity
from kechuang.transfer.models import (
    ChainNode,
    IndustryChain,
    Match,
    MatchFeedback,
    MatchmakingEvent,
)

DAY = datetime.date(2023, 3, 1)


class TransferApiTestCase(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.chain = chains.chain_save(actor=cls.staff, code="valve", name="阀门", region=cls.county)
        cls.node = chains.chain_node_save(
            actor=cls.staff, chain=cls.chain, name="密封件", stage=ChainStage.UPSTREAM
        )
        cls.demand_a = cls.demand("XQ-A", cls.ent_a)
        cls.demand_b = cls.demand("XQ-B", cls.ent_b)
        cls.achievement = services.achievement_save(
            actor=cls.staff,
            code="CG-1",
            title="激光熔覆",
            abstract="涂层",
            owner_institution=cls.institution,
            region=cls.county,
            maturity=Maturity.PILOT,
        )
        cls.achievement_2 = services.achievement_save(
            actor=cls.staff,
            code="CG-2",
            title="发泡鞋材",
            abstract="轻量化",
            owner_institution=cls.institution_2,
            region=cls.county,
            maturity=Maturity.LAB,
        )
        cls.match_a = Match.objects.create(
            demand=cls.demand_a,
            achievement=cls.achievement,
            recommended_on=DAY,
            accepted_by=cls.staff,
        )
        cls.match_b = Match.objects.create(
            demand=cls.demand_b,
            achievement=cls.achievement,
            recommended_on=DAY,
            accepted_by=cls.staff,
        )
        cls.event = chains.event_save(
            actor=cls.staff, title="阀门对接会", held_on=DAY, place="温溪", region=cls.county
        )

    @classmethod
    def demand(cls, code, enterprise):
        return services.demand_save(
            actor=cls.staff, code=code, title=code, description="描述", enterprise=enterprise
        )


class MatchApiTest(TransferApiTestCase):
    URL = "/api/matches/"

    def test_the_list_is_scoped(self):
        self.assertEqual(self.ids(self.staff, self.URL), {self.match_a.pk, self.match_b.pk})
        self.assertEqual(self.ids(self.liaison_a, self.URL), {self.match_a.pk})
        self.assertEqual(self.ids(self.ent_user_a, self.URL), {self.match_a.pk})
        for user in (self.staff, self.liaison_b):
            self.assertEqual(
                self.call(user, "get", f"{self.URL}{self.other_match.pk}/").status_code, 404
            )

    def test_a_transition_goes_through_the_service_and_is_audited(self):
        url = f"{self.URL}{self.match_a.pk}/transition/"
        response = self.call(
            self.liaison_a, "post", url, {"status": "contacted", "on": "2023-03-05"}
        )
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual((body["status"], body["contacted_on"]), ("contacted", "2023-03-05"))
        self.match_a.refresh_from_db()
        self.assertTrue(self.audited_by(self.match_a, self.liaison_a))
        response = self.call(self.liaison_a, "post", url, {"status": "recommended"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("status", response.json())

    def test_refusals(self):
        url = f"{self.URL}{self.match_a.pk}/transition/"
        for user in (self.ent_user_a, self.viewer, self.commissioner):
            with self.subTest(user=user.username):
                self.assertEqual(
                    self.call(user, "post", url, {"status": "contacted"}).status_code, 403
                )
        self.assertEqual(
            self.call(self.liaison_b, "post", url, {"status": "contacted"}).status_code, 404
        )
        other = f"{self.URL}{self.other_match.pk}/transition/"
        self.assertEqual(
            self.call(self.staff, "post", other, {"status": "contacted"}).status_code, 404
        )
        self.assertEqual(set(Match.objects.values_list("status", flat=True)), {"recommended"})

    def test_accepting_takes_the_engines_word_not_the_callers(self):
        demand = services.demand_save(
            actor=self.staff,
            code="XQ-C",
            title="激光熔覆涂层",
            description="需要激光熔覆涂层技术",
            enterprise=self.ent_a,
        )
        body = {
            "demand": demand.pk,
            "achievement": self.achievement.pk,
            "score": "99",
            "terms": ["伪造"],
        }
        response = self.call(self.staff, "post", self.URL, body)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertNotIn("伪造", response.json()["terms"])
        self.assertLess(float(response.json()["score"]), 99)
        stored = Match.objects.get(demand=demand, achievement=self.achievement)
        self.assertEqual(stored.history.latest().history_user, self.staff)
        # A pair the engine does not suggest is refused, naming the achievement.
        response = self.call(
            self.staff,
            "post",
            self.URL,
            {"demand": demand.pk, "achievement": self.achievement_2.pk},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("achievement", response.json())

    def test_only_staff_and_liaisons_accept(self):
        body = {"demand": self.demand_a.pk, "achievement": self.achievement_2.pk}
        for user in (self.ent_user_a, self.viewer, self.inst_user):
            with self.subTest(user=user.username):
                self.assertIn(self.call(user, "post", self.URL, body).status_code, (403, 400))

    def test_filters_work(self):
        self.assertEqual(
            self.ids(self.staff, self.URL, township=self.township_b.pk), {self.match_b.pk}
        )
        self.assertEqual(self.ids(self.staff, self.URL, q="XQ-A"), {self.match_a.pk})
        self.assertEqual(self.ids(self.staff, self.URL, status="contacted"), set())

    def test_the_list_query_count_does_not_grow(self):
        def add():
            for i in range(3):
                demand = self.demand(f"XQ-N{i}", self.ent_a)
                Match.objects.create(
                    demand=demand,
                    achievement=self.achievement,
                    recommended_on=DAY,
                    accepted_by=self.staff,
                )

        self.assert_list_queries_constant(self.staff, self.URL, add)


class MatchFeedbackApiTest(TransferApiTestCase):
    URL = "/api/match-feedback/"

    def test_staff_turn_a_suggestion_down(self):
        body = {
            "demand": self.demand_a.pk,
            "achievement": self.achievement_2.pk,
            "reason": "too_early",
        }
        response = self.call(self.staff, "post", self.URL, body)
        self.assertEqual(response.status_code, 201, response.content)
        feedback = MatchFeedback.objects.get(pk=response.json()["id"])
        self.assertEqual(feedback.created_by, self.staff)
        self.assertTrue(self.audited_by(feedback, self.staff))
        self.assertEqual(self.ids(self.liaison_a, self.URL, demand=self.demand_a.pk), {feedback.pk})
        self.assertEqual(self.ids(self.liaison_b, self.URL), set())

    def test_refusals(self):
        body = {"demand": self.demand_a.pk, "achievement": self.achievement_2.pk, "reason": "cost"}
        self.assertEqual(self.call(self.ent_user_a, "post", self.URL, body).status_code, 403)
        response = self.call(self.liaison_b, "post", self.URL, body)
        self.assertEqual(response.status_code, 400)
        self.assertIn("demand", response.json())
        body = {**body, "achievement": self.other_achievement.pk}
        response = self.call(self.staff, "post", self.URL, body)
        self.assertEqual(response.status_code, 400)
        self.assertIn("achievement", response.json())
        self.assertEqual(MatchFeedback.objects.count(), 0)


class ChainApiTest(TransferApiTestCase):
    URL = "/api/chains/"

    def test_the_list_is_scoped(self):
        self.assertEqual(self.ids(self.staff, self.URL), {self.chain.pk})
        # The county's chains are read by its firms too; another county's are not.
        self.assertEqual(self.ids(self.ent_user_a, self.URL), {self.chain.pk})
        self.assertEqual(
            self.call(self.staff, "get", f"{self.URL}{self.other_chain.pk}/").status_code, 404
        )
        row = self.call(self.staff, "get", f"{self.URL}{self.chain.pk}/").json()
        self.assertEqual((row["region"], row["node_count"]), ("331121", 1))

    def test_staff_create_and_change_a_chain_through_the_service(self):
        body = {"code": "shoes", "name": "鞋服", "region": "331121"}
        response = self.call(self.staff, "post", self.URL, body)
        self.assertEqual(response.status_code, 201, response.content)
        chain = IndustryChain.objects.get(code="shoes")
        self.assertTrue(self.audited_by(chain, self.staff))
        response = self.call(self.leader, "patch", f"{self.URL}{chain.pk}/", {"name": "鞋服时尚"})
        self.assertEqual(response.status_code, 200, response.content)
        chain.refresh_from_db()
        self.assertEqual(chain.name, "鞋服时尚")
        self.assertTrue(self.audited_by(chain, self.leader))

    def test_refusals(self):
        body = {"code": "x", "name": "x", "region": "331121"}
        for user in (self.liaison_a, self.ent_user_a, self.viewer):
            with self.subTest(user=user.username):
                self.assertEqual(self.call(user, "post", self.URL, body).status_code, 403)
        response = self.call(self.staff, "post", self.URL, {**body, "region": "331102"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("region", response.json())
        url = f"{self.URL}{self.other_chain.pk}/"
        self.assertEqual(self.call(self.staff, "patch", url, {"name": "越权"}).status_code, 404)
        self.assertEqual(IndustryChain.objects.count(), 2)

    def test_nodes_are_scoped_and_filtered(self):
        self.assertEqual(self.ids(self.staff, "/api/chain-nodes/"), {self.node.pk})
        self.assertEqual(
            self.ids(self.staff, "/api/chain-nodes/", chain=self.other_chain.pk), set()
        )
        url = f"/api/chain-nodes/{self.other_node.pk}/"
        self.assertEqual(self.call(self.staff, "get", url).status_code, 404)

    def test_staff_add_and_change_links_through_the_service(self):
        body = {"chain": self.chain.pk, "name": "阀体铸造", "stage": "midstream"}
        response = self.call(self.staff, "post", "/api/chain-nodes/", body)
        self.assertEqual(response.status_code, 201, response.content)
        node = ChainNode.objects.get(name="阀体铸造")
        self.assertEqual(node.history.latest().history_user, self.staff)
        url = f"/api/chain-nodes/{node.pk}/"
        response = self.call(self.staff, "patch", url, {"keywords": "铸造 阀体"})
        self.assertEqual(response.status_code, 200, response.content)
        response = self.call(self.staff, "patch", url, {"chain": self.other_chain.pk})
        self.assertEqual(response.status_code, 400)
        self.assertIn("chain", response.json())
        for user in (self.liaison_a, self.ent_user_a):
            with self.subTest(user=user.username):
                self.assertEqual(self.call(user, "patch", url, {"name": "x"}).status_code, 403)
                self.assertEqual(
                    self.call(user, "post", "/api/chain-nodes/", body).status_code, 403
                )
        node.refresh_from_db()
        self.assertEqual((node.name, node.keywords), ("阀体铸造", "铸造 阀体"))

    def test_the_list_query_count_does_not_grow(self):
        def add():
            for i in range(3):
                chains.chain_save(actor=self.staff, code=f"c{i}", name=f"链{i}", region=self.county)

        self.assert_list_queries_constant(self.staff, self.URL, add)


class EventApiTest(TransferApiTestCase):
    URL = "/api/events/"

    def test_the_list_is_scoped(self):
        self.assertEqual(self.ids(self.staff, self.URL), {self.event.pk})
        self.assertEqual(self.ids(self.ent_user_a, self.URL), set())
        self.assertEqual(
            self.call(self.staff, "get", f"{self.URL}{self.other_event.pk}/").status_code, 404
        )

    def test_staff_record_an_event_with_participants(self):
        body = {
            "title": "对接会",
            "held_on": "2023-05-18",
            "place": "鹤城",
            "region": "331121",
            "enterprises": [self.ent_a.pk],
            "institutions": [self.institution.pk],
            "demands": [self.demand_a.pk],
            "matches": [self.match_a.pk],
        }
        response = self.call(self.staff, "post", self.URL, body)
        self.assertEqual(response.status_code, 201, response.content)
        event = MatchmakingEvent.objects.get(pk=response.json()["id"])
        self.assertEqual(list(event.demands.all()), [self.demand_a])
        self.assertTrue(self.audited_by(event, self.staff))

    def test_another_countys_participants_are_refused(self):
        base = {"title": "越界", "held_on": "2023-05-18", "place": "x", "region": "331121"}
        for field, value in (
            ("enterprises", [self.other_ent.pk]),
            ("institutions", [self.other_inst.pk]),
            ("demands", [self.other_demand.pk]),
            ("matches", [self.other_match.pk]),
        ):
            with self.subTest(field=field):
                response = self.call(self.staff, "post", self.URL, {**base, field: value})
                self.assertEqual(response.status_code, 400)
                self.assertIn(field, response.json())
        self.assertFalse(MatchmakingEvent.objects.filter(title="越界").exists())
        self.assertEqual(self.call(self.liaison_a, "post", self.URL, base).status_code, 403)

    def test_filters_work(self):
        self.assertEqual(self.ids(self.staff, self.URL, q="阀门"), {self.event.pk})
        self.assertEqual(self.ids(self.staff, self.URL, held_after="2023-04-01"), set())

    def test_the_list_query_count_does_not_grow(self):
        def add():
            for i in range(3):
                event = chains.event_save(
                    actor=self.staff,
                    title=f"会{i}",
                    held_on=DAY,
                    place="x",
                    region=self.county,
                    enterprises=[self.ent_a, self.ent_b],
                )
                del event

        self.assert_list_queries_constant(self.staff, self.URL, add)


class DemandPatchAnswerTest(TransferApiTestCase):
    def test_a_partial_update_answers_every_field_of_the_record(self):
        response = self.call(
            self.staff, "patch", f"/api/demands/{self.demand_a.pk}/", {"title": "新标题"}
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["title"], "新标题")
        self.assertEqual(response.json()["chain_name"], "")
