"""Writes of the core app: sign-in bookkeeping and users."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone

from kechuang.core.models import User


class LoginRefused(Exception):
    """Sign-in refused, with a Chinese reason."""


def login_attempt(*, request, username: str, password: str) -> User:
    """Authenticates; counts failures and locks the account after too many in a row."""
    account = User.objects.filter(username=username).first()
    now = timezone.now()
    if account and account.locked_until and account.locked_until > now:
        until = timezone.localtime(account.locked_until).strftime("%H:%M")
        raise LoginRefused(f"连续登录失败次数过多，账号已锁定，请于 {until} 后再试或联系管理员")
    user = authenticate(request, username=username, password=password)
    inactive = user is None and account is not None and not account.is_active
    if inactive and account.check_password(password):
        raise LoginRefused("该账号已停用，请联系管理员")
    if user is None:
        if account is not None:
            _count_failure(account, now)
        raise LoginRefused("用户名或密码不正确")
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    return user


def _count_failure(account: User, now: datetime.datetime) -> None:
    # A security counter, not business data: updated in place, outside the audit trail.
    failures = account.failed_logins + 1
    if failures >= settings.LOGIN_FAILURE_LIMIT:
        locked = now + datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        User.objects.filter(pk=account.pk).update(failed_logins=0, locked_until=locked)
        raise LoginRefused(
            f"连续 {failures} 次登录失败，账号已锁定 {settings.LOGIN_LOCKOUT_MINUTES} 分钟"
        )
    User.objects.filter(pk=account.pk).update(failed_logins=failures)


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> None:
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)


@transaction.atomic
def user_create(*, actor: User | None, username: str, password: str, **fields) -> User:
    """Creates a user bound to a region (and an enterprise or institute by role)."""
    user = User(username=username, **fields)
    user.set_password(password)
    user.full_clean()
    user._history_user = actor
    user.save()
    return user


USER_FIELDS = (
    "full_name",
    "role",
    "region",
    "enterprise",
    "institution",
    "phone",
    "email",
    "is_active",
    "is_superuser",
    "is_staff",
)


@transaction.atomic
def user_update(*, actor: User | None, user: User, **fields) -> User:
    """Changes a user's profile, role or binding; audited like every write."""
    for name, value in fields.items():
        if name not in USER_FIELDS:
            raise ValueError(f"unknown user field {name}")
        setattr(user, name, value)
    user.full_clean()
    user._history_user = actor
    user.save()
    return user


@transaction.atomic
def user_set_password(*, actor: User | None, user: User, password: str) -> None:
    """Sets a password (kept out of the audit trail's before/after by design)."""
    user.set_password(password)
    user._history_user = actor
    user.save(update_fields=["password"])
