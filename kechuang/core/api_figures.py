"""GET /api/figures/?region=&period=[&codes=]: the figures of a region (core/figures.py), the
rows `kechuang figures --format json` prints."""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ParseError, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from kechuang.core import figures


class FigureRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    value = serializers.JSONField(
        help_text="计数为整数；金额为元，保留全部小数位的字符串；无数据为 null"
    )
    unit = serializers.CharField(help_text="金额为“元”，计数为量词（家、项、个）")
    display = serializers.CharField(help_text="报告写法，如“1.08亿元”“24家”")
    source = serializers.CharField(help_text="列出所计记录的页面路径（含筛选条件）")


EXAMPLE = [
    {
        "code": "transfer.turnover",
        "name": "技术市场交易额",
        "value": "108000000.00",
        "unit": "元",
        "display": "1.08亿元",
        "source": "/transfer/contracts/?region=331121&since=2023-01-01&until=2023-06-30",
    }
]


def _param(name: str, description: str, required: bool = True) -> OpenApiParameter:
    return OpenApiParameter(
        name, str, OpenApiParameter.QUERY, required=required, description=description
    )


class FiguresView(APIView):
    """Signed-in users who may read the region's figures (figures.may_read: the bureau,
    liaisons, commissioners and viewers for their region and those below it)."""

    serializer_class = FigureRowSerializer

    @extend_schema(
        parameters=[
            _param("region", "区划代码，如 331121"),
            _param("period", "期间 YYYY-MM（1月至该月累计）"),
            _param("codes", "只取这些数字，逗号分隔，如 transfer.turnover", required=False),
        ],
        responses=FigureRowSerializer(many=True),
        examples=[OpenApiExample("技术市场交易额", value=EXAMPLE, response_only=True)],
    )
    def get(self, request):
        params = request.query_params
        for name in ("region", "period"):
            if not params.get(name, "").strip():
                raise ParseError(f"缺少参数：{name}")
        codes = [c.strip() for c in params.get("codes", "").split(",") if c.strip()] or None
        try:
            region = figures.resolve_region(params["region"])
            if not figures.may_read(request.user, region):
                raise PermissionDenied(f"无权查看{region.name}的数字")
            rows = figures.evaluate(region, params["period"], codes)
        except figures.FigureError as exc:
            raise ParseError(str(exc)) from exc
        return Response([row.as_json() for row in rows])
