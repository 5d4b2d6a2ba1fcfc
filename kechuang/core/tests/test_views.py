"""Health check and API documentation."""

import re

from kechuang.core.tests.cast import CastTestCase


class HealthTest(CastTestCase):
    def test_healthz_reports_the_database_ok_without_login(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["status"], "ok")
        self.assertEqual(body["database"]["status"], "ok")


class HomeTest(CastTestCase):
    def test_every_role_gets_a_home_page(self):
        for user in (self.staff, self.liaison_a, self.ent_user_a, self.inst_user, self.viewer):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get("/").status_code, 200)


class ApiDocsTest(CastTestCase):
    def test_schema_answers_a_signed_in_user_with_openapi_3(self):
        self.client.force_login(self.staff)
        response = self.client.get("/api/schema/", {"format": "json"})
        self.assertEqual(response.status_code, 200)
        schema = response.json()
        self.assertTrue(schema["openapi"].startswith("3."))
        self.assertIn("/api/enterprises/", schema["paths"])

    def test_schema_is_public_but_data_is_not(self):
        self.assertEqual(self.client.get("/api/schema/").status_code, 200)
        self.assertIn(self.client.get("/api/enterprises/").status_code, (401, 403))

    def test_docs_page_loads_nothing_from_the_internet(self):
        self.client.force_login(self.staff)
        response = self.client.get("/api/docs/")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        sources = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
        self.assertTrue(sources)
        for source in sources:
            self.assertFalse(source.startswith(("http://", "https://", "//")), source)
            self.assertNotIn("cdn", source.lower())


class ApiErrorPagesTest(CastTestCase):
    def test_an_unknown_api_path_answers_json_404(self):
        self.client.force_login(self.staff)
        response = self.client.get("/api/chains/-1.5e-308/")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual(response.json(), {"detail": "未找到。"})
        page = self.client.get("/enterprises/no-such-page/")
        self.assertEqual(page.status_code, 404)
        self.assertIn("text/html", page["Content-Type"])

    def test_an_id_filter_too_large_for_the_database_is_a_400(self):
        self.client.force_login(self.staff)
        for url in (
            "/api/visits/?enterprise=58814736711101060000",
            "/api/match-feedback/?demand=-1",
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 400)
