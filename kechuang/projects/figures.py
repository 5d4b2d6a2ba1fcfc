"""Figures of projects (core/figures.py): the demands collected for the provincial 尖兵 / 领雁
lists (the seed's "组织上报省尖兵领雁研发攻关需求7项"), and the year's projects by program level
and by status. A project counts for the year it is filed for, once collected by the period's
end (projects.selectors.in_period, the list's `region` + `period` filters)."""

from django.db.models import Q

from kechuang.core import figures
from kechuang.core.figures import ByRegion, Figure, Period
from kechuang.core.models import Region
from kechuang.projects.choices import PROVINCIAL_KINDS, ProgramLevel, ProjectStatus
from kechuang.projects.models import Project
from kechuang.projects.selectors import list_url


def _filed(extra: Q):
    def condition(period: Period) -> Q:
        return Q(year=period.year, collected_on__lte=period.end) & extra

    return condition


def _page(**filters):
    def source(region: Region, period: Period) -> str:
        return list_url(region, str(period), **filters)

    return source


figures.register(
    Figure.by_region(
        "projects.provincial_demands",
        "组织上报省尖兵领雁研发攻关需求",
        "项",
        ByRegion(Project, _filed(Q(program__kind__in=PROVINCIAL_KINDS)), "region__code"),
        _page(kind=list(PROVINCIAL_KINDS)),
        "当年征集、截至期末的省尖兵、领雁计划需求（按项目所在地，不论此后状态）",
    )
)
for level, label in ProgramLevel.choices:
    figures.register(
        Figure.by_region(
            f"projects.level.{level}",
            f"{label}项目",
            "项",
            ByRegion(Project, _filed(Q(program__level=level)), "region__code"),
            _page(level=level),
            f"当年的{label}计划项目（征集至期末，任何状态）",
        )
    )
for status, label in ProjectStatus.choices:
    figures.register(
        Figure.by_region(
            f"projects.status.{status}",
            f"项目：{label}",
            "项",
            ByRegion(Project, _filed(Q(status=status)), "region__code"),
            _page(status=status),
            f"当年的项目中目前为“{label}”的",
        )
    )
