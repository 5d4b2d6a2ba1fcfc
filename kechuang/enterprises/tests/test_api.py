"""REST API of the enterprise registry: scoping, masking, writes and filters."""

from kechuang.core.models import AuditEvent
from kechuang.core.tests.cast import PASSWORD, CastTestCase, credit_code
from kechuang.enterprises.models import Enterprise
from kechuang.enterprises.services import enterprise_create

URL = "/api/enterprises/"


class EnterpriseApiTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for i in range(20):
            enterprise_create(
                actor=cls.admin,
                credit_code=credit_code(200 + i),
                name=f"接口企业{i:02d}",
                township=cls.township_a if i % 2 else cls.township_b,
                industry_division="33",
                above_scale=i % 3 == 0,
            )

    def token(self, user) -> str:
        response = self.client.post(
            "/api/token/", {"username": user.username, "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 200)
        return response.json()["token"]

    def auth(self, user) -> dict:
        return {"HTTP_AUTHORIZATION": f"Token {self.token(user)}"}

    def get(self, user, url=URL, **params):
        self.client.force_login(user)
        return self.client.get(url, params)

    def ids(self, user, **params) -> set[int]:
        response = self.get(user, page_size=100, **params)
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertLessEqual(body["count"], 50)
        return {row["id"] for row in body["results"]}

    def test_anonymous_callers_are_refused(self):
        self.assertIn(self.client.get(URL).status_code, (401, 403))

    def test_staff_list_every_firm_of_the_county(self):
        self.assertEqual(self.ids(self.staff), set(Enterprise.objects.values_list("pk", flat=True)))

    def test_a_liaison_never_lists_another_townships_firms(self):
        ids = self.ids(self.liaison_a)
        self.assertIn(self.ent_a.pk, ids)
        self.assertNotIn(self.ent_b.pk, ids)
        self.assertEqual(
            ids,
            set(Enterprise.objects.filter(township=self.township_a).values_list("pk", flat=True)),
        )

    def test_a_liaison_gets_404_on_another_townships_firm(self):
        self.assertEqual(self.get(self.liaison_a, f"{URL}{self.ent_b.pk}/").status_code, 404)
        response = self.client.patch(
            f"{URL}{self.ent_b.pk}/", {"address": "越权"}, content_type="application/json"
        )
        self.assertEqual(response.status_code, 404)

    def test_an_enterprise_user_lists_and_reads_only_own_firm(self):
        self.assertEqual(self.ids(self.ent_user_a), {self.ent_a.pk})
        self.assertEqual(self.get(self.ent_user_a, f"{URL}{self.ent_b.pk}/").status_code, 404)
        self.assertEqual(self.get(self.ent_user_a, f"{URL}{self.ent_a.pk}/").status_code, 200)

    def test_an_institute_user_lists_no_firm(self):
        self.assertEqual(self.ids(self.inst_user), set())

    def test_contacts_are_masked_for_viewer_and_commissioner(self):
        for user in (self.viewer, self.commissioner):
            with self.subTest(user=user.username):
                row = self.get(user, f"{URL}{self.ent_a.pk}/").json()
                self.assertEqual(row["contact_person"], "张**")
                self.assertEqual(row["contact_phone"], "138****1111")

    def test_contacts_are_shown_to_staff_and_the_firm_itself(self):
        for user in (self.staff, self.ent_user_a, self.liaison_a):
            row = self.get(user, f"{URL}{self.ent_a.pk}/").json()
            self.assertEqual(
                (row["contact_person"], row["contact_phone"]), ("张三丰", "13800001111")
            )

    def test_the_list_query_count_does_not_grow_with_rows(self):
        self.client.force_login(self.staff)
        self.client.get(URL)
        with self.assertNumQueries(5):
            response = self.client.get(URL)
        self.assertEqual(response.json()["count"], 22)

    def test_filters_match_the_list_page(self):
        params = {"township": self.township_a.pk, "above_scale": "true", "q": "接口企业"}
        api_ids = self.ids(self.staff, **params)
        page = self.client.get("/enterprises/", params)
        page_ids = {e.pk for e in page.context["page"].object_list}
        self.assertTrue(api_ids)
        self.assertEqual(api_ids, page_ids)
        expected = Enterprise.objects.filter(
            township=self.township_a, above_scale=True, name__contains="接口企业"
        )
        self.assertEqual(api_ids, set(expected.values_list("pk", flat=True)))

    def test_staff_create_a_firm_with_a_token(self):
        payload = {
            "credit_code": credit_code(300).lower(),
            "name": "接口新建有限公司",
            "township": "331121101",
            "industry_division": "38",
            "above_scale": True,
        }
        response = self.client.post(
            URL, payload, content_type="application/json", **self.auth(self.staff)
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["credit_code"], credit_code(300))
        self.assertEqual((body["industry_section"], body["manufacturing"]), ("C", True))
        self.assertEqual(body["township_name"], "温溪镇")
        firm = Enterprise.objects.get(pk=body["id"])
        self.assertEqual(
            AuditEvent.objects.get(object_id=str(firm.pk), action="create").user, self.staff
        )

    def test_staff_update_a_firm_with_a_token(self):
        response = self.client.patch(
            f"{URL}{self.ent_b.pk}/",
            {"address": "温溪镇工业园"},
            content_type="application/json",
            **self.auth(self.staff),
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.ent_b.refresh_from_db()
        self.assertEqual(self.ent_b.address, "温溪镇工业园")

    def test_it_reports_validation_errors_in_chinese(self):
        payload = {
            "credit_code": credit_code(301),
            "name": "日期错误有限公司",
            "township": "331121001",
            "industry_division": "33",
            "founded_on": "2020-01-01",
            "production_started_on": "2019-01-01",
        }
        response = self.client.post(
            URL, payload, content_type="application/json", **self.auth(self.staff)
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["production_started_on"], ["投产日期不能早于成立日期"])

    def test_a_viewer_may_neither_create_nor_update(self):
        headers = self.auth(self.viewer)
        payload = {
            "credit_code": credit_code(302),
            "name": "查看者新建",
            "township": "331121001",
            "industry_division": "33",
        }
        self.assertEqual(
            self.client.post(URL, payload, content_type="application/json", **headers).status_code,
            403,
        )
        response = self.client.patch(
            f"{URL}{self.ent_a.pk}/", {"address": "x"}, content_type="application/json", **headers
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Enterprise.objects.filter(name="查看者新建").exists())

    def test_a_liaison_cannot_create_in_another_township(self):
        payload = {
            "credit_code": credit_code(303),
            "name": "越界新建",
            "township": "331121101",
            "industry_division": "33",
        }
        response = self.client.post(
            URL, payload, content_type="application/json", **self.auth(self.liaison_a)
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("不存在或无权使用：331121101", response.json()["township"][0])
        self.assertFalse(Enterprise.objects.filter(name="越界新建").exists())

    def test_a_liaison_cannot_move_own_firm_to_another_township(self):
        response = self.client.patch(
            f"{URL}{self.ent_a.pk}/",
            {"township": "331121101"},
            content_type="application/json",
            **self.auth(self.liaison_a),
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("township", response.json())
        self.ent_a.refresh_from_db()
        self.assertEqual(self.ent_a.township, self.township_a)

    def test_a_bad_token_is_refused(self):
        response = self.client.get(URL, HTTP_AUTHORIZATION="Token nonsense")
        # 403 rather than 401: SessionAuthentication comes first and sends no challenge.
        self.assertIn(response.status_code, (401, 403))

    def test_a_township_must_be_a_township(self):
        payload = {
            "credit_code": credit_code(304),
            "name": "挂在县上的企业",
            "township": "331121",
            "industry_division": "33",
        }
        response = self.client.post(
            URL, payload, content_type="application/json", **self.auth(self.staff)
        )
        self.assertEqual(response.status_code, 400)
        messages = response.json()["township"]
        self.assertTrue(any("乡镇（街道）" in m for m in messages), messages)
        for message in messages:  # every message a user reads is in Chinese
            self.assertNotIn("instance", message)
            self.assertNotIn("valid choice", message)

    def test_an_enterprise_user_updates_own_profile(self):
        self.client.force_login(self.ent_user_a)
        response = self.client.patch(
            f"{URL}{self.ent_a.pk}/", {"address": "自填地址"}, content_type="application/json"
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.ent_a.refresh_from_db()
        self.assertEqual(self.ent_a.address, "自填地址")

    def test_an_enterprise_user_cannot_change_identity_place_or_standing(self):
        # The record page disables these four fields for a firm's own user; the API must too.
        self.client.force_login(self.ent_user_a)
        for change in (
            {"township": "331121101"},
            {"above_scale": False},
            {"status": "closed"},
            {"credit_code": credit_code(305)},
        ):
            with self.subTest(change=change):
                response = self.client.patch(
                    f"{URL}{self.ent_a.pk}/", change, content_type="application/json"
                )
                self.assertIn(response.status_code, (400, 403), response.content)
        self.ent_a.refresh_from_db()
        self.assertEqual(
            (
                self.ent_a.township,
                self.ent_a.above_scale,
                self.ent_a.status,
                self.ent_a.credit_code,
            ),
            (self.township_a, True, "active", credit_code(1)),
        )


class EnterpriseApiVersionTest(CastTestCase):
    def test_a_patch_with_a_stale_if_match_is_refused_and_changes_nothing(self):
        self.client.force_login(self.staff)
        url = f"{URL}{self.ent_a.pk}/"
        etag = self.client.get(url)["ETag"]
        first = self.client.patch(
            url, {"address": "鹤城街道一号"}, content_type="application/json", HTTP_IF_MATCH=etag
        )
        self.assertEqual(first.status_code, 200, first.content)
        self.assertNotEqual(first["ETag"], etag)
        stale = self.client.patch(
            url, {"address": "鹤城街道二号"}, content_type="application/json", HTTP_IF_MATCH=etag
        )
        self.assertEqual(stale.status_code, 412)
        self.assertEqual(stale.json()["detail"], "该记录已被他人修改，请刷新后再改")
        self.ent_a.refresh_from_db()
        self.assertEqual(self.ent_a.address, "鹤城街道一号")
