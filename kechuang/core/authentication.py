"""REST API authentication by expiring tokens: `Authorization: Token <key>` or `Bearer <key>`."""

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from kechuang.core import services

KEYWORDS = ("token", "bearer")


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """Authenticates the holder of an unexpired ApiToken of an active user."""

    keyword = "Token"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower().decode(errors="replace") not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("令牌格式不正确：应为 “Token 密钥”")
        try:
            key = parts[1].decode()
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("令牌含有无效字符") from exc
        token = services.apitoken_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed("令牌无效或已撤销")
        if token.expires <= timezone.now():
            raise exceptions.AuthenticationFailed("令牌已过期，请重新获取")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("该账号已停用，请联系管理员")
        services.apitoken_touch(token=token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Shows the token scheme in the OpenAPI schema."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "POST /api/token/ 取得令牌，请求时加请求头 “Authorization: Token 密钥”"
            "（也接受 “Bearer 密钥”）。令牌到期或被撤销后返回 401。",
        }
