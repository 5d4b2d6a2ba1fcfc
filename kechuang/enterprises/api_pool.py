"""Chart data of the cultivation pool: the funnel per tier, scoped like the pool list."""

from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kechuang.core import clock
from kechuang.core.models import Region
from kechuang.enterprises.selectors import pool as selectors


class FunnelQuery(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=1990, max_value=2100)
    township = serializers.IntegerField(required=False)


class PoolFunnelView(APIView):
    """Per tier, how many of the year's pool entries reached 培育对象 / 辅导中 / 已申报 / 已认定."""

    def get(self, request):
        query = FunnelQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year") or clock.today().year
        township = None
        if "township" in query.validated_data:
            # A township the caller cannot see gives an empty funnel, not someone else's.
            township = (
                selectors.townships_for_funnel(request.user)
                .filter(pk=query.validated_data["township"])
                .first()
            ) or Region(pk=0)
        return Response(selectors.funnel(request.user, year, township))
