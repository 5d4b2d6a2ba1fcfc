"""`POST /api/token/`: a username and password traded for an API token, through the same
lockout as the sign-in page."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from kechuang.core import services


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label="用户名", max_length=150)
    password = serializers.CharField(label="密码", max_length=128, style={"input_type": "password"})
    name = serializers.CharField(label="令牌名称", max_length=60, required=False, default="")


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(label="令牌（只显示这一次）")
    expires = serializers.DateTimeField(label="到期时间")


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class TokenObtainView(APIView):
    """Anyone: trades a username and password for a token, through the login lockout."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        operation_id="token_create",
        summary="取得接口令牌",
        description=(
            "用户名和密码换取接口令牌（默认 30 天后到期）。与登录页共用失败锁定："
            "同一用户名或同一地址连续失败过多时，在锁定结束前一律拒绝。"
        ),
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(DetailSerializer, "缺少字段、用户名或密码不正确，或已被锁定"),
            429: OpenApiResponse(DetailSerializer, "请求过于频繁"),
        },
        auth=[],
        tags=["token"],
    )
    def post(self, request):
        form = TokenRequestSerializer(data=request.data)
        if not form.is_valid():
            problems = "；".join(
                f"{form.fields[name].label}：{errors[0]}" if name in form.fields else str(errors[0])
                for name, errors in form.errors.items()
            )
            return Response({"detail": problems}, status=status.HTTP_400_BAD_REQUEST)
        data = form.validated_data
        try:
            user = services.login_attempt(
                request=request, username=data["username"], password=data["password"]
            )
        except services.LoginRefused as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        token, key = services.apitoken_create(actor=user, user=user, name=data["name"] or "接口")
        return Response(TokenResponseSerializer({"token": key, "expires": token.expires}).data)
