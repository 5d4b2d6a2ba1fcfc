"""API tokens: issued through the login lockout, expiring, listed and revoked by their owner."""

import datetime
import threading
from unittest import mock

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory, TransactionTestCase
from django.utils import timezone
from rest_framework.throttling import ScopedRateThrottle, UserRateThrottle

from kechuang.core import services
from kechuang.core.models import ApiToken, LoginCounter, Region, User
from kechuang.core.tests.cast import PASSWORD, CastTestCase

URL = "/api/enterprises/"


def later(minutes: int):
    """Patches the clock `minutes` ahead of now."""
    moment = timezone.now() + datetime.timedelta(minutes=minutes)
    return mock.patch("django.utils.timezone.now", return_value=moment)


class TokenEndpointTest(CastTestCase):
    def obtain(self, password=PASSWORD, username="staff"):
        return self.client.post("/api/token/", {"username": username, "password": password})

    def test_it_issues_a_token_that_expires_in_30_days(self):
        response = self.obtain()
        self.assertEqual(response.status_code, 200)
        body = response.json()
        token = ApiToken.objects.get(user=self.staff)
        self.assertNotEqual(token.key_hash, body["token"])  # only the hash is stored
        self.assertEqual(token.expires - token.created, datetime.timedelta(days=30))
        self.assertEqual(datetime.datetime.fromisoformat(body["expires"]), token.expires)
        api = self.client.get(URL, HTTP_AUTHORIZATION=f"Token {body['token']}")
        self.assertEqual(api.status_code, 200)
        bearer = self.client.get(URL, HTTP_AUTHORIZATION=f"Bearer {body['token']}")
        self.assertEqual(bearer.status_code, 200)

    def test_an_unknown_username_gets_the_same_answer_as_a_wrong_password(self):
        wrong = self.obtain("wrong")
        unknown = self.obtain("wrong", username="nobody")
        self.assertEqual((wrong.status_code, wrong.json()), (unknown.status_code, unknown.json()))
        self.assertEqual(wrong.json(), {"detail": "用户名或密码不正确"})

    def test_30_wrong_passwords_lock_the_account_until_the_lockout_ends(self):
        for _ in range(30):
            response = self.obtain("wrong")
        self.assertEqual(response.status_code, 400)
        self.assertIn("登录失败次数过多，请于", response.json()["detail"])
        refused = self.obtain()
        self.assertEqual(refused.status_code, 400)
        self.assertIn("后再试", refused.json()["detail"])
        self.assertFalse(ApiToken.objects.exists())
        # The login page shares the lockout.
        page = self.client.post("/login/", {"username": "staff", "password": PASSWORD})
        self.assertContains(page, "登录失败次数过多")
        with later(settings.LOGIN_LOCKOUT_MINUTES - 1):
            self.assertEqual(self.obtain().status_code, 400)
        with later(settings.LOGIN_LOCKOUT_MINUTES + 1):
            self.assertEqual(self.obtain().status_code, 200)

    def test_a_missing_field_is_named(self):
        response = self.client.post("/api/token/", {"username": "staff"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("密码：", response.json()["detail"])

    def test_a_body_that_is_not_an_object_is_a_400_not_a_crash(self):
        response = self.client.post("/api/token/", "[1, 2]", content_type="application/json")
        self.assertEqual(response.status_code, 400)
        self.assertTrue(response.json()["detail"])

    def test_behind_a_proxy_the_forwarded_address_is_counted(self):
        rest = settings.REST_FRAMEWORK | {"NUM_PROXIES": 1}
        with self.settings(REST_FRAMEWORK=rest):
            self.client.post(
                "/api/token/",
                {"username": "staff", "password": "wrong"},
                REMOTE_ADDR="127.0.0.1",
                HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7",
            )
        self.assertTrue(LoginCounter.objects.filter(key="addr:203.0.113.7").exists())
        self.assertFalse(
            LoginCounter.objects.filter(key__in=["addr:127.0.0.1", "addr:6.6.6.6"]).exists()
        )

    def test_an_expired_token_is_refused_with_401(self):
        key = self.obtain().json()["token"]
        with later(settings.API_TOKEN_DAYS * 24 * 60 + 1):
            response = self.client.get(URL, HTTP_AUTHORIZATION=f"Token {key}")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["detail"], "令牌已过期，请重新获取")
        self.assertEqual(response["WWW-Authenticate"], "Token")

    def test_an_unknown_token_is_refused_with_401(self):
        response = self.client.get(URL, HTTP_AUTHORIZATION="Token nonsense")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["detail"], "令牌无效或已撤销")

    def test_a_password_change_revokes_every_token(self):
        keys = [self.obtain().json()["token"] for _ in range(2)]
        self.client.force_login(self.staff)
        new = "Heshan-new-password-2023"
        self.client.post(
            "/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
        )
        self.assertFalse(ApiToken.objects.filter(user=self.staff).exists())
        self.client.logout()
        for key in keys:
            response = self.client.get(URL, HTTP_AUTHORIZATION=f"Token {key}")
            self.assertEqual(response.status_code, 401)

    def test_the_schema_describes_the_endpoint_and_the_token_scheme(self):
        schema = self.client.get("/api/schema/", {"format": "json"}).json()
        operation = schema["paths"]["/api/token/"]["post"]
        self.assertLessEqual({"200", "400", "429"}, set(operation["responses"]))
        response = operation["responses"]["200"]["content"]["application/json"]["schema"]
        self.assertTrue(response["$ref"].endswith("TokenResponse"))
        self.assertIn("tokenAuth", schema["components"]["securitySchemes"])


class TokenPageTest(CastTestCase):
    def setUp(self):
        self.client.force_login(self.liaison_a)

    def test_a_user_creates_a_token_and_sees_its_key_once(self):
        response = self.client.post("/tokens/", {"name": "统计报送"})
        key = response.context["created"]["key"]
        self.assertContains(response, key)
        self.assertNotContains(self.client.get("/tokens/"), key)
        api = self.client.get(URL, HTTP_AUTHORIZATION=f"Token {key}")
        self.assertEqual(api.status_code, 200)

    def test_a_user_lists_only_their_own_tokens(self):
        services.apitoken_create(actor=self.liaison_a, user=self.liaison_a, name="我的令牌")
        services.apitoken_create(actor=self.staff, user=self.staff, name="别人的令牌")
        response = self.client.get("/tokens/")
        self.assertContains(response, "我的令牌")
        self.assertNotContains(response, "别人的令牌")

    def test_revoking_a_token_refuses_it_from_then_on(self):
        token, key = services.apitoken_create(actor=self.liaison_a, user=self.liaison_a, name="x")
        response = self.client.post(f"/tokens/{token.pk}/revoke/")
        self.assertRedirects(response, "/tokens/", fetch_redirect_response=False)
        self.client.logout()
        self.assertEqual(self.client.get(URL, HTTP_AUTHORIZATION=f"Token {key}").status_code, 401)

    def test_nobody_revokes_another_users_token(self):
        token, _ = services.apitoken_create(actor=self.staff, user=self.staff, name="x")
        self.assertEqual(self.client.post(f"/tokens/{token.pk}/revoke/").status_code, 404)
        self.assertTrue(ApiToken.objects.filter(pk=token.pk).exists())


class ThrottleTest(CastTestCase):
    def setUp(self):
        cache.clear()
        self.addCleanup(cache.clear)

    def test_an_api_user_over_the_rate_gets_429_in_chinese(self):
        self.client.force_login(self.staff)
        with mock.patch.object(UserRateThrottle, "THROTTLE_RATES", {"user": "2/min"}):
            statuses = [self.client.get(URL).status_code for _ in range(3)]
            response = self.client.get(URL)
        self.assertEqual(statuses, [200, 200, 429])
        self.assertEqual(response.status_code, 429)
        self.assertIn("请求已被限流", response.json()["detail"])
        self.assertIn("Retry-After", response)

    def test_the_token_endpoint_has_its_own_rate(self):
        with mock.patch.object(ScopedRateThrottle, "THROTTLE_RATES", {"token": "1/min"}):
            first = self.client.post("/api/token/", {"username": "x", "password": "y"})
            second = self.client.post("/api/token/", {"username": "staff", "password": PASSWORD})
        self.assertEqual((first.status_code, second.status_code), (400, 429))


class ConcurrentFailureTest(TransactionTestCase):
    """Concurrent failures each count: no count is lost to a read-modify-write race."""

    def test_20_concurrent_wrong_logins_count_20(self):
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            # Threads share an in-memory SQLite test database without a busy timeout, so
            # writers fail with "table is locked" instead of waiting; CI runs this on PostgreSQL.
            self.skipTest("needs a database that lets threads wait for each other's writes")
        county = Region.objects.get(code="331121")
        services.user_create(actor=None, username="racer", password=PASSWORD, region=county)
        factory = RequestFactory()
        start = threading.Barrier(20)
        errors = []

        def attempt(n: int) -> None:
            request = factory.post("/login/", REMOTE_ADDR=f"10.1.0.{n}")
            try:
                start.wait()
                services.login_attempt(request=request, username="racer", password="wrong")
            except services.LoginRefused:
                pass
            except Exception as exc:  # reported below: the test must see database errors
                errors.append(exc)
            finally:
                connection.close()

        with self.settings(LOGIN_FAILURE_LIMIT=100):
            threads = [threading.Thread(target=attempt, args=(n,)) for n in range(20)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        self.assertEqual(errors, [])
        self.assertEqual(LoginCounter.objects.get(key="user:racer").failures, 20)
        self.assertTrue(User.objects.filter(username="racer").exists())
