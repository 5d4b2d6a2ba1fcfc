"""Choices of work plans."""

from django.db import models

from kechuang.workplan import engine


class PlanKind(models.TextChoices):
    MULTI_YEAR = "multi_year", "多年行动方案"
    ANNUAL = "annual", "年度工作计划"


class Status(models.TextChoices):
    """Derived on read (engine.status), never stored or typed."""

    NOT_STARTED = engine.NOT_STARTED, "未开始"
    ON_TRACK = engine.ON_TRACK, "正常推进"
    AT_RISK = engine.AT_RISK, "有风险"
    LATE = engine.LATE, "已逾期"
    DONE = engine.DONE, "已完成"


# Bootstrap colour of each status badge (the legend on the tree shows them).
STATUS_COLOURS = {
    engine.NOT_STARTED: "secondary",
    engine.ON_TRACK: "primary",
    engine.AT_RISK: "warning",
    engine.LATE: "danger",
    engine.DONE: "success",
}

PLAN_ATTACHMENT_KINDS = ("计划文件", "其他")
UPDATE_ATTACHMENT_KINDS = ("佐证材料", "其他")
