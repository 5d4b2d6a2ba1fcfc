"""Figures of the commissioners (core/figures.py): townships with a commissioner assigned in
the year up to the period, townships served at least once in it, and service logs."""

from django.db.models import Q

from kechuang.commissioners.filters import (
    assigned_in,
    requests_in,
    requests_served_in,
    served_in,
)
from kechuang.commissioners.models import ServiceLog, ServiceRequest
from kechuang.core import figures
from kechuang.core.figures import ByRegion, Figure, Period
from kechuang.core.models import Region


def _coverage_page(filter_name: str):
    def source(region: Region, period: Period) -> str:
        return figures.page(
            "commissioners:coverage", **{filter_name: str(period), "region": region.code}
        )

    return source


def _logs_in(period: Period) -> Q:
    return Q(served_on__gte=period.start, served_on__lte=period.end)


def _logs_page(region: Region, period: Period) -> str:
    return figures.page("commissioners:log_list", served=str(period), region=region.code)


figures.register(
    Figure.by_region(
        "commissioners.townships_covered",
        "科技特派员派驻乡镇",
        "个",
        ByRegion(Region, assigned_in, "code"),
        _coverage_page("assigned"),
        "当年至期末有科技特派员派驻的乡镇（街道）",
    )
)
figures.register(
    Figure.by_region(
        "commissioners.townships_served",
        "科技特派员服务乡镇",
        "个",
        ByRegion(Region, served_in, "code"),
        _coverage_page("served"),
        "当年至期末至少有一条服务日志的乡镇（街道）",
    )
)
figures.register(
    Figure.by_region(
        "commissioners.service_logs",
        "科技特派员服务日志",
        "条",
        ByRegion(ServiceLog, _logs_in, "township__code"),
        _logs_page,
        "当年至期末的服务日志（按服务日期、服务乡镇）",
    )
)


def _requests_page(filter_name: str):
    def source(region: Region, period: Period) -> str:
        return figures.page(
            "commissioners:request_list", **{filter_name: str(period), "region": region.code}
        )

    return source


figures.register(
    Figure.by_region(
        "commissioners.requests",
        "科技特派员服务需求",
        "条",
        ByRegion(ServiceRequest, requests_in, "township__code"),
        _requests_page("submitted"),
        "当年至期末提出的服务需求（按提出日期、需求所在乡镇），不论此后状态",
    )
)
figures.register(
    Figure.by_region(
        "commissioners.requests_served",
        "科技特派员已服务需求",
        "条",
        ByRegion(ServiceRequest, requests_served_in, "township__code"),
        _requests_page("served"),
        "当年至期末登记服务日志的服务需求（按服务日期），含此后办结的",
    )
)
