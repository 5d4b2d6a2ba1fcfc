"""The challenge board (揭榜挂帅): lists, challenges, bids, reviewers and their reviews.

Public fields of a challenge (title, problem, goal, budget, deadline, firm, list) are read by
every signed-in user once published, and by anyone on the open page while bids are taken;
its contact, budget ceiling and internal note stay with those who may edit it (the firm, the
liaison of its township, the bureau). Bids are between the bidding institution and the bureau
(the firm sees the selected one once chosen); reviews are the bureau's.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from kechuang.challenges import engine
from kechuang.challenges.choices import (
    BID_WORKFLOW,
    CHALLENGE_WORKFLOW,
    PUBLIC_CHALLENGE_STATUSES,
    BidStatus,
    ChallengeStatus,
)
from kechuang.core.scoping import Scope, ScopedQuerySet
from kechuang.core.text import validate_clean_name, validate_clean_text

MONEY = {"max_digits": 16, "decimal_places": 2}


def _positive(label: str):
    return MinValueValidator(0, f"{label}不能为负数")


class ChallengeList(models.Model):
    """A list (榜单) the bureau publishes for a year: the challenges it takes bids for."""

    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("榜单名称", max_length=120, validators=[validate_clean_name])
    region = models.ForeignKey(
        "core.Region", verbose_name="发榜区域", on_delete=models.PROTECT, related_name="+"
    )
    opens_on = models.DateField("揭榜开始日期")
    closes_on = models.DateField("揭榜截止日期")
    criteria = models.CharField(
        "评审标准", max_length=40, default="example", help_text="data/criteria-*.toml 的代码"
    )
    published = models.BooleanField("已发布", default=False)
    published_on = models.DateField("发布日期", null=True, blank=True)
    # id of projects.Project's Call (the county 揭榜挂帅 call) the selected bids become
    # projects under; a plain id, so this app does not depend on the projects app.
    call_id = models.BigIntegerField("项目申报批次编号", null=True, blank=True)
    description = models.TextField("说明", blank=True, validators=[validate_clean_text])

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", public=Q(published=True))

    class Meta:
        verbose_name = "榜单"
        verbose_name_plural = "榜单"
        ordering = ["-year", "-opens_on", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("challenges:challenge_list") + f"?challenge_list={self.pk}"

    def clean(self) -> None:
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": "揭榜截止日期不能早于开始日期"})
        if engine.sheet(self.criteria) is None:
            raise ValidationError({"criteria": f"未知的评审标准：{self.criteria}"})

    @property
    def sheet(self) -> engine.Sheet:
        return engine.sheet(self.criteria)


class Challenge(models.Model):
    """A problem a firm poses (榜题), refined by the bureau and published on a list."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="出题企业",
        on_delete=models.PROTECT,
        related_name="challenges",
    )
    demand = models.ForeignKey(
        "transfer.Demand",
        verbose_name="来源需求",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="challenges",
    )
    challenge_list = models.ForeignKey(
        ChallengeList,
        verbose_name="榜单",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="challenges",
    )
    title = models.CharField("榜题名称", max_length=120, validators=[validate_clean_name])
    problem = models.TextField("需解决的问题", validators=[validate_clean_text])
    goal = models.TextField("目标与指标", validators=[validate_clean_text])
    budget = models.DecimalField(
        "揭榜金额（元）", validators=[_positive("揭榜金额")], null=True, blank=True, **MONEY
    )
    deadline = models.DateField("完成期限", null=True, blank=True)
    # Private: those who may edit the challenge only.
    contact_person = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    budget_ceiling = models.DecimalField(
        "企业可承受最高金额（元）",
        validators=[_positive("最高金额")],
        null=True,
        blank=True,
        help_text="不公开，评审报价时参考",
        **MONEY,
    )
    internal_note = models.TextField("内部备注", blank=True, validators=[validate_clean_text])
    status = models.CharField(
        "状态", max_length=12, choices=ChallengeStatus.choices, default=ChallengeStatus.POSTED
    )
    published_on = models.DateField("发布日期", null=True, blank=True)
    closed_on = models.DateField("截止日期", null=True, blank=True)
    decided_on = models.DateField("揭榜结果日期", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = ScopedQuerySet.as_manager()
    scope = Scope(
        region="enterprise__township",
        enterprise="enterprise_id",
        public=Q(status__in=PUBLIC_CHALLENGE_STATUSES),
    )
    workflow = CHALLENGE_WORKFLOW
    attachment_kinds = ("榜题说明", "其他")

    class Meta:
        verbose_name = "榜题"
        verbose_name_plural = "榜题"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "published_on"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("challenges:challenge_detail", args=[self.pk])

    def clean(self) -> None:
        if (
            self.demand_id
            and self.enterprise_id
            and self.demand.enterprise_id != self.enterprise_id
        ):
            raise ValidationError({"demand": "来源需求须是出题企业自己的技术需求"})
        if (
            self.budget is not None
            and self.budget_ceiling is not None
            and self.budget_ceiling < self.budget
        ):
            raise ValidationError({"budget_ceiling": "最高金额不能低于公开的揭榜金额"})


class ChallengeReviewer(models.Model):
    """A bureau user assigned to score the bids of a challenge."""

    challenge = models.ForeignKey(
        Challenge, verbose_name="榜题", on_delete=models.CASCADE, related_name="reviewers"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="评审人",
        on_delete=models.PROTECT,
        related_name="challenge_reviews",
    )
    assigned_on = models.DateField("指派日期")

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="challenge__challenge_list__region")

    class Meta:
        verbose_name = "评审人"
        verbose_name_plural = "评审人"
        ordering = ["challenge", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "reviewer"],
                name="challenge_reviewer_unique",
                violation_error_message="该评审人已指派到该榜题",
            )
        ]

    def __str__(self) -> str:
        return f"评审人{self.reviewer.display_name}"


def validate_milestones(value) -> None:
    """A list of {"title", "due_on": "YYYY-MM-DD"}."""
    import datetime

    if not isinstance(value, list):
        raise ValidationError("里程碑应为列表")
    for n, row in enumerate(value, start=1):
        if not isinstance(row, dict) or not str(row.get("title") or "").strip():
            raise ValidationError(f"第{n}个里程碑缺少名称")
        try:
            datetime.date.fromisoformat(str(row.get("due_on") or ""))
        except ValueError:
            raise ValidationError(f"第{n}个里程碑的完成日期应为 YYYY-MM-DD") from None


class Bid(models.Model):
    """An institution's proposal for a challenge (揭榜方案): approach, team, milestones, price."""

    challenge = models.ForeignKey(
        Challenge, verbose_name="榜题", on_delete=models.PROTECT, related_name="bids"
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name="揭榜单位",
        on_delete=models.PROTECT,
        related_name="bids",
    )
    approach = models.TextField("技术方案", validators=[validate_clean_text])
    team = models.TextField(
        "团队", validators=[validate_clean_text], help_text="每行一人：姓名、职称、分工"
    )
    milestones = models.JSONField(
        "里程碑", default=list, validators=[validate_milestones], help_text="名称与完成日期"
    )
    price = models.DecimalField("报价（元）", validators=[_positive("报价")], **MONEY)
    achievements = models.ManyToManyField(
        "transfer.Achievement", verbose_name="引用成果", blank=True, related_name="bids"
    )
    status = models.CharField(
        "状态", max_length=14, choices=BidStatus.choices, default=BidStatus.SUBMITTED
    )
    submitted_on = models.DateField("投标日期")
    decided_on = models.DateField("选定结果日期", null=True, blank=True)
    contract = models.ForeignKey(
        "transfer.TechContract",
        verbose_name="技术合同",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # id of projects.Project created from the selected bid; a plain id, so this app does not
    # depend on the projects app.
    project_id = models.BigIntegerField("项目编号", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"], m2m_fields=[achievements])
    objects = ScopedQuerySet.as_manager()
    # The bureau of the list's county and the bidding institution; not liaisons, not the firm.
    scope = Scope(region="challenge__challenge_list__region", institution="institution_id")
    workflow = BID_WORKFLOW
    attachment_kinds = ("揭榜方案", "其他")

    class Meta:
        verbose_name = "投标"
        verbose_name_plural = "投标"
        ordering = ["challenge", "submitted_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "institution"],
                condition=~Q(status=BidStatus.WITHDRAWN),
                name="bid_one_per_institution",
                violation_error_message="该单位已对该榜题投标",
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution}的揭榜方案"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("challenges:bid_detail", args=[self.pk])


class Review(models.Model):
    """One reviewer's scores of one bid, per criterion of the list's sheet."""

    bid = models.ForeignKey(
        Bid, verbose_name="投标", on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="评审人", on_delete=models.PROTECT, related_name="+"
    )
    scores = models.JSONField("评分", default=dict)
    comment = models.TextField("评审意见", blank=True, validators=[validate_clean_text])
    submitted_at = models.DateTimeField("提交时间")

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="bid__challenge__challenge_list__region")

    class Meta:
        verbose_name = "评审评分"
        verbose_name_plural = "评审评分"
        ordering = ["bid", "reviewer_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "reviewer"],
                name="review_unique",
                violation_error_message="该评审人已对该投标评分",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer.display_name}对{self.bid}的评分"
