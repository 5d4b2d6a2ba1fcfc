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

W002 = Warning(
    "SECURE_SSL_REDIRECT 已开启，但没有设置 SECURE_PROXY_SSL_HEADER：在 nginx 等 TLS 反向代理后面，"
    "应用看不出请求来自 HTTPS，会无限重定向。 (SECURE_SSL_REDIRECT without "
    "SECURE_PROXY_SSL_HEADER redirects forever behind a TLS proxy.)",
    hint="在反向代理后面时设置 SECURE_PROXY_SSL_HEADER=true（代理须设置 X-Forwarded-Proto），"
    "并设置 NUM_PROXIES=1。",
    id="kechuang.W002",
)


@register(Tags.security, deploy=True)
def check_secret_key_configured(app_configs, **kwargs):
    """Warns when the secret key was generated on this machine rather than configured."""
    return [W001] if getattr(settings, "SECRET_KEY_GENERATED", False) else []


@register(Tags.security, deploy=True)
def check_proxy_header(app_configs, **kwargs):
    """Warns when HTTPS is enforced but the proxy's X-Forwarded-Proto is not trusted."""
    redirect = getattr(settings, "SECURE_SSL_REDIRECT", False)
    return [W002] if redirect and not getattr(settings, "SECURE_PROXY_SSL_HEADER", None) else []
