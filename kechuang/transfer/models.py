"""Technology transfer: industry chains, demands, achievements, matches, contracts, events."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from kechuang.core.scoping import Scope, ScopedQuerySet
from kechuang.core.text import validate_clean_name, validate_clean_text
from kechuang.enterprises.choices import TechField
from kechuang.transfer.choices import (
    DEMAND_WORKFLOW,
    MATCH_WORKFLOW,
    PUBLIC_DEMAND_STATUSES,
    ChainStage,
    ContractDirection,
    ContractType,
    DemandSource,
    DemandStatus,
    MatchStatus,
    Maturity,
    RejectReason,
    TransferMode,
)


class IndustryChain(models.Model):
    """An industry chain a county cultivates (不锈钢新材料, 阀门, 鞋服 …)."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60, validators=[validate_clean_name])
    region = models.ForeignKey(
        "core.Region", verbose_name="区域", on_delete=models.PROTECT, related_name="industry_chains"
    )
    description = models.TextField("简介", blank=True, validators=[validate_clean_text])
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    # A county's chains are read by everyone in it, down to its townships' liaisons and firms.
    scope = Scope(region="region", read_up=True)

    class Meta:
        verbose_name = "产业链"
        verbose_name_plural = "产业链"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class ChainNode(models.Model):
    """A link of a chain (upstream → midstream → downstream), possibly under another link."""

    chain = models.ForeignKey(
        IndustryChain, verbose_name="产业链", on_delete=models.CASCADE, related_name="nodes"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级环节",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    name = models.CharField("环节", max_length=60, validators=[validate_clean_name])
    stage = models.CharField("位置", max_length=12, choices=ChainStage.choices)
    keywords = models.CharField(
        "关键词", max_length=300, blank=True, help_text="以空格或顿号分隔；用于分词词典与匹配"
    )
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise", verbose_name="企业", blank=True, related_name="chain_nodes"
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    history = HistoricalRecords(m2m_fields=[enterprises])
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="chain__region", read_up=True)

    class Meta:
        verbose_name = "产业链环节"
        verbose_name_plural = "产业链环节"
        ordering = ["chain", "sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.chain.name}·{self.name}"

    def clean(self) -> None:
        if self.parent_id and self.parent.chain_id != self.chain_id:
            raise ValidationError({"parent": "上级环节必须属于同一产业链"})


class Demand(models.Model):
    """A firm's technology demand (技术需求)."""

    code = models.CharField(
        "编号",
        max_length=30,
        unique=True,
        validators=[validate_clean_name],
        error_messages={"unique": "需求编号已存在"},
    )
    title = models.CharField("名称", max_length=120, validators=[validate_clean_name])
    description = models.TextField("描述", validators=[validate_clean_text])
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="提出企业",
        on_delete=models.PROTECT,
        related_name="demands",
    )
    chain = models.ForeignKey(
        IndustryChain,
        verbose_name="产业链",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="demands",
    )
    node = models.ForeignKey(
        ChainNode,
        verbose_name="产业链环节",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="demands",
    )
    field = models.CharField("技术领域", max_length=12, choices=TechField.choices, blank=True)
    budget = models.DecimalField(
        "预算（元）",
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, "预算不能为负数")],
    )
    deadline = models.DateField("期望完成日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=DemandStatus.choices, default=DemandStatus.COLLECTED
    )
    source = models.CharField(
        "来源", max_length=8, choices=DemandSource.choices, default=DemandSource.VISIT
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = ScopedQuerySet.as_manager()
    # Published demands, and those still in talks after publication, are read by every user.
    scope = Scope(
        region="enterprise__township",
        enterprise="enterprise_id",
        public=Q(status__in=PUBLIC_DEMAND_STATUSES),
    )
    workflow = DEMAND_WORKFLOW

    class Meta:
        verbose_name = "技术需求"
        verbose_name_plural = "技术需求"
        ordering = ["-created_at", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self) -> None:
        if self.node_id and self.chain_id and self.node.chain_id != self.chain_id:
            raise ValidationError({"node": "产业链环节不属于所选产业链"})


class Achievement(models.Model):
    """A research achievement (科技成果) offered by an institution or a firm."""

    code = models.CharField(
        "编号",
        max_length=30,
        unique=True,
        validators=[validate_clean_name],
        error_messages={"unique": "成果编号已存在"},
    )
    title = models.CharField("名称", max_length=120, validators=[validate_clean_name])
    abstract = models.TextField("简介", validators=[validate_clean_text])
    field = models.CharField("技术领域", max_length=12, choices=TechField.choices, blank=True)
    maturity = models.CharField(
        "成熟度", max_length=12, choices=Maturity.choices, default=Maturity.LAB
    )
    trl = models.PositiveSmallIntegerField(
        "技术就绪度（TRL）",
        null=True,
        blank=True,
        validators=[MinValueValidator(1, "TRL 为 1–9"), MaxValueValidator(9, "TRL 为 1–9")],
    )
    patents = models.CharField("相关专利", max_length=300, blank=True)
    owner_institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name="完成单位（院所）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="achievements",
    )
    owner_enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="完成单位（企业）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="achievements",
    )
    # The bureau region that keeps the record (partner universities sit elsewhere).
    region = models.ForeignKey(
        "core.Region",
        verbose_name="登记区域",
        on_delete=models.PROTECT,
        related_name="achievements",
    )
    chain = models.ForeignKey(
        IndustryChain,
        verbose_name="产业链",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="achievements",
    )
    node = models.ForeignKey(
        ChainNode,
        verbose_name="产业链环节",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="achievements",
    )
    contact_person = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    transfer_mode = models.CharField(
        "转化方式", max_length=10, choices=TransferMode.choices, default=TransferMode.TRANSFER
    )
    published = models.BooleanField(
        "已发布",
        default=True,
        help_text="已发布的成果对平台全部用户可见；未发布的仅完成单位和科技局可见",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = ScopedQuerySet.as_manager()
    scope = Scope(
        region="region",
        enterprise="owner_enterprise_id",
        institution="owner_institution_id",
        public=Q(published=True),
    )

    class Meta:
        verbose_name = "科技成果"
        verbose_name_plural = "科技成果"
        ordering = ["-created_at", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self) -> None:
        if (self.owner_institution_id is None) == (self.owner_enterprise_id is None):
            raise ValidationError("完成单位须为一个院所或一家企业")

    @property
    def owner(self):
        return self.owner_institution or self.owner_enterprise


class Match(models.Model):
    """An accepted demand–achievement suggestion, carried along the pipeline."""

    demand = models.ForeignKey(
        Demand, verbose_name="需求", on_delete=models.CASCADE, related_name="matches"
    )
    achievement = models.ForeignKey(
        Achievement, verbose_name="成果", on_delete=models.CASCADE, related_name="matches"
    )
    status = models.CharField(
        "状态", max_length=12, choices=MatchStatus.choices, default=MatchStatus.RECOMMENDED
    )
    score = models.DecimalField("匹配得分", max_digits=8, decimal_places=3, default=0)
    terms = models.JSONField("匹配词", default=list, blank=True)
    reasons = models.JSONField("推荐理由", default=list, blank=True)
    recommended_on = models.DateField("推荐日期")
    contacted_on = models.DateField("对接日期", null=True, blank=True)
    negotiating_on = models.DateField("洽谈日期", null=True, blank=True)
    closed_on = models.DateField("签约或终止日期", null=True, blank=True)
    note = models.TextField("备注", blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="采纳人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="demand__enterprise__township", enterprise="demand__enterprise_id")
    workflow = MATCH_WORKFLOW

    class Meta:
        verbose_name = "匹配对接"
        verbose_name_plural = "匹配对接"
        ordering = ["-recommended_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["demand", "achievement"],
                name="match_unique",
                violation_error_message="该需求与该成果已在对接中",
            )
        ]

    def __str__(self) -> str:
        return f"{self.demand.code} ↔ {self.achievement.code}"


class MatchFeedback(models.Model):
    """A suggestion staff turned down, with the reason; it lowers later rankings."""

    demand = models.ForeignKey(
        Demand, verbose_name="需求", on_delete=models.CASCADE, related_name="feedback"
    )
    achievement = models.ForeignKey(
        Achievement, verbose_name="成果", on_delete=models.CASCADE, related_name="feedback"
    )
    reason = models.CharField("原因", max_length=16, choices=RejectReason.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="反馈人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="demand__enterprise__township", enterprise="demand__enterprise_id")

    class Meta:
        verbose_name = "匹配反馈"
        verbose_name_plural = "匹配反馈"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["demand", "achievement"],
                name="feedback_unique",
                violation_error_message="已对该推荐给出反馈",
            )
        ]

    def __str__(self) -> str:
        return f"{self.demand.code} ✕ {self.achievement.code}"


class MatchmakingEvent(models.Model):
    """A 院企对接 event and what came out of it."""

    title = models.CharField("名称", max_length=120, validators=[validate_clean_name])
    held_on = models.DateField("日期")
    place = models.CharField("地点", max_length=120)
    organisers = models.CharField("主办单位", max_length=200, blank=True)
    region = models.ForeignKey(
        "core.Region",
        verbose_name="区域",
        on_delete=models.PROTECT,
        related_name="matchmaking_events",
    )
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise",
        verbose_name="参会企业",
        blank=True,
        related_name="matchmaking_events",
    )
    institutions = models.ManyToManyField(
        "institutions.Institution",
        verbose_name="参会院所",
        blank=True,
        related_name="matchmaking_events",
    )
    demands = models.ManyToManyField(
        Demand, verbose_name="对接需求", blank=True, related_name="events"
    )
    matches = models.ManyToManyField(
        Match, verbose_name="促成对接", blank=True, related_name="events"
    )
    note = models.TextField("纪要", blank=True)

    history = HistoricalRecords(m2m_fields=[enterprises, institutions, demands, matches])
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region")

    class Meta:
        verbose_name = "院企对接活动"
        verbose_name_plural = "院企对接活动"
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class TechContract(models.Model):
    """A registered technology contract (技术合同); turnover counts into 技术市场交易额."""

    number = models.CharField(
        "登记编号",
        max_length=40,
        unique=True,
        validators=[validate_clean_name],
        error_messages={"unique": "合同登记编号已存在"},
    )
    title = models.CharField("合同名称", max_length=160, validators=[validate_clean_name])
    kind = models.CharField("类型", max_length=12, choices=ContractType.choices)
    buyer_name = models.CharField("买方", max_length=100, validators=[validate_clean_name])
    buyer_enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="买方企业",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contracts_bought",
    )
    seller_name = models.CharField("卖方", max_length=100, validators=[validate_clean_name])
    seller_institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name="卖方院所",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contracts_sold",
    )
    seller_enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="卖方企业",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contracts_sold",
    )
    amount = models.DecimalField(
        "合同金额（元）",
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(0, "金额不能为负数")],
    )
    turnover = models.DecimalField(
        "技术交易额（元）",
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(0, "技术交易额不能为负数")],
        help_text="合同金额减去设备、材料等非技术性费用",
    )
    registered_on = models.DateField("登记日期")
    direction = models.CharField("方向", max_length=12, choices=ContractDirection.choices)
    region = models.ForeignKey(
        "core.Region",
        verbose_name="计入区域",
        on_delete=models.PROTECT,
        related_name="tech_contracts",
    )
    demand = models.ForeignKey(
        Demand,
        verbose_name="来源需求",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contracts",
    )
    achievement = models.ForeignKey(
        Achievement,
        verbose_name="来源成果",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contracts",
    )
    match = models.ForeignKey(
        Match,
        verbose_name="来源对接",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contracts",
    )
    event = models.ForeignKey(
        MatchmakingEvent,
        verbose_name="来源活动",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contracts",
    )

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region")

    class Meta:
        verbose_name = "技术合同"
        verbose_name_plural = "技术合同"
        ordering = ["-registered_on", "number"]
        indexes = [models.Index(fields=["region", "registered_on"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def clean(self) -> None:
        if self.amount is not None and self.turnover is not None and self.turnover > self.amount:
            raise ValidationError({"turnover": "技术交易额不能超过合同金额"})
