from django.db import models


class Measure(models.TextChoices):
    """What a data element's base value counts; values are stored in this base unit."""

    AMOUNT = "amount", "金额（元）"
    COUNT = "count", "数量"
    PERCENT = "percent", "百分比"


class ValueSource(models.TextChoices):
    STATS_BUREAU = "stats_bureau", "统计局公布"
    COMPUTED = "computed", "企业数据汇总"
    MANUAL = "manual", "手工录入"


class IndicatorKind(models.TextChoices):
    AMOUNT = "amount", "总量指标"
    RATIO = "ratio", "比率指标"


class GrowthSource(models.TextChoices):
    PUBLISHED = "published", "公布增速"
    COMPUTED = "computed", "按上年同期计算"
    COMPARABLE = "comparable", "同口径企业计算"
