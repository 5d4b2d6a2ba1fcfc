"""S&T commissioners (科技特派员), their assignments to townships, service logs and annual
evaluations."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from kechuang.commissioners.choices import (
    ATTACHMENT_KINDS,
    REQUEST_WORKFLOW,
    CommissionerKind,
    Grade,
    RequesterKind,
    RequestStatus,
    ServiceModel,
)
from kechuang.core.scoping import Scope, ScopedQuerySet
from kechuang.core.text import validate_clean_name, validate_clean_text


class Commissioner(models.Model):
    """A commissioner (a person, a team, a legal entity or an industrial commissioner) kept by
    a county's bureau; read by the townships below it. `user` is the account the commissioner
    logs its services with, if any."""

    name = models.CharField("姓名（名称）", max_length=100, validators=[validate_clean_name])
    kind = models.CharField("类别", max_length=16, choices=CommissionerKind.choices)
    service_model = models.CharField("服务模式", max_length=8, choices=ServiceModel.choices)
    institution = models.CharField(
        "派出单位", max_length=120, blank=True, validators=[validate_clean_name]
    )
    fields = models.CharField(
        "服务领域",
        max_length=200,
        blank=True,
        validators=[validate_clean_text],
        help_text="多个领域用顿号或逗号分隔，如：茶叶、中药材",
    )
    phone = models.CharField("联系电话", max_length=20, blank=True)
    region = models.ForeignKey(
        "core.Region", verbose_name="管理县（市、区）", on_delete=models.PROTECT, related_name="+"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commissioner_record",
    )
    note = models.TextField("备注", blank=True, validators=[validate_clean_text])

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", read_up=True)

    class Meta:
        verbose_name = "科技特派员"
        verbose_name_plural = "科技特派员"
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("commissioners:commissioner_detail", args=[self.pk])

    @property
    def field_list(self) -> list[str]:
        from kechuang.commissioners.engine import split_fields

        return split_fields(self.fields)


class Assignment(models.Model):
    """A commissioner assigned to a township (and a village in it) for a period."""

    commissioner = models.ForeignKey(
        Commissioner, verbose_name="特派员", on_delete=models.CASCADE, related_name="assignments"
    )
    township = models.ForeignKey(
        "core.Region", verbose_name="乡镇（街道）", on_delete=models.PROTECT, related_name="+"
    )
    village = models.CharField("村", max_length=60, blank=True, validators=[validate_clean_name])
    start = models.DateField("派驻开始")
    end = models.DateField("派驻结束", null=True, blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="township")

    class Meta:
        verbose_name = "派驻"
        verbose_name_plural = "派驻"
        ordering = ["township__code", "start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="assignment_end_after_start",
                violation_error_message="派驻结束不能早于派驻开始",
            )
        ]

    def __str__(self) -> str:
        return f"{self.commissioner} → {self.township}"

    def clean(self) -> None:
        if self.end is not None and self.start is not None and self.end < self.start:
            raise ValidationError({"end": "派驻结束不能早于派驻开始"})
        if self.township_id is not None and self.township.level != "township":
            raise ValidationError({"township": "请选择乡镇（街道）"})


class ServiceLog(models.Model):
    """One service a commissioner gave: when, where, to which firm or cooperative, what."""

    commissioner = models.ForeignKey(
        Commissioner, verbose_name="特派员", on_delete=models.PROTECT, related_name="logs"
    )
    served_on = models.DateField("服务日期")
    township = models.ForeignKey(
        "core.Region", verbose_name="乡镇（街道）", on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField("服务地点", max_length=100, validators=[validate_clean_name])
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="服务企业",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cooperative = models.CharField(
        "合作社、农户或村", max_length=100, blank=True, validators=[validate_clean_name]
    )
    content = models.TextField("服务内容", validators=[validate_clean_text])
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="township", commissioner="commissioner__user")
    attachment_kinds = ATTACHMENT_KINDS

    class Meta:
        verbose_name = "服务日志"
        verbose_name_plural = "服务日志"
        ordering = ["-served_on", "-pk"]
        indexes = [models.Index(fields=["township", "served_on"], name="servicelog_town_date")]

    def __str__(self) -> str:
        return f"{self.commissioner} {self.served_on:%Y-%m-%d} {self.place}"

    def get_absolute_url(self) -> str:
        return reverse("commissioners:log_detail", args=[self.pk])

    def clean(self) -> None:
        if self.township_id is not None and self.township.level != "township":
            raise ValidationError({"township": "请选择乡镇（街道）"})
        if self.enterprise_id is None and not self.cooperative:
            raise ValidationError({"enterprise": "请填写服务企业，或合作社、农户或村"})


class Evaluation(models.Model):
    """A commissioner's annual evaluation: item scores on a score sheet (data/*.toml); the
    total and grade computed from the sheet by the service."""

    commissioner = models.ForeignKey(
        Commissioner, verbose_name="特派员", on_delete=models.CASCADE, related_name="evaluations"
    )
    year = models.PositiveSmallIntegerField(
        "考核年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    sheet = models.CharField("评分表", max_length=60)
    scores = models.JSONField("分项得分", default=dict)
    total = models.DecimalField("总分", max_digits=6, decimal_places=1, editable=False)
    grade = models.CharField("等次", max_length=16, choices=Grade.choices, editable=False)
    evaluated_on = models.DateField("考核日期")
    note = models.TextField("备注", blank=True, validators=[validate_clean_text])

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="commissioner__region")

    class Meta:
        verbose_name = "特派员年度考核"
        verbose_name_plural = "特派员年度考核"
        ordering = ["-year", "commissioner"]
        constraints = [
            models.UniqueConstraint(
                fields=["commissioner", "year"],
                name="commissioner_evaluation_year_unique",
                violation_error_message="该特派员这一年度已有考核",
            )
        ]

    def __str__(self) -> str:
        return f"{self.commissioner} {self.year}年度考核"

    def get_absolute_url(self) -> str:
        return reverse("commissioners:commissioner_detail", args=[self.commissioner_id])


class ServiceRequest(models.Model):
    """A service request (服务需求) of a firm, a village or a cooperative in a township, matched
    to a commissioner by field and text and served through a service log."""

    requester_kind = models.CharField("需求方类别", max_length=16, choices=RequesterKind.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    requester = models.CharField(
        "村或合作社名称", max_length=100, blank=True, validators=[validate_clean_name]
    )
    township = models.ForeignKey(
        "core.Region", verbose_name="乡镇（街道）", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("需求简述", max_length=100, validators=[validate_clean_name])
    content = models.TextField("需求内容", validators=[validate_clean_text])
    fields = models.CharField(
        "需要的服务领域",
        max_length=200,
        blank=True,
        validators=[validate_clean_text],
        help_text="与特派员的服务领域同一写法，多个用顿号分隔，如：茶叶、病虫害防治",
    )
    contact = models.CharField(
        "联系人", max_length=40, blank=True, validators=[validate_clean_name]
    )
    phone = models.CharField("联系电话", max_length=20, blank=True)
    status = models.CharField(
        "需求状态", max_length=16, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED
    )
    commissioner = models.ForeignKey(
        Commissioner,
        verbose_name="分派的特派员",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
    )
    service_log = models.ForeignKey(
        ServiceLog,
        verbose_name="服务日志",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
    )
    submitted_on = models.DateField("提出日期")
    served_on = models.DateField("服务日期", null=True, blank=True)
    note = models.TextField("处理记录", blank=True, validators=[validate_clean_text])

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="township", enterprise="enterprise", commissioner="commissioner__user")
    workflow = REQUEST_WORKFLOW

    class Meta:
        verbose_name = "服务需求"
        verbose_name_plural = "服务需求"
        ordering = ["-submitted_on", "-pk"]
        indexes = [
            models.Index(fields=["township", "submitted_on"], name="servicereq_town_date"),
            models.Index(fields=["status"], name="servicereq_status"),
        ]

    def __str__(self) -> str:
        return f"{self.requester_name}：{self.title}"

    def get_absolute_url(self) -> str:
        return reverse("commissioners:request_detail", args=[self.pk])

    @property
    def requester_name(self) -> str:
        if self.enterprise_id is not None:
            return self.enterprise.name
        return self.requester

    @property
    def field_list(self) -> list[str]:
        from kechuang.commissioners.engine import split_fields

        return split_fields(self.fields)

    def clean(self) -> None:
        errors = {}
        if self.township_id is not None and self.township.level != "township":
            errors["township"] = "请选择乡镇（街道）"
        if self.requester_kind == RequesterKind.ENTERPRISE:
            if self.enterprise_id is None:
                errors["enterprise"] = "请填写提出需求的企业"
            elif self.township_id is not None and self.enterprise.township_id != self.township_id:
                errors["township"] = "企业的需求须为企业所在乡镇"
        elif self.requester_kind:
            if self.enterprise_id is not None:
                errors["enterprise"] = "村或合作社的需求不填企业"
            if not self.requester:
                errors["requester"] = "请填写村或合作社名称"
        assigned = self.status in (RequestStatus.ASSIGNED, RequestStatus.SERVED)
        if assigned and not self.commissioner_id:
            errors["commissioner"] = "分派须选择特派员"
        if errors:
            raise ValidationError(errors)
