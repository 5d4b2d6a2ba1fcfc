"""Who sees what of the board: bids stay between their institution and the bureau (the firm
reads the selected one); drafts stay with their firm and the bureau; private fields with
those who may edit the challenge; every linked record is re-checked by the services."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.challenges import services
from kechuang.challenges.choices import BidStatus, ChallengeStatus
from kechuang.challenges.tests.base import ChallengeCastTestCase, D
from kechuang.core.choices import Role
from kechuang.core.models import Region
from kechuang.transfer.models import Achievement, Demand

BID_FIELDS = {
    "approach": "激光熔覆",
    "team": "赵教授",
    "milestones": [{"title": "中试", "due_on": "2023-12-31"}],
    "price": Decimal("600000"),
}


class BidScopeTest(ChallengeCastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.inst_user_2 = cls.make_user(
            "inst_user_2", Role.INSTITUTE, cls.county, institution=cls.institution_2
        )
        cls.ent_user_b = cls.make_user(
            "ent_user_b", Role.ENTERPRISE, cls.township_b, enterprise=cls.ent_b
        )

    def setUp(self):
        self.c = self.challenge(ChallengeStatus.PUBLISHED)
        self.mine = services.bid_save(actor=self.inst_user, challenge=self.c, **BID_FIELDS)

    def test_another_institution_never_sees_a_bid_or_its_price(self):
        self.client.force_login(self.inst_user_2)
        self.assertEqual(self.client.get(f"/challenges/bids/{self.mine.pk}/").status_code, 404)
        self.assertEqual(self.client.get(f"/api/bids/{self.mine.pk}/").status_code, 404)
        self.assertEqual(self.client.get("/api/bids/").json()["count"], 0)
        page = self.client.get(f"/challenges/{self.c.pk}/")
        self.assertEqual(page.status_code, 200)  # the published challenge itself
        self.assertNotContains(page, "60.00万元")
        self.assertNotContains(page, "浙江理工大学青田研究院")

    def test_the_firm_sees_no_bid_until_one_is_selected_then_that_one(self):
        other = services.bid_save(actor=self.inst_user_2, challenge=self.c, **BID_FIELDS)
        self.client.force_login(self.ent_user_a)
        self.assertEqual(self.client.get(f"/challenges/bids/{self.mine.pk}/").status_code, 404)
        self.assertNotContains(self.client.get(f"/challenges/{self.c.pk}/"), "60.00万元")
        self.c.status = ChallengeStatus.SELECTED
        self.c.save()
        type(self.mine).objects.filter(pk=self.mine.pk).update(status=BidStatus.SELECTED)
        type(other).objects.filter(pk=other.pk).update(status=BidStatus.NOT_SELECTED)
        page = self.client.get(f"/challenges/{self.c.pk}/")
        self.assertEqual([b.pk for b, _ in page.context["bid_rows"]], [self.mine.pk])
        self.assertEqual(self.client.get(f"/challenges/bids/{self.mine.pk}/").status_code, 200)
        self.assertEqual(self.client.get(f"/challenges/bids/{other.pk}/").status_code, 404)

    def test_an_institution_cites_only_its_own_or_published_achievements(self):
        own_draft = Achievement.objects.create(
            code="CG-1",
            title="自有成果",
            abstract="x",
            owner_institution=self.institution,
            region=self.county,
            published=False,
        )
        others_draft = Achievement.objects.create(
            code="CG-2",
            title="他人成果",
            abstract="x",
            owner_institution=self.institution_2,
            region=self.county,
            published=False,
        )
        bid = services.bid_save(actor=self.inst_user, bid=self.mine, achievements=[own_draft])
        self.assertEqual(list(bid.achievements.all()), [own_draft])
        with self.assertRaises(ValidationError) as caught:
            services.bid_save(actor=self.inst_user, bid=self.mine, achievements=[others_draft])
        self.assertEqual(list(caught.exception.message_dict), ["achievements"])

    def test_bids_are_taken_only_while_the_list_is_open(self):
        self.lst.closes_on = D(2023, 6, 29)
        self.lst.save()
        with self.assertRaises(ValidationError) as caught:
            services.bid_save(actor=self.inst_user_2, challenge=self.c, **BID_FIELDS)
        self.assertIn("challenge", caught.exception.message_dict)
        with self.assertRaises(PermissionDenied):
            services.bid_save(
                actor=self.staff, challenge=self.c, institution=self.institution_2, **BID_FIELDS
            )

    def test_one_bid_per_institution(self):
        with self.assertRaises(ValidationError):
            services.bid_save(actor=self.inst_user, challenge=self.c, **BID_FIELDS)


class ChallengeScopeTest(ChallengeCastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.ent_user_b = cls.make_user(
            "ent_user_b", Role.ENTERPRISE, cls.township_b, enterprise=cls.ent_b
        )

    def test_a_firm_posts_for_itself_and_another_firm_cannot_see_the_draft(self):
        demand = Demand.objects.create(
            code="XQ-1",
            title="阀门密封面耐磨",
            description="密封面磨损",
            enterprise=self.ent_a,
            budget=Decimal("500000"),
        )
        challenge = services.challenge_save(
            actor=self.ent_user_a, demand=demand, goal="寿命三年", contact_person="张三丰"
        )
        self.assertEqual((challenge.enterprise, challenge.title), (self.ent_a, "阀门密封面耐磨"))
        self.assertEqual(challenge.budget, Decimal("500000"))
        self.client.force_login(self.ent_user_b)
        self.assertEqual(self.client.get(f"/challenges/{challenge.pk}/").status_code, 404)
        self.assertEqual(self.client.get(f"/api/challenges/{challenge.pk}/").status_code, 404)
        self.client.force_login(self.inst_user)
        self.assertEqual(self.client.get(f"/challenges/{challenge.pk}/").status_code, 404)

    def test_a_challenge_from_another_firms_demand_is_refused(self):
        demand_b = Demand.objects.create(
            code="XQ-2", title="鞋底", description="耐磨", enterprise=self.ent_b
        )
        with self.assertRaises(ValidationError) as caught:
            services.challenge_save(actor=self.ent_user_a, demand=demand_b, goal="x")
        self.assertIn("demand", caught.exception.message_dict)

    def test_private_fields_are_for_those_who_may_edit(self):
        c = self.challenge(ChallengeStatus.PUBLISHED)
        self.client.force_login(self.inst_user)
        page = self.client.get(f"/challenges/{c.pk}/")
        for private in ("张三丰", "13800001111", "100.00万元", "企业愿意配套中试线"):
            self.assertNotContains(page, private)
        data = self.client.get(f"/api/challenges/{c.pk}/").json()
        self.assertEqual((data["contact_phone"], data["budget_ceiling"]), ("", None))
        self.client.force_login(self.ent_user_a)
        self.assertContains(self.client.get(f"/challenges/{c.pk}/"), "13800001111")
        self.assertEqual(
            self.client.get(f"/api/challenges/{c.pk}/").json()["contact_phone"], "13800001111"
        )

    def test_the_firm_edits_only_while_posted(self):
        c = self.challenge(ChallengeStatus.REFINED)
        with self.assertRaises(ValidationError):
            services.challenge_save(actor=self.ent_user_a, challenge=c, title="改名")
        services.challenge_save(actor=self.staff, challenge=c, title="改名")

    def test_reviewers_come_from_the_lists_county(self):
        c = self.challenge(ChallengeStatus.CLOSED)
        outsider = self.make_user("staff_lq", Role.STAFF, Region.objects.get(code="331102"))
        for user in (outsider, self.liaison_a, self.inst_user):
            with self.subTest(user=user.username), self.assertRaises(ValidationError):
                services.reviewer_assign(actor=self.staff, challenge=c, reviewer=user)
        services.reviewer_assign(actor=self.staff, challenge=c, reviewer=self.leader)
        with self.assertRaises(PermissionDenied):
            services.reviewer_assign(actor=self.liaison_a, challenge=c, reviewer=self.staff)

    def test_publishing_a_list_publishes_its_approved_challenges(self):
        lst = services.challenge_list_save(
            actor=self.staff,
            year=2023,
            title="下半年榜单",
            region=self.county,
            opens_on=D(2023, 7, 1),
            closes_on=D(2023, 9, 30),
            criteria="example",
        )
        approved = self.challenge(ChallengeStatus.REFINED, lst=False)
        posted = self.challenge(ChallengeStatus.POSTED, lst=False)
        for c in (approved, posted):
            services.challenge_save(actor=self.staff, challenge=c, challenge_list=lst)
        services.challenge_list_publish(actor=self.staff, challenge_list=lst)
        approved.refresh_from_db()
        posted.refresh_from_db()
        self.assertEqual((approved.status, str(approved.published_on)), ("published", "2023-06-30"))
        self.assertEqual(posted.status, ChallengeStatus.POSTED)
