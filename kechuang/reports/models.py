"""Narrative blocks: the text staff write for one section of one report (region, period,
kind), with figure placeholders such as {support.funds.paid} that are filled in from live
data whenever the report is written."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from kechuang.core.scoping import Scope, ScopedQuerySet
from kechuang.core.text import validate_clean_text
from kechuang.reports.choices import ReportKind

period_validator = RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", "期间应为 YYYY-MM，如 2023-06")


class Narrative(models.Model):
    region = models.ForeignKey(
        "core.Region", verbose_name="区域", on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField("期间", max_length=7, validators=[period_validator])
    kind = models.CharField("报告类型", max_length=10, choices=ReportKind.choices)
    section = models.CharField("章节", max_length=40)
    text = models.TextField("内容", blank=True, validators=[validate_clean_text])
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="撰写人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region")

    class Meta:
        verbose_name = "报告文字"
        verbose_name_plural = "报告文字"
        ordering = ["region", "kind", "period", "section"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "period", "kind", "section"], name="reports_one_narrative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.period} {self.get_kind_display()} {self.section}"
