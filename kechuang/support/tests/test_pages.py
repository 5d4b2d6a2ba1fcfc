"""Support pages: a firm applies through the form, the bureau moves and batch-approves on the
pages, the 政策找企业 page and its export, totals, policies, the firm's home page and record,
and the API."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from kechuang.support.models import Disbursement
from kechuang.support.tests.helpers import D, SupportTestCase, qualify


class PagesTest(SupportTestCase):
    def test_a_firm_applies_for_itself_on_the_form(self):
        self.client.force_login(self.ent_user_a)
        url = reverse("support:disbursement_create")
        form = self.client.get(url).content.decode()
        self.assertNotIn('name="enterprise"', form)
        self.assertNotIn('name="amount"', form)
        response = self.client.post(url, {"clause": self.clauses["hnte-new"].pk, "year": 2022})
        record = Disbursement.objects.get()
        self.assertRedirects(response, reverse("support:disbursement_detail", args=[record.pk]))
        self.assertEqual((record.enterprise, record.amount), (self.ent_a, 500000))

    def test_a_refused_application_names_the_field_and_changes_nothing(self):
        self.client.force_login(self.staff)
        response = self.client.post(
            reverse("support:disbursement_create"),
            {"enterprise": self.ent_b.credit_code, "clause": self.clauses["hnte-new"].pk,
             "year": 2022},
        )  # fmt: skip
        self.assertEqual(response.status_code, 200)
        self.assertIn("clause", response.context["form"].errors)
        self.assertFalse(Disbursement.objects.exists())

    def test_moves_on_the_record_page_and_batch_approval_on_the_list(self):
        a = self.apply(self.ent_a, "tsme-registered")
        b = self.apply(self.ent_b, "tsme-registered")
        self.client.force_login(self.staff)
        page = self.client.get(reverse("support:disbursement_detail", args=[a.pk]))
        self.assertContains(page, "审核通过")
        for record in (a, b):
            self.client.post(
                reverse("support:disbursement_transition", args=[record.pk]),
                {"status": "reviewed"},
            )
        listing = self.client.get(reverse("support:disbursement_list"))
        self.assertContains(listing, f'name="ids" value="{a.pk}"')
        response = self.client.post(
            reverse("support:disbursement_approve_many"), {"ids": [a.pk, b.pk]}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(set(Disbursement.objects.values_list("status", flat=True)), {"approved"})

    def test_the_liaison_may_not_batch_approve(self):
        a = self.apply(self.ent_a, "tsme-registered")
        self.client.force_login(self.liaison_a)
        response = self.client.post(reverse("support:disbursement_approve_many"), {"ids": [a.pk]})
        self.assertEqual(response.status_code, 403)

    def test_the_entitlement_page_and_its_export(self):
        self.client.force_login(self.staff)
        page = self.client.get(reverse("support:entitlement_list") + "?year=2022")
        self.assertContains(page, "新认定高新技术企业奖励")
        self.assertContains(page, self.ent_b.name)
        export = self.client.get(reverse("imports:export", args=["entitlements"]) + "?year=2022")
        sheet = load_workbook(io.BytesIO(export.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][0], "企业")
        self.assertIn((self.ent_a.name, "新认定高新技术企业奖励"), {(r[0], r[4]) for r in rows[1:]})
        self.client.force_login(self.inst_user)
        self.assertEqual(self.client.get(reverse("support:entitlement_list")).status_code, 403)

    def test_totals_policies_home_record_and_api(self):
        self.pay(self.apply(self.ent_a, "hnte-new"), on=D(2023, 3, 1))
        self.client.force_login(self.staff)
        totals = self.client.get(reverse("support:totals") + "?by=township")
        self.assertContains(totals, self.township_a.name)
        self.assertContains(totals, "50.00万元")
        policy = self.client.get(reverse("support:policy_detail", args=[self.policy.pk]))
        self.assertContains(policy, "研发费用增加额的10%，最高50.00万元")
        self.assertContains(policy, "示例")
        api = self.client.get("/api/disbursements/?status=paid").json()
        self.assertEqual(api["count"] if "count" in api else len(api["results"]), 1)
        self.client.force_login(self.ent_user_a)
        home = self.client.get(reverse("core:home"))
        self.assertContains(home, "已获政策兑现")
        self.assertContains(home, "50.00万元")
        qualify(self.ent_a, "tsme", 2024)  # the record offers the latest policy year (2024)
        record = self.client.get(reverse("enterprises:enterprise_detail", args=[self.ent_a.pk]))
        self.assertContains(record, 'id="section-support"')
        self.assertContains(record, "2024年度符合条件、尚未申请")
        self.assertContains(record, "科技型中小企业入库奖励：3.00万元")
