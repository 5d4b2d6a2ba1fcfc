"""Writes of the core app: sign-in bookkeeping and users."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, F, Max, Q, Value, When
from django.utils import timezone

from kechuang.core.models import ApiToken, LoginCounter, User


class LoginRefused(Exception):
    """Sign-in refused, with a Chinese reason."""


# One message for an unknown username and a wrong password: it must not tell them apart.
WRONG_CREDENTIALS = "用户名或密码不正确"


def login_attempt(*, request, username: str, password: str) -> User:
    """Authenticates through the lockout shared by the login page and POST /api/token/.

    Failures are counted per username (known or not) and per client address; either counter
    reaching its limit refuses that username or address until the lockout ends, whatever the
    password. Unknown usernames take the same path as wrong passwords (Django's backend hashes
    a dummy password for them), so neither the message nor the timing reveals an account.
    Deliberately not one transaction: a counted failure must stay counted although the
    attempt ends in LoginRefused, so callers must not wrap it in a transaction either.
    """
    now = timezone.now()
    keys = _counter_keys(username, client_address(request))
    locked = _locked_until(keys, now)
    if locked:
        raise LoginRefused(_locked_message(locked))
    user = authenticate(request, username=username, password=password)
    if user is None:
        account = User.objects.filter(username=username, is_active=False).first()
        if account is not None and account.check_password(password):
            raise LoginRefused("该账号已停用，请联系管理员")
        locked = _count_failure(keys, now)
        raise LoginRefused(_locked_message(locked) if locked else WRONG_CREDENTIALS)
    # Only the username's counter restarts: an address keeps its count until it goes quiet.
    LoginCounter.objects.filter(key=keys[0][0]).delete()
    return user


def _counter_keys(username: str, address: str) -> list[tuple[str, int]]:
    """(counter key, failure limit) for the username and the client address."""
    return [
        (f"user:{username}"[:200], settings.LOGIN_FAILURE_LIMIT),
        (f"addr:{address}"[:200], settings.LOGIN_ADDRESS_FAILURE_LIMIT),
    ]


def _locked_until(keys, now: datetime.datetime) -> datetime.datetime | None:
    found = LoginCounter.objects.filter(
        key__in=[key for key, _ in keys], locked_until__gt=now
    ).aggregate(until=Max("locked_until"))
    return found["until"]


def _locked_message(until: datetime.datetime) -> str:
    return f"登录失败次数过多，请于 {timezone.localtime(until):%H:%M} 后再试"


def _count_failure(keys, now: datetime.datetime) -> datetime.datetime | None:
    """Counts one failure on each counter atomically; the lockout end if one now locks."""
    window = now - datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    lock_end = now + datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    locked = None
    for key, limit in keys:
        LoginCounter.objects.get_or_create(key=key, defaults={"last_failure": now})
        # One UPDATE each, so concurrent failures never overwrite each other's count; a
        # count whose last failure is older than the window starts over.
        LoginCounter.objects.filter(key=key).update(
            failures=Case(When(last_failure__lt=window, then=Value(1)), default=F("failures") + 1),
            last_failure=now,
        )
        # A lockout starts the count over, so the next lockout needs `limit` new failures.
        if LoginCounter.objects.filter(key=key, failures__gte=limit).update(
            failures=0, locked_until=lock_end
        ):
            locked = lock_end
    LoginCounter.objects.filter(last_failure__lt=now - datetime.timedelta(days=1)).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    ).delete()
    return locked


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or X-Forwarded-For behind NUM_PROXIES proxies."""
    remote = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if request is not None else ""
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return remote


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> None:
    """Lifts a username's lockout (its client addresses stay counted)."""
    LoginCounter.objects.filter(key=f"user:{user.username}").delete()


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
    """Sets a password (kept out of the audit trail's before/after) and revokes API tokens."""
    user.set_password(password)
    user._history_user = actor
    user.save(update_fields=["password"])
    for token in user.api_tokens.all():
        _revoke(token, actor or user)


def _token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def apitoken_create(*, actor: User, user: User, name: str) -> tuple[ApiToken, str]:
    """Issues a token valid for API_TOKEN_DAYS; the key is returned once and never stored."""
    if actor != user:
        raise PermissionDenied("只能为自己创建接口令牌")
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken(
        user=user,
        name=name.strip() or "接口令牌",
        key_hash=_token_hash(key),
        prefix=key[:8],
        created=now,
        expires=now + datetime.timedelta(days=settings.API_TOKEN_DAYS),
    )
    token.full_clean()
    token._history_user = actor
    token.save()
    return token, key


@transaction.atomic
def apitoken_revoke(*, actor: User, token: ApiToken) -> None:
    """Deletes a token; only its owner (or a superuser) may."""
    if actor != token.user and not actor.is_superuser:
        raise PermissionDenied("只能撤销自己的接口令牌")
    _revoke(token, actor)


def _revoke(token: ApiToken, actor: User) -> None:
    token._history_user = actor
    token.delete()


def apitoken_for_key(key: str) -> ApiToken | None:
    """The token a presented key belongs to, expired or not; None if there is none."""
    return ApiToken.objects.select_related("user").filter(key_hash=_token_hash(key)).first()


def apitoken_touch(*, token: ApiToken) -> None:
    """Records a use, at most once a minute (a bookkeeping field, outside the audit)."""
    now = timezone.now()
    if token.last_used is None or now - token.last_used > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
