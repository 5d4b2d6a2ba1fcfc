"""Cadre liaison (科技干部联系乡镇): a bureau cadre linked to townships and key firms for a
period. Visits are the enterprise app's one visit log; this app never writes them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from kechuang.core.scoping import Scope, ScopedQuerySet
from kechuang.core.text import validate_clean_text


class CadreLink(models.Model):
    """A bureau cadre (局领导 or 科室工作人员) follows townships and key firms of the county
    from one day to another (open-ended while `valid_until` is empty)."""

    cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="科技干部",
        on_delete=models.PROTECT,
        related_name="cadre_links",
    )
    county = models.ForeignKey(
        "core.Region", verbose_name="县（市、区）", on_delete=models.PROTECT, related_name="+"
    )
    townships = models.ManyToManyField(
        "core.Region", verbose_name="联系乡镇（街道）", related_name="cadre_links", blank=True
    )
    firms = models.ManyToManyField(
        "enterprises.Enterprise", verbose_name="联系企业", related_name="cadre_links", blank=True
    )
    valid_from = models.DateField("联系起始日期")
    valid_until = models.DateField("联系结束日期", null=True, blank=True)
    note = models.TextField("备注", blank=True, validators=[validate_clean_text])

    history = HistoricalRecords(m2m_fields=[townships, firms])
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="county")

    class Meta:
        verbose_name = "科技干部联系"
        verbose_name_plural = "科技干部联系"
        ordering = ["-valid_from", "id"]

    def __str__(self) -> str:
        cadre = self.cadre.display_name if self.cadre_id else ""
        return f"{cadre}（{self.valid_from:%Y-%m-%d}起）" if self.valid_from else cadre

    def clean(self) -> None:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": "联系结束日期不能早于起始日期"})

    def is_current(self, day) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)
