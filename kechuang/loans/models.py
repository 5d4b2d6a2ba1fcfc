"""Science and technology loans (科技贷款): the bureau's recommendation of a firm to a bank for
a credit line, and the bank's answer."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from kechuang.core.scoping import Scope, ScopedQuerySet
from kechuang.core.text import validate_clean_name, validate_clean_text
from kechuang.loans.choices import ATTACHMENT_KINDS, LOAN_WORKFLOW, LoanStatus

MONEY = {"max_digits": 14, "decimal_places": 2}


class LoanRecommendation(models.Model):
    """A firm recommended to a bank for a credit line (授信额度). It belongs to the firm's
    township (derived on every clean): liaisons see and record their township's, a firm's
    user reads its own."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="loan_recommendations",
    )
    region = models.ForeignKey(
        "core.Region",
        verbose_name="所属区域",
        on_delete=models.PROTECT,
        related_name="loan_recommendations",
        editable=False,
    )
    bank = models.CharField("银行", max_length=60, validators=[validate_clean_name])
    amount_recommended = models.DecimalField(
        "推荐额度（元）", **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    amount_granted = models.DecimalField(
        "授信额度（元）",
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="银行授信后填写",
    )
    recommended_on = models.DateField("推荐日期")
    granted_on = models.DateField("授信日期", null=True, blank=True, editable=False)
    status = models.CharField(
        "推荐状态", max_length=12, choices=LoanStatus.choices, default=LoanStatus.RECOMMENDED
    )
    status_changed_on = models.DateField("状态变更日期", null=True, blank=True)
    note = models.TextField("备注", blank=True, validators=[validate_clean_text])
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", enterprise="enterprise")
    workflow = LOAN_WORKFLOW
    attachment_kinds = ATTACHMENT_KINDS

    class Meta:
        verbose_name = "科技贷款推荐"
        verbose_name_plural = "科技贷款推荐"
        ordering = ["-recommended_on", "pk"]
        indexes = [
            models.Index(fields=["recommended_on"], name="loans_recommended_on"),
            models.Index(fields=["granted_on"], name="loans_granted_on"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.bank}"

    def get_absolute_url(self) -> str:
        return reverse("loans:loan_detail", args=[self.pk])

    def full_clean(self, exclude=None, **kwargs) -> None:
        if self.enterprise_id is not None:
            self.region_id = self.enterprise.township_id
        if self.region_id is None:
            exclude = {*(exclude or ()), "region"}
        super().full_clean(exclude=exclude, **kwargs)

    def clean(self) -> None:
        if self.status == LoanStatus.GRANTED and self.amount_granted is None:
            raise ValidationError({"amount_granted": "改为“已授信”须先填写授信额度"})
