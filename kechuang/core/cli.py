"""Helpers shared by the management commands."""

from django.core.management.base import CommandError

from kechuang.core.models import User


def command_user(username: str | None) -> User:
    """The user a command acts as: the one named, or the first active superuser."""
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在或已停用", returncode=2)
        return user
    user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None:
        raise CommandError(
            "没有可用的超级用户：请用 --user 指定用户，或先运行 kechuang demo", returncode=2
        )
    return user
