"""A firm's figures for one fiscal year."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from kechuang.core.scoping import Scope, ScopedQuerySet

MIN_YEAR = 1990


def money(label: str, *, allow_negative: bool = False) -> models.DecimalField:
    validators = [] if allow_negative else [MinValueValidator(0, "不能为负数")]
    return models.DecimalField(
        f"{label}（元）", max_digits=16, decimal_places=2, default=0, validators=validators
    )


class EnterpriseYear(models.Model):
    """One fiscal year of a firm: staff, finances, R&D and IP, as used for certification."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.CASCADE,
        related_name="years",
    )
    year = models.PositiveSmallIntegerField(
        "年度", validators=[MinValueValidator(MIN_YEAR, f"年度不能早于{MIN_YEAR}年")]
    )
    employees = models.PositiveIntegerField("职工总数", default=0)
    st_staff = models.PositiveIntegerField("科技人员数", default=0)
    sales_revenue = money("销售收入")
    total_income = money("总收入")
    rnd_expense = money("研发费用")
    rnd_expense_domestic = money("境内研发费用")
    hightech_income = money("高新技术产品（服务）收入")
    total_costs = money("成本费用总额")
    total_assets = money("资产总额")
    net_assets = money("净资产", allow_negative=True)
    ip_class1 = models.PositiveIntegerField("有效Ⅰ类知识产权", default=0)
    ip_class2 = models.PositiveIntegerField("有效Ⅱ类知识产权", default=0)
    conversions = models.PositiveIntegerField("科技成果转化数", default=0)
    incidents = models.BooleanField("发生重大安全、质量事故或严重环境违法", default=False)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="enterprise__township", enterprise="enterprise_id")

    class Meta:
        verbose_name = "企业年度数据"
        verbose_name_plural = "企业年度数据"
        ordering = ["enterprise", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year"],
                name="enterprise_year_unique",
                violation_error_message="该企业该年度的数据已存在",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}年"

    # (field, must not exceed, message)
    LIMITS = (
        ("st_staff", "employees", "科技人员数不能超过职工总数"),
        ("rnd_expense", "total_costs", "研发费用不能超过成本费用总额"),
        ("rnd_expense_domestic", "rnd_expense", "境内研发费用不能超过研发费用"),
        ("hightech_income", "total_income", "高新技术产品（服务）收入不能超过总收入"),
        ("sales_revenue", "total_income", "销售收入不能超过总收入"),
        ("net_assets", "total_assets", "净资产不能超过资产总额"),
    )

    def clean(self) -> None:
        errors = {}
        for part, whole, message in self.LIMITS:
            value, limit = getattr(self, part), getattr(self, whole)
            if value is not None and limit is not None and value > limit:
                errors.setdefault(part, message)
        if errors:
            raise ValidationError(errors)
