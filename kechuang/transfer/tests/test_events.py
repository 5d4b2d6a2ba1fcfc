"""Matchmaking events (院企对接活动): list, record page with its outcomes, create and edit by
bureau staff with Chinese validation messages, refusals for everyone else."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kechuang.core.choices import Role
from kechuang.core.models import AuditEvent, Region
from kechuang.core.tests.cast import CastTestCase
from kechuang.transfer import chains
from kechuang.transfer.choices import ContractDirection, ContractType
from kechuang.transfer.models import Achievement, Demand, Match, MatchmakingEvent, TechContract


class EventTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.demand_a = Demand.objects.create(
            code="XQ-101",
            title="阀门密封面堆焊",
            description="提高密封面耐磨性",
            enterprise=cls.ent_a,
        )
        cls.demand_b = Demand.objects.create(
            code="XQ-102", title="鞋底防滑材料", description="防滑耐磨", enterprise=cls.ent_b
        )
        cls.achievement = Achievement.objects.create(
            code="CG-101",
            title="激光熔覆耐磨涂层",
            abstract="阀门密封面激光熔覆",
            owner_institution=cls.institution,
            region=cls.county,
        )
        cls.match = Match.objects.create(
            demand=cls.demand_a,
            achievement=cls.achievement,
            recommended_on=datetime.date(2023, 4, 10),
        )
        cls.event = chains.event_save(
            actor=cls.staff,
            title="不锈钢产业链院企对接会",
            held_on=datetime.date(2023, 4, 20),
            place="青田县创新赋能中心",
            organisers="青田县科技局、北京科技大学青田新材料研究院",
            region=cls.county,
            enterprises=[cls.ent_a, cls.ent_b],
            institutions=[cls.institution],
            demands=[cls.demand_a, cls.demand_b],
            matches=[cls.match],
        )
        cls.contract = TechContract.objects.create(
            number="2023330000001",
            title="阀门密封面激光熔覆技术开发",
            kind=ContractType.DEVELOPMENT,
            buyer_name=cls.ent_a.name,
            buyer_enterprise=cls.ent_a,
            seller_name=cls.institution.name,
            seller_institution=cls.institution,
            amount=Decimal("1200000"),
            turnover=Decimal("1000000"),
            registered_on=datetime.date(2023, 5, 8),
            direction=ContractDirection.ABSORPTION,
            region=cls.county,
            match=cls.match,
            event=cls.event,
        )
        cls.other_county = Region.objects.get(code="331102")
        cls.other_staff = cls.make_user("lishui", Role.STAFF, cls.other_county)

    def get(self, user, name, *args):
        self.client.force_login(user)
        return self.client.get(reverse(f"transfer:{name}", args=args))

    def form(self, **overrides) -> dict:
        data = {
            "title": "阀门产业链技术对接会",
            "held_on": "2023-06-15",
            "place": "温溪镇",
            "organisers": "青田县科技局",
            "region": self.county.pk,
            "note": "",
            "enterprises": [self.ent_a.pk],
            "institutions": [self.institution.pk, self.institution_2.pk],
            "demands": [self.demand_a.pk],
            "matches": [],
        }
        data.update(overrides)
        return data

    # --- reading ------------------------------------------------------------------------

    def test_the_list_counts_what_came_out_of_each_event(self):
        response = self.get(self.staff, "event_list")
        (row,) = response.context["page"].object_list
        self.assertEqual(row.title, "不锈钢产业链院企对接会")
        counts = (
            row.enterprise_count,
            row.institution_count,
            row.demand_count,
            row.match_count,
            row.contract_count,
        )
        self.assertEqual(counts, (2, 1, 2, 1, 1))
        self.assertTrue(response.context["may_create"])

    def test_the_record_page_shows_participants_demands_matches_and_contracts(self):
        response = self.get(self.staff, "event_detail", self.event.pk)
        self.assertEqual(response.status_code, 200)
        for text in (
            "2023年4月20日",
            "青田县创新赋能中心",
            "北京科技大学青田新材料研究院",
            self.ent_a.name,
            self.ent_b.name,
            self.institution.name,
            "XQ-101",
            "XQ-102",
            "CG-101",
            "2023330000001",
            "100.00万元",
        ):
            self.assertContains(response, text)
        self.assertTrue(response.context["editable"])
        self.assertEqual(response.context["turnover"], Decimal("1000000"))

    def test_the_city_viewer_reads_but_cannot_edit(self):
        response = self.get(self.viewer, "event_detail", self.event.pk)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.context["editable"])
        self.assertFalse(self.get(self.viewer, "event_list").context["may_create"])
        self.assertEqual(self.get(self.viewer, "event_edit", self.event.pk).status_code, 403)
        self.assertEqual(self.get(self.viewer, "event_create").status_code, 403)

    def test_another_county_and_firm_users_do_not_see_the_event(self):
        self.assertEqual(list(self.get(self.other_staff, "event_list").context["page"]), [])
        self.assertEqual(self.get(self.other_staff, "event_detail", self.event.pk).status_code, 404)
        self.assertEqual(self.get(self.ent_user_a, "event_detail", self.event.pk).status_code, 404)
        self.assertEqual(self.get(self.ent_user_a, "event_create").status_code, 403)
        self.assertEqual(self.get(self.liaison_a, "event_detail", self.event.pk).status_code, 404)
        self.assertEqual(self.get(self.liaison_a, "event_create").status_code, 403)

    # --- writing ------------------------------------------------------------------------

    def test_staff_create_an_event_and_it_is_audited(self):
        self.client.force_login(self.staff)
        response = self.client.post(reverse("transfer:event_create"), self.form())
        event = MatchmakingEvent.objects.get(title="阀门产业链技术对接会")
        self.assertRedirects(response, reverse("transfer:event_detail", args=[event.pk]))
        self.assertEqual(event.held_on, datetime.date(2023, 6, 15))
        self.assertEqual(list(event.enterprises.all()), [self.ent_a])
        self.assertEqual(set(event.institutions.all()), {self.institution, self.institution_2})
        self.assertEqual(list(event.demands.all()), [self.demand_a])
        self.assertEqual(event.history.last().history_user, self.staff)
        self.assertEqual(event.history.first().history_user, self.staff)
        audit = AuditEvent.objects.filter(
            content_type__model="matchmakingevent", object_id=str(event.pk)
        )
        self.assertTrue(audit.filter(action="create", user=self.staff).exists())

    def test_missing_fields_are_reported_in_chinese(self):
        self.client.force_login(self.staff)
        response = self.client.post(
            reverse("transfer:event_create"), self.form(title="", place="", held_on="")
        )
        self.assertEqual(response.status_code, 200)
        errors = response.context["form"].errors
        self.assertEqual(errors["title"], ["请填写活动名称"])
        self.assertEqual(errors["place"], ["请填写活动地点"])
        self.assertEqual(errors["held_on"], ["请填写活动日期"])
        self.assertContains(response, "请填写活动名称")
        response = self.client.post(reverse("transfer:event_create"), self.form(held_on="4月20日"))
        self.assertEqual(response.context["form"].errors["held_on"], ["日期格式应为 YYYY-MM-DD"])
        self.assertFalse(MatchmakingEvent.objects.filter(title="阀门产业链技术对接会").exists())

    def test_a_demand_must_come_from_a_participating_firm(self):
        self.client.force_login(self.staff)
        response = self.client.post(
            reverse("transfer:event_create"),
            self.form(demands=[self.demand_a.pk, self.demand_b.pk]),
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors["demands"], ["需求 XQ-102 的提出企业未列入参会企业"]
        )
        self.assertFalse(MatchmakingEvent.objects.filter(title="阀门产业链技术对接会").exists())

    def test_a_region_outside_the_county_is_refused(self):
        self.client.force_login(self.staff)
        response = self.client.post(
            reverse("transfer:event_create"), self.form(region=self.other_county.pk)
        )
        self.assertIn("region", response.context["form"].errors)
        with self.assertRaises(PermissionDenied):
            chains.event_save(
                actor=self.staff,
                title="外县活动",
                held_on=datetime.date(2023, 6, 1),
                place="莲都",
                region=self.other_county,
            )

    def test_staff_edit_an_event(self):
        self.client.force_login(self.staff)
        response = self.client.get(reverse("transfer:event_edit", args=[self.event.pk]))
        self.assertEqual(response.context["form"].initial["place"], "青田县创新赋能中心")
        data = self.form(
            title="不锈钢产业链院企对接会（第二场）",
            held_on="2023-04-21",
            enterprises=[self.ent_a.pk, self.ent_b.pk],
            demands=[self.demand_a.pk, self.demand_b.pk],
            matches=[self.match.pk],
        )
        response = self.client.post(reverse("transfer:event_edit", args=[self.event.pk]), data)
        self.assertRedirects(response, reverse("transfer:event_detail", args=[self.event.pk]))
        self.event.refresh_from_db()
        self.assertEqual(self.event.title, "不锈钢产业链院企对接会（第二场）")
        self.assertEqual(set(self.event.institutions.all()), {self.institution, self.institution_2})
        record = self.event.history.first()
        self.assertEqual(record.history_user, self.staff)
        self.assertEqual(
            {row.institution_id for row in record.institutions.all()},
            {self.institution.pk, self.institution_2.pk},
        )

    def test_edit_errors_keep_the_event_unchanged(self):
        self.client.force_login(self.staff)
        response = self.client.post(
            reverse("transfer:event_edit", args=[self.event.pk]),
            self.form(place="", enterprises=[self.ent_b.pk], demands=[self.demand_a.pk]),
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].errors["place"], ["请填写活动地点"])
        response = self.client.post(
            reverse("transfer:event_edit", args=[self.event.pk]),
            self.form(enterprises=[self.ent_b.pk], demands=[self.demand_a.pk]),
        )
        self.assertIn("XQ-101", response.context["form"].errors["demands"][0])
        self.event.refresh_from_db()
        self.assertEqual(self.event.place, "青田县创新赋能中心")
        self.assertEqual(set(self.event.enterprises.all()), {self.ent_a, self.ent_b})

    def test_records_the_actor_cannot_see_are_refused(self):
        # Another county's staff neither attach 青田's firms to their event nor edit 青田's.
        with self.assertRaises(ValidationError) as caught:
            chains.event_save(
                actor=self.other_staff,
                title="莲都对接会",
                held_on=datetime.date(2023, 6, 1),
                place="莲都",
                region=self.other_county,
                enterprises=[self.ent_a],
            )
        self.assertEqual(
            caught.exception.message_dict["enterprises"],
            [f"参会企业不存在或无权查看：{self.ent_a.name}"],
        )
        with self.assertRaises(PermissionDenied):
            chains.event_save(actor=self.other_staff, event=self.event, title="改名")
        self.client.force_login(self.other_staff)
        response = self.client.post(reverse("transfer:event_edit", args=[self.event.pk]), {})
        self.assertEqual(response.status_code, 404)
