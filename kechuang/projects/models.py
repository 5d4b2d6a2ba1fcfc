"""Programs (科技计划), their calls (申报批次), and the projects filed under them with their
milestones and outputs."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from kechuang.core.scoping import Scope, ScopedQuerySet
from kechuang.core.text import validate_clean_name, validate_clean_text
from kechuang.projects import engine
from kechuang.projects.choices import (
    AMOUNT_OUTPUTS,
    ATTACHMENT_KINDS,
    PROJECT_WORKFLOW,
    OutputKind,
    ProgramKind,
    ProgramLevel,
    ProjectStatus,
)

# Programs and calls are public notices (申报指南): every signed-in user reads them; only
# the bureau of the region that keeps them changes them.
EVERY_RECORD = Q(pk__isnull=False)
NOT_NEGATIVE = MinValueValidator(0, "金额不能为负数")


def money(name: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        name, max_digits=16, decimal_places=2, validators=[NOT_NEGATIVE], **kwargs
    )


class Program(models.Model):
    """A programme projects are filed under (国家重点研发计划, 省尖兵/领雁, 县揭榜挂帅 …), as kept
    by a county's bureau, with the funding rule its applications must meet."""

    name = models.CharField("计划名称", max_length=100, validators=[validate_clean_name])
    kind = models.CharField("计划类别", max_length=16, choices=ProgramKind.choices)
    level = models.CharField("级别", max_length=12, choices=ProgramLevel.choices)
    issuer = models.CharField(
        "主管部门", max_length=60, validators=[validate_clean_name], help_text="如 青田县科技局"
    )
    region = models.ForeignKey(
        "core.Region", verbose_name="登记区域", on_delete=models.PROTECT, related_name="programs"
    )
    funding_rule = models.CharField(
        "资金要求",
        max_length=40,
        blank=True,
        help_text="申报时核对自筹资金比例的规则（data/funding-*.toml）",
    )
    description = models.TextField("说明", blank=True, validators=[validate_clean_text])

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", public=EVERY_RECORD)

    class Meta:
        verbose_name = "科技计划"
        verbose_name_plural = "科技计划"
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="program_name_unique_in_region",
                violation_error_message="本区域已有同名科技计划",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:program_detail", args=[self.pk])

    @property
    def rule(self) -> engine.FundingRule | None:
        return engine.rule_book().rules.get(self.funding_rule)

    def clean(self) -> None:
        if self.funding_rule and self.rule is None:
            raise ValidationError({"funding_rule": f"未知的资金要求：{self.funding_rule}"})


class Call(models.Model):
    """One year's call for applications (申报批次) of a program, open from one date to
    another; a call accepts nothing outside them."""

    program = models.ForeignKey(
        Program, verbose_name="科技计划", on_delete=models.PROTECT, related_name="calls"
    )
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("批次名称", max_length=120, validators=[validate_clean_name])
    opens_on = models.DateField("开始日期")
    closes_on = models.DateField("截止日期")
    note = models.TextField("说明", blank=True, validators=[validate_clean_text])

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="program__region", public=EVERY_RECORD)

    class Meta:
        verbose_name = "申报批次"
        verbose_name_plural = "申报批次"
        ordering = ["-year", "-opens_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "title"],
                name="call_title_unique_in_program",
                violation_error_message="该计划已有同名申报批次",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:call_detail", args=[self.pk])

    def is_open(self, day: datetime.date) -> bool:
        return self.opens_on <= day <= self.closes_on

    def refusal(self, day: datetime.date) -> str:
        """Why the call accepts nothing on `day` ("" when it is open)."""
        if self.is_open(day):
            return ""
        span = f"{self.opens_on:%Y-%m-%d}至{self.closes_on:%Y-%m-%d}"
        when = "尚未开始" if day < self.opens_on else "已截止"
        return f"申报批次“{self.title}”{when}（受理时间{span}），不能新建或提交申报"

    def clean(self) -> None:
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": "截止日期不能早于开始日期"})


class Project(models.Model):
    """A demand, application or project under a program, led by a firm and/or an institute,
    from demand collection through approval, contract and acceptance to closure."""

    code = models.CharField(
        "项目编号",
        max_length=40,
        blank=True,
        validators=[validate_clean_name],
        help_text="上级下达的项目编号，没有可不填",
    )
    title = models.CharField("项目名称", max_length=160, validators=[validate_clean_name])
    program = models.ForeignKey(
        Program, verbose_name="科技计划", on_delete=models.PROTECT, related_name="projects"
    )
    call = models.ForeignKey(
        Call,
        verbose_name="申报批次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    year = models.PositiveSmallIntegerField("年度")
    lead_enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="牵头企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    lead_institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name="牵头院所",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_projects",
    )
    partner_institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name="合作院所",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_projects",
    )
    partners = models.CharField(
        "其他合作单位", max_length=200, blank=True, validators=[validate_clean_text]
    )
    # The lead firm's township, else the lead institute's region: what scoping follows.
    region = models.ForeignKey(
        "core.Region", verbose_name="所属区域", on_delete=models.PROTECT, related_name="projects"
    )
    status = models.CharField(
        "状态", max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.COLLECTED
    )
    government_funds = money("财政资金（元）", default=0)
    own_funds = money("自筹资金（元）", default=0)
    description = models.TextField("主要内容", blank=True, validators=[validate_clean_text])
    note = models.TextField("进展记录", blank=True)
    collected_on = models.DateField("征集日期")
    submitted_on = models.DateField("提交日期", null=True, blank=True)
    recommended_on = models.DateField("推荐日期", null=True, blank=True)
    decided_on = models.DateField("立项结果日期", null=True, blank=True)
    contract_signed_on = models.DateField("合同签订日期", null=True, blank=True)
    midterm_on = models.DateField("中期检查日期", null=True, blank=True)
    finished_on = models.DateField("验收日期", null=True, blank=True)
    closed_on = models.DateField("关闭日期", null=True, blank=True)
    # Read-only links to the technology-transfer records the project came from or led to.
    transfer_demand = models.ForeignKey(
        "transfer.Demand",
        verbose_name="关联技术需求",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    transfer_contract = models.ForeignKey(
        "transfer.TechContract",
        verbose_name="关联技术合同",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(
        region="region", enterprise="lead_enterprise_id", institution="lead_institution_id"
    )
    workflow = PROJECT_WORKFLOW
    attachment_kinds = ATTACHMENT_KINDS

    class Meta:
        verbose_name = "科技项目"
        verbose_name_plural = "科技项目"
        ordering = ["-year", "-collected_on", "-id"]
        indexes = [models.Index(fields=["year", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code=""),
                name="project_code_unique",
                violation_error_message="项目编号已被另一项目使用",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:project_detail", args=[self.pk])

    @property
    def total_funds(self):
        return (self.government_funds or 0) + (self.own_funds or 0)

    @property
    def lead_name(self) -> str:
        lead = self.lead_enterprise or self.lead_institution
        return lead.name if lead else ""

    def funding_check(self) -> engine.FundingCheck | None:
        """The program's funding rule applied to this project (None without a rule)."""
        rule = self.program.rule
        if rule is None:
            return None
        return engine.check_funding(rule, self.region.code, self.government_funds, self.own_funds)

    def clean(self) -> None:
        errors = {}
        if not self.lead_enterprise_id and not self.lead_institution_id:
            errors["lead_enterprise"] = "须填写牵头企业或牵头院所"
        if self.call_id and self.program_id and self.call.program_id != self.program_id:
            errors["call"] = f"申报批次“{self.call}”不属于科技计划“{self.program}”"
        if self.partner_institution_id and self.partner_institution_id == self.lead_institution_id:
            errors["partner_institution"] = "合作院所不能与牵头院所相同"
        if errors:
            raise ValidationError(errors)


class Milestone(models.Model):
    """A checkpoint of a project with its due date; overdue when not done by then."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField("节点", max_length=120, validators=[validate_clean_name])
    due_on = models.DateField("计划完成日期")
    done_on = models.DateField("实际完成日期", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True, validators=[validate_clean_text])

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(
        region="project__region",
        enterprise="project__lead_enterprise_id",
        institution="project__lead_institution_id",
    )

    class Meta:
        verbose_name = "项目节点"
        verbose_name_plural = "项目节点"
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.project.title}·{self.title}"

    def get_absolute_url(self) -> str:
        return reverse("projects:project_detail", args=[self.project_id])

    def days_left(self, today: datetime.date) -> int:
        return (self.due_on - today).days

    def is_overdue(self, today: datetime.date) -> bool:
        return self.done_on is None and self.due_on < today


class Output(models.Model):
    """What a project produced, reported at acceptance: a count (patents, products …) or an
    amount (revenue, in yuan)."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="outputs"
    )
    kind = models.CharField("成果类型", max_length=12, choices=OutputKind.choices)
    count = models.PositiveIntegerField("数量", null=True, blank=True)
    amount = money("金额（元）", null=True, blank=True)
    description = models.CharField(
        "说明", max_length=200, blank=True, validators=[validate_clean_text]
    )

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(
        region="project__region",
        enterprise="project__lead_enterprise_id",
        institution="project__lead_institution_id",
    )

    class Meta:
        verbose_name = "项目成果"
        verbose_name_plural = "项目成果"
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.project.title}·{self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("projects:project_detail", args=[self.project_id])

    def clean(self) -> None:
        if self.kind in AMOUNT_OUTPUTS:
            if self.amount is None:
                raise ValidationError({"amount": f"{self.get_kind_display()}须填写金额"})
        elif not self.count:
            raise ValidationError({"count": f"{self.get_kind_display()}须填写数量（至少1）"})
