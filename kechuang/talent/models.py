"""Talent programs (人才计划), talent projects and their stage payments."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from kechuang.core.scoping import Scope, ScopedQuerySet
from kechuang.core.text import validate_clean_name, validate_clean_text
from kechuang.talent import programs
from kechuang.talent.choices import (
    ATTACHMENT_KINDS,
    TALENT_WORKFLOW,
    ApplicantKind,
    EvaluationResult,
    ProjectKind,
    Stage,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


class TalentProgram(models.Model):
    """A talent program run by a county bureau; its classes, caps and payment stages are the
    rules of a data file (data/*.toml). Readable by every signed-in user, changed by the
    bureau of its region."""

    name = models.CharField(
        "计划名称",
        max_length=80,
        unique=True,
        validators=[validate_clean_name],
        error_messages={"unique": "已有同名人才计划"},
    )
    issuer = models.CharField("发布单位", max_length=80, validators=[validate_clean_name])
    rules = models.CharField("政策数据", max_length=60, choices=programs.rule_choices)
    region = models.ForeignKey(
        "core.Region", verbose_name="登记区域", on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField("备注", blank=True, validators=[validate_clean_text])

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", public=models.Q(pk__isnull=False))

    class Meta:
        verbose_name = "人才计划"
        verbose_name_plural = "人才计划"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def data(self) -> programs.ProgramRules | None:
        return programs.rules_for(self.rules)

    def class_choices(self) -> list[tuple[str, str]]:
        data = self.data
        return [(c.code, c.name) for c in data.classes] if data else []


class TalentProject(models.Model):
    """A person's or team's project brought to a host firm under a talent program; it belongs
    to the host firm's township (derived on every clean), so liaisons see their township's."""

    program = models.ForeignKey(
        TalentProgram, verbose_name="人才计划", on_delete=models.PROTECT, related_name="projects"
    )
    talent_class = models.CharField("类别", max_length=8)
    kind = models.CharField("类型", max_length=20, choices=ProjectKind.choices)
    applicant_kind = models.CharField(
        "申报主体", max_length=10, choices=ApplicantKind.choices, default=ApplicantKind.PERSON
    )
    applicant = models.CharField("人才或团队名称", max_length=80, validators=[validate_clean_name])
    title = models.CharField("项目名称", max_length=120, validators=[validate_clean_name])
    host_enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="承接企业",
        on_delete=models.PROTECT,
        related_name="talent_projects",
    )
    region = models.ForeignKey(
        "core.Region",
        verbose_name="所属区域",
        on_delete=models.PROTECT,
        related_name="talent_projects",
        editable=False,
    )
    status = models.CharField("阶段", max_length=12, choices=Stage.choices, default=Stage.CONTACT)
    status_changed_on = models.DateField("阶段变更日期", null=True, blank=True)
    contacted_on = models.DateField("接洽日期")
    intended_on = models.DateField("意向日期", null=True, blank=True)
    signed_on = models.DateField("签约日期", null=True, blank=True)
    landed_on = models.DateField("落地日期", null=True, blank=True)
    evaluated_on = models.DateField("评估日期", null=True, blank=True)
    dropped_on = models.DateField("终止日期", null=True, blank=True)
    funding_committed = models.DecimalField(
        "承诺资助（元）",
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    investment = models.DecimalField(
        "项目总投资（元）", **MONEY, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    evaluation_result = models.CharField(
        "评估结果", max_length=12, choices=EvaluationResult.choices, blank=True
    )
    note = models.TextField("备注", blank=True, validators=[validate_clean_text])
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", enterprise="host_enterprise")
    workflow = TALENT_WORKFLOW
    attachment_kinds = ATTACHMENT_KINDS

    class Meta:
        verbose_name = "人才项目"
        verbose_name_plural = "人才项目"
        ordering = ["-contacted_on", "pk"]
        indexes = [models.Index(fields=["status", "talent_class"], name="talent_status_class")]

    def __str__(self) -> str:
        return f"{self.applicant}：{self.title}"

    def get_absolute_url(self) -> str:
        return reverse("talent:project_detail", args=[self.pk])

    @property
    def rules(self) -> programs.ProgramRules | None:
        return self.program.data if self.program_id else None

    @property
    def class_label(self) -> str:
        rules = self.rules
        found = rules.talent_class(self.talent_class) if rules else None
        return found.name if found else self.talent_class

    def full_clean(self, exclude=None, **kwargs) -> None:
        if self.host_enterprise_id is not None:
            self.region_id = self.host_enterprise.township_id
        if self.region_id is None:
            exclude = {*(exclude or ()), "region"}
        super().full_clean(exclude=exclude, **kwargs)

    def clean(self) -> None:
        errors = {}
        rules = self.rules
        found = rules.talent_class(self.talent_class) if rules else None
        if self.program_id and found is None:
            errors["talent_class"] = f"类别“{self.talent_class}”不在该人才计划的类别中"
        committed = self.funding_committed
        if found is not None and committed is not None and committed > found.cap:
            errors["funding_committed"] = f"承诺资助不能超过{found.name}的上限 {found.cap:,.2f} 元"
        if self.status == Stage.EVALUATED and not self.evaluation_result:
            errors["evaluation_result"] = "完成评估须填写评估结果"
        if errors:
            raise ValidationError(errors)


class TalentPayment(models.Model):
    """One payment of a stage of a project's committed funding."""

    project = models.ForeignKey(
        TalentProject, verbose_name="人才项目", on_delete=models.PROTECT, related_name="payments"
    )
    stage = models.PositiveSmallIntegerField("期次", validators=[MinValueValidator(1)])
    amount = models.DecimalField(
        "拨付金额（元）", **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    paid_on = models.DateField("拨付日期")
    note = models.CharField("说明", max_length=200, blank=True, validators=[validate_clean_name])
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="project__region", enterprise="project__host_enterprise")

    class Meta:
        verbose_name = "人才项目资助拨付"
        verbose_name_plural = "人才项目资助拨付"
        ordering = ["project", "stage", "paid_on", "pk"]

    def __str__(self) -> str:
        return f"{self.project} 第{self.stage}期 {self.amount}"
