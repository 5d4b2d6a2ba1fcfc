"""Universities, research institutes and other non-firm bodies."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from kechuang.core.scoping import Scope, ScopedQuerySet
from kechuang.core.text import validate_clean_name, validate_clean_text
from kechuang.core.validators import validate_credit_code
from kechuang.institutions.choices import InstitutionKind


class Institution(models.Model):
    """A non-firm body the bureau works with; kept by the region whose bureau registered it."""

    name = models.CharField(
        "名称",
        max_length=100,
        unique=True,
        validators=[validate_clean_name],
        error_messages={"unique": "已有同名院所"},
    )
    short_name = models.CharField(
        "简称", max_length=40, blank=True, validators=[validate_clean_name]
    )
    kind = models.CharField("类型", max_length=24, choices=InstitutionKind.choices)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, blank=True, validators=[validate_credit_code]
    )
    # The bureau that keeps the record; partner universities may sit in another province.
    region = models.ForeignKey(
        "core.Region",
        verbose_name="登记区域",
        on_delete=models.PROTECT,
        related_name="institutions",
    )
    location = models.CharField("所在地", max_length=60, blank=True)
    address = models.CharField("地址", max_length=200, blank=True, validators=[validate_clean_text])
    contact_person = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    website = models.URLField("网址", blank=True)
    description = models.TextField("简介", blank=True, validators=[validate_clean_text])
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", institution="pk")

    class Meta:
        verbose_name = "院所"
        verbose_name_plural = "院所"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="institution_credit_code_unique",
                violation_error_message="统一社会信用代码已被另一院所使用",
            )
        ]

    def __str__(self) -> str:
        return self.name
