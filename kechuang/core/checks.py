"""Deployment checks of the platform's own settings (`kechuang check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

W001 = Warning(
    "SECRET_KEY 是自动生成并保存在 var/secret_key 的，不是配置的。多台服务器部署时必须配置 "
    "SECRET_KEY（或 SECRET_KEY_FILE），否则各台服务器的密钥不同，会话和 CSRF 校验会失败。 "
    "(SECRET_KEY was generated, not configured: a multi-server deployment must configure it.)",
    hint="设置环境变量 SECRET_KEY 或 SECRET_KEY_FILE，各台服务器使用同一个值。",
    id="kechuang.W001",
)


@register(Tags.security, deploy=True)
def check_secret_key_configured(app_configs, **kwargs):
    """Warns when the secret key was generated on this machine rather than configured."""
    return [W001] if getattr(settings, "SECRET_KEY_GENERATED", False) else []
