"""Work plans (工作计划): multi-year and annual plans of a county, their task trees, milestones
scheduled back from deadlines and progress updates. A task's status is never stored: it is
derived from dates and progress (engine.py, selectors.tree)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from kechuang.core.scoping import Scope, ScopedQuerySet
from kechuang.core.text import validate_clean_name, validate_clean_text
from kechuang.workplan.choices import PLAN_ATTACHMENT_KINDS, UPDATE_ATTACHMENT_KINDS, PlanKind

YEAR = [MinValueValidator(2000), MaxValueValidator(2100)]


class Plan(models.Model):
    """A county's plan: a multi-year action plan or an annual work plan, with its document
    attached (计划文件). Changed by the county's bureau; read by its townships' users
    (read_up) and by the city and province viewers above."""

    region = models.ForeignKey(
        "core.Region", verbose_name="所属区域", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("计划名称", max_length=120, validators=[validate_clean_name])
    kind = models.CharField("类型", max_length=12, choices=PlanKind.choices)
    start_year = models.PositiveSmallIntegerField("起始年度", validators=YEAR)
    end_year = models.PositiveSmallIntegerField("截止年度", validators=YEAR)
    note = models.TextField("备注", blank=True, validators=[validate_clean_text])

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", read_up=True)
    attachment_kinds = PLAN_ATTACHMENT_KINDS

    class Meta:
        verbose_name = "工作计划"
        verbose_name_plural = "工作计划"
        ordering = ["-start_year", "kind", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="workplan_plan_region_name",
                violation_error_message="本区域已有同名计划",
            ),
            models.CheckConstraint(
                condition=Q(end_year__gte=F("start_year")),
                name="workplan_plan_years",
                violation_error_message="截止年度不能早于起始年度",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workplan:plan_detail", args=[self.pk])

    @property
    def starts_on(self) -> datetime.date:
        return datetime.date(self.start_year, 1, 1)

    @property
    def ends_on(self) -> datetime.date:
        return datetime.date(self.end_year, 12, 31)

    def clean(self) -> None:
        errors = {}
        if self.start_year and self.end_year and self.end_year < self.start_year:
            errors["end_year"] = "截止年度不能早于起始年度"
        if self.kind == PlanKind.ANNUAL and self.start_year != self.end_year:
            errors["end_year"] = "年度工作计划的起始年度与截止年度须相同"
        if self.region_id is not None and self.region.level != "county":
            errors["region"] = "计划须属于县（市、区）"
        if errors:
            raise ValidationError(errors)


class Task(models.Model):
    """A task of a plan; tasks nest to any depth (1236 → 六大攻坚战 → 主体培育攻坚战). A task
    may be measured by a figure of the registry (`figure`, its current value computed) against
    a target, or linked to an indicator. Its progress and status are derived."""

    plan = models.ForeignKey(
        Plan, verbose_name="计划", on_delete=models.CASCADE, related_name="tasks"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级任务",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    order = models.PositiveSmallIntegerField("排序", default=0)
    title = models.CharField("任务名称", max_length=120, validators=[validate_clean_name])
    description = models.TextField("工作内容", blank=True, validators=[validate_clean_text])
    department = models.CharField(
        "责任科室（单位）", max_length=60, blank=True, validators=[validate_clean_name]
    )
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="责任人", blank=True, related_name="workplan_tasks"
    )
    starts_on = models.DateField(
        "开始日期", null=True, blank=True, help_text="空：计划起始年度的1月1日"
    )
    deadline = models.DateField("完成期限")
    figure = models.CharField(
        "关联数字", max_length=80, blank=True, help_text="数字登记表的代码，如 ladder.hnte_new"
    )
    target = models.DecimalField("目标值", max_digits=16, decimal_places=2, null=True, blank=True)
    target_text = models.CharField(
        "目标（原文）", max_length=120, blank=True, validators=[validate_clean_name]
    )
    indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name="关联指标",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="plan__region", read_up=True)

    class Meta:
        verbose_name = "计划任务"
        verbose_name_plural = "计划任务"
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workplan:task_detail", args=[self.pk])

    @property
    def start_date(self) -> datetime.date:
        return self.starts_on or self.plan.starts_on

    def clean(self) -> None:
        from kechuang.core import figures

        errors = {}
        if self.parent_id is not None:
            if self.parent.plan_id != self.plan_id:
                errors["parent"] = "上级任务须属于同一计划"
            node, seen = self.parent, set()
            while node is not None and node.pk not in seen:
                if self.pk is not None and node.pk == self.pk:
                    errors["parent"] = "上级任务不能是本任务或其下级任务"
                    break
                seen.add(node.pk)
                node = node.parent
        if self.figure:
            try:
                figures.get(self.figure)
            except figures.FigureError:
                errors["figure"] = f"关联数字“{self.figure}”不在数字登记表中"
        if self.target is not None and not (self.figure or self.indicator_id):
            errors["target"] = "填写目标值须同时关联数字或指标"
        if self.deadline and self.starts_on and self.starts_on > self.deadline:
            errors["starts_on"] = "开始日期不能晚于完成期限"
        if errors:
            raise ValidationError(errors)


class Milestone(models.Model):
    """A milestone of a task: a fixed date, or `weeks_before` weeks before another milestone
    of the task (`before`; empty: before the task's deadline). `due_on` is stored, recomputed
    by the services whenever the deadline or a milestone of the task changes."""

    task = models.ForeignKey(
        Task, verbose_name="任务", on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField("节点名称", max_length=120, validators=[validate_clean_name])
    fixed_on = models.DateField("固定日期", null=True, blank=True)
    weeks_before = models.PositiveSmallIntegerField(
        "提前周数", null=True, blank=True, validators=[MaxValueValidator(520)]
    )
    before = models.ForeignKey(
        "self",
        verbose_name="在此节点之前",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="空：在任务完成期限之前",
    )
    due_on = models.DateField("计划日期", editable=False)
    done_on = models.DateField("完成日期", null=True, blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="task__plan__region", read_up=True)

    class Meta:
        verbose_name = "任务节点"
        verbose_name_plural = "任务节点"
        ordering = ["task", "due_on", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if (self.fixed_on is None) == (self.weeks_before is None):
            errors["fixed_on"] = "节点须填写固定日期或提前周数（二者选一）"
        if self.fixed_on is not None and self.before_id is not None:
            errors["before"] = "固定日期的节点不排在其他节点之前"
        if self.before_id is not None and self.before.task_id != self.task_id:
            errors["before"] = "只能排在本任务的节点之前"
        if errors:
            raise ValidationError(errors)


class ProgressUpdate(models.Model):
    """A progress report on a task: the percent done on a day, what was done, evidence
    attached (佐证材料). The latest one is the task's progress."""

    task = models.ForeignKey(
        Task, verbose_name="任务", on_delete=models.CASCADE, related_name="updates"
    )
    reported_on = models.DateField("报告日期")
    percent = models.PositiveSmallIntegerField("完成进度（%）", validators=[MaxValueValidator(100)])
    note = models.TextField("进展情况", validators=[validate_clean_text])
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="task__plan__region", read_up=True)
    attachment_kinds = UPDATE_ATTACHMENT_KINDS

    class Meta:
        verbose_name = "进展报告"
        verbose_name_plural = "进展报告"
        ordering = ["-reported_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.task} {self.reported_on:%Y-%m-%d} {self.percent}%"

    def get_absolute_url(self) -> str:
        return reverse("workplan:task_detail", args=[self.task_id])

    @property
    def percent_decimal(self) -> Decimal:
        return Decimal(self.percent)
