"""Sign-in with lock-out, sign-out and password change."""

import datetime
from unittest import mock

from django.conf import settings
from django.utils import timezone

from kechuang.core.models import User
from kechuang.core.tests.cast import PASSWORD, CastTestCase


class LoginTest(CastTestCase):
    def login(self, password: str, username: str = "staff"):
        return self.client.post("/login/", {"username": username, "password": password})

    def test_it_signs_in_with_the_right_password(self):
        response = self.login(PASSWORD)
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.staff.pk)

    def test_it_refuses_a_wrong_password_in_chinese(self):
        response = self.login("wrong")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "用户名或密码不正确")
        self.assertEqual(User.objects.get(pk=self.staff.pk).failed_logins, 1)

    def test_it_locks_the_account_after_too_many_failures(self):
        for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
            self.login("wrong")
        response = self.login("wrong")
        self.assertContains(response, "账号已锁定")
        self.assertIsNotNone(User.objects.get(pk=self.staff.pk).locked_until)

        response = self.login(PASSWORD)
        self.assertContains(response, "连续登录失败次数过多，账号已锁定")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_unlocks_once_the_lock_out_has_passed(self):
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            self.login("wrong")
        later = timezone.now() + datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES + 1)
        with mock.patch("django.utils.timezone.now", return_value=later):
            response = self.login(PASSWORD)
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        account = User.objects.get(pk=self.staff.pk)
        self.assertEqual((account.failed_logins, account.locked_until), (0, None))

    def test_a_success_resets_the_failure_count(self):
        self.login("wrong")
        self.login("wrong")
        self.login(PASSWORD)
        self.assertEqual(User.objects.get(pk=self.staff.pk).failed_logins, 0)

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
        self.assertNotIn("_auth_user_id", self.client.session)


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
