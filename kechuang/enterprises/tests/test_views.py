"""Enterprise pages: list with search and filters, record page, create and edit."""

from kechuang.core.models import AuditEvent
from kechuang.core.tests.cast import CastTestCase, credit_code
from kechuang.enterprises.choices import EnterpriseStatus
from kechuang.enterprises.models import Enterprise
from kechuang.enterprises.services import enterprise_create

EXTRA_FIRMS = 30  # with the cast's two: 32 firms, two pages of 30


class EnterpriseListTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for i in range(EXTRA_FIRMS):
            enterprise_create(
                actor=cls.admin,
                credit_code=credit_code(100 + i),
                name=f"测试企业{i:02d}",
                township=cls.township_a if i % 2 else cls.township_b,
                industry_division="33" if i % 3 else "65",
                above_scale=i % 4 == 0,
                status=EnterpriseStatus.CLOSED if i == 5 else EnterpriseStatus.ACTIVE,
                contact_person="周联系",
                contact_phone="13500005555",
            )

    def names(self, user=None, **params) -> list[str]:
        self.client.force_login(user or self.staff)
        response = self.client.get("/enterprises/", params)
        self.assertEqual(response.status_code, 200)
        return [e.name for e in response.context["page"].object_list]

    def test_it_finds_a_firm_by_part_of_its_name(self):
        self.assertEqual(self.names(q="甲阀门"), ["青田甲阀门有限公司"])

    def test_it_finds_a_firm_by_its_credit_code(self):
        self.assertEqual(self.names(q=self.ent_b.credit_code.lower()), ["温溪乙鞋业有限公司"])

    def test_it_filters_by_township(self):
        names = self.names(township=self.township_a.pk, ordering="name")
        expected = Enterprise.objects.filter(township=self.township_a).order_by("name")
        self.assertEqual(names, [e.name for e in expected])
        self.assertNotIn("温溪乙鞋业有限公司", names)

    def test_it_filters_by_industry_section(self):
        names = self.names(industry_section="I")
        self.assertEqual(len(names), 10)
        self.assertTrue(all(Enterprise.objects.get(name=n).industry_section == "I" for n in names))

    def test_it_filters_by_above_scale(self):
        names = set(self.names(above_scale="true"))
        self.assertEqual(
            names, set(Enterprise.objects.filter(above_scale=True).values_list("name", flat=True))
        )
        self.assertIn("青田甲阀门有限公司", names)
        self.assertNotIn("温溪乙鞋业有限公司", names)

    def test_it_filters_by_status(self):
        self.assertEqual(self.names(status="closed"), ["测试企业05"])

    def test_it_orders_by_the_chosen_column(self):
        names = self.names(ordering="-name", q="测试企业")
        self.assertEqual(names[0], "测试企业29")
        self.assertEqual(names, sorted(names, reverse=True))

    def test_it_paginates(self):
        self.client.force_login(self.staff)
        first = self.client.get("/enterprises/")
        self.assertEqual(len(first.context["page"].object_list), 30)
        self.assertEqual(first.context["page"].paginator.count, 32)
        second = self.client.get("/enterprises/", {"page": 2})
        self.assertEqual(len(second.context["page"].object_list), 2)

    def test_an_htmx_request_gets_only_the_table(self):
        self.client.force_login(self.staff)
        response = self.client.get("/enterprises/", {"q": "甲"}, headers={"HX-Request": "true"})
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn('id="enterprise-results"', html)
        self.assertNotIn("<html", html)
        self.assertTemplateUsed(response, "enterprises/_enterprise_table.html")
        self.assertTemplateNotUsed(response, "base.html")

    def test_a_plain_request_gets_the_whole_page(self):
        self.client.force_login(self.staff)
        self.assertContains(self.client.get("/enterprises/"), "<html")

    def test_a_liaison_never_sees_another_townships_firms(self):
        names = self.names(self.liaison_a, page=1)
        self.assertNotIn("温溪乙鞋业有限公司", names)
        self.assertEqual(len(names), Enterprise.objects.filter(township=self.township_a).count())
        # Not even by asking for township B explicitly.
        self.assertNotIn(
            "温溪乙鞋业有限公司", self.names(self.liaison_a, township=self.township_b.pk)
        )
        self.assertEqual(self.names(self.liaison_a, q="温溪乙"), [])

    def test_an_enterprise_user_sees_only_own_firm(self):
        self.assertEqual(self.names(self.ent_user_a), ["青田甲阀门有限公司"])

    def test_an_institute_user_sees_no_firm(self):
        self.assertEqual(self.names(self.inst_user), [])

    def test_the_list_query_count_does_not_grow_with_rows(self):
        self.client.force_login(self.staff)
        self.client.get("/enterprises/")  # warm the session
        with self.assertNumQueries(6):
            response = self.client.get("/enterprises/")
        self.assertEqual(len(response.context["page"].object_list), 30)

    def test_contacts_are_masked_for_read_only_roles(self):
        for user in (self.viewer, self.commissioner):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                response = self.client.get("/enterprises/", {"q": "甲阀门"})
                self.assertNotContains(response, "张三丰")
                self.assertNotContains(response, "13800001111")
                self.assertContains(response, "张**")
                self.assertContains(response, "138****1111")

    def test_contacts_are_shown_to_staff(self):
        self.client.force_login(self.staff)
        response = self.client.get("/enterprises/", {"q": "甲阀门"})
        self.assertContains(response, "张三丰")
        self.assertContains(response, "13800001111")


class EnterpriseDetailTest(CastTestCase):
    def detail(self, user, enterprise, suffix=""):
        self.client.force_login(user)
        return self.client.get(f"/enterprises/{enterprise.pk}/{suffix}")

    def test_staff_see_the_record_page(self):
        response = self.detail(self.staff, self.ent_a)
        self.assertContains(response, "青田甲阀门有限公司")
        self.assertContains(response, self.ent_a.credit_code)
        self.assertContains(response, "鹤城街道")
        self.assertContains(response, "张三丰")
        self.assertTrue(response.context["editable"])

    def test_a_liaison_gets_404_on_another_townships_firm(self):
        self.assertEqual(self.detail(self.liaison_a, self.ent_b).status_code, 404)
        self.assertEqual(self.detail(self.liaison_a, self.ent_b, "edit/").status_code, 404)
        self.assertEqual(self.detail(self.liaison_a, self.ent_a).status_code, 200)

    def test_an_enterprise_user_gets_404_on_another_firm(self):
        self.assertEqual(self.detail(self.ent_user_a, self.ent_b).status_code, 404)
        self.assertEqual(self.detail(self.ent_user_a, self.ent_b, "edit/").status_code, 404)
        self.assertEqual(self.detail(self.ent_user_a, self.ent_a).status_code, 200)

    def test_an_institute_user_gets_404_on_any_firm(self):
        self.assertEqual(self.detail(self.inst_user, self.ent_a).status_code, 404)

    def test_contacts_are_masked_for_viewer_and_commissioner(self):
        for user in (self.viewer, self.commissioner):
            with self.subTest(user=user.username):
                response = self.detail(user, self.ent_a)
                self.assertNotContains(response, "张三丰")
                self.assertNotContains(response, "13800001111")
                self.assertContains(response, "138****1111")
                self.assertFalse(response.context["editable"])

    def test_read_only_roles_may_not_open_the_edit_page(self):
        self.assertEqual(self.detail(self.viewer, self.ent_a, "edit/").status_code, 403)
        self.assertEqual(self.detail(self.commissioner, self.ent_a, "edit/").status_code, 403)


def form_data(**overrides) -> dict:
    data = {
        "credit_code": credit_code(900),
        "name": "新登记科技有限公司",
        "township": "",
        "industry_division": "39",
        "above_scale": "on",
        "rnd_active": "",
        "founded_on": "2020-05-01",
        "production_started_on": "2021-01-10",
        "address": "鹤城街道创业路8号",
        "contact_person": "孙经理",
        "contact_phone": "13300006666",
        "status": "active",
        "ip_own_rnd": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


class EnterpriseCreateTest(CastTestCase):
    def post(self, user, **overrides):
        self.client.force_login(user)
        overrides.setdefault("township", self.township_a.pk)
        return self.client.post("/enterprises/new/", form_data(**overrides))

    def test_staff_register_a_firm(self):
        response = self.post(self.staff)
        firm = Enterprise.objects.get(credit_code=credit_code(900))
        self.assertRedirects(response, f"/enterprises/{firm.pk}/", fetch_redirect_response=False)
        self.assertEqual((firm.industry_section, firm.manufacturing), ("C", True))
        self.assertTrue(firm.above_scale)
        event = AuditEvent.objects.get(
            object_id=str(firm.pk), action="create", object_repr=firm.name
        )
        self.assertEqual(event.user, self.staff)

    def test_a_lowercase_credit_code_is_stored_uppercase(self):
        self.post(self.liaison_a, credit_code=credit_code(901).lower())
        self.assertTrue(Enterprise.objects.filter(credit_code=credit_code(901)).exists())

    def test_it_refuses_a_bad_credit_code_in_chinese(self):
        bad = credit_code(902)[:17] + ("0" if credit_code(902)[-1] != "0" else "1")
        response = self.post(self.staff, credit_code=bad)
        self.assertEqual(response.status_code, 200)
        self.assertIn(
            "统一社会信用代码校验位错误", response.context["form"].errors["credit_code"][0]
        )
        self.assertFalse(Enterprise.objects.filter(name="新登记科技有限公司").exists())

    def test_it_refuses_a_duplicate_credit_code(self):
        response = self.post(self.staff, credit_code=self.ent_a.credit_code)
        self.assertIn("已被另一家企业使用", response.context["form"].errors["credit_code"][0])

    def test_it_refuses_production_before_founding(self):
        response = self.post(
            self.staff, founded_on="2020-05-01", production_started_on="2019-01-01"
        )
        self.assertEqual(
            response.context["form"].errors["production_started_on"], ["投产日期不能早于成立日期"]
        )
        self.assertFalse(Enterprise.objects.filter(name="新登记科技有限公司").exists())

    def test_it_refuses_an_unknown_industry_division(self):
        response = self.post(self.staff, industry_division="99")
        self.assertIn("99", response.context["form"].errors["industry_division"][0])
        self.assertIn("选择", response.context["form"].errors["industry_division"][0])

    def test_a_liaison_cannot_register_a_firm_in_another_township(self):
        response = self.post(self.liaison_a, township=self.township_b.pk)
        self.assertEqual(response.status_code, 200)
        self.assertIn("township", response.context["form"].errors)
        self.assertFalse(Enterprise.objects.filter(name="新登记科技有限公司").exists())

    def test_the_service_refuses_a_liaison_another_township(self):
        from django.core.exceptions import PermissionDenied

        with self.assertRaisesMessage(PermissionDenied, "无权在温溪镇登记或迁入企业"):
            enterprise_create(
                actor=self.liaison_a,
                credit_code=credit_code(903),
                name="越界企业",
                township=self.township_b,
                industry_division="33",
            )

    def test_a_liaison_registers_a_firm_in_own_township(self):
        response = self.post(self.liaison_a)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            Enterprise.objects.get(credit_code=credit_code(900)).township, self.township_a
        )

    def test_enterprise_and_read_only_users_may_not_register_firms(self):
        for user in (self.ent_user_a, self.viewer, self.commissioner, self.inst_user):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get("/enterprises/new/").status_code, 403)


class EnterpriseEditTest(CastTestCase):
    def post(self, user, enterprise, **overrides):
        self.client.force_login(user)
        data = form_data(
            credit_code=enterprise.credit_code,
            name=enterprise.name,
            township=enterprise.township_id,
            industry_division=enterprise.industry_division,
            above_scale="on" if enterprise.above_scale else "",
            rnd_active="on" if enterprise.rnd_active else "",
            founded_on=enterprise.founded_on.isoformat() if enterprise.founded_on else "",
            production_started_on="",
            address=enterprise.address,
            contact_person=enterprise.contact_person,
            contact_phone=enterprise.contact_phone,
            status=enterprise.status,
        )
        data.update(overrides)
        return self.client.post(f"/enterprises/{enterprise.pk}/edit/", data)

    def test_a_liaison_edits_a_firm_of_own_township(self):
        response = self.post(self.liaison_a, self.ent_a, address="鹤城街道新址")
        self.assertRedirects(
            response, f"/enterprises/{self.ent_a.pk}/", fetch_redirect_response=False
        )
        self.ent_a.refresh_from_db()
        self.assertEqual(self.ent_a.address, "鹤城街道新址")
        event = AuditEvent.objects.get(object_id=str(self.ent_a.pk), action="update")
        self.assertEqual(event.after, {"address": "鹤城街道新址"})

    def test_a_liaison_cannot_move_a_firm_to_another_township(self):
        response = self.post(self.liaison_a, self.ent_a, township=self.township_b.pk)
        self.assertEqual(response.status_code, 200)
        self.assertIn("township", response.context["form"].errors)
        self.ent_a.refresh_from_db()
        self.assertEqual(self.ent_a.township, self.township_a)

    def test_the_edit_page_refuses_production_before_founding(self):
        response = self.post(self.staff, self.ent_a, production_started_on="2010-01-01")
        self.assertEqual(
            response.context["form"].errors["production_started_on"], ["投产日期不能早于成立日期"]
        )

    def test_an_enterprise_user_edits_own_profile_but_not_its_standing(self):
        response = self.post(
            self.ent_user_a, self.ent_a, address="自填地址", above_scale="", status="closed"
        )
        self.assertEqual(response.status_code, 302)
        self.ent_a.refresh_from_db()
        self.assertEqual(self.ent_a.address, "自填地址")
        self.assertTrue(self.ent_a.above_scale)
        self.assertEqual(self.ent_a.status, EnterpriseStatus.ACTIVE)

    def test_a_liaison_cannot_post_to_another_townships_firm(self):
        response = self.post(self.liaison_a, self.ent_b, address="越权修改")
        self.assertEqual(response.status_code, 404)
        self.ent_b.refresh_from_db()
        self.assertEqual(self.ent_b.address, "")
