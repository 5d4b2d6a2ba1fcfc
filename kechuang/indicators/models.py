"""Data elements, their values by region and period, indicators, targets, and the
above-scale firms' monthly statistics that county figures are computed from."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from kechuang.core.scoping import Scope, ScopedQuerySet
from kechuang.core.text import validate_clean_name
from kechuang.indicators.choices import IndicatorKind, Measure, ValueSource

period_validator = RegexValidator(
    r"^(19|20)\d\d-(0[1-9]|1[0-2])$", "期间应为 YYYY-MM，如 2023-04（表示1月至4月累计）"
)


class DataElement(models.Model):
    """A statistic reported for a region and period (cumulative from January), in a base unit."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60, unique=True, validators=[validate_clean_name])
    measure = models.CharField("计量", max_length=10, choices=Measure.choices)
    cumulative = models.BooleanField("按年累计", default=True)
    # How the element is computed bottom-up from EnterpriseMonth, if it can be (see engine).
    aggregation = models.CharField("企业数据汇总方式", max_length=40, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "数据项"
        verbose_name_plural = "数据项"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """An indicator of the scoreboard: an element's amount, or a ratio of two elements."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60, validators=[validate_clean_name])
    kind = models.CharField("类型", max_length=10, choices=IndicatorKind.choices)
    numerator = models.ForeignKey(
        DataElement, verbose_name="分子（数据项）", on_delete=models.PROTECT, related_name="+"
    )
    denominator = models.ForeignKey(
        DataElement,
        verbose_name="分母",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    denominator_label = models.CharField(
        "分母名称", max_length=60, blank=True, help_text="报告中的口径，如“主营业务收入”"
    )
    unit = models.CharField("显示单位", max_length=10, help_text="亿元、万元、家、%")
    precision = models.PositiveSmallIntegerField("小数位", default=2)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (self.kind == IndicatorKind.RATIO) != (self.denominator_id is not None):
            raise ValidationError({"denominator": "比率指标必须有分母，总量指标不能有分母"})


class DataValue(models.Model):
    """An element's value for a region and period, from one source."""

    element = models.ForeignKey(
        DataElement, verbose_name="数据项", on_delete=models.PROTECT, related_name="values"
    )
    region = models.ForeignKey(
        "core.Region", verbose_name="区域", on_delete=models.PROTECT, related_name="data_values"
    )
    period = models.CharField("期间", max_length=7, validators=[period_validator])
    value = models.DecimalField("本期值（基本单位）", max_digits=20, decimal_places=4)
    previous = models.DecimalField(
        "上年同期值", max_digits=20, decimal_places=4, null=True, blank=True
    )
    published_yoy = models.DecimalField(
        "公布同比增长（%）", max_digits=9, decimal_places=2, null=True, blank=True
    )
    source = models.CharField("来源", max_length=16, choices=ValueSource.choices)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region")

    class Meta:
        verbose_name = "指标数据"
        verbose_name_plural = "指标数据"
        ordering = ["element", "region", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["element", "region", "period", "source"],
                name="data_value_unique",
                violation_error_message="该区域该期间该数据项已有同一来源的数据",
            )
        ]
        indexes = [
            models.Index(fields=["region", "period"]),
            models.Index(fields=["element", "period"]),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.period} {self.element}"


class Target(models.Model):
    """An indicator's annual target for a region."""

    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="targets"
    )
    region = models.ForeignKey(
        "core.Region",
        verbose_name="区域",
        on_delete=models.PROTECT,
        related_name="indicator_targets",
    )
    year = models.PositiveSmallIntegerField("年度")
    value = models.DecimalField("目标值（基本单位）", max_digits=20, decimal_places=4)
    document = models.CharField("依据", max_length=200, blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region")

    class Meta:
        verbose_name = "指标目标"
        verbose_name_plural = "指标目标"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "region", "year"],
                name="target_unique",
                violation_error_message="该区域该年度已有此指标的目标",
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year} {self.indicator}"


class EnterpriseMonth(models.Model):
    """An above-scale firm's cumulative figures from January to the period's month, as in the
    statistics bureau's enterprise-level table. Where the firm sat and its flags are kept as
    of the period, so a firm's move never rewrites history and sums need no joins."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.CASCADE,
        related_name="months",
    )
    period = models.CharField("期间", max_length=7, validators=[period_validator])
    township = models.ForeignKey(
        "core.Region", verbose_name="乡镇（街道）", on_delete=models.PROTECT, related_name="+"
    )
    county = models.ForeignKey(
        "core.Region", verbose_name="县（市、区）", on_delete=models.PROTECT, related_name="+"
    )
    manufacturing = models.BooleanField("制造业", default=False)
    revenue = models.DecimalField("营业收入（元）", max_digits=18, decimal_places=2, default=0)
    tech_dev_expense = models.DecimalField(
        "技术开发费（元）", max_digits=18, decimal_places=2, default=0
    )
    value_added = models.DecimalField(
        "工业增加值（元）", max_digits=18, decimal_places=2, default=0
    )
    rnd_active = models.BooleanField("有研发活动", default=False)
    hitech = models.BooleanField("高新技术产业", default=False)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="township", enterprise="enterprise_id")

    class Meta:
        verbose_name = "规上企业月度数据"
        verbose_name_plural = "规上企业月度数据"
        ordering = ["enterprise", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "period"],
                name="enterprise_month_unique",
                violation_error_message="该企业该期间的数据已存在",
            )
        ]
        indexes = [
            models.Index(fields=["county", "period"]),
            models.Index(fields=["township", "period"]),
            models.Index(fields=["period", "enterprise"]),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.period}"


class RegionPeriodTotal(models.Model):
    """Derived data: a county's or township's bottom-up figure of one element for one period,
    summed from EnterpriseMonth, with the comparable-basis pair of a 'sum' element (this
    year's and last year's sums over the firms present in both years' same period, grouped by
    where the firm is this year; null when no firm is in both). Written only by totals.py (the
    TotalsBatch every EnterpriseMonth write and delete flushes in its transaction, and
    totals_refresh), checked by `kechuang totals --check`; read by
    selectors.bottom_up* and comparable_growth (cities and provinces add up their counties).
    `aggregation` is the element's aggregation the row was computed with, so a changed
    definition is noticed (the selectors then compute that element live). Not audited."""

    region = models.ForeignKey(
        "core.Region", verbose_name="区域", on_delete=models.CASCADE, related_name="+"
    )
    period = models.CharField("期间", max_length=7)
    element = models.ForeignKey(
        DataElement, verbose_name="数据项", on_delete=models.CASCADE, related_name="+"
    )
    aggregation = models.CharField("汇总方式", max_length=40)
    value = models.DecimalField("汇总值", max_digits=24, decimal_places=2)
    comparable_current = models.DecimalField(
        "可比口径本期", max_digits=24, decimal_places=2, null=True, blank=True
    )
    comparable_previous = models.DecimalField(
        "可比口径上年同期", max_digits=24, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = "企业数据汇总"
        verbose_name_plural = "企业数据汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["region", "period", "element"], name="region_period_total_unique"
            )
        ]
        indexes = [models.Index(fields=["period", "region"])]

    def __str__(self) -> str:
        return f"{self.region_id} {self.period} {self.element_id}"
