"""The leaders' dashboard: thin over the selectors; charts load their data from the API."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from kechuang.core import figures
from kechuang.core.choices import RegionLevel
from kechuang.core.models import Region
from kechuang.indicators import engine, navigation, selectors
from kechuang.indicators.models import DataElement


def dashboard(request):
    """Whoever may see a region's figures (bureau, liaisons, viewers, commissioners)."""
    user = request.user
    regions = navigation.dashboard_regions(user)
    if not regions:
        raise PermissionDenied("无权查看主要指标")
    region = _chosen(regions, request.GET.get("region")) or _default_region(user, regions)
    periods = navigation.periods_with_data(region)
    period = request.GET.get("period") or (periods[-1] if periods else None)
    table = None
    error = None
    if period:
        try:
            table = selectors.indicator_table(user, region, period)
        except engine.IndicatorError as exc:
            error = str(exc)
    has_children = Region.objects.filter(parent=region).exists()
    urls = {
        "trend": reverse("indicators:api_trend"),
        "yearly": reverse("indicators:api_yearly"),
        "ranking": reverse("indicators:api_ranking"),
        "children": reverse("indicators:api_children"),
        "page": reverse("indicators:dashboard"),
    }
    # The counts behind the work (core/figures.py), for a region whose records the user lists.
    show_figures = bool(period) and figures.may_read(user, region)
    if show_figures:
        urls["figures"] = reverse("figures")
    return render(
        request,
        "indicators/dashboard.html",
        {
            "regions": regions,
            "region": region,
            "periods": periods,
            "period": period,
            "table": table,
            "error": error,
            "has_children": has_children,
            "parent": region.parent if region.parent_id else None,
            "dashboard_config": {
                "region": region.code,
                "parent": region.parent.code if region.parent_id else None,
                "period": period,
                "years": navigation.years_with_data(region),
                "urls": urls,
            },
            "show_figures": show_figures,
        },
    )


def _chosen(regions, code):
    return next((r for r in regions if r.code == code), None) if code else None


def _default_region(user, regions):
    own = next((r for r in regions if r.pk == user.region_id), None)
    if own is not None:
        return own
    counties = [r for r in regions if r.level == RegionLevel.COUNTY]
    return (counties or regions)[0]


def sources(request):
    """Whoever may see the region: the bottom-up figures against the published ones."""
    region, period = _region_period(request)
    try:
        data = selectors.bottom_up_vs_published(request.user, region, period)
    except engine.IndicatorError as exc:
        raise Http404(str(exc)) from exc
    return render(request, "indicators/sources.html", {"data": data, "region": region})


def firms(request):
    """Whoever may see the region: the firms behind a bottom-up figure, by growth contribution.
    Firm rows are limited to the firms the user may see."""
    region, period = _region_period(request)
    element = request.GET.get("element", "tech_dev_expense")
    try:
        data = selectors.contributors(request.user, region, period, element)
    except engine.IndicatorError as exc:
        raise Http404(str(exc)) from exc
    elements = (
        DataElement.objects.exclude(aggregation="")
        .exclude(aggregation__startswith=f"{selectors.FIGURE}:")
        .order_by("code")
    )
    return render(
        request, "indicators/firms.html", {"data": data, "region": region, "elements": elements}
    )


def _region_period(request):
    code, period = request.GET.get("region", ""), request.GET.get("period", "")
    region = Region.objects.filter(code=code).first()
    if region is None or not period:
        raise Http404("请指定区域和期间")
    if not selectors.can_see_figures(request.user, region):
        raise PermissionDenied(f"无权查看{region.name}的指标")
    return region, period
