"""Reads that choose what the dashboard shows: the regions a user may open, and the periods
and years that have data."""

from django.db.models import Q

from kechuang.core.choices import RegionLevel
from kechuang.core.models import Region
from kechuang.indicators.models import DataValue, EnterpriseMonth
from kechuang.indicators.selectors import can_see_figures


def dashboard_regions(user) -> list[Region]:
    """Cities and counties whose figures the user may see, and the user's own region."""
    candidates = Region.objects.filter(
        Q(level__in=[RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY])
        | Q(pk=user.region_id)
    ).order_by("code")
    return [r for r in candidates if can_see_figures(user, r)]


def periods_with_data(region: Region) -> list[str]:
    """Periods with a stored value or firm statistics for the region, oldest first."""
    stored = DataValue.objects.filter(region=region).values_list("period", flat=True).distinct()
    firms = (
        EnterpriseMonth.objects.filter(Q(county=region) | Q(township=region))
        .order_by()
        .values_list("period", flat=True)
        .distinct()
    )
    return sorted(set(stored) | set(firms))


def years_with_data(region: Region) -> list[int]:
    return sorted({int(p[:4]) for p in periods_with_data(region)})
