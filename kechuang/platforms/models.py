"""Innovation platforms (科创平台) and their annual evaluations."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from kechuang.core.scoping import Scope, ScopedQuerySet
from kechuang.core.text import validate_clean_name, validate_clean_text
from kechuang.platforms.choices import (
    ATTACHMENT_KINDS,
    PLATFORM_WORKFLOW,
    Grade,
    PlatformLevel,
    PlatformStatus,
    PlatformType,
)

YEAR = [MinValueValidator(1990), MaxValueValidator(2100)]


class Platform(models.Model):
    """An innovation platform hosted by one firm or one institution; it belongs to the
    host's region (the firm's township, the institution's registering region), which is
    derived from the host on every clean so scoping follows the host."""

    name = models.CharField(
        "平台名称",
        max_length=120,
        unique=True,
        validators=[validate_clean_name],
        error_messages={"unique": "已有同名平台"},
    )
    type = models.CharField("平台类型", max_length=32, choices=PlatformType.choices)
    level = models.CharField("级别", max_length=16, choices=PlatformLevel.choices)
    host_enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="依托企业",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="platforms",
    )
    host_institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name="依托院所",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="platforms",
    )
    region = models.ForeignKey(
        "core.Region",
        verbose_name="所属区域",
        on_delete=models.PROTECT,
        related_name="platforms",
        editable=False,
    )
    field = models.CharField("领域方向", max_length=60, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=PlatformStatus.choices, default=PlatformStatus.PLANNED
    )
    status_changed_on = models.DateField("状态变更日期", null=True, blank=True)
    applied_on = models.DateField("申报日期", null=True, blank=True)
    recognised_on = models.DateField("认定日期", null=True, blank=True)
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    recognition_number = models.CharField(
        "认定文号", max_length=80, blank=True, validators=[validate_clean_name]
    )
    # Application data the recognition criteria need and the firm's records do not hold.
    rnd_staff = models.PositiveIntegerField("研发机构专职人员数", null=True, blank=True)
    rnd_staff_qualified = models.PositiveIntegerField(
        "其中本科以上学历或中级以上职称人数", null=True, blank=True
    )
    plan = models.TextField("建设内容与合作项目", blank=True, validators=[validate_clean_text])
    note = models.TextField("备注", blank=True, validators=[validate_clean_text])
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", enterprise="host_enterprise", institution="host_institution")
    workflow = PLATFORM_WORKFLOW
    attachment_kinds = ATTACHMENT_KINDS

    class Meta:
        verbose_name = "科创平台"
        verbose_name_plural = "科创平台"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(host_enterprise__isnull=False, host_institution__isnull=True)
                    | Q(host_enterprise__isnull=True, host_institution__isnull=False)
                ),
                name="platform_one_host",
                violation_error_message="依托单位须为一家企业或一家院所（二选一）",
            ),
            models.CheckConstraint(
                condition=Q(rnd_staff_qualified__lte=models.F("rnd_staff"))
                | Q(rnd_staff_qualified__isnull=True)
                | Q(rnd_staff__isnull=True),
                name="platform_qualified_within_staff",
                violation_error_message="本科以上学历或中级以上职称人数不能超过专职人员数",
            ),
        ]
        indexes = [models.Index(fields=["type", "status"], name="platform_type_status")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("platforms:platform_detail", args=[self.pk])

    @property
    def host(self):
        return self.host_enterprise or self.host_institution

    def derive_region(self) -> None:
        """The region of the host: the firm's township or the institution's region."""
        if self.host_enterprise_id is not None and self.host_institution_id is None:
            self.region_id = self.host_enterprise.township_id
        elif self.host_institution_id is not None and self.host_enterprise_id is None:
            self.region_id = self.host_institution.region_id

    def full_clean(self, exclude=None, **kwargs) -> None:
        self.derive_region()
        if self.region_id is None:  # no single host: clean() names the host field instead
            exclude = {*(exclude or ()), "region"}
        super().full_clean(exclude=exclude, **kwargs)

    def clean(self) -> None:
        errors = {}
        if (self.host_enterprise_id is None) == (self.host_institution_id is None):
            errors["host_enterprise"] = "依托单位须为一家企业或一家院所（二选一）"
        if self.status == PlatformStatus.RECOGNISED and not self.recognition_number:
            errors["recognition_number"] = "已认定的平台须填写认定文号"
        if self.status == PlatformStatus.RECOGNISED and self.recognised_on is None:
            errors["recognised_on"] = "已认定的平台须有认定日期"
        if (
            self.rnd_staff is not None
            and self.rnd_staff_qualified is not None
            and self.rnd_staff_qualified > self.rnd_staff
        ):
            errors["rnd_staff_qualified"] = "本科以上学历或中级以上职称人数不能超过专职人员数"
        if errors:
            raise ValidationError(errors)


class PlatformEvaluation(models.Model):
    """One year's evaluation of a platform: item scores on a score sheet (a data file in
    data/), the total and grade computed from the sheet by the service."""

    platform = models.ForeignKey(
        Platform, verbose_name="平台", on_delete=models.CASCADE, related_name="evaluations"
    )
    year = models.PositiveSmallIntegerField("评价年度", validators=YEAR)
    sheet = models.CharField("评分表", max_length=60)
    scores = models.JSONField("分项得分", default=dict)
    total = models.DecimalField("总分", max_digits=6, decimal_places=2, editable=False)
    grade = models.CharField("等次", max_length=16, choices=Grade.choices, editable=False)
    evaluated_on = models.DateField("评价日期")
    evaluator = models.CharField("评价机构", max_length=100, blank=True)
    note = models.TextField("备注", blank=True, validators=[validate_clean_text])
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = ScopedQuerySet.as_manager()
    scope = Scope(
        region="platform__region",
        enterprise="platform__host_enterprise",
        institution="platform__host_institution",
    )

    class Meta:
        verbose_name = "平台年度评价"
        verbose_name_plural = "平台年度评价"
        ordering = ["platform", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "year"],
                name="platform_evaluation_year_unique",
                violation_error_message="该平台这一年度已有评价",
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.year}年度评价"

    def get_absolute_url(self) -> str:
        return reverse("platforms:platform_detail", args=[self.platform_id])
