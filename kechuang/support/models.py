"""Policies (政策), their award clauses, and disbursements (兑现) of clauses to firms."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from kechuang.core.scoping import Scope, ScopedQuerySet
from kechuang.core.text import validate_clean_name, validate_clean_text
from kechuang.support import rules
from kechuang.support.choices import (
    ATTACHMENT_KINDS,
    DISBURSEMENT_WORKFLOW,
    DisbursementStatus,
)

MONEY = {"max_digits": 14, "decimal_places": 2}
PUBLIC = Q(pk__isnull=False)


class Policy(models.Model):
    """A policy document of a county; its clauses come from a data file (data/<key>.toml).
    Readable by every signed-in user, changed by the bureau of its region."""

    key = models.SlugField("数据文件", max_length=60, unique=True)
    name = models.CharField("政策名称", max_length=120, validators=[validate_clean_name])
    number = models.CharField("文号", max_length=60, blank=True, validators=[validate_clean_name])
    issuer = models.CharField("发文单位", max_length=80, validators=[validate_clean_name])
    effective_from = models.DateField("施行日期")
    effective_until = models.DateField("有效期至", null=True, blank=True)
    region = models.ForeignKey(
        "core.Region", verbose_name="适用区域", on_delete=models.PROTECT, related_name="+"
    )
    is_example = models.BooleanField("示例（未引正式文件）", default=True)
    source = models.CharField("资料来源", max_length=200, blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", public=PUBLIC)

    class Meta:
        verbose_name = "政策"
        verbose_name_plural = "政策"
        ordering = ["-effective_from", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("support:policy_detail", args=[self.pk])

    def covers(self, year: int) -> bool:
        last = self.effective_until.year if self.effective_until else 9999
        return self.effective_from.year <= year <= last


class Clause(models.Model):
    """An award clause: the condition (table criteria over support.rules.FACTS), the amount
    rule, the evidence required and the budget line; clauses of one group are paid at most
    once per firm and year, the highest applying."""

    policy = models.ForeignKey(
        Policy, verbose_name="政策", on_delete=models.CASCADE, related_name="clauses"
    )
    code = models.SlugField("条款代码", max_length=40)
    name = models.CharField("条款名称", max_length=80, validators=[validate_clean_name])
    group = models.SlugField("从高从优分组", max_length=40, blank=True)
    conditions = models.JSONField("条件")
    amount_rule = models.JSONField("金额规则")
    evidence = models.CharField("所需材料", max_length=200, blank=True)
    budget_line = models.CharField("资金渠道", max_length=80, blank=True)
    is_example = models.BooleanField("示例", default=True)
    position = models.PositiveSmallIntegerField("顺序", default=0)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="policy__region", public=PUBLIC)

    class Meta:
        verbose_name = "兑现条款"
        verbose_name_plural = "兑现条款"
        ordering = ["policy", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "code"],
                name="support_clause_code_unique",
                violation_error_message="该政策已有此条款代码",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        problems = rules.check_conditions(self.conditions)
        if problems:
            errors["conditions"] = "；".join(problems)
        problems = rules.check_amount(self.amount_rule)
        if problems:
            errors["amount_rule"] = "；".join(problems)
        if errors:
            raise ValidationError(errors)

    @property
    def group_key(self) -> str:
        return f"{self.policy_id}:{self.group}" if self.group else ""

    @property
    def amount_text(self) -> str:
        return rules.describe_amount(self.amount_rule)

    @property
    def needs_quantity(self) -> bool:
        return rules.needs_quantity(self.amount_rule)

    def condition_text(self) -> str:
        return "；".join(c.get("label", "") for c in self.conditions)


class Disbursement(models.Model):
    """One firm's award under one clause for one year, from application to payment. Belongs
    to the firm's township (derived on every clean). A firm is paid once per clause and year
    and once per group and year: unique among the rows not turned down."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="disbursements",
    )
    clause = models.ForeignKey(
        Clause, verbose_name="兑现条款", on_delete=models.PROTECT, related_name="disbursements"
    )
    year = models.PositiveSmallIntegerField(
        "奖励年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    group_key = models.CharField("分组", max_length=60, blank=True, editable=False)
    region = models.ForeignKey(
        "core.Region",
        verbose_name="所属区域",
        on_delete=models.PROTECT,
        related_name="disbursements",
        editable=False,
    )
    quantity = models.PositiveIntegerField("申报数量", null=True, blank=True)
    entitled = models.DecimalField("按条款计算（元）", **MONEY, null=True, blank=True)
    amount = models.DecimalField(
        "兑现金额（元）", **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    status = models.CharField(
        "兑现状态",
        max_length=12,
        choices=DisbursementStatus.choices,
        default=DisbursementStatus.APPLIED,
    )
    status_changed_on = models.DateField("状态变更日期", null=True, blank=True)
    applied_on = models.DateField("申请日期")
    reviewed_on = models.DateField("审核日期", null=True, blank=True)
    approved_on = models.DateField("批准日期", null=True, blank=True)
    paid_on = models.DateField("兑现日期", null=True, blank=True)
    rejected_on = models.DateField("不予兑现日期", null=True, blank=True)
    note = models.TextField("备注", blank=True, validators=[validate_clean_text])
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", enterprise="enterprise")
    workflow = DISBURSEMENT_WORKFLOW
    attachment_kinds = ATTACHMENT_KINDS

    class Meta:
        verbose_name = "政策兑现"
        verbose_name_plural = "政策兑现"
        ordering = ["-applied_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "clause", "year"],
                condition=~Q(status=DisbursementStatus.REJECTED),
                name="support_once_per_clause_year",
                violation_error_message="该企业该年度已有此条款的兑现，不重复兑现",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "group_key", "year"],
                condition=~Q(status=DisbursementStatus.REJECTED) & ~Q(group_key=""),
                name="support_once_per_group_year",
                violation_error_message="该企业该年度已有同组条款的兑现（从高从优，不重复）",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "paid_on"], name="support_status_paid"),
            models.Index(fields=["year", "clause"], name="support_year_clause"),
        ]

    def __str__(self) -> str:
        # Not the clause's name: a clause (public) may be read where the award may not.
        return f"{self.enterprise}（{self.year}年度）"

    def get_absolute_url(self) -> str:
        return reverse("support:disbursement_detail", args=[self.pk])

    def full_clean(self, exclude=None, **kwargs) -> None:
        if self.enterprise_id is not None:
            self.region_id = self.enterprise.township_id
        if self.clause_id is not None:
            self.group_key = self.clause.group_key
        if self.region_id is None:
            exclude = {*(exclude or ()), "region"}
        super().full_clean(exclude=exclude, **kwargs)

    def clean(self) -> None:
        if self.entitled is not None and self.amount is not None and self.amount > self.entitled:
            raise ValidationError(
                {"amount": f"兑现金额不能超过按条款计算的 {self.entitled:,.2f} 元"}
            )
