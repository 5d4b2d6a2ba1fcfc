"""Talent projects: the class cap, stage payments (40% / 30% / 30% of the commitment, in
order, never more than the stage's share), who may register and pay, scoping, pages."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kechuang.core.tests.cast import CastTestCase
from kechuang.talent import programs, services
from kechuang.talent.choices import Stage
from kechuang.talent.models import TalentPayment, TalentProject
from kechuang.talent.tests.helpers import make_project, program_of

D = datetime.date
PAID = D(2023, 6, 1)


class DataFileTest(CastTestCase):
    def test_green_valley_rules_name_the_document_and_mark_the_caps_unconfirmed(self):
        rules = programs.rules_for("lishui-green-valley-2023")
        self.assertIn("丽委发〔2023〕2号", rules.document)
        self.assertEqual(
            [s.share for s in rules.stages], [Decimal("0.40"), Decimal("0.30"), Decimal("0.30")]
        )
        self.assertEqual(rules.talent_class("C").cap, Decimal(3_000_000))
        self.assertTrue(all(not c.confirmed for c in rules.classes))
        self.assertIn("示例", rules.status)
        self.assertEqual(rules.own_funds_share_min, Decimal("0.20"))

    def test_stage_amounts_add_up_to_the_commitment(self):
        rules = programs.rules_for("lishui-green-valley-2023")
        amounts = rules.stage_amounts(Decimal("1000000.01"))
        self.assertEqual(amounts[:2], [Decimal("400000.00"), Decimal("300000.00")])
        self.assertEqual(sum(amounts), Decimal("1000000.01"))


class CapTest(CastTestCase):
    def test_commitment_up_to_the_class_cap_is_accepted_above_refused(self):
        project = make_project(self, status=Stage.SIGNED)
        services.project_update(
            actor=self.staff, project=project, funding_committed=Decimal("3000000.00")
        )
        with self.assertRaises(ValidationError) as caught:
            services.project_update(
                actor=self.staff, project=project, funding_committed=Decimal("3000000.01")
            )
        self.assertIn("C类", caught.exception.message_dict["funding_committed"][0])
        project.refresh_from_db()
        self.assertEqual(project.funding_committed, Decimal("3000000.00"))

    def test_an_unknown_class_is_refused_naming_the_field(self):
        with self.assertRaises(ValidationError) as caught:
            make_project(self, talent_class="Z")
        self.assertIn("talent_class", caught.exception.message_dict)

    def test_a_liaison_may_not_set_the_funding(self):
        project = make_project(self)
        with self.assertRaises(PermissionDenied):
            services.project_update(
                actor=self.liaison_a, project=project, funding_committed=Decimal(100)
            )


class PaymentTest(CastTestCase):
    def setUp(self):
        self.project = make_project(
            self, status=Stage.SIGNED, funding_committed=Decimal("1000000.00")
        )

    def pay(self, stage, amount, actor=None):
        return services.payment_record(
            actor=actor or self.staff,
            project=self.project,
            stage=stage,
            amount=Decimal(amount),
            paid_on=PAID,
        )

    def test_each_stage_up_to_its_share_and_no_more(self):
        self.pay(1, "300000")
        self.pay(1, "100000")  # 400000 = 40%: the boundary, accepted
        with self.assertRaises(ValidationError) as caught:
            self.pay(1, "0.01")
        self.assertIn("第一期", caught.exception.message_dict["amount"][0])
        with self.assertRaises(ValidationError):
            self.pay(2, "300000.01")
        self.pay(2, "300000")
        self.pay(3, "300000")
        self.assertEqual(services.paid_total(self.project), Decimal("1000000.00"))
        self.assertEqual([row["open"] for row in services.stage_plan(self.project)], [0, 0, 0])

    def test_a_stage_before_the_previous_is_paid_in_full_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self.pay(2, "100")
        self.assertIn("stage", caught.exception.message_dict)
        self.pay(1, "399999.99")
        with self.assertRaises(ValidationError):
            self.pay(2, "100")
        self.assertEqual(TalentPayment.objects.filter(stage=2).count(), 0)

    def test_no_payment_before_signing_or_without_commitment(self):
        intent = make_project(self, status=Stage.INTENT, funding_committed=Decimal(1000))
        with self.assertRaises(ValidationError) as caught:
            services.payment_record(
                actor=self.staff, project=intent, stage=1, amount=Decimal(1), paid_on=PAID
            )
        self.assertIn("stage", caught.exception.message_dict)
        bare = make_project(self, status=Stage.SIGNED)
        with self.assertRaises(ValidationError) as caught:
            services.payment_record(
                actor=self.staff, project=bare, stage=1, amount=Decimal(1), paid_on=PAID
            )
        self.assertIn("amount", caught.exception.message_dict)

    def test_only_the_bureau_pays_and_the_commitment_stays_above_paid(self):
        with self.assertRaises(PermissionDenied):
            self.pay(1, "100", actor=self.liaison_a)
        self.pay(1, "400000")
        with self.assertRaises(ValidationError) as caught:
            services.project_update(
                actor=self.staff, project=self.project, funding_committed=Decimal("399999")
            )
        self.assertIn("funding_committed", caught.exception.message_dict)

    def test_payment_page_shows_the_refusal_under_the_amount(self):
        self.client.force_login(self.staff)
        url = reverse("talent:payment_create", args=[self.project.pk])
        response = self.client.post(
            url, {"stage": 1, "amount": "400000.01", "paid_on": "2023-06-01"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("本次最多 400,000.00 元", response.content.decode())
        response = self.client.post(url, {"stage": 1, "amount": "400000", "paid_on": "2023-06-01"})
        self.assertEqual(response.status_code, 302)
        page = self.client.get(self.project.get_absolute_url()).content.decode()
        self.assertIn("400000.00", page)


class ScopeTest(CastTestCase):
    def test_liaison_registers_for_its_township_only(self):
        fields = {
            "program": program_of(self),
            "talent_class": "C",
            "kind": "innovation",
            "applicant": "张博士",
            "title": "智能装备",
        }
        made = services.project_create(actor=self.liaison_a, host_enterprise=self.ent_a, **fields)
        self.assertEqual((made.status, made.region), (Stage.CONTACT, self.township_a))
        # Another township's firm is out of sight: refused as if it did not exist.
        with self.assertRaises(ValidationError) as caught:
            services.project_create(actor=self.liaison_a, host_enterprise=self.ent_b, **fields)
        self.assertIn("host_enterprise", caught.exception.message_dict)
        with self.assertRaises(PermissionDenied):
            services.project_create(actor=self.ent_user_a, host_enterprise=self.ent_a, **fields)

    def test_lists_follow_the_host_firms_township(self):
        mine = make_project(self)
        other = make_project(self, host=self.ent_b)
        for user, seen in (
            (self.liaison_a, {mine.pk}),
            (self.liaison_b, {other.pk}),
            (self.staff, {mine.pk, other.pk}),
            (self.ent_user_a, {mine.pk}),
            (self.inst_user, set()),
        ):
            ids = set(TalentProject.objects.visible_to(user).values_list("pk", flat=True))
            self.assertEqual(ids, seen, user.username)
        self.client.force_login(self.liaison_b)
        self.assertEqual(self.client.get(mine.get_absolute_url()).status_code, 404)

    def test_the_enterprise_page_shows_its_talent_projects(self):
        project = make_project(self, title="绿谷精英C类项目")
        self.client.force_login(self.staff)
        page = self.client.get(reverse("enterprises:enterprise_detail", args=[self.ent_a.pk]))
        self.assertContains(page, "绿谷精英C类项目")
        self.assertContains(page, project.get_absolute_url())

    def test_list_has_cards_for_phones_and_the_api_lists_the_same(self):
        project = make_project(self)
        make_project(self, host=self.ent_b)
        self.client.force_login(self.liaison_a)
        page = self.client.get(reverse("talent:project_list")).content.decode()
        self.assertIn("d-md-none", page)
        self.assertIn(project.title, page)
        data = self.client.get("/api/talent-projects/").json()
        rows = data["results"] if isinstance(data, dict) else data
        self.assertEqual([r["id"] for r in rows], [project.pk])
