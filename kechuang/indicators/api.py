"""JSON for the dashboard's charts and for other systems: the same selectors as the CLI."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from rest_framework.exceptions import NotFound, ParseError, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from kechuang.indicators import engine, selectors


class _SelectorView(APIView):
    """Signed-in users who may see the region's figures (selectors.can_see_figures)."""

    def get(self, request):
        params = request.query_params
        try:
            return Response(self.fetch(request.user, params))
        except engine.IndicatorError as exc:
            raise ParseError(str(exc)) from exc
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except KeyError as exc:
            raise ParseError(f"缺少参数：{exc.args[0]}") from exc
        except LookupError as exc:
            raise NotFound(str(exc)) from exc


class IndicatorTableView(_SelectorView):
    """GET ?region=CODE&period=YYYY-MM: the `kechuang indicators` JSON."""

    def fetch(self, user, params):
        return selectors.indicator_table(user, params["region"], params["period"])


class TrendView(_SelectorView):
    """GET ?region=CODE&indicator=CODE&years=2021,2022,2023: monthly cumulative series."""

    def fetch(self, user, params):
        years = [int(y) for y in params["years"].split(",") if y.strip().isdigit()]
        if not years:
            raise engine.IndicatorError("years 应为逗号分隔的年份，如 2022,2023")
        return selectors.trend(user, params["region"], params["indicator"], years)


class YearlyView(_SelectorView):
    """GET ?region=CODE&indicator=CODE: full-year values by year."""

    def fetch(self, user, params):
        return selectors.yearly(user, params["region"], params["indicator"])


class RankingView(_SelectorView):
    """GET ?parent=CODE&indicator=CODE&period=YYYY-MM: the sibling regions ranked."""

    def fetch(self, user, params):
        return selectors.ranking(user, params["parent"], params["indicator"], params["period"])


class ChildrenView(_SelectorView):
    """GET ?region=CODE&period=YYYY-MM: every child region's scoreboard (drill-down)."""

    def fetch(self, user, params):
        return selectors.children_table(user, params["region"], params["period"])
