"""Technology demands: who posts and sees them, status moves, the list and its query count."""

import datetime
from decimal import Decimal
from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.core.tests.cast import CastTestCase
from kechuang.transfer import services
from kechuang.transfer.choices import ChainStage, DemandStatus, Maturity
from kechuang.transfer.models import ChainNode, Demand, IndustryChain


class TransferCastTestCase(CastTestCase):
    """The cast plus a chain with a node, a demand of each firm and two achievements."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.chain = IndustryChain.objects.create(code="valve", name="阀门", region=cls.county)
        cls.node = ChainNode.objects.create(
            chain=cls.chain, name="阀体铸造", stage=ChainStage.MIDSTREAM, keywords="铸造 阀体"
        )
        cls.demand_a = services.demand_save(
            actor=cls.staff,
            code="XQ-A-001",
            title="高压阀门密封面耐磨涂层",
            description="需要提高阀门密封面耐磨性能的堆焊或涂层技术",
            enterprise=cls.ent_a,
            chain=cls.chain,
            node=cls.node,
            field="新材料",
            budget=Decimal("500000"),
        )
        cls.demand_b = services.demand_save(
            actor=cls.staff,
            code="XQ-B-001",
            title="鞋底材料轻量化",
            description="鞋底发泡材料减重",
            enterprise=cls.ent_b,
        )
        cls.achievement = services.achievement_save(
            actor=cls.staff,
            code="CG-001",
            title="激光熔覆耐磨涂层技术",
            abstract="用于阀门密封面的激光熔覆涂层",
            owner_institution=cls.institution,
            region=cls.county,
            maturity=Maturity.PILOT,
        )
        cls.achievement_2 = services.achievement_save(
            actor=cls.staff,
            code="CG-002",
            title="超临界发泡鞋材",
            abstract="轻量化发泡",
            owner_institution=cls.institution_2,
            region=cls.county,
            maturity=Maturity.LAB,
        )


class DemandServiceTest(TransferCastTestCase):
    def test_a_firm_user_posts_for_its_own_firm_only(self):
        demand = services.demand_save(
            actor=self.ent_user_a,
            code="XQ-A-002",
            title="t",
            description="d",
            enterprise=self.ent_a,
        )
        self.assertEqual(demand.status, DemandStatus.COLLECTED)
        with self.assertRaises(PermissionDenied):
            services.demand_save(
                actor=self.ent_user_a,
                code="XQ-B-002",
                title="t",
                description="d",
                enterprise=self.ent_b,
            )

    def test_it_refuses_a_liaison_the_firms_of_another_township(self):
        with self.assertRaises(PermissionDenied):
            services.demand_save(
                actor=self.liaison_b, code="X1", title="t", description="d", enterprise=self.ent_a
            )
        with self.assertRaises(PermissionDenied):
            services.demand_save(actor=self.liaison_b, demand=self.demand_a, title="改")
        services.demand_save(actor=self.liaison_a, demand=self.demand_a, title="改")
        self.assertEqual(Demand.objects.get(pk=self.demand_a.pk).title, "改")

    def test_it_refuses_institute_and_read_only_users(self):
        for user in (self.inst_user, self.commissioner, self.viewer):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                services.demand_save(
                    actor=user, code="X9", title="t", description="d", enterprise=self.ent_a
                )

    def test_transitions_follow_the_table(self):
        demand = services.demand_transition(
            actor=self.staff, demand=self.demand_a, status=DemandStatus.PUBLISHED
        )
        self.assertEqual(demand.status, DemandStatus.PUBLISHED)
        with self.assertRaises(ValidationError) as caught:
            services.demand_transition(
                actor=self.staff, demand=demand, status=DemandStatus.CONTRACTED
            )
        self.assertIn("需求状态不能从“已发布”改为“已签约”", caught.exception.messages[0])

    def test_a_firm_user_may_only_close_its_demand(self):
        with self.assertRaises(PermissionDenied):
            services.demand_transition(
                actor=self.ent_user_a, demand=self.demand_a, status=DemandStatus.PUBLISHED
            )
        demand = services.demand_transition(
            actor=self.ent_user_a, demand=self.demand_a, status=DemandStatus.CLOSED
        )
        self.assertEqual(demand.status, DemandStatus.CLOSED)

    def test_a_node_of_another_chain_is_refused(self):
        other = IndustryChain.objects.create(code="shoes", name="鞋服", region=self.county)
        with self.assertRaises(ValidationError):
            services.demand_save(actor=self.staff, demand=self.demand_a, chain=other)


SUGGESTED = [
    {
        "code": "CG-001",
        "title": "激光熔覆耐磨涂层技术",
        "score": 0.91,
        "terms": ["密封面", "耐磨"],
        "reasons": ["同属新材料领域", "产业链：阀门"],
    }
]


class DemandPageTest(TransferCastTestCase):
    def test_a_firm_sees_its_own_demands_and_404_on_another(self):
        self.client.force_login(self.ent_user_a)
        response = self.client.get("/transfer/demands/")
        self.assertContains(response, "XQ-A-001")
        self.assertNotContains(response, "XQ-B-001")
        self.assertEqual(self.client.get(f"/transfer/demands/{self.demand_b.pk}/").status_code, 404)

    def test_liaison_b_is_refused_township_a_demands(self):
        self.client.force_login(self.liaison_b)
        self.assertNotContains(self.client.get("/transfer/demands/"), "XQ-A-001")
        self.assertEqual(self.client.get(f"/transfer/demands/{self.demand_a.pk}/").status_code, 404)
        url = f"/transfer/demands/{self.demand_a.pk}/edit/"
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_filters_narrow_the_list(self):
        self.client.force_login(self.staff)
        response = self.client.get("/transfer/demands/", {"township": self.township_b.pk})
        self.assertContains(response, "XQ-B-001")
        self.assertNotContains(response, "XQ-A-001")
        response = self.client.get("/transfer/demands/", {"chain": self.chain.pk, "q": "密封"})
        self.assertContains(response, "XQ-A-001")
        self.assertNotContains(response, "XQ-B-001")
        response = self.client.get("/transfer/demands/", {"status": "closed"})
        self.assertNotContains(response, "XQ-A-001")

    def test_the_list_query_count_does_not_grow_with_rows(self):
        for i in range(40):
            services.demand_save(
                actor=self.staff,
                code=f"XQ-N-{i:03d}",
                title=f"需求{i}",
                description="d",
                enterprise=self.ent_a if i % 2 else self.ent_b,
                chain=self.chain,
                node=self.node,
            )
        self.client.force_login(self.staff)
        self.client.get("/transfer/demands/")
        with self.assertNumQueries(7):
            response = self.client.get("/transfer/demands/")
        self.assertEqual(len(response.context["page"].object_list), 30)

    def test_create_and_edit_through_the_pages(self):
        self.client.force_login(self.ent_user_a)
        response = self.client.post(
            "/transfer/demands/new/",
            {
                "code": "XQ-A-009",
                "title": "阀门智能检测",
                "description": "在线检测阀门泄漏",
                "budget": "12.5",
                "source": "form",
            },
        )
        demand = Demand.objects.get(code="XQ-A-009")
        self.assertRedirects(response, f"/transfer/demands/{demand.pk}/")
        self.assertEqual(demand.enterprise, self.ent_a)
        self.assertEqual(demand.budget, Decimal("125000.00"))
        response = self.client.get(f"/transfer/demands/{demand.pk}/edit/")
        self.assertContains(response, 'value="12.5"')

    def test_the_detail_shows_suggestions_with_terms_and_reasons(self):
        self.client.force_login(self.staff)
        with mock.patch(
            "kechuang.transfer.views.matches.suggestions", return_value=(SUGGESTED, "")
        ):
            response = self.client.get(f"/transfer/demands/{self.demand_a.pk}/")
        self.assertContains(response, "激光熔覆耐磨涂层技术")
        self.assertContains(response, "密封面")
        self.assertContains(response, "产业链：阀门")
        self.assertContains(response, "采纳")
        self.assertContains(response, "阀体铸造")

    def test_the_detail_renders_without_the_engine(self):
        self.client.force_login(self.staff)
        with mock.patch.dict("sys.modules", {"kechuang.transfer.matching": None}):
            response = self.client.get(f"/transfer/demands/{self.demand_a.pk}/")
        self.assertContains(response, "匹配索引尚未就绪")

    def test_status_buttons_answer_htmx_with_the_fragment(self):
        self.client.force_login(self.staff)
        url = f"/transfer/demands/{self.demand_a.pk}/status/"
        response = self.client.post(url, {"status": "contracted"}, HTTP_HX_REQUEST="true")
        self.assertContains(response, "需求状态不能从“已收集”改为“已签约”")
        response = self.client.post(url, {"status": "published"}, HTTP_HX_REQUEST="true")
        self.assertContains(response, "已发布")
        self.assertNotContains(response, "<html")

    def test_the_firm_record_page_lists_its_demands(self):
        self.client.force_login(self.staff)
        response = self.client.get(f"/enterprises/{self.ent_a.pk}/")
        self.assertContains(response, "技术需求")
        self.assertContains(response, "XQ-A-001")


class DemandApiTest(TransferCastTestCase):
    def codes(self, user, **params):
        self.client.force_login(user)
        response = self.client.get("/api/demands/", params)
        self.assertEqual(response.status_code, 200)
        return sorted(row["code"] for row in response.json()["results"])

    def test_scoping_and_filters_match_the_pages(self):
        self.assertEqual(self.codes(self.ent_user_a), ["XQ-A-001"])
        self.assertEqual(self.codes(self.liaison_b), ["XQ-B-001"])
        self.assertEqual(self.codes(self.staff), ["XQ-A-001", "XQ-B-001"])
        self.assertEqual(self.codes(self.staff, chain=self.chain.pk), ["XQ-A-001"])
        self.assertEqual(self.codes(self.inst_user), [])

    def test_liaison_b_gets_404_on_township_a(self):
        self.client.force_login(self.liaison_b)
        response = self.client.get(f"/api/demands/{self.demand_a.pk}/")
        self.assertEqual(response.status_code, 404)
        response = self.client.patch(
            f"/api/demands/{self.demand_a.pk}/", {"title": "x"}, content_type="application/json"
        )
        self.assertEqual(response.status_code, 404)

    def test_a_firm_user_posts_its_own_and_not_another(self):
        self.client.force_login(self.ent_user_a)
        body = {"code": "API-1", "title": "t", "description": "d"}
        response = self.client.post(
            "/api/demands/",
            {**body, "enterprise": self.ent_b.credit_code},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn(self.ent_b.credit_code, response.json()["enterprise"][0])
        response = self.client.post(
            "/api/demands/",
            {**body, "enterprise": self.ent_a.credit_code},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["status"], "collected")

    def test_deadline_is_a_date(self):
        self.client.force_login(self.staff)
        response = self.client.patch(
            f"/api/demands/{self.demand_a.pk}/",
            {"deadline": "2023-12-31"},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(
            Demand.objects.get(pk=self.demand_a.pk).deadline, datetime.date(2023, 12, 31)
        )
