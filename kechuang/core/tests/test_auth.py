"""Sign-in with lock-out, sign-out and password change."""

import datetime
from unittest import mock

from django.conf import settings
from django.utils import timezone

from kechuang.core.models import LoginCounter, User
from kechuang.core.services import user_unlock
from kechuang.core.tests.cast import PASSWORD, CastTestCase


def failures(key: str) -> int:
    counter = LoginCounter.objects.filter(key=key).first()
    return counter.failures if counter else 0


class LoginTest(CastTestCase):
    def login(self, password: str, username: str = "staff", address: str = "10.0.0.1"):
        return self.client.post(
            "/login/", {"username": username, "password": password}, REMOTE_ADDR=address
        )

    def test_it_signs_in_with_the_right_password(self):
        response = self.login(PASSWORD)
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.staff.pk)

    def test_it_refuses_a_wrong_password_in_chinese(self):
        response = self.login("wrong")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "用户名或密码不正确")
        self.assertEqual(failures("user:staff"), 1)
        self.assertEqual(failures("addr:10.0.0.1"), 1)

    def test_an_unknown_username_gets_the_same_answer_as_a_wrong_password(self):
        wrong = self.login("wrong")
        unknown = self.login("wrong", username="nobody")
        self.assertEqual(
            wrong.context["form"].non_field_errors(), unknown.context["form"].non_field_errors()
        )
        self.assertEqual(failures("user:nobody"), 1)

    def test_it_locks_the_account_after_too_many_failures(self):
        for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
            self.login("wrong")
        response = self.login("wrong")
        self.assertContains(response, "登录失败次数过多，请于")
        until = LoginCounter.objects.get(key="user:staff").locked_until
        self.assertContains(response, f"{timezone.localtime(until):%H:%M} 后再试")

        response = self.login(PASSWORD, address="10.0.0.2")
        self.assertContains(response, "登录失败次数过多")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_an_unknown_username_locks_like_a_real_one(self):
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            known = self.login("wrong", address="10.0.0.1")
            unknown = self.login("wrong", username="nobody", address="10.0.0.2")
        self.assertContains(known, "登录失败次数过多")
        self.assertContains(unknown, "登录失败次数过多")

    def test_it_locks_an_address_that_tries_many_usernames(self):
        with self.settings(LOGIN_ADDRESS_FAILURE_LIMIT=3):
            for name in ("a1", "a2", "a3"):
                self.login("wrong", username=name)
            response = self.login(PASSWORD)
            self.assertContains(response, "登录失败次数过多")
            other = self.login(PASSWORD, address="10.0.0.9")
        self.assertRedirects(other, "/", fetch_redirect_response=False)

    def test_it_unlocks_once_the_lock_out_has_passed(self):
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            self.login("wrong")
        later = timezone.now() + datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES + 1)
        with mock.patch("django.utils.timezone.now", return_value=later):
            response = self.login(PASSWORD)
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertFalse(LoginCounter.objects.filter(key="user:staff").exists())

    def test_a_success_resets_the_failure_count(self):
        self.login("wrong")
        self.login("wrong")
        self.login(PASSWORD)
        self.assertEqual(failures("user:staff"), 0)

    def test_failures_far_apart_do_not_add_up(self):
        self.login("wrong")
        later = timezone.now() + datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES + 1)
        with mock.patch("django.utils.timezone.now", return_value=later):
            self.login("wrong")
        self.assertEqual(failures("user:staff"), 1)

    def test_failed_logins_stay_out_of_the_audit_trail(self):
        from kechuang.core.models import AuditEvent

        before = AuditEvent.objects.count()
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            self.login("wrong")
        self.assertEqual(AuditEvent.objects.count(), before)

    def test_it_refuses_an_inactive_account(self):
        User.objects.filter(pk=self.staff.pk).update(is_active=False)
        response = self.login(PASSWORD)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "该账号已停用")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_unlock_lifts_a_lockout(self):
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            self.login("wrong")
        user_unlock(actor=self.admin, user=self.staff)
        self.assertRedirects(
            self.login(PASSWORD, address="10.0.0.2"), "/", fetch_redirect_response=False
        )


class SessionTest(CastTestCase):
    def test_anonymous_users_are_sent_to_the_login_page(self):
        response = self.client.get("/enterprises/")
        self.assertRedirects(response, "/login/?next=/enterprises/", fetch_redirect_response=False)

    def test_logout_ends_the_session(self):
        self.client.force_login(self.staff)
        response = self.client.post("/logout/")
        self.assertRedirects(response, "/login/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/").status_code, 302)

    def test_a_user_changes_own_password(self):
        self.client.force_login(self.liaison_a)
        new = "Heshan-new-password-2023"
        response = self.client.post(
            "/password/",
            {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        )
        self.assertRedirects(response, "/password/done/", fetch_redirect_response=False)
        self.assertTrue(User.objects.get(pk=self.liaison_a.pk).check_password(new))

    def test_it_refuses_a_wrong_old_password(self):
        self.client.force_login(self.liaison_a)
        new = "Heshan-new-password-2023"
        response = self.client.post(
            "/password/", {"old_password": "nope", "new_password1": new, "new_password2": new}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "旧密码不正确")
        self.assertTrue(User.objects.get(pk=self.liaison_a.pk).check_password(PASSWORD))
