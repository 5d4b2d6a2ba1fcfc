"""The enterprise registry."""

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from kechuang.core import reference
from kechuang.core.choices import RegionLevel
from kechuang.core.links import record_url
from kechuang.core.scoping import Scope, ScopedQuerySet
from kechuang.core.text import validate_clean_name, validate_clean_text
from kechuang.core.validators import validate_credit_code
from kechuang.enterprises.choices import EnterpriseStatus, TechField

MANUFACTURING_SECTION = "C"


class Enterprise(models.Model):
    """A firm of the county, identified by its unified social credit code."""

    credit_code = models.CharField(
        "统一社会信用代码",
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        error_messages={"unique": "统一社会信用代码已被另一家企业使用"},
    )
    name = models.CharField(
        "企业名称", max_length=100, db_index=True, validators=[validate_clean_name]
    )
    township = models.ForeignKey(
        "core.Region",
        verbose_name="所属乡镇（街道）",
        on_delete=models.PROTECT,
        related_name="enterprises",
        limit_choices_to={"level": RegionLevel.TOWNSHIP},
    )
    industry_section = models.CharField("行业门类", max_length=1, editable=False)
    industry_division = models.CharField("行业大类", max_length=2)
    above_scale = models.BooleanField("规模以上", default=False)
    manufacturing = models.BooleanField("制造业", default=False, editable=False)
    rnd_active = models.BooleanField("有研发活动", default=False)
    founded_on = models.DateField("成立日期", null=True, blank=True)
    production_started_on = models.DateField("投产日期", null=True, blank=True)
    address = models.CharField("地址", max_length=200, blank=True, validators=[validate_clean_text])
    contact_person = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=EnterpriseStatus.choices, default=EnterpriseStatus.ACTIVE
    )
    # Slow-changing innovation facts the eligibility policies ask for.
    tech_field = models.CharField(
        "技术领域",
        max_length=12,
        choices=TechField.choices,
        blank=True,
        help_text="《国家重点支持的高新技术领域》八大领域之一",
    )
    recruited_on = models.DateField(
        "招引落地日期", null=True, blank=True, help_text="新招引企业填写；用于创建期限提醒"
    )
    ip_own_rnd = models.BooleanField("知识产权主要为自主研发", default=True)
    led_standard = models.BooleanField("近5年主导制定国际、国家或行业标准", default=False)
    national_award_top3 = models.BooleanField("近5年获国家科技奖励且排名前三", default=False)
    provincial_rnd_institution = models.BooleanField("拥有省部级以上研发机构", default=False)
    dishonest = models.BooleanField("列入经营异常名录或严重失信名单", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="township", enterprise="pk")
    # The kinds of files attached to a firm's record (core/attachments.py).
    attachment_kinds = ("申报材料", "认定文件", "验收报告", "其他")

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["name"]
        indexes = [
            models.Index(fields=["township", "status"]),
            models.Index(fields=["industry_section", "industry_division"]),
            models.Index(fields=["above_scale", "manufacturing"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("enterprises:enterprise_detail", self.pk)

    def clean(self) -> None:
        errors = {}
        division = reference.industry_divisions().get(self.industry_division or "")
        if division is None:
            errors["industry_division"] = (
                f"行业大类代码 {self.industry_division} 不在 GB/T 4754-2017 中"
            )
        else:
            # Section and manufacturing flag follow from the division, never typed separately.
            self.industry_section = division[0]
            self.manufacturing = division[0] == MANUFACTURING_SECTION
        if self.township_id and self.township.level != RegionLevel.TOWNSHIP:
            errors["township"] = "所属区域必须是乡镇（街道）"
        if (
            self.founded_on
            and self.production_started_on
            and (self.production_started_on < self.founded_on)
        ):
            errors["production_started_on"] = "投产日期不能早于成立日期"
        if errors:
            raise ValidationError(errors)

    @property
    def industry_label(self) -> str:
        return reference.division_label(self.industry_division)
