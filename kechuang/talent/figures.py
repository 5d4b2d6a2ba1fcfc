"""Figures of talent projects (core/figures.py): projects that reached each stage in the year
up to the period (by the stage's date, whatever became of them since), in all and per class."""

from django.db.models import Q

from kechuang.core import figures
from kechuang.core.figures import ByRegion, Figure, Period
from kechuang.core.models import Region
from kechuang.talent.choices import STAGE_DATES, Stage
from kechuang.talent.models import TalentProject
from kechuang.talent.programs import class_codes


def _reached(stage: str, code: str | None):
    field = STAGE_DATES[stage]

    def condition(period: Period) -> Q:
        q = Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})
        return q & Q(talent_class=code) if code else q

    return condition


def _page(stage: str, code: str | None):
    def source(region: Region, period: Period) -> str:
        return figures.page(
            "talent:project_list",
            **{stage: str(period), "region": region.code, "talent_class": code or ""},
        )

    return source


for stage, stage_label in Stage.choices:
    for code, class_label in ((None, ""), *class_codes()):
        suffix = f".{code}" if code else ""
        figures.register(
            Figure.by_region(
                f"talent.projects.{stage}{suffix}",
                f"{stage_label}的{class_label}人才项目",
                "项",
                ByRegion(TalentProject, _reached(stage, code), "region__code"),
                _page(stage, code),
                f"当年进入“{stage_label}”阶段、截至期末的{class_label or ''}人才项目"
                "（按承接企业所在乡镇，不论此后阶段）",
            )
        )


def _intent_unsigned(period: Period) -> Q:
    return Q(intended_on__gte=period.start, intended_on__lte=period.end) & (
        Q(signed_on__isnull=True) | Q(signed_on__gt=period.end)
    )


figures.register(
    Figure.by_region(
        "talent.projects.intent_unsigned",
        "签订意向协议、尚未签约的人才项目",
        "项",
        ByRegion(TalentProject, _intent_unsigned, "region__code"),
        lambda region, period: figures.page(
            "talent:project_list",
            intent=str(period),
            unsigned_at=str(period),
            region=region.code,
        ),
        "当年签订意向协议、截至期末尚未签约的人才项目（种子报告“签订绿谷精英创业项目意向协议3项”）",
    )
)
